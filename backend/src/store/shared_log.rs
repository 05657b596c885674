//! The log several processes share: what an engine that serves several
//! processes offers their fan-out, so each can read what it missed.

use futures_util::future::BoxFuture;

use crate::store::{StoreError, StoredEntry};

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
}
