//! A close frame with a code the protocol forbids is answered with 1002 and
//! logged as the server's close, not as "1002 sent by the client". (Alone in
//! its file: it installs this process's log subscriber.)

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{Client, TestServer};
use futures_util::SinkExt;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// Log lines, shared with the subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn close_code_999_is_answered_with_1002_and_logged_as_the_servers() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();
    let server = TestServer::start().await;
    let mut client = Client::connect(&server).await;
    // A close frame carrying code 999, written by hand: client libraries
    // refuse to build one.
    let frame = Frame::close(Some(CloseFrame {
        code: CloseCode::from(999),
        reason: "bye".into(),
    }));
    client.ws.send(Message::Frame(frame)).await.unwrap();
    assert_eq!(client.expect_close().await, 1002);

    let deadline = std::time::Instant::now() + crate::common::PATIENCE;
    let line = loop {
        let text = logs.text();
        if let Some(line) = text.lines().find(|line| line.contains("connection closed")) {
            break line.to_owned();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no close logged:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(line.contains("code=1002"), "{line}");
    assert!(line.contains("by=\"server\""), "{line}");
    assert!(!line.contains("by=\"client\""), "{line}");
}
