//! The embedded engine: one SQLite file in WAL mode.
//!
//! Writes go through one writer thread ([`group_commit`]) that batches
//! concurrent appends into one transaction. Reads use a small pool of separate
//! connections; WAL lets them read while the writer writes.
//!
//! rusqlite rather than sqlx: the writer is a plain thread that owns its
//! connection, which is exactly rusqlite's synchronous model, and group commit
//! needs control over transactions that an async pool would hide. Reads run on
//! deadpool-sqlite's pooled rusqlite connections.
//!
//! Knows nothing of connections, delivery or the configuration: it stores
//! and answers through the traits in [`crate::store`], and its caller hands
//! each commit to the fan-out.

mod accounts;
mod group_commit;
mod migrations;
mod rooms;

use parking_lot::Mutex;
use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

use deadpool_sqlite::rusqlite::{Connection, Row, ToSql, params_from_iter};
use deadpool_sqlite::{Config, Pool, Runtime};
use futures_util::future::BoxFuture;
use natter_shared::ChatMessage;

use crate::store::settle::{QUEUE_CAPACITY, WriterQueue};
use crate::store::sqlite::migrations::MIGRATIONS;
use crate::store::{
    AuthorId, Committing, Entry, HistoryStore, NewMessage, OnCommit, StoreError, StoredEntry,
    StoredMessage,
};
use crate::store::{cause, database};

/// How long the writer waits for a lock another process holds before the
/// batch fails (and its senders are told to retry).
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// History in one SQLite file.
pub struct SqliteStore {
    /// The writer thread's queue.
    queue: WriterQueue,
    /// The writer thread, joined on close.
    writer: Mutex<Option<JoinHandle<()>>>,
    /// Connections for reads.
    readers: Pool,
    /// The newest id in the file when it was opened (0 when empty).
    newest_at_open: u64,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and starts the
    /// writer. Fails if the file cannot be opened, is not a database, or
    /// cannot be written.
    pub fn open(path: &Path, on_commit: OnCommit) -> Result<Self, StoreError> {
        Self::open_with_queue(path, on_commit, QUEUE_CAPACITY)
    }

    /// [`SqliteStore::open`], with room for `write_queue` appends waiting
    /// for the writer.
    pub fn open_with_queue(
        path: &Path,
        on_commit: OnCommit,
        write_queue: usize,
    ) -> Result<Self, StoreError> {
        let failed = |error: Box<dyn std::error::Error + Send + Sync>| StoreError::Open {
            path: path.display().to_string(),
            cause: cause(error),
        };
        let mut connection = Connection::open(path).map_err(|e| failed(e.into()))?;
        prepare(&mut connection).map_err(failed)?;
        let newest_at_open: i64 = connection
            .query_row("SELECT COALESCE(MAX(id), 0) FROM messages", [], |row| {
                row.get(0)
            })
            .map_err(|e| failed(e.into()))?;
        let readers = Config::new(path)
            .create_pool(Runtime::Tokio1)
            .map_err(|e| failed(e.into()))?;
        let (queue, pending) = WriterQueue::new(write_queue);
        let writer = std::thread::Builder::new()
            .name("natter-sqlite-writer".to_owned())
            .spawn(move || group_commit::run(connection, pending, on_commit))
            .map_err(|e| failed(e.into()))?;
        Ok(SqliteStore {
            queue,
            writer: Mutex::new(Some(writer)),
            readers,
            newest_at_open: newest_at_open as u64,
        })
    }

    /// The newest id in any room when the file was opened (0 when empty):
    /// everything up to it is committed before the server takes a connection.
    pub(crate) fn newest_at_open(&self) -> u64 {
        self.newest_at_open
    }

    /// Runs `query` on a pooled connection (reads, and the rare writes that
    /// do not go through group commit).
    pub(super) async fn on_pool<R: Send + 'static>(
        &self,
        query: impl FnOnce(&mut Connection) -> deadpool_sqlite::rusqlite::Result<R> + Send + 'static,
    ) -> Result<R, StoreError> {
        let connection = self.readers.get().await.map_err(database)?;
        connection
            .interact(move |connection| query(connection))
            .await
            // A panic's payload is not Sync: its words are what is kept.
            .map_err(|error| database(error.to_string()))?
            .map_err(database)
    }
}

/// WAL so readers never block the writer; synchronous=FULL so a commit is on
/// disk before anything is acknowledged (group commit keeps that affordable);
/// secure_delete for the writer, which is what erases deleted messages.
/// Then the schema migrations, each in its own transaction; bringing a file
/// up to date writes it, and `user_version` is written even when nothing is
/// pending, so a file that cannot be written fails here, at start, rather
/// than on the first message.
fn prepare(connection: &mut Connection) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    connection.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String = connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!("could not switch to WAL mode (got {mode})").into());
    }
    // secure_delete: space freed by a deleted message's text is zeroed, so
    // the text does not linger in the file's free pages.
    connection.execute_batch("PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;")?;
    MIGRATIONS.to_latest(connection)?;
    let version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    connection.execute_batch(&format!("PRAGMA user_version = {version};"))?;
    Ok(())
}

/// Ids are SQLite integers; a cursor beyond them means "no limit".
fn cursor(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

/// `?3, ?4, ...`: one parameter per room, after the two bounds (`?1`, `?2`).
/// An empty list matches nothing.
fn room_placeholders(rooms: usize) -> String {
    if rooms == 0 {
        return "NULL".to_owned();
    }
    (3..rooms + 3)
        .map(|n| format!("?{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The two bounds, then the rooms, as positional parameters.
fn bound<'a>(
    bounds: &'a [i64; 2],
    rooms: &'a [String],
) -> impl deadpool_sqlite::rusqlite::Params + 'a {
    params_from_iter(
        bounds
            .iter()
            .map(|bound| bound as &dyn ToSql)
            .chain(rooms.iter().map(|room| room as &dyn ToSql)),
    )
}

/// The columns [`message`] reads, in its order.
const MESSAGE_COLUMNS: &str = "id, value, author, timestamp, nonce, author_id, room, edited_at";

/// A message as stored now: never a change row, never a deleted one.
const LIVE_MESSAGE: &str = "kind = 0 AND deleted_at IS NULL";

fn message(row: &Row<'_>) -> deadpool_sqlite::rusqlite::Result<StoredMessage> {
    Ok(StoredMessage {
        message: ChatMessage {
            id: row.get::<_, i64>(0)? as u64,
            value: row.get(1)?,
            author: row.get(2)?,
            timestamp: row.get(3)?,
            nonce: row.get(4)?,
            room: row.get(6)?,
            edited: row.get(7)?,
        },
        author_id: row.get::<_, Option<i64>>(5)?.map(AuthorId),
    })
}

/// Every entry after a cursor: live messages, deletes, and edits of
/// messages not deleted since, which carry their target's current text
/// (the edit row keeps none). [`message`]'s columns, then `kind`, `target`
/// and the target's text.
const ENTRIES_AFTER: &str = "SELECT m.id, m.value, m.author, m.timestamp, m.nonce, m.author_id,
        m.room, m.edited_at, m.kind, m.target, t.value
     FROM messages m LEFT JOIN messages t ON m.kind = 1 AND t.id = m.target
     WHERE m.room IN ({rooms}) AND m.id > ?1
       AND ((m.kind = 0 AND m.deleted_at IS NULL) OR m.kind = 2
            OR (m.kind = 1 AND t.deleted_at IS NULL))
     ORDER BY m.id LIMIT ?2";

fn entry(row: &Row<'_>) -> deadpool_sqlite::rusqlite::Result<StoredEntry> {
    let stored = message(row)?;
    let (kind, target): (i64, Option<i64>) = (row.get(8)?, row.get(9)?);
    Ok(StoredEntry {
        entry: Entry::from_row(
            stored.message,
            kind,
            target.unwrap_or_default() as u64,
            row.get(10)?,
        ),
        author_id: stored.author_id,
    })
}

impl HistoryStore for SqliteStore {
    fn submit(&self, message: NewMessage) -> BoxFuture<'_, Result<Committing, StoreError>> {
        Box::pin(self.queue.submit(message))
    }

    fn after<'a>(
        &'a self,
        rooms: &'a [String],
        after: u64,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<StoredEntry>, StoreError>> {
        let rooms = rooms.to_vec();
        Box::pin(self.on_pool(move |connection| {
            let mut query = connection.prepare_cached(
                &ENTRIES_AFTER.replace("{rooms}", &room_placeholders(rooms.len())),
            )?;
            let bounds = [cursor(after), limit as i64];
            query.query_map(bound(&bounds, &rooms), entry)?.collect()
        }))
    }

    fn before<'a>(
        &'a self,
        rooms: &'a [String],
        before: Option<u64>,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<StoredMessage>, StoreError>> {
        let rooms = rooms.to_vec();
        let before = before.map_or(i64::MAX, cursor);
        Box::pin(self.on_pool(move |connection| {
            let mut query = connection.prepare_cached(&format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages
                 WHERE room IN ({}) AND id < ?1 AND {LIVE_MESSAGE} ORDER BY id DESC LIMIT ?2",
                room_placeholders(rooms.len())
            ))?;
            let bounds = [before, limit as i64];
            let mut newest_first: Vec<StoredMessage> = query
                .query_map(bound(&bounds, &rooms), message)?
                .collect::<Result<_, _>>()?;
            newest_first.reverse();
            Ok(newest_first)
        }))
    }

    fn newest_id(&self) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(self.on_pool(move |connection| {
            connection
                .prepare_cached("SELECT COALESCE(MAX(id), 0) FROM messages")?
                .query_row([], |row| row.get::<_, i64>(0))
                .map(|id| id as u64)
        }))
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            self.queue.close();
            let writer = self.writer.lock().take();
            if let Some(writer) = writer {
                let _ = tokio::task::spawn_blocking(move || writer.join()).await;
            }
        })
    }
}
