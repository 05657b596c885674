//! A client that asks for more than it reads, or reads nothing at all,
//! cannot pin the server: its deadlines still hold, shutdown does not wait
//! for it, and the write timeout ends it.

use std::time::Duration;

use crate::common::raw::{
    ask_for_history_unread, fill_history, small_window_websocket, wait_for_live,
};
use crate::common::{Client, PATIENCE, TestServer};
use futures_util::SinkExt;
use tokio_tungstenite::tungstenite::Message;

/// A bystander's round trip, checked while the offender misbehaves.
async fn round_trip(bystander: &mut Client, tag: &str) {
    bystander.publish(tag, None).await;
    assert_eq!(bystander.next_message().await.value, tag);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_asks_for_history_and_never_reads_is_closed_when_idle() {
    let server =
        TestServer::start_with(&["--idle-timeout", "1s", "--ping-interval", "400ms"]).await;
    let mut bystander = fill_history(&server, 250, 2_000).await;
    let mut hog = small_window_websocket(&server).await;
    // Each page is about 1.6 MB; this asks for about 65 MB and reads none.
    ask_for_history_unread(&mut hog, 40, 251).await;
    round_trip(&mut bystander, "meanwhile").await;
    // The bystander would be idle too while this test waits.
    drop(bystander);
    // Silent from here on: the idle timeout must close it, although its
    // writer is stuck on a full socket.
    wait_for_live(&server, 0).await;
    // "meanwhile" was id 251.
    let mut newcomer = Client::connect_with_query(&server, "?since=251").await;
    round_trip(&mut newcomer, "after").await;
    drop(hog);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_does_not_wait_for_a_client_that_reads_nothing() {
    // Frequent pings: a reader that waited for its writer would be stuck
    // queueing one, as on a real server after at most --ping-interval.
    let server = TestServer::start_with(&["--ping-interval", "200ms"]).await;
    let _bystander = fill_history(&server, 250, 2_000).await;
    let mut hog = small_window_websocket(&server).await;
    ask_for_history_unread(&mut hog, 40, 251).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    // Stopping panics if it takes longer than PATIENCE.
    server.stop().await;
    drop(hog);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_reads_nothing_is_cut_off_at_the_write_timeout() {
    let server = TestServer::start_with(&["--write-timeout", "1s"]).await;
    let mut bystander = Client::connect_as(&server, "bystander").await;
    let mut deaf = small_window_websocket(&server).await;
    let body = "m".repeat(1_900);
    let keep_talking = tokio::spawn(async move {
        // Never reads, but keeps sending, so it is never idle.
        for _ in 0..(PATIENCE.as_millis() / 100) {
            let ping = Message::text(r#"{"type":"ping","params":{}}"#);
            if deaf.send(ping).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    // Broadcasts go past it until its socket is full and its writes stall.
    let started = std::time::Instant::now();
    while server.live_connections() > 1 {
        assert!(
            started.elapsed() < PATIENCE,
            "the deaf client was never cut off"
        );
        round_trip(&mut bystander, &body).await;
    }
    round_trip(&mut bystander, "after").await;
    keep_talking.abort();
}
