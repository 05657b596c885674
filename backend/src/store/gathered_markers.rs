//! Read markers gathered before they are stored.
//!
//! A client tells its marker for every message it shows, so a busy room
//! read by many would cost a database write per message per reader. Here a
//! marker is noted in memory at once and written at most once a
//! [`GATHER`] per account and room, by [`GatheredMarkers::run`]. Nothing
//! can read a stale marker: every read of an account's markers
//! ([`RoomStore::rooms_of`], [`RoomStore::room_of`]) first writes that
//! account's pending ones, and shutdown writes the rest. A crash loses at
//! most the last [`GATHER`] of markers (never a message): those messages
//! count as unread again.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;
use std::time::Duration;

use futures_util::future::BoxFuture;
use natter_shared::{Notify, RoomInfo};
use tokio_util::sync::CancellationToken;
use tracing::warn;

use super::StoreError;
use super::accounts::UserId;
use super::rooms::{PublicRoom, RoomError, RoomStore};

/// How long a marker may wait in memory before it is written.
pub(crate) const GATHER: Duration = Duration::from_secs(1);

type Pending = HashMap<(UserId, String), u64>;

/// A [`RoomStore`] whose read markers are gathered in memory; everything
/// else goes straight to the store it wraps.
pub(crate) struct GatheredMarkers {
    store: Arc<dyn RoomStore>,
    pending: Mutex<Pending>,
}

impl GatheredMarkers {
    /// Gathers the markers of `store`.
    pub(crate) fn new(store: Arc<dyn RoomStore>) -> Self {
        GatheredMarkers {
            store,
            pending: Mutex::new(HashMap::new()),
        }
    }

    /// Writes every pending marker each [`GATHER`] until `stop`, then once
    /// more, so a graceful shutdown loses none.
    pub(crate) async fn run(self: Arc<Self>, stop: CancellationToken) {
        let mut ticks = tokio::time::interval(GATHER);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                () = stop.cancelled() => break,
            }
            if let Err(error) = self.write(|_| true).await {
                warn!(%error, "read markers not written yet; trying again");
            }
        }
        if let Err(error) = self.write(|_| true).await {
            warn!(%error, "read markers lost at shutdown");
        }
    }

    fn lock(&self) -> parking_lot::MutexGuard<'_, Pending> {
        self.pending.lock()
    }

    /// Writes the pending markers of the accounts `which` picks. One that
    /// fails goes back, unless a newer one came meanwhile.
    async fn write(&self, which: impl Fn(UserId) -> bool) -> Result<(), StoreError> {
        let taken: Vec<((UserId, String), u64)> = {
            let mut pending = self.lock();
            let keys: Vec<(UserId, String)> = pending
                .keys()
                .filter(|(user, _)| which(*user))
                .cloned()
                .collect();
            keys.into_iter()
                .filter_map(|key| pending.remove_entry(&key))
                .collect()
        };
        let mut entries = taken.into_iter();
        while let Some(((user, room), id)) = entries.next() {
            // `None`: the account left the room since; nothing to keep.
            if let Err(error) = self.store.mark_read(&room, user, id).await {
                let mut pending = self.lock();
                for ((user, room), id) in std::iter::once(((user, room), id)).chain(entries) {
                    let marker = pending.entry((user, room)).or_default();
                    *marker = (*marker).max(id);
                }
                return Err(error);
            }
        }
        Ok(())
    }
}

impl RoomStore for GatheredMarkers {
    fn create_room<'a>(
        &'a self,
        room: &'a str,
        creator: UserId,
    ) -> BoxFuture<'a, Result<(), RoomError>> {
        self.store.create_room(room, creator)
    }

    fn public_rooms(&self, reader: UserId) -> BoxFuture<'_, Result<Vec<PublicRoom>, StoreError>> {
        self.store.public_rooms(reader)
    }

    fn join<'a>(&'a self, room: &'a str, user: UserId) -> BoxFuture<'a, Result<(), RoomError>> {
        self.store.join(room, user)
    }

    fn leave<'a>(&'a self, room: &'a str, user: UserId) -> BoxFuture<'a, Result<bool, StoreError>> {
        self.store.leave(room, user)
    }

    fn open_direct(&self, a: UserId, b: UserId) -> BoxFuture<'_, Result<String, StoreError>> {
        self.store.open_direct(a, b)
    }

    fn rooms_of(&self, user: UserId) -> BoxFuture<'_, Result<Vec<RoomInfo>, StoreError>> {
        Box::pin(async move {
            self.write(|pending| pending == user).await?;
            self.store.rooms_of(user).await
        })
    }

    fn room_of<'a>(
        &'a self,
        room: &'a str,
        user: UserId,
    ) -> BoxFuture<'a, Result<Option<RoomInfo>, StoreError>> {
        Box::pin(async move {
            self.write(|pending| pending == user).await?;
            self.store.room_of(room, user).await
        })
    }

    fn lobby(&self) -> BoxFuture<'_, Result<RoomInfo, StoreError>> {
        self.store.lobby()
    }

    fn is_public<'a>(&'a self, room: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        self.store.is_public(room)
    }

    fn set_notify<'a>(
        &'a self,
        room: &'a str,
        user: UserId,
        notify: Notify,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        self.store.set_notify(room, user, notify)
    }

    fn members<'a>(
        &'a self,
        room: &'a str,
        reader: UserId,
        limit: usize,
    ) -> BoxFuture<'a, Result<Option<Vec<String>>, StoreError>> {
        self.store.members(room, reader, limit)
    }

    /// Notes the marker; it is written within [`GATHER`]. Membership is not
    /// checked here (callers check it against the connection's rooms), and
    /// a marker for a room left meanwhile is dropped when written.
    fn mark_read<'a>(
        &'a self,
        room: &'a str,
        user: UserId,
        id: u64,
    ) -> BoxFuture<'a, Result<Option<u64>, StoreError>> {
        let marker = {
            let mut pending = self.lock();
            let marker = pending.entry((user, room.to_owned())).or_default();
            *marker = (*marker).max(id);
            *marker
        };
        Box::pin(std::future::ready(Ok(Some(marker))))
    }
}
