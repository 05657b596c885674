//! What the tests of several processes look at: the Redis state `/readyz`
//! reports, and who a connection was told is online.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use natter_shared::ServerFrame;

use super::{Client, PATIENCE, TestServer};

/// `server`'s `/readyz` body.
pub async fn readiness(server: &TestServer) -> serde_json::Value {
    let response = reqwest::get(server.http_url("/readyz")).await.unwrap();
    serde_json::from_str(&response.text().await.unwrap()).unwrap()
}

/// Waits until `server`'s `/readyz` reports Redis as `wanted` ("ok", or
/// starting with "unavailable").
pub async fn wait_for_redis_state(server: &TestServer, wanted: &str) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while tokio::time::Instant::now() < deadline {
        let body = readiness(server).await;
        if body["redis"]
            .as_str()
            .is_some_and(|state| state.starts_with(wanted))
        {
            assert_eq!(body["database"], "ok");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("Redis never became {wanted}");
}

/// A connection that asked for presence, and who it was told is online
/// in each room so far.
pub struct Watcher {
    pub client: Client,
    pub online: HashMap<String, BTreeSet<String>>,
}

impl Watcher {
    pub fn new(client: Client) -> Self {
        Watcher {
            client,
            online: HashMap::new(),
        }
    }

    /// Reads frames until who is online in `room` is exactly `wanted`.
    /// Returns every name seen going offline there on the way.
    pub async fn wait_for(&mut self, room: &str, wanted: &[&str]) -> Vec<String> {
        let wanted: BTreeSet<String> = wanted.iter().map(|name| (*name).to_owned()).collect();
        let mut went_offline = Vec::new();
        while self.in_room(room) != wanted {
            match self.client.next_frame().await {
                ServerFrame::Presence(state) => {
                    self.online
                        .insert(state.room, state.online.into_iter().collect());
                }
                ServerFrame::Online(change) => {
                    self.online
                        .entry(change.room)
                        .or_default()
                        .insert(change.name);
                }
                ServerFrame::Offline(change) => {
                    if change.room == room {
                        went_offline.push(change.name.clone());
                    }
                    self.online
                        .entry(change.room)
                        .or_default()
                        .remove(&change.name);
                }
                _ => {}
            }
        }
        went_offline
    }

    /// Who it was told is online in `room`.
    pub fn in_room(&self, room: &str) -> BTreeSet<String> {
        self.online.get(room).cloned().unwrap_or_default()
    }

    /// Every presence change waiting now, in any room (a ping's answer
    /// comes after any frame already queued).
    pub async fn changes_waiting(&mut self) -> Vec<ServerFrame> {
        self.client.send_text(r#"{"type":"ping"}"#).await;
        let mut changes = Vec::new();
        loop {
            match self.client.next_frame().await {
                ServerFrame::Pong(_) => return changes,
                frame @ (ServerFrame::Online(_) | ServerFrame::Offline(_)) => changes.push(frame),
                _ => {}
            }
        }
    }
}

/// The next message in `room`, skipping every other frame.
pub async fn next_in(client: &mut Client, room: &str) -> natter_shared::ChatMessage {
    loop {
        if let ServerFrame::Message(message) = client.next_frame().await
            && message.room == room
        {
            return message;
        }
    }
}
