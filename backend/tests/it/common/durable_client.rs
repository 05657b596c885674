//! A client that keeps what it sent until the server acknowledges it and
//! resends it after reconnecting, as the web client does.

use futures_util::{SinkExt, StreamExt};
use natter_shared::ServerFrame;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use super::PATIENCE;

/// A chat client with an outbox and a resume cursor.
pub struct DurableClient {
    /// Its display name, also the prefix of its nonces.
    pub name: String,
    /// The open connection, if any.
    ws: Option<WebSocketStream<MaybeTlsStream<TcpStream>>>,
    /// Sent but not yet acknowledged: (nonce, text), oldest first.
    pub outbox: Vec<(String, String)>,
    /// Every message id received, in order.
    pub seen: Vec<u64>,
    /// How many messages it has written, for fresh nonces.
    written: usize,
    /// Whether a server has welcomed it: from then on it resumes from a
    /// cursor (0 while it has seen nothing), as the web client does.
    welcomed: bool,
    /// The guest token the first welcome handed it, presented on every
    /// reconnect so it stays the same guest (and its retries are known).
    token: Option<String>,
    /// The close code of the last connection the server closed.
    pub last_close: Option<u16>,
}

impl DurableClient {
    /// A disconnected client.
    pub fn new(name: &str) -> Self {
        DurableClient {
            name: name.to_owned(),
            ws: None,
            outbox: Vec::new(),
            seen: Vec::new(),
            written: 0,
            welcomed: false,
            token: None,
            last_close: None,
        }
    }

    /// Connects to `addr`, resuming after the newest id seen, and resends
    /// everything not yet acknowledged.
    pub async fn connect(&mut self, addr: &str) {
        let cursor = self.seen.last().copied().or(self.welcomed.then_some(0));
        let since = cursor.map(|id| format!("&since={id}")).unwrap_or_default();
        let token = self
            .token
            .as_ref()
            .map(|token| format!("&token={token}"))
            .unwrap_or_default();
        let url = format!("ws://{addr}/ws?name={}{since}{token}", self.name);
        let (ws, _) = tokio::time::timeout(PATIENCE, connect_async(url))
            .await
            .expect("connect in time")
            .expect("connect");
        self.ws = Some(ws);
        for (nonce, text) in self.outbox.clone() {
            self.transmit(&nonce, &text).await;
        }
    }

    /// Writes a message: into the outbox, and onto the wire if connected.
    pub async fn send(&mut self, text: &str) {
        self.written += 1;
        let nonce = format!("{}-{}", self.name, self.written);
        self.outbox.push((nonce.clone(), text.to_owned()));
        self.transmit(&nonce, text).await;
    }

    /// Reads until the server has welcomed it.
    pub async fn read_until_welcomed(&mut self) {
        while !self.welcomed {
            assert!(
                self.ws.is_some(),
                "{}: disconnected before a welcome",
                self.name
            );
            self.read_one().await;
        }
    }

    /// Reads until the connection ends (for example the server's 1001).
    pub async fn read_until_disconnected(&mut self) {
        while self.ws.is_some() {
            self.read_one().await;
        }
    }

    /// Reads until `total` messages have been seen and the outbox is empty.
    pub async fn read_until_complete(&mut self, total: usize) {
        while self.seen.len() < total || !self.outbox.is_empty() {
            assert!(
                self.ws.is_some(),
                "{}: disconnected before completing",
                self.name
            );
            self.read_one().await;
        }
    }

    async fn transmit(&mut self, nonce: &str, text: &str) {
        let Some(ws) = self.ws.as_mut() else { return };
        let frame =
            serde_json::json!({"type": "message", "params": {"value": text, "nonce": nonce}});
        if ws.send(Message::text(frame.to_string())).await.is_err() {
            self.ws = None;
        }
    }

    async fn read_one(&mut self) {
        let Some(ws) = self.ws.as_mut() else { return };
        let Ok(next) = tokio::time::timeout(PATIENCE, ws.next()).await else {
            let newest = self.seen.last().copied().unwrap_or(0);
            let missing: Vec<u64> = (1..=newest).filter(|id| !self.seen.contains(id)).collect();
            panic!(
                "{}: no frame in {PATIENCE:?}; seen {} up to id {newest}, missing {missing:?}, unacknowledged {:?}",
                self.name,
                self.seen.len(),
                self.outbox
            );
        };
        let text = match next {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(frame))) => {
                self.last_close = frame.map(|frame| u16::from(frame.code));
                self.ws = None;
                return;
            }
            Some(Err(_)) | None => {
                self.ws = None;
                return;
            }
            Some(Ok(_)) => return,
        };
        match serde_json::from_str::<ServerFrame>(&text).expect("valid frame") {
            ServerFrame::Welcome(welcome) => {
                self.welcomed = true;
                self.token = self.token.take().or(welcome.token);
            }
            ServerFrame::Message(message) => {
                if let Some(&last) = self.seen.last() {
                    assert!(
                        message.id > last,
                        "{}: id {} after {last}",
                        self.name,
                        message.id
                    );
                }
                self.seen.push(message.id);
            }
            ServerFrame::Ack(ack) => self.outbox.retain(|(nonce, _)| *nonce != ack.nonce),
            other => panic!("{}: unexpected {other:?}", self.name),
        }
    }
}
