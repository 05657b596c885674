//! The hub: fans committed messages out to every connection, serialized once.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::ws::Utf8Bytes;
use natter_shared::{ChatMessage, ServerFrame};
use tokio::sync::broadcast;

use crate::store::{AuthorId, Committed, StoredMessage};

/// Identifies one WebSocket connection for the life of the process.
pub type ConnectionId = u64;

/// One committed message, serialized once and shared by every receiver.
///
/// Cloning copies two reference-counted byte handles, never the JSON itself.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The message id, so a connection can skip what it already sent.
    pub id: u64,
    /// Who wrote it; every connection of theirs gets `own_copy` instead.
    pub author_id: AuthorId,
    /// The frame everyone else receives.
    pub frame: Utf8Bytes,
    /// The sender's copy, which also carries its nonce. `None` when the sender
    /// gave no nonce, in which case it receives `frame` like everyone else.
    pub own_copy: Option<Utf8Bytes>,
}

impl Delivery {
    /// The bytes a connection of `reader` should be sent.
    pub fn frame_for(&self, reader: AuthorId) -> &Utf8Bytes {
        match &self.own_copy {
            Some(own) if reader == self.author_id => own,
            _ => &self.frame,
        }
    }
}

/// A message as a given reader may see it: the nonce is the author's business,
/// so it stays only on copies for the author's own connections (any tab or
/// device of the account, or the same guest).
pub fn as_seen_by(stored: StoredMessage, reader: AuthorId) -> ChatMessage {
    let StoredMessage {
        mut message,
        author_id,
    } = stored;
    if author_id != Some(reader) {
        message.nonce = None;
    }
    message
}

/// Fans committed messages out to every subscribed connection.
pub struct Hub {
    /// Fan-out to connections. A bounded ring: a connection that falls more
    /// than its capacity behind is caught up from the store instead of holding
    /// memory (or everyone else) hostage.
    sender: broadcast::Sender<Delivery>,
    /// The newest message id committed and handed to the ring (or found in
    /// the store at start). Read right after subscribing, it splits history
    /// exactly: every id up to it is in the store, every later one comes
    /// through the new receiver.
    newest: AtomicU64,
    /// The next connection id.
    next_connection_id: AtomicU64,
}

impl Hub {
    /// A hub whose slowest connection may fall `buffer` messages behind live.
    pub fn new(buffer: usize) -> Self {
        let (sender, _) = broadcast::channel(buffer);
        Hub {
            sender,
            newest: AtomicU64::new(0),
            next_connection_id: AtomicU64::new(1),
        }
    }

    /// Records that every id up to `id` is committed: at start, the newest id
    /// the store already holds.
    pub fn committed_up_to(&self, id: u64) {
        self.newest.fetch_max(id, Ordering::SeqCst);
    }

    /// A fresh id for a new connection.
    pub fn next_connection_id(&self) -> ConnectionId {
        self.next_connection_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Starts receiving every message committed from now on. Also returns the
    /// newest id committed before: everything above it arrives through the
    /// receiver, everything up to it is in the store.
    ///
    /// Why that holds: `broadcast` raises `newest` before it sends, and a send
    /// and a subscribe are ordered by the ring's lock. A message sent before
    /// this subscribe has therefore already raised `newest`; one sent after it
    /// reaches the receiver.
    pub fn subscribe(&self) -> (broadcast::Receiver<Delivery>, u64) {
        let receiver = self.sender.subscribe();
        (receiver, self.newest.load(Ordering::SeqCst))
    }

    /// Sends committed messages to every subscriber, in the order given.
    /// The store calls this once per transaction, in id order.
    pub fn broadcast(&self, committed: &[Committed]) {
        for Committed { message, author_id } in committed {
            let own_copy = message
                .nonce
                .as_ref()
                .map(|_| Utf8Bytes::from(ServerFrame::Message(message.clone()).to_json()));
            let public = ChatMessage {
                nonce: None,
                ..message.clone()
            };
            self.committed_up_to(message.id);
            // Sending fails only when nobody is subscribed, and then nobody misses it.
            let _ = self.sender.send(Delivery {
                id: message.id,
                author_id: *author_id,
                frame: ServerFrame::Message(public).to_json().into(),
                own_copy,
            });
        }
    }
}
