//! The engine for several processes: PostgreSQL, shared by every natter
//! process pointed at it.
//!
//! **Commit order is id order.** Every append transaction first takes one
//! transaction-scoped advisory lock, and only then draws its ids from the
//! sequence; the lock is held until the transaction ends. So a transaction
//! that draws ids commits before the next one can draw any: ids become
//! visible in increasing order, and a reader that has seen id N never later
//! finds an id below N appear (gaps, from a failed transaction, are never
//! filled). The lock costs one round trip per batch, not per message: like
//! the SQLite engine, each process gathers the appends that arrive together
//! into one transaction.
//!
//! Knows nothing of connections, delivery, Redis or the configuration: it
//! stores and answers through the traits in [`crate::store`], as the SQLite
//! engine does.

mod account_log;
mod accounts;
mod batch_rows;
pub mod connections;
mod group_commit;
mod pipelined;
mod rooms;
mod tls;

use parking_lot::Mutex;
use std::future::Future;

use futures_util::future::BoxFuture;
use natter_shared::ChatMessage;
use tokio::task::JoinHandle;
use tokio_postgres::Row;

use crate::store::postgres::connections::Connections;
use crate::store::settle::{QUEUE_CAPACITY, WriterQueue};
use crate::store::shared_log::{LoggedEvent, SharedLog};
use crate::store::{
    AuthorId, Committing, Entry, HistoryStore, NewMessage, OnCommit, StoreError, StoredEntry,
    StoredMessage,
};
use crate::store::{Cause, cause, database, without_password};

refinery::embed_migrations!("migrations/postgres");

/// The advisory lock every append transaction takes first (any constant;
/// this one spells "natter ids").
pub const ID_ORDER_LOCK: i64 = 0x6e61_7474_6572;

/// The session lock that takes turns at migrating: processes started
/// together on a fresh database would otherwise each create the
/// migrations table and one of them fail (any constant; this one spells
/// "nattermg", natter migrations).
pub const MIGRATION_LOCK: i64 = 0x6e61_7474_6572_6d67;

/// Brings the schema up to date, one process at a time: the first to take
/// [`MIGRATION_LOCK`] migrates, the others wait for it and then find
/// nothing left to do. The connection is closed after, not pooled, so the
/// lock goes with it even if the unlock never ran.
async fn migrate(mut client: deadpool_postgres::Object) -> Result<(), Cause> {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(cause)?;
    let migrated = migrations::runner()
        .run_async(&mut **client)
        .await
        .map(drop)
        .map_err(cause);
    drop(deadpool_postgres::Object::take(client));
    migrated
}

/// How a process uses PostgreSQL beyond its URL.
#[derive(Debug, Clone)]
pub struct PgOptions {
    /// Appends that may wait for this process's writer.
    pub write_queue: usize,
    /// The most connections it opens.
    pub connections: usize,
    /// The CA that signed the server's certificate (PEM); naming one turns
    /// TLS on (see [`tls`]).
    pub ca: Option<std::path::PathBuf>,
}

impl Default for PgOptions {
    fn default() -> Self {
        PgOptions {
            write_queue: QUEUE_CAPACITY,
            connections: connections::default_size(),
            ca: None,
        }
    }
}

/// History in PostgreSQL.
pub struct PgStore {
    /// Connections, for the writer's transactions and for reads.
    connections: Connections,
    /// The writer task's queue.
    queue: WriterQueue,
    /// The writer task, awaited on close.
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/database`), brings the
    /// schema up to date (each migration once, whichever process gets there
    /// first) and starts this process's writer.
    pub async fn connect(url: &str, on_commit: OnCommit) -> Result<Self, StoreError> {
        Self::connect_with(url, on_commit, &PgOptions::default()).await
    }

    /// [`PgStore::connect`], as `options` say.
    pub async fn connect_with(
        url: &str,
        on_commit: OnCommit,
        options: &PgOptions,
    ) -> Result<Self, StoreError> {
        let failed = |cause: Cause| StoreError::Open {
            path: without_password(url),
            cause,
        };
        let connections =
            Connections::open(url, options.connections, options.ca.as_deref()).map_err(failed)?;
        let client = connections.unbounded().await.map_err(failed)?;
        migrate(client).await.map_err(failed)?;
        let (queue, pending) = WriterQueue::new(options.write_queue);
        let writer = tokio::spawn(group_commit::run(connections.clone(), pending, on_commit));
        Ok(PgStore {
            connections,
            queue,
            writer: Mutex::new(Some(writer)),
        })
    }

    /// A pooled connection, for an operation run by [`PgStore::answered`].
    pub(super) async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.connections.get().await
    }

    /// Runs one operation within the time an answer may take (see
    /// [`Connections::answered`]): every read and change goes through it.
    pub(super) fn answered<'a, T: 'a, E: From<StoreError> + 'a>(
        &'a self,
        operation: impl Future<Output = Result<T, E>> + Send + 'a,
    ) -> impl Future<Output = Result<T, E>> + Send + 'a {
        self.connections.answered(operation)
    }
}

/// Ids are BIGINTs; a cursor beyond them means "no limit".
pub(super) fn cursor(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

/// The columns [`message`] reads, in its order.
const MESSAGE_COLUMNS: &str = "id, value, author, timestamp, nonce, author_id, room, edited_at";

fn message(row: &Row) -> StoredMessage {
    StoredMessage {
        message: ChatMessage {
            id: row.get::<_, i64>(0) as u64,
            value: row.get(1),
            author: row.get(2),
            timestamp: row.get(3),
            nonce: row.get(4),
            room: row.get(6),
            edited: row.get(7),
        },
        author_id: row.get::<_, Option<i64>>(5).map(AuthorId),
    }
}

/// Every entry after a cursor (in the rooms given, or in any), as the
/// SQLite engine reads them: live messages, deletes, and edits of messages
/// not deleted since (with their target's current text).
macro_rules! entries_after {
    ($in_rooms:literal) => {
        concat!(
            "SELECT m.id, m.value, m.author, m.timestamp, m.nonce, m.author_id,
                m.room, m.edited_at, m.kind, m.target, t.value
             FROM messages m LEFT JOIN messages t ON m.kind = 1 AND t.id = m.target
             WHERE ",
            $in_rooms,
            " m.id > $1
               AND ((m.kind = 0 AND m.deleted_at IS NULL) OR m.kind = 2
                    OR (m.kind = 1 AND t.deleted_at IS NULL))
             ORDER BY m.id LIMIT $2"
        )
    };
}
const ENTRIES_AFTER: &str = entries_after!("m.room = ANY($3) AND");
const ENTRIES_AFTER_IN_ANY_ROOM: &str = entries_after!("");

fn entry(row: &Row) -> StoredEntry {
    let stored = message(row);
    let kind = i64::from(row.get::<_, i16>(8));
    let target = row.get::<_, Option<i64>>(9).unwrap_or_default() as u64;
    StoredEntry {
        entry: Entry::from_row(stored.message, kind, target, row.get(10)),
        author_id: stored.author_id,
    }
}

impl SharedLog for PgStore {
    fn entries_after(
        &self,
        after: u64,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<StoredEntry>, StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    ENTRIES_AFTER_IN_ANY_ROOM,
                    &[&cursor(after), &(limit as i64)],
                )
                .await
                .map_err(database)?;
            Ok(rows.iter().map(entry).collect())
        }))
    }

    fn record_event(
        &self,
        node: &str,
        account: i64,
        event: String,
    ) -> BoxFuture<'_, Result<u64, StoreError>> {
        let node = node.to_owned();
        Box::pin(async move { self.record_event_now(&node, account, event).await })
    }

    fn events_after(
        &self,
        after: u64,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<LoggedEvent>, StoreError>> {
        Box::pin(self.events_after_now(after, limit))
    }

    fn newest_event(&self) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(self.newest_event_now())
    }

    fn forget_events_before(&self, at: i64) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(self.forget_events_before_now(at))
    }
}

impl HistoryStore for PgStore {
    fn submit(&self, message: NewMessage) -> BoxFuture<'_, Result<Committing, StoreError>> {
        Box::pin(self.queue.submit(message))
    }

    fn after<'a>(
        &'a self,
        rooms: &'a [String],
        after: u64,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<StoredEntry>, StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            let rows = client
                .query(ENTRIES_AFTER, &[&cursor(after), &(limit as i64), &rooms])
                .await
                .map_err(database)?;
            Ok(rows.iter().map(entry).collect())
        }))
    }

    fn before<'a>(
        &'a self,
        rooms: &'a [String],
        before: Option<u64>,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<StoredMessage>, StoreError>> {
        let before = before.map_or(i64::MAX, cursor);
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    &format!(
                        "SELECT {MESSAGE_COLUMNS} FROM messages
                         WHERE room = ANY($3) AND id < $1 AND kind = 0 AND deleted_at IS NULL
                         ORDER BY id DESC LIMIT $2"
                    ),
                    &[&before, &(limit as i64), &rooms],
                )
                .await
                .map_err(database)?;
            let mut newest_first: Vec<StoredMessage> = rows.iter().map(message).collect();
            newest_first.reverse();
            Ok(newest_first)
        }))
    }

    fn newest_id(&self) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            let row = client
                .query_one("SELECT COALESCE(MAX(id), 0) FROM messages", &[])
                .await
                .map_err(database)?;
            Ok(row.get::<_, i64>(0) as u64)
        }))
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            self.queue.close();
            let writer = self.writer.lock().take();
            if let Some(writer) = writer {
                let _ = writer.await;
            }
        })
    }
}
