//! The presence seam: [`Roster`], who is online in each room as the engine
//! keeps it, and [`LocalRoster`], the one-process engine. [`Presence`]
//! (crate::live::presence::Presence) counts this process's connections and
//! tells the roster only when a person arrives in a room here or is gone
//! from it here; the roster decides who is online overall and publishes
//! every change as a signal, in the order it made them.
//!
//! With several processes, [`crate::cluster::redis_roster`] keeps the
//! roster in Redis, with an expiry, so a process that dies takes its people
//! offline without having to say so.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;

use axum::extract::ws::Utf8Bytes;
use natter_shared::{PresenceChange, ServerFrame};

use crate::delivery::FanOut;
use crate::delivery::hub::Signal;
use crate::store::accounts::UserId;

/// Who is online where.
///
/// Contract: for one room and user, `add` and `remove` come in the order
/// this process saw them happen, `add` only when the user had no
/// connection in the room here and `remove` only when their last one is
/// gone. Every change of who is online is sent to the room as a signal
/// (`online` or `offline`, or the room's whole state) in the order the
/// changes were made, and [`Roster::online`] reflects every change already
/// signalled: so a connection that subscribes to a room's signals and then
/// reads `online` ends, applying what follows, at the true state.
pub(crate) trait Roster: Send + Sync {
    /// `user`, shown as `name`, has a connection in `room` on this process.
    fn add(&self, room: &str, user: UserId, name: &str);
    /// `user` has no connection in `room` on this process any more.
    fn remove(&self, room: &str, user: UserId, name: &str);
    /// The names of everyone online in `room`, sorted.
    fn online(&self, room: &str) -> Vec<String>;
}

/// Sorts names as the room's presence shows them.
pub(crate) fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort_unstable_by_key(|name| name.to_lowercase());
    names
}

/// The frame a change of presence is sent as.
pub(crate) fn change_frame(room: &str, name: &str, online: bool) -> Utf8Bytes {
    let change = PresenceChange {
        room: room.to_owned(),
        name: name.to_owned(),
    };
    let frame = if online {
        ServerFrame::Online(change)
    } else {
        ServerFrame::Offline(change)
    };
    Utf8Bytes::from(frame.to_json())
}

/// One process: the people this process has, and nobody else.
pub(crate) struct LocalRoster {
    rooms: Mutex<HashMap<String, HashMap<UserId, String>>>,
    fan_out: Arc<dyn FanOut>,
}

impl LocalRoster {
    /// A roster publishing its changes through `fan_out`.
    pub(crate) fn new(fan_out: Arc<dyn FanOut>) -> Self {
        LocalRoster {
            rooms: Mutex::new(HashMap::new()),
            fan_out,
        }
    }

    fn lock(&self) -> parking_lot::MutexGuard<'_, HashMap<String, HashMap<UserId, String>>> {
        self.rooms.lock()
    }

    /// Publishes a change; called with the lock held, so changes reach the
    /// rings in the order they were made.
    fn publish(&self, room: &str, name: &str, online: bool) {
        self.fan_out.signal(
            room,
            Signal {
                frame: change_frame(room, name, online),
                skip: None,
            },
        );
    }
}

impl Roster for LocalRoster {
    fn add(&self, room: &str, user: UserId, name: &str) {
        let mut rooms = self.lock();
        let here = rooms.entry(room.to_owned()).or_default();
        if here.insert(user, name.to_owned()).is_none() {
            self.publish(room, name, true);
        }
    }

    fn remove(&self, room: &str, user: UserId, _name: &str) {
        let mut rooms = self.lock();
        let Some(here) = rooms.get_mut(room) else {
            return;
        };
        if let Some(name) = here.remove(&user) {
            self.publish(room, &name, false);
        }
        if here.is_empty() {
            rooms.remove(room);
        }
    }

    fn online(&self, room: &str) -> Vec<String> {
        let rooms = self.lock();
        sorted(
            rooms
                .get(room)
                .map(|here| here.values().cloned().collect())
                .unwrap_or_default(),
        )
    }
}
