//! A flood costs only the flooder: refusals with a retry time, then 1008;
//! nothing over the limit is stored, and others keep chatting.

use std::time::Instant;

use crate::common::{Client, TestServer};
use futures_util::SinkExt;
use natter_shared::{ErrorCode, ServerFrame};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn a_flood_of_10000_frames_is_refused_then_cut_off_with_1008() {
    let server =
        TestServer::start_with(&["--rate-limit-per-second", "5", "--rate-limit-burst", "20"]).await;
    let mut flooder = Client::connect_as(&server, "flooder").await;
    let mut bystander = Client::connect_as(&server, "bystander").await;

    let started = Instant::now();
    for n in 0..10_000 {
        let frame =
            format!(r#"{{"type":"message","params":{{"value":"flood {n}","nonce":"f{n}"}}}}"#);
        // The server may close the connection part way; the rest just fails.
        if flooder.ws.feed(Message::text(frame)).await.is_err() {
            break;
        }
    }
    let _ = flooder.ws.flush().await;

    let mut acked = 0;
    let mut refusals = 0;
    let close = loop {
        use futures_util::StreamExt;
        match tokio::time::timeout(crate::common::PATIENCE, flooder.ws.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Text(text))) => {
                match serde_json::from_str::<ServerFrame>(&text).unwrap() {
                    ServerFrame::Ack(_) => acked += 1,
                    ServerFrame::Message(_) => {}
                    ServerFrame::Error(error) => {
                        assert_eq!(error.code, ErrorCode::RateLimited, "{error:?}");
                        assert!(error.retry_after_ms.is_some_and(|ms| ms > 0));
                        assert!(error.nonce.is_some(), "the refusal names the message");
                        refusals += 1;
                    }
                    other => panic!("unexpected {other:?}"),
                }
            }
            Some(Ok(Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(close, Some(1008));
    assert!(refusals >= 1);
    // The burst, plus what the rate refilled while the flood lasted.
    let refilled = 5 * (started.elapsed().as_secs() as usize + 1);
    assert!(acked <= 20 + refilled, "{acked} messages got through");

    // The bystander saw exactly the accepted messages, and chats on.
    bystander.publish("unbothered", None).await;
    let mut from_flooder = 0;
    loop {
        let message = bystander.next_message().await;
        if message.value == "unbothered" {
            break;
        }
        assert_eq!(message.author, "flooder");
        from_flooder += 1;
    }
    assert_eq!(
        from_flooder, acked,
        "only acknowledged messages were stored and sent"
    );
}

/// A WebSocket to `server` from the loopback address `local` (the server
/// budgets frames by address).
async fn connect_from(server: &TestServer, local: [u8; 4]) -> Client {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(std::net::SocketAddr::from((local, 0))).unwrap();
    let stream = socket
        .connect(crate::common::raw::addr(server))
        .await
        .unwrap();
    Client::over(stream, &server.ws_url("")).await
}

#[tokio::test]
async fn many_connections_from_one_address_share_its_frame_budget() {
    let server = TestServer::start_with(&[
        "--address-rate-limit-per-second",
        "1",
        "--address-rate-limit-burst",
        "6",
    ])
    .await;
    // Five connections from one address, each well within its own budget.
    let mut crowd = Vec::new();
    for _ in 0..5 {
        crowd.push(connect_from(&server, [127, 0, 0, 1]).await);
    }
    let mut elsewhere = connect_from(&server, [127, 0, 0, 2]).await;
    let mut acked = 0;
    let mut refused = 0;
    for (n, client) in crowd.iter_mut().enumerate() {
        for m in 0..2 {
            client
                .publish("from the crowd", Some(&format!("c-{n}-{m}")))
                .await;
        }
    }
    for client in &mut crowd {
        for _ in 0..2 {
            loop {
                match client.next_frame().await {
                    ServerFrame::Ack(_) => {
                        acked += 1;
                        break;
                    }
                    ServerFrame::Error(error) => {
                        assert_eq!(error.code, ErrorCode::RateLimited);
                        assert!(error.retry_after_ms.is_some());
                        refused += 1;
                        break;
                    }
                    _ => {}
                }
            }
        }
    }
    // The address's burst of six, give or take one refilled meanwhile.
    assert!((6..=7).contains(&acked), "{acked} acked, {refused} refused");
    assert_eq!(acked + refused, 10);
    // Another address is untouched, and nobody was cut off.
    elsewhere.publish("from elsewhere", Some("e-1")).await;
    assert_eq!(elsewhere.next_ack().await.nonce, "e-1");
}
