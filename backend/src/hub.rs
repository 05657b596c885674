//! The hub: where accepted messages get their id and fan out to every connection.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::ws::Utf8Bytes;
use natter_shared::{ChatMessage, ServerFrame};
use tokio::sync::broadcast;

use crate::clock::now_ms;

/// Identifies one WebSocket connection for the life of the process.
pub type ConnectionId = u64;

/// One accepted message, serialized once and shared by every receiver.
///
/// Cloning copies two reference-counted byte handles, never the JSON itself.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The connection that sent the message; it gets `own_copy` instead.
    pub origin: ConnectionId,
    /// The frame everyone else receives.
    pub frame: Utf8Bytes,
    /// The sender's copy, which also carries its nonce. `None` when the sender
    /// gave no nonce, in which case it receives `frame` like everyone else.
    pub own_copy: Option<Utf8Bytes>,
}

impl Delivery {
    /// The bytes connection `receiver` should be sent.
    pub fn frame_for(&self, receiver: ConnectionId) -> &Utf8Bytes {
        match &self.own_copy {
            Some(own) if receiver == self.origin => own,
            _ => &self.frame,
        }
    }
}

/// Assigns message ids and fans messages out to every subscribed connection.
pub struct Hub {
    /// Fan-out to connections. A bounded ring: a connection that falls more than
    /// its capacity behind skips ahead and is told, instead of holding memory
    /// (or everyone else) hostage.
    sender: broadcast::Sender<Delivery>,
    /// The next message id. Held while a message is numbered and queued, so ids
    /// reach every connection in increasing order; never held across an await.
    next_message_id: Mutex<u64>,
    /// The next connection id.
    next_connection_id: AtomicU64,
}

impl Hub {
    /// A hub whose slowest connection may fall `buffer` messages behind.
    pub fn new(buffer: usize) -> Self {
        let (sender, _) = broadcast::channel(buffer);
        Hub {
            sender,
            next_message_id: Mutex::new(1),
            next_connection_id: AtomicU64::new(1),
        }
    }

    /// A fresh id for a new connection.
    pub fn next_connection_id(&self) -> ConnectionId {
        self.next_connection_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Starts receiving every message published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Delivery> {
        self.sender.subscribe()
    }

    /// Numbers an accepted message and sends it to every subscriber. Returns its id.
    ///
    /// `value` and `author` must already be validated.
    pub fn publish(
        &self,
        origin: ConnectionId,
        author: &str,
        value: &str,
        nonce: Option<String>,
    ) -> u64 {
        // A poisoned lock only means another publisher panicked mid-publish; the
        // counter itself is always a valid next id, so keep going.
        let mut next_id = self
            .next_message_id
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let id = *next_id;
        *next_id += 1;
        let mut message = ChatMessage {
            id,
            value: value.to_owned(),
            author: author.to_owned(),
            timestamp: now_ms(),
            nonce: None,
        };
        let frame = Utf8Bytes::from(ServerFrame::Message(message.clone()).to_json());
        let own_copy = nonce.map(|nonce| {
            message.nonce = Some(nonce);
            Utf8Bytes::from(ServerFrame::Message(message).to_json())
        });
        // Sending fails only when nobody is subscribed, and then nobody is missing it.
        let _ = self.sender.send(Delivery {
            origin,
            frame,
            own_copy,
        });
        id
    }
}
