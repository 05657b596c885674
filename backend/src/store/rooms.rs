//! Rooms, memberships and read markers: the durable half of who is where,
//! behind a trait so another engine can hold them.
//!
//! A room is named by its key: a public room's name (see
//! [`validate_room_name`](natter_shared::validate_room_name)) or, for a direct
//! conversation, `dm:` and the two account ids, lowest first. Names cannot
//! hold `:`, so the two never collide. The lobby is a public room every
//! account is a member of from sign-up and never leaves.

use futures_util::future::BoxFuture;
use natter_shared::{LOBBY, Notify, RoomInfo, RoomKind};
use thiserror::Error;

use super::StoreError;
use super::accounts::UserId;

/// A room as both engines read it for a member: the stored columns, before
/// they are the [`RoomInfo`] clients see. The one place that mapping lives.
pub(super) struct RoomRow {
    pub(super) room: String,
    /// `public` or `direct`.
    pub(super) kind: String,
    pub(super) last_read: i64,
    pub(super) members: i64,
    pub(super) newest_id: Option<i64>,
    pub(super) newest_at: Option<i64>,
    pub(super) unread: i64,
    /// The other member of a direct conversation.
    pub(super) with: Option<String>,
    /// The setting as stored, the kind's default already filled in.
    pub(super) notify: String,
}

impl From<RoomRow> for RoomInfo {
    fn from(row: RoomRow) -> Self {
        RoomInfo {
            room: row.room,
            kind: if row.kind == "direct" {
                RoomKind::Direct
            } else {
                RoomKind::Public
            },
            last_read: row.last_read as u64,
            members: row.members as u64,
            newest_id: row.newest_id.unwrap_or(0) as u64,
            newest_at: row.newest_at,
            unread: row.unread as u64,
            // Counted afterwards, from the unread messages' text.
            mentions: 0,
            with: row.with,
            notify: notify_from(&row.notify),
        }
    }
}

/// The lobby as a guest's welcome shows it: nothing read, nothing unread.
pub(super) fn lobby_info(members: i64, newest_id: Option<i64>, newest_at: Option<i64>) -> RoomInfo {
    RoomInfo {
        room: LOBBY.to_owned(),
        kind: RoomKind::Public,
        with: None,
        members: members as u64,
        last_read: 0,
        unread: 0,
        mentions: 0,
        newest_id: newest_id.unwrap_or(0) as u64,
        newest_at,
        notify: Notify::default(),
    }
}

/// How a notification setting is stored (NULL, the kind's default, aside).
pub(super) fn notify_to(notify: Notify) -> &'static str {
    match notify {
        Notify::All => "all",
        Notify::Mentions => "mentions",
        Notify::Nothing => "nothing",
    }
}

/// A stored notification setting.
pub(super) fn notify_from(stored: &str) -> Notify {
    match stored {
        "all" => Notify::All,
        "nothing" => Notify::Nothing,
        _ => Notify::Mentions,
    }
}

/// The order a welcome lists rooms in: the lobby, public rooms by name,
/// then direct conversations by the other person's name.
pub(super) fn in_welcome_order(rooms: &mut [RoomInfo]) {
    rooms.sort_by(|a, b| {
        (
            a.room != LOBBY,
            a.kind == RoomKind::Direct,
            &a.with,
            &a.room,
        )
            .cmp(&(
                b.room != LOBBY,
                b.kind == RoomKind::Direct,
                &b.with,
                &b.room,
            ))
    });
}

/// The key of the direct conversation between two accounts, the same
/// whichever of them asks.
pub(crate) fn direct_key(a: UserId, b: UserId) -> String {
    let (low, high) = if a.0 <= b.0 { (a.0, b.0) } else { (b.0, a.0) };
    format!("dm:{low}:{high}")
}

/// A public room in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicRoom {
    /// Its name.
    pub room: String,
    /// How many accounts are members.
    pub members: u64,
    /// When its newest message was sent, in ms since the Unix epoch.
    pub newest_at: Option<i64>,
    /// Whether the asking account is a member.
    pub joined: bool,
}

/// Why a room operation failed.
#[derive(Debug, Error)]
pub enum RoomError {
    /// A public room with that name exists.
    #[error("a room with that name exists")]
    Taken,
    /// No such room, or a direct conversation of others: the same to the
    /// caller, so nobody learns which conversations exist.
    #[error("no such room")]
    Unknown,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where rooms, memberships and read markers live.
pub trait RoomStore: Send + Sync + 'static {
    /// Creates a public room with `creator` as its first member.
    fn create_room<'a>(
        &'a self,
        room: &'a str,
        creator: UserId,
    ) -> BoxFuture<'a, Result<(), RoomError>>;

    /// Every public room, by name, with whether `reader` is in it.
    fn public_rooms(&self, reader: UserId) -> BoxFuture<'_, Result<Vec<PublicRoom>, StoreError>>;

    /// Makes `user` a member of the public room `room`; a direct
    /// conversation is [`RoomError::Unknown`]. Joining twice is joining once.
    /// A new member's marker starts at the room's newest message: what was
    /// said before is history, not unread.
    fn join<'a>(&'a self, room: &'a str, user: UserId) -> BoxFuture<'a, Result<(), RoomError>>;

    /// Ends `user`'s membership of `room`. Returns whether it was a member.
    fn leave<'a>(&'a self, room: &'a str, user: UserId) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// The direct conversation between `a` and `b`, created (with both as
    /// members) if it is new. Returns its key.
    fn open_direct(&self, a: UserId, b: UserId) -> BoxFuture<'_, Result<String, StoreError>>;

    /// The rooms `user` is in, the lobby first, then public rooms and
    /// direct conversations by name, each as `user` sees it.
    fn rooms_of(&self, user: UserId) -> BoxFuture<'_, Result<Vec<RoomInfo>, StoreError>>;

    /// One room as its member `user` sees it; `None` if `user` is not in it.
    fn room_of<'a>(
        &'a self,
        room: &'a str,
        user: UserId,
    ) -> BoxFuture<'a, Result<Option<RoomInfo>, StoreError>>;

    /// The lobby as a guest sees it: no read marker, nothing unread.
    fn lobby(&self) -> BoxFuture<'_, Result<RoomInfo, StoreError>>;

    /// Sets what `user` is notified of in `room`. `false` if `user` is not
    /// in it.
    fn set_notify<'a>(
        &'a self,
        room: &'a str,
        user: UserId,
        notify: Notify,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// The names of `room`'s members, by name, if `reader` is one of them
    /// (`None` otherwise: a room one is not in is not one's business). At
    /// most `limit`.
    fn members<'a>(
        &'a self,
        room: &'a str,
        reader: UserId,
        limit: usize,
    ) -> BoxFuture<'a, Result<Option<Vec<String>>, StoreError>>;

    /// Whether `room` is a public room (which anyone signed in may see exists).
    fn is_public<'a>(&'a self, room: &'a str) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Moves `user`'s read marker in `room` up to `id` (never down). Returns
    /// the marker after, or `None` if `user` is not in the room. (Markers
    /// reach the database through [`GatheredMarkers`], which answers at once
    /// and leaves membership to its callers.)
    ///
    /// [`GatheredMarkers`]: super::gathered_markers::GatheredMarkers
    fn mark_read<'a>(
        &'a self,
        room: &'a str,
        user: UserId,
        id: u64,
    ) -> BoxFuture<'a, Result<Option<u64>, StoreError>>;
}
