//! The log several processes share: what an engine that serves several
//! processes offers their fan-out, so each can read what it missed.

use futures_util::future::BoxFuture;

use crate::store::{StoreError, StoredEntry};

/// An account event as the shared log keeps it: its place in the order,
/// the process that recorded it, whose it is, and what (as the fan-out
/// wrote it; the store does not read it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LoggedEvent {
    /// Its place: ids become visible in increasing order.
    pub(crate) id: u64,
    /// The process that recorded it (and delivered it itself).
    pub(crate) node: String,
    /// The account whose connections must hear of it.
    pub(crate) account: i64,
    /// The event.
    pub(crate) event: String,
}

/// Every committed entry after an id, in any room: the shared log every
/// process reads, which is the truth the broker only speeds up.
pub(crate) trait SharedLog: Send + Sync + 'static {
    /// Up to `limit` entries with ids above `after`, oldest first, as
    /// [`HistoryStore::after`](crate::store::HistoryStore::after) reads them for one reader.
    fn entries_after(
        &self,
        after: u64,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<StoredEntry>, StoreError>>;

    /// Records an account event and returns its id. Ids become visible in
    /// increasing order, as entries' do.
    fn record_event(
        &self,
        node: &str,
        account: i64,
        event: String,
    ) -> BoxFuture<'_, Result<u64, StoreError>>;

    /// Up to `limit` account events with ids above `after`, oldest first.
    fn events_after(
        &self,
        after: u64,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<LoggedEvent>, StoreError>>;

    /// The newest account event's id (0 for none).
    fn newest_event(&self) -> BoxFuture<'_, Result<u64, StoreError>>;

    /// Forgets account events recorded before `at` (ms since the epoch).
    fn forget_events_before(&self, at: i64) -> BoxFuture<'_, Result<(), StoreError>>;
}
