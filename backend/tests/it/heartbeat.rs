//! Heartbeats: the server pings, a live client stays, a silent one is closed.

use std::time::Duration;

use crate::common::{Client, TestServer};
use futures_util::StreamExt;
use natter_shared::{NoParams, ServerFrame};
use tokio_tungstenite::tungstenite::Message;

const FAST_HEARTBEAT: &[&str] = &["--ping-interval", "100ms", "--idle-timeout", "500ms"];

#[tokio::test]
async fn a_client_that_answers_pings_stays_connected() {
    let server = TestServer::start_with(FAST_HEARTBEAT).await;
    let mut client = Client::connect(&server).await;
    // Reading is what makes the client answer pings; keep reading for three
    // idle timeouts.
    let mut pings = 0;
    let until = tokio::time::Instant::now() + Duration::from_millis(1_500);
    while let Ok(Some(Ok(message))) = tokio::time::timeout_at(until, client.ws.next()).await {
        match message {
            Message::Ping(_) => pings += 1,
            Message::Close(frame) => panic!("closed: {frame:?}"),
            _ => {}
        }
    }
    assert!(pings >= 3, "only {pings} pings");
    client.publish("still here", None).await;
    assert_eq!(client.next_message().await.value, "still here");
}

#[tokio::test]
async fn a_silent_client_is_closed_after_the_idle_timeout() {
    let server = TestServer::start_with(FAST_HEARTBEAT).await;
    let bystander = Client::connect(&server).await;
    let mut silent = Client::connect(&server).await;
    // The bystander keeps reading (so it answers pings) while the other
    // client reads nothing: silence, as from a dead peer.
    let reading = tokio::spawn(async move {
        let mut bystander = bystander;
        let until = tokio::time::Instant::now() + Duration::from_millis(1_500);
        while let Ok(Some(Ok(message))) = tokio::time::timeout_at(until, bystander.ws.next()).await
        {
            assert!(
                !matches!(message, Message::Close(_)),
                "the bystander was closed"
            );
        }
        bystander
    });
    let mut bystander = reading.await.unwrap();
    assert_eq!(silent.expect_close().await, 1001);
    bystander.publish("alive", None).await;
    assert_eq!(bystander.next_message().await.value, "alive");
}

#[tokio::test]
async fn an_application_ping_gets_a_pong_in_every_spelling() {
    let server = TestServer::start().await;
    let mut client = Client::connect(&server).await;
    // The documented shape, with empty params, and the short form without.
    for ping in [
        r#"{"type":"ping","params":{}}"#,
        r#"{"type":"ping"}"#,
        r#"{"type":"ping","params":null}"#,
    ] {
        client.send_text(ping).await;
        assert_eq!(
            client.next_frame().await,
            ServerFrame::Pong(NoParams {}),
            "{ping}"
        );
    }
}
