//! Stopping the server closes every WebSocket with 1001 and lets the process exit.

use crate::common::process::NatterProcess;
use crate::common::{Client, PATIENCE, TestServer};
use futures_util::StreamExt;
use nix::sys::signal::Signal;
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn graceful_shutdown_sends_1001_to_every_client() {
    let server = TestServer::start().await;
    let mut ada = Client::connect_as(&server, "ada").await;
    let mut bob = Client::connect_as(&server, "bob").await;
    let url = server.ws_url("");
    let stopping = tokio::spawn(server.stop());
    assert_eq!(ada.expect_close().await, 1001);
    assert_eq!(bob.expect_close().await, 1001);
    tokio::time::timeout(PATIENCE, stopping)
        .await
        .unwrap()
        .unwrap();
    assert!(
        connect_async(url).await.is_err(),
        "nothing listens after shutdown"
    );
}

#[tokio::test]
async fn shutdown_finishes_even_when_a_client_never_answers_the_close() {
    let server = TestServer::start().await;
    // This client never reads, so it never answers the server's close frame.
    let _silent = Client::connect(&server).await;
    tokio::time::timeout(PATIENCE, server.stop()).await.unwrap();
}

/// Runs the real `natter` binary, sends it a signal, and checks clients get
/// 1001 and the process exits cleanly.
async fn binary_stops_cleanly_on(signal: Signal) {
    let dir = tempfile::tempdir().unwrap();
    let natter = NatterProcess::start(&dir.path().join("natter.db"), dir.path());
    let (mut ws, _) = connect_async(format!("ws://{}/ws", natter.addr))
        .await
        .unwrap();
    // Read the welcome so the connection is fully set up before the signal.
    ws.next().await.unwrap().unwrap();

    let stopping = tokio::task::spawn_blocking(move || natter.stop_with(signal));
    let close = loop {
        match tokio::time::timeout(PATIENCE, ws.next()).await.unwrap() {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(u16::from(close.unwrap().code), 1001);
    let status = stopping.await.unwrap();
    assert!(status.success(), "{status}");
}

#[tokio::test]
async fn the_binary_stops_cleanly_on_sigterm() {
    binary_stops_cleanly_on(Signal::SIGTERM).await;
}

#[tokio::test]
async fn the_binary_stops_cleanly_on_sigint() {
    binary_stops_cleanly_on(Signal::SIGINT).await;
}
