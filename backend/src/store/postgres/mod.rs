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

mod accounts;
pub mod connections;
mod rooms;

use parking_lot::Mutex;
use std::future::Future;

use futures_util::future::BoxFuture;
use natter_shared::ChatMessage;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_postgres::{Row, Transaction};

use crate::process::clock::now_ms;
use crate::store::entry::{KIND_DELETE, KIND_EDIT, KIND_MESSAGE};
use crate::store::postgres::connections::Connections;
use crate::store::settle::{
    MAX_BATCH, Outcome, Pending, QUEUE_CAPACITY, WriterQueue, judge, retried_or_reused, settle,
    timed_async,
};
use crate::store::shared_log::SharedLog;
use crate::store::{
    Action, AuthorId, Committing, Entry, HistoryStore, NewMessage, OnCommit, StoreError,
    StoredEntry, StoredMessage, Target,
};
use crate::store::{Cause, cause, database, without_password};

refinery::embed_migrations!("migrations/postgres");

/// The advisory lock every append transaction takes first (any constant;
/// this one spells "natter ids").
pub const ID_ORDER_LOCK: i64 = 0x6e61_7474_6572;

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
        Self::connect_with_queue(url, on_commit, QUEUE_CAPACITY).await
    }

    /// [`PgStore::connect`], with room for `write_queue` appends waiting
    /// for this process's writer.
    pub async fn connect_with_queue(
        url: &str,
        on_commit: OnCommit,
        write_queue: usize,
    ) -> Result<Self, StoreError> {
        let failed = |cause: Cause| StoreError::Open {
            path: without_password(url),
            cause,
        };
        let connections = Connections::open(url).map_err(failed)?;
        let mut client = connections.unbounded().await.map_err(failed)?;
        migrations::runner()
            .run_async(&mut **client)
            .await
            .map_err(|error| failed(cause(error)))?;
        drop(client);
        let (queue, pending) = WriterQueue::new(write_queue);
        let writer = tokio::spawn(run(connections.clone(), pending, on_commit));
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

/// This process's writer: gathers what arrives together into one
/// transaction, until every sender is gone.
async fn run(connections: Connections, mut queue: mpsc::Receiver<Pending>, on_commit: OnCommit) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(pending) => batch.push(pending),
                Err(_) => break,
            }
        }
        let committed = timed_async(
            batch.len(),
            connections.answered(commit(&connections, &batch)),
        )
        .await
        .map_err(|error| match error {
            StoreError::Database(cause) => cause,
            other => cause(other),
        });
        settle(batch, committed, &on_commit);
    }
}

/// Stores a batch in one transaction, ids drawn under the order lock.
async fn commit(connections: &Connections, batch: &[Pending]) -> Result<Vec<Outcome>, StoreError> {
    let mut client = connections.get().await?;
    let transaction = client.transaction().await.map_err(database)?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&ID_ORDER_LOCK])
        .await
        .map_err(database)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for Pending { message, .. } in batch {
        let outcome = store_one(&transaction, message).await.map_err(database)?;
        outcomes.push(outcome);
    }
    transaction.commit().await.map_err(database)?;
    Ok(outcomes)
}

async fn store_one(
    transaction: &Transaction<'_>,
    message: &NewMessage,
) -> Result<Outcome, tokio_postgres::Error> {
    if let Some(nonce) = &message.nonce {
        let earlier = transaction
            .query_opt(
                "SELECT id, room, kind, target FROM messages WHERE author_id = $1 AND nonce = $2",
                &[&message.author_id.0, nonce],
            )
            .await?;
        if let Some(row) = earlier {
            let room: &str = row.get(1);
            return Ok(retried_or_reused(
                (
                    row.get::<_, i64>(0) as u64,
                    room,
                    i64::from(row.get::<_, i16>(2)),
                    row.get(3),
                ),
                message,
            ));
        }
    }
    match message.action {
        Action::Post => {
            let timestamp = now_ms();
            let id = insert(transaction, message, timestamp, KIND_MESSAGE, None).await?;
            Ok(Outcome::Stored(Entry::Message(
                message.stored_as(id, timestamp),
            )))
        }
        Action::Edit(target) | Action::Delete(target) => change(transaction, message, target).await,
    }
}

/// Checks a change against its target (locked for the rest of the
/// transaction), then applies it and records it as a row of its own.
async fn change(
    transaction: &Transaction<'_>,
    change: &NewMessage,
    target: Target,
) -> Result<Outcome, tokio_postgres::Error> {
    let found = transaction
        .query_opt(
            "SELECT author_id, timestamp FROM messages
             WHERE id = $1 AND room = $2 AND kind = 0 AND deleted_at IS NULL FOR UPDATE",
            &[&cursor(target.id), &change.room],
        )
        .await?
        .map(|row| (row.get::<_, Option<i64>>(0), row.get::<_, i64>(1)));
    if let Err(refusal) = judge(found, change, target) {
        return Ok(Outcome::Refused(refusal));
    }
    let timestamp = now_ms();
    let kind = if matches!(change.action, Action::Delete(_)) {
        transaction
            .execute(
                "UPDATE messages SET value = '', deleted_at = $2 WHERE id = $1",
                &[&cursor(target.id), &timestamp],
            )
            .await?;
        KIND_DELETE
    } else {
        transaction
            .execute(
                "UPDATE messages SET value = $2, edited_at = $3 WHERE id = $1",
                &[&cursor(target.id), &change.value, &timestamp],
            )
            .await?;
        KIND_EDIT
    };
    let id = insert(transaction, change, timestamp, kind, Some(target.id)).await?;
    Ok(Outcome::Stored(Entry::from_change(
        change, target.id, id, timestamp,
    )))
}

/// Inserts one row and returns its id. A change's row keeps no text.
async fn insert(
    transaction: &Transaction<'_>,
    row: &NewMessage,
    timestamp: i64,
    kind: i64,
    target: Option<u64>,
) -> Result<u64, tokio_postgres::Error> {
    // The column is a SMALLINT; the kinds are 0 to 2.
    let kind = kind as i16;
    let value = if i64::from(kind) == KIND_MESSAGE {
        row.value.as_str()
    } else {
        ""
    };
    let inserted = transaction
        .query_one(
            "INSERT INTO messages (room, author, author_id, value, timestamp, nonce, kind, target)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            &[
                &row.room,
                &row.author,
                &row.author_id.0,
                &value,
                &timestamp,
                &row.nonce,
                &kind,
                &target.map(cursor),
            ],
        )
        .await?;
    Ok(inserted.get::<_, i64>(0) as u64)
}

/// Ids are BIGINTs; a cursor beyond them means "no limit".
fn cursor(id: u64) -> i64 {
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
