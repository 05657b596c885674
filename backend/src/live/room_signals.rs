//! A connection's ephemeral events: one signal ring per room it is in,
//! and the fresh state of a room whenever it starts receiving one (or fell
//! behind in it). Only connections that asked for presence have these.
//!
//! The writer takes from here only when no stored message is ready, so
//! ephemeral traffic never delays or reorders messages; a connection that
//! falls behind a signal ring loses the stale events and gets the room's
//! state afresh instead.

use std::sync::Arc;

use axum::extract::ws::Utf8Bytes;
use futures_util::future::select_all;
use natter_shared::ServerFrame;

use crate::delivery::feed::{Feed, Next};
use crate::delivery::hub::{Hub, Signal};
use crate::live::presence::Presence;
use crate::store::AuthorId;

/// The signal rings of a connection's rooms.
pub(crate) struct RoomSignals {
    hub: Arc<Hub>,
    presence: Arc<Presence>,
    /// Signals that skip this author are not for this connection.
    reader: AuthorId,
    feeds: Vec<(String, Feed<Signal>)>,
    /// Rooms whose state is to be sent before their next event.
    fresh: Vec<String>,
}

impl RoomSignals {
    /// Subscribes to `rooms`' signals; each one's state goes out first.
    pub(crate) fn new(
        hub: Arc<Hub>,
        presence: Arc<Presence>,
        reader: AuthorId,
        rooms: &[String],
    ) -> Self {
        let mut signals = RoomSignals {
            hub,
            presence,
            reader,
            feeds: Vec::new(),
            fresh: Vec::new(),
        };
        for room in rooms {
            signals.add(room);
        }
        signals
    }

    /// Starts receiving `room`'s signals (if not already), its state first.
    pub(crate) fn add(&mut self, room: &str) {
        if self.feeds.iter().any(|(known, _)| known == room) {
            return;
        }
        // Subscribed before the state is read: whatever changes after the
        // read is in the ring.
        self.feeds
            .push((room.to_owned(), self.hub.subscribe_signals(room)));
        self.fresh.push(room.to_owned());
    }

    /// Stops receiving `room`'s signals.
    pub(crate) fn remove(&mut self, room: &str) {
        self.feeds.retain(|(known, _)| known != room);
        self.fresh.retain(|known| known != room);
        self.hub.release_room(room);
    }

    /// The next frame if one is ready now.
    pub(crate) fn try_next(&mut self) -> Option<Utf8Bytes> {
        let mut index = 0;
        loop {
            if let Some(room) = self.fresh.pop() {
                return Some(self.state_of(&room));
            }
            let (_, feed) = self.feeds.get_mut(index)?;
            match feed.try_next() {
                None => index += 1,
                // A closed feed is removed, and `index` names the next one.
                Some(next) => {
                    if let Some(frame) = self.take(index, next) {
                        return Some(frame);
                    }
                }
            }
        }
    }

    /// Waits for the next frame. Cancel-safe.
    pub(crate) async fn next(&mut self) -> Utf8Bytes {
        loop {
            if let Some(room) = self.fresh.pop() {
                return self.state_of(&room);
            }
            if self.feeds.is_empty() {
                return std::future::pending().await;
            }
            let (next, index, _) =
                select_all(self.feeds.iter_mut().map(|(_, feed)| Box::pin(feed.next()))).await;
            if let Some(frame) = self.take(index, next) {
                return frame;
            }
        }
    }

    /// What an item of feed `index` sends, if anything.
    fn take(&mut self, index: usize, next: Next<Signal>) -> Option<Utf8Bytes> {
        match next {
            Next::Item(signal) if signal.skip == Some(self.reader) => None,
            Next::Item(signal) => Some(signal.frame),
            // Stale events are gone: the room's state replaces them.
            Next::Missed => {
                let room = self.feeds[index].0.clone();
                if !self.fresh.contains(&room) {
                    self.fresh.push(room);
                }
                None
            }
            Next::Closed => {
                self.feeds.remove(index);
                None
            }
        }
    }

    fn state_of(&self, room: &str) -> Utf8Bytes {
        let state = natter_shared::Presence {
            room: room.to_owned(),
            online: self.presence.online(room),
        };
        Utf8Bytes::from(ServerFrame::Presence(state).to_json())
    }
}

impl Drop for RoomSignals {
    fn drop(&mut self) {
        let rooms: Vec<String> = self.feeds.drain(..).map(|(room, _)| room).collect();
        for room in rooms {
            self.hub.release_room(&room);
        }
    }
}
