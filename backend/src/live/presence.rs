//! Who is online in each room: accounts with at least one live connection
//! that is in the room. Several tabs and devices of an account are one
//! person, who goes offline only when the last one ends, and only after a
//! grace period (a reload, a dropped Wi-Fi reconnecting) unless the
//! connection was found dead or the account left the room.
//!
//! This counts this process's connections; the [`Roster`] behind it hears
//! only when a person arrives in a room here or is gone from it here, and
//! decides (for one process, or across all of them) who is online. Calls
//! into it are made while this registry's lock is held, so it hears them
//! in the order they happened.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;
use std::time::Duration;

use crate::live::roster::Roster;
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
pub(crate) enum Departure {
    /// It may come back at once (a close, a reload): wait the grace period.
    MayReturn,
    /// It will not (it stopped answering, or the account left the room).
    Final,
}

/// This process's connections per room and person.
pub(crate) struct Presence {
    rooms: Mutex<HashMap<String, HashMap<UserId, Here>>>,
    roster: Arc<dyn Roster>,
    grace: Duration,
}

impl Presence {
    /// A registry telling `roster`, keeping a person online `grace` after
    /// their last connection here closes.
    pub(crate) fn new(roster: Arc<dyn Roster>, grace: Duration) -> Self {
        Presence {
            rooms: Mutex::new(HashMap::new()),
            roster,
            grace,
        }
    }

    fn lock(&self) -> parking_lot::MutexGuard<'_, HashMap<String, HashMap<UserId, Here>>> {
        self.rooms.lock()
    }

    /// The names of everyone online in `room`, sorted.
    pub(crate) fn online(&self, room: &str) -> Vec<String> {
        self.roster.online(room)
    }

    /// A connection of `user` (shown as `name`) is in `room` now.
    pub(crate) fn arrive(&self, room: &str, user: UserId, name: &str) {
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
                self.roster.add(room, user, name);
            }
        }
    }

    /// A connection of `user` is no longer in `room`.
    pub(crate) fn depart(self: &Arc<Self>, room: &str, user: UserId, how: Departure) {
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
            self.roster.remove(room, user, &gone.name);
        }
        if here.is_empty() {
            rooms.remove(room);
        }
    }
}
