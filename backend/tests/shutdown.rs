//! Stopping the server closes every WebSocket with 1001 and lets the process exit.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Client, PATIENCE, TestServer};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tokio_tungstenite::connect_async;

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
    let static_dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(["--bind", "127.0.0.1:0", "--static-dir"])
        .arg(static_dir.path())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("natter starts");
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let url = first_line
        .trim()
        .strip_prefix("Natter is running at http://")
        .unwrap_or_else(|| panic!("unexpected first line {first_line:?}"))
        .trim_end_matches('/')
        .to_owned();
    let (mut ws, _) = connect_async(format!("ws://{url}/ws")).await.unwrap();
    let mut client_frames = Vec::new();
    use futures_util::StreamExt;
    // Read the welcome so the connection is fully set up before the signal.
    client_frames.push(ws.next().await.unwrap().unwrap());

    kill(Pid::from_raw(i32::try_from(child.id()).unwrap()), signal).unwrap();
    let close = loop {
        match tokio::time::timeout(PATIENCE, ws.next()).await.unwrap() {
            Some(Ok(tokio_tungstenite::tungstenite::Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(u16::from(close.unwrap().code), 1001);
    let status = tokio::task::spawn_blocking(move || {
        for _ in 0..200 {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        panic!("natter did not exit within 20 s of {signal}");
    })
    .await
    .unwrap();
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
