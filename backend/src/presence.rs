//! Who is online in each room: accounts with at least one live connection
//! that is in the room. Several tabs and devices of an account are one
//! person, who goes offline only when the last one ends, and only after a
//! grace period (a reload, a dropped Wi-Fi reconnecting) unless the
//! connection was found dead or the account left the room.
//!
//! Every change is published, while the registry's lock is held, as a
//! [`Signal`] through the [`FanOut`]; a connection subscribes to its room's
//! signals before it reads [`Presence::online`], so the snapshot and the
//! changes after it, applied in order, always end at the true state.
//!
//! This registry is this process's. With several processes, presence
//! moves to the shared engine behind the same calls.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use natter_shared::{PresenceChange, ServerFrame};

use crate::fan_out::FanOut;
use crate::hub::Signal;
use crate::store::accounts::UserId;

/// One account in one room.
struct Here {
    name: String,
    /// Live connections; 0 while in the grace period.
    connections: usize,
    /// Bumped whenever the count drops to 0, so a grace timer that lost the
    /// race to a reconnect does nothing.
    generation: u64,
}

/// How a connection ends, for presence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Departure {
    /// It may come back at once (a close, a reload): wait the grace period.
    MayReturn,
    /// It will not (it stopped answering, or the account left the room).
    Final,
}

/// Who is online where, in this process.
pub struct Presence {
    rooms: Mutex<HashMap<String, HashMap<UserId, Here>>>,
    fan_out: Arc<dyn FanOut>,
    grace: Duration,
}

impl Presence {
    /// A registry publishing through `fan_out`, keeping a person online
    /// `grace` after their last connection closes.
    pub fn new(fan_out: Arc<dyn FanOut>, grace: Duration) -> Self {
        Presence {
            rooms: Mutex::new(HashMap::new()),
            fan_out,
            grace,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, HashMap<UserId, Here>>> {
        self.rooms.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The names of everyone online in `room`, sorted.
    pub fn online(&self, room: &str) -> Vec<String> {
        let rooms = self.lock();
        let mut names: Vec<String> = rooms
            .get(room)
            .map(|here| here.values().map(|here| here.name.clone()).collect())
            .unwrap_or_default();
        names.sort_unstable_by_key(|name| name.to_lowercase());
        names
    }

    /// A connection of `user` (shown as `name`) is in `room` now.
    pub fn arrive(&self, room: &str, user: UserId, name: &str) {
        let mut rooms = self.lock();
        let here = rooms.entry(room.to_owned()).or_default();
        match here.get_mut(&user) {
            // Another tab, or back within the grace period: no change.
            Some(here) => here.connections += 1,
            None => {
                here.insert(
                    user,
                    Here {
                        name: name.to_owned(),
                        connections: 1,
                        generation: 0,
                    },
                );
                self.publish(ServerFrame::Online, room, name);
            }
        }
    }

    /// A connection of `user` is no longer in `room`.
    pub fn depart(self: &Arc<Self>, room: &str, user: UserId, how: Departure) {
        let generation = {
            let mut rooms = self.lock();
            let Some(here) = rooms.get_mut(room).and_then(|here| here.get_mut(&user)) else {
                return;
            };
            here.connections = here.connections.saturating_sub(1);
            if here.connections > 0 {
                return;
            }
            here.generation += 1;
            if how == Departure::Final || self.grace.is_zero() {
                self.remove(&mut rooms, room, user);
                return;
            }
            here.generation
        };
        let presence = Arc::clone(self);
        let room = room.to_owned();
        tokio::spawn(async move {
            tokio::time::sleep(presence.grace).await;
            let mut rooms = presence.lock();
            let still_gone = rooms
                .get(&room)
                .and_then(|here| here.get(&user))
                .is_some_and(|here| here.connections == 0 && here.generation == generation);
            if still_gone {
                presence.remove(&mut rooms, &room, user);
            }
        });
    }

    /// Takes `user` out of `room` and says so; the lock is held.
    fn remove(&self, rooms: &mut HashMap<String, HashMap<UserId, Here>>, room: &str, user: UserId) {
        let Some(here) = rooms.get_mut(room) else {
            return;
        };
        if let Some(gone) = here.remove(&user) {
            self.publish(ServerFrame::Offline, room, &gone.name);
        }
        if here.is_empty() {
            rooms.remove(room);
        }
    }

    /// Publishes a change; called with the lock held, so changes reach the
    /// rings in the order they were made.
    fn publish(&self, frame: fn(PresenceChange) -> ServerFrame, room: &str, name: &str) {
        let change = frame(PresenceChange {
            room: room.to_owned(),
            name: name.to_owned(),
        });
        self.fan_out.signal(
            room,
            Signal {
                frame: Utf8Bytes::from(change.to_json()),
                skip: None,
            },
        );
    }
}
