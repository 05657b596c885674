//! The hub: this process's connections' side of the fan-out. It hands
//! committed messages to the connections in their room, serialized once per
//! message, and tells every connection of an account when that account
//! joins, leaves or reads a room. Connections read it through
//! [`Feed`]s; publishers go through [`FanOut`](crate::delivery::FanOut),
//! which in one process is the hub itself.
//!
//! Each room has its own bounded broadcast ring, created when its first
//! connection subscribes and dropped when its last one is gone, so a
//! message costs nothing for connections outside its room. The lobby's ring
//! lives as long as the hub.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::{Mutex, RwLock};

use axum::extract::ws::Utf8Bytes;
use natter_shared::{ChatMessage, LOBBY};
use tokio::sync::broadcast;

use crate::delivery::feed::Feed;
use crate::store::accounts::UserId;
use crate::store::{AuthorId, Committed, Entry, StoredEntry, StoredMessage};

/// Identifies one WebSocket connection for the life of the process.
pub(crate) type ConnectionId = u64;

/// The most messages a room other than the lobby keeps for its slowest
/// connection; one further behind is caught up from the store. Rooms are
/// many and mostly quiet, so their rings are small.
const ROOM_RING: usize = 128;

/// Ephemeral events (presence) a room keeps for its slowest connection;
/// one further behind is sent a fresh state instead.
const SIGNAL_RING: usize = 64;

/// Account events kept for a slow connection; one that misses some is
/// closed and rebuilds its state on reconnect.
const ACCOUNT_RING: usize = 64;

/// One committed message (or change to one), serialized once and shared by
/// every receiver.
///
/// Cloning copies two reference-counted byte handles, never the JSON itself.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The message id, so a connection can skip what it already sent.
    pub id: u64,
    /// Who wrote it; every connection of theirs gets `own_copy` instead.
    pub(crate) author_id: AuthorId,
    /// The frame everyone else receives.
    pub(crate) frame: Utf8Bytes,
    /// The sender's copy, which also carries its nonce. `None` when the sender
    /// gave no nonce, in which case it receives `frame` like everyone else.
    pub(crate) own_copy: Option<Utf8Bytes>,
}

impl Delivery {
    /// The bytes a connection of `reader` should be sent.
    pub(crate) fn frame_for(&self, reader: AuthorId) -> &Utf8Bytes {
        match &self.own_copy {
            Some(own) if reader == self.author_id => own,
            _ => &self.frame,
        }
    }
}

/// A message as a given reader may see it: the nonce is the author's business,
/// so it stays only on copies for the author's own connections (any tab or
/// device of the account, or the same guest).
pub(crate) fn as_seen_by(stored: StoredMessage, reader: AuthorId) -> ChatMessage {
    let StoredMessage {
        mut message,
        author_id,
    } = stored;
    if author_id != Some(reader) {
        message.nonce = None;
    }
    message
}

/// A message or change as a given reader may see it (see [`as_seen_by`]).
pub(crate) fn entry_as_seen_by(stored: StoredEntry, reader: AuthorId) -> Entry {
    if stored.author_id == Some(reader) {
        stored.entry
    } else {
        stored.entry.without_nonce()
    }
}

/// An ephemeral event for a room's connections (who is online): never
/// stored, never given an id, and sent only to connections that asked for
/// such events. Serialized once, like a [`Delivery`].
#[derive(Debug, Clone)]
pub struct Signal {
    /// The frame.
    pub(crate) frame: Utf8Bytes,
    /// Whose connections it skips: "everyone in the room but the sender".
    pub(crate) skip: Option<AuthorId>,
}

/// A room's two rings: its stored messages, and its ephemeral events, kept
/// apart so the second can never delay or push out the first.
struct Rings {
    messages: broadcast::Sender<Delivery>,
    signals: broadcast::Sender<Signal>,
}

impl Rings {
    fn new(messages: usize) -> Self {
        Rings {
            messages: broadcast::channel(messages).0,
            signals: broadcast::channel(SIGNAL_RING).0,
        }
    }

    fn unused(&self) -> bool {
        self.messages.receiver_count() == 0 && self.signals.receiver_count() == 0
    }
}

/// Something that happened to an account, which every one of its
/// connections must act on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountEvent {
    /// It joined or left this room (which, the store says).
    Membership(String),
    /// Its read marker in this room is now this id.
    Read(String, u64),
    /// Its settings for this room (what it is notified of) changed.
    Settings(String),
    /// Some of its sessions ended: each connection's session is checked
    /// again (the store says which ended).
    SessionsEnded,
    /// Its preferences are now these (saved on some tab): every page
    /// follows.
    Preferences(natter_shared::api::Preferences),
}

/// A room's messages, as a connection holds them.
pub(crate) type RoomFeed = Feed<Delivery>;

/// Fans committed messages out to the rooms' subscribers.
pub struct Hub {
    /// The lobby's rings: every connection is in the lobby.
    lobby: Rings,
    /// The other rooms with at least one subscriber (or whose last one left
    /// since the last message there).
    rooms: RwLock<HashMap<String, Rings>>,
    /// The ring size of rooms other than the lobby.
    room_ring: usize,
    /// Per account with a live connection: its events.
    accounts: Mutex<HashMap<UserId, broadcast::Sender<AccountEvent>>>,
    /// The newest message id published: raised before the message enters its
    /// ring. Read right after subscribing, it splits history exactly: every
    /// id up to it is in the store, every later one comes through the new
    /// receivers. It also orders rings against each other (see
    /// [`crate::delivery::subscriptions`]).
    newest: AtomicU64,
    /// The next connection id.
    next_connection_id: AtomicU64,
}

impl Hub {
    /// A hub whose slowest lobby connection may fall `buffer` messages behind
    /// live (and that of another room, up to [`ROOM_RING`]).
    pub fn new(buffer: usize) -> Self {
        Self::with_rings(buffer, ROOM_RING)
    }

    /// A hub with rings of `lobby` messages for the lobby and `rooms` for
    /// every other room.
    pub(crate) fn with_rings(lobby: usize, rooms: usize) -> Self {
        Hub {
            lobby: Rings::new(lobby),
            room_ring: rooms,
            rooms: RwLock::new(HashMap::new()),
            accounts: Mutex::new(HashMap::new()),
            newest: AtomicU64::new(0),
            next_connection_id: AtomicU64::new(1),
        }
    }

    /// Records that every id up to `id` is committed: at start, the newest id
    /// the store already holds.
    pub(crate) fn committed_up_to(&self, id: u64) {
        self.newest.fetch_max(id, Ordering::SeqCst);
    }

    /// The newest id published.
    pub(crate) fn newest(&self) -> u64 {
        self.newest.load(Ordering::SeqCst)
    }

    /// A fresh id for a new connection.
    pub(crate) fn next_connection_id(&self) -> ConnectionId {
        self.next_connection_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Starts receiving every message committed from now on in each of
    /// `rooms`. Also returns the newest id published before: everything above
    /// it in those rooms arrives through the receivers, everything up to it
    /// is in the store.
    ///
    /// Why that holds: [`Hub::broadcast`] raises `newest` before it sends, and
    /// a send and a subscribe are ordered by the ring's lock (and a room's
    /// creation by the map's). A message sent before a subscribe has
    /// therefore already raised `newest`; one sent after it reaches the
    /// receiver.
    pub fn subscribe(&self, rooms: &[String]) -> (Vec<(String, RoomFeed)>, u64) {
        let receivers = rooms
            .iter()
            .map(|room| (room.clone(), self.subscribe_room(room)))
            .collect();
        (receivers, self.newest())
    }

    /// Starts receiving every message committed from now on in `room`.
    pub(crate) fn subscribe_room(&self, room: &str) -> RoomFeed {
        self.rings_of(room, |rings| Feed::new(rings.messages.subscribe()))
    }

    /// Starts receiving the ephemeral events of `room` from now on.
    pub(crate) fn subscribe_signals(&self, room: &str) -> Feed<Signal> {
        self.rings_of(room, |rings| Feed::new(rings.signals.subscribe()))
    }

    /// `act` on `room`'s rings, made if the room has none yet.
    fn rings_of<T>(&self, room: &str, act: impl FnOnce(&Rings) -> T) -> T {
        if room == LOBBY {
            return act(&self.lobby);
        }
        let mut rooms = self.rooms.write();
        act(rooms
            .entry(room.to_owned())
            .or_insert_with(|| Rings::new(self.room_ring)))
    }

    /// Sends an ephemeral event to the connections of `room` receiving
    /// them; nobody there, nobody misses it.
    pub(crate) fn signal(&self, room: &str, signal: Signal) {
        if room == LOBBY {
            let _ = self.lobby.signals.send(signal);
            return;
        }
        let rooms = self.rooms.read();
        if let Some(rings) = rooms.get(room) {
            let _ = rings.signals.send(signal);
        }
    }

    /// Sends committed messages to their rooms' subscribers, in the order
    /// given. The store calls this once per transaction, in id order.
    pub(super) fn broadcast(&self, committed: &[Committed]) {
        let mut emptied = Vec::new();
        {
            let rooms = self.rooms.read();
            for Committed { entry, author_id } in committed {
                // Raised first, whether or not anyone is in the room.
                self.committed_up_to(entry.id());
                let room = entry.room();
                let ring = if room == LOBBY {
                    &self.lobby.messages
                } else {
                    match rooms.get(room) {
                        Some(rings) => &rings.messages,
                        // Nobody is subscribed, so nobody misses it.
                        None => continue,
                    }
                };
                let own_copy = entry
                    .nonce()
                    .map(|_| Utf8Bytes::from(entry.clone().into_frame().to_json()));
                let delivery = Delivery {
                    id: entry.id(),
                    author_id: *author_id,
                    frame: entry.clone().without_nonce().into_frame().to_json().into(),
                    own_copy,
                };
                // Sending fails only when nobody is subscribed any more.
                if ring.send(delivery).is_err() && room != LOBBY {
                    emptied.push(room);
                }
            }
        }
        for room in emptied {
            self.release_room(room);
        }
    }

    /// Drops `room`'s ring if nobody holds a receiver of it any more: called
    /// after a connection lets go of one, so quiet rooms hold no memory.
    pub(crate) fn release_room(&self, room: &str) {
        let mut rooms = self.rooms.write();
        if rooms.get(room).is_some_and(Rings::unused) {
            rooms.remove(room);
        }
    }

    /// Drops `user`'s event channel if none of its connections is left.
    pub(crate) fn release_account(&self, user: UserId) {
        let mut accounts = self.accounts.lock();
        if accounts
            .get(&user)
            .is_some_and(|events| events.receiver_count() == 0)
        {
            accounts.remove(&user);
        }
    }

    #[cfg(test)]
    /// How many rooms other than the lobby have a ring now.
    pub(crate) fn open_rings(&self) -> usize {
        self.rooms.read().len()
    }

    /// Starts receiving `user`'s account events.
    pub(crate) fn account_events(&self, user: UserId) -> Feed<AccountEvent> {
        let mut accounts = self.accounts.lock();
        Feed::new(
            accounts
                .entry(user)
                .or_insert_with(|| broadcast::channel(ACCOUNT_RING).0)
                .subscribe(),
        )
    }

    /// Tells every live connection of `user` about `event`.
    pub(crate) fn notify(&self, user: UserId, event: AccountEvent) {
        let mut accounts = self.accounts.lock();
        if let Some(events) = accounts.get(&user)
            && events.send(event).is_err()
        {
            // Its last connection has gone.
            accounts.remove(&user);
        }
    }
}
