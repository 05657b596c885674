//! The SQLite writer thread: every append goes through it, and appends that
//! arrive together share one transaction, so a burst costs one commit (and one
//! fsync) instead of one per message.

use deadpool_sqlite::rusqlite::{
    Connection, OptionalExtension, Result, Transaction, TransactionBehavior, params,
};
use natter_shared::ChatMessage;
use tokio::sync::mpsc;
use tracing::warn;

use crate::process::clock::now_ms;
use crate::store::cause;
use crate::store::entry::{KIND_DELETE, KIND_EDIT, KIND_MESSAGE};
use crate::store::settle::{MAX_BATCH, Outcome, Pending, judge, retried_or_reused, settle, timed};
use crate::store::{Action, Entry, NewMessage, OnCommit, Target};

/// Runs until every sender of `queue` is gone and the queue is empty.
pub(crate) fn run(
    mut connection: Connection,
    mut queue: mpsc::Receiver<Pending>,
    on_commit: OnCommit,
) {
    while let Some(first) = queue.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(pending) => batch.push(pending),
                Err(_) => break,
            }
        }
        let committed = timed(batch.len(), || commit(&mut connection, &batch)).map_err(cause);
        let changed = settle(batch, committed, &on_commit);
        // After the acks, so the change itself is not delayed.
        if changed {
            erase_old_versions(&connection);
        }
    }
}

/// Copies the write-ahead log into the database file and empties it. The
/// log holds every page as it was written, so the text a delete or an edit
/// replaced would live on there (until the log wrapped round) although the
/// database itself no longer has it; `secure_delete` has zeroed it in the
/// database, and this removes the log's copies. Readers mid-query can make
/// it give up (after the busy timeout); the next change, or SQLite's own
/// checkpoint, then does it.
fn erase_old_versions(connection: &Connection) {
    let checkpoint = connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
        row.get::<_, i64>(0)
    });
    match checkpoint {
        Ok(0) => {}
        Ok(_) => {
            warn!("readers kept the log busy; replaced text stays in it until the next checkpoint")
        }
        Err(cause) => warn!(%cause, "could not empty the log after a change"),
    }
}

/// Stores a batch in one transaction; all or nothing (a refused change is
/// an outcome, not a failure: the rest of the batch stands).
fn commit(
    connection: &mut Connection,
    batch: &[Pending],
) -> deadpool_sqlite::rusqlite::Result<Vec<Outcome>> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    {
        let mut find = transaction.prepare_cached(
            "SELECT id, room, kind, target FROM messages WHERE author_id = ?1 AND nonce = ?2",
        )?;
        for Pending { message, .. } in batch {
            if let Some(nonce) = &message.nonce {
                let earlier: Option<(i64, String, i64, Option<i64>)> = find
                    .query_row(params![message.author_id.0, nonce], |row| {
                        Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                    })
                    .optional()?;
                if let Some((id, room, kind, target)) = earlier {
                    outcomes.push(retried_or_reused((id as u64, &room, kind, target), message));
                    continue;
                }
            }
            let outcome = match message.action {
                Action::Post => Outcome::Stored(Entry::Message(post(&transaction, message)?)),
                Action::Edit(target) | Action::Delete(target) => {
                    change(&transaction, message, target)?
                }
            };
            outcomes.push(outcome);
        }
    }
    transaction.commit()?;
    Ok(outcomes)
}

/// The columns every kind of row fills, in [`insert`]'s order.
const INSERT: &str =
    "INSERT INTO messages (room, author, author_id, value, timestamp, nonce, kind, target)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

fn post(transaction: &Transaction<'_>, message: &NewMessage) -> Result<ChatMessage> {
    let timestamp = now_ms();
    let id = insert(transaction, message, timestamp, KIND_MESSAGE, None)?;
    Ok(message.stored_as(id, timestamp))
}

/// Checks a change against its target, then applies it to the target row
/// and records it as a row of its own. A refusal writes nothing.
fn change(transaction: &Transaction<'_>, change: &NewMessage, target: Target) -> Result<Outcome> {
    let found: Option<(Option<i64>, i64)> = transaction
        .prepare_cached(
            "SELECT author_id, timestamp FROM messages
             WHERE id = ?1 AND room = ?2 AND kind = 0 AND deleted_at IS NULL",
        )?
        .query_row(params![cursor(target.id), change.room], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    if let Err(refusal) = judge(found, change, target) {
        return Ok(Outcome::Refused(refusal));
    }
    let timestamp = now_ms();
    let kind = if matches!(change.action, Action::Delete(_)) {
        // The text is overwritten, and `secure_delete` zeroes the space it
        // took: it is gone from the file, not only hidden.
        transaction
            .prepare_cached("UPDATE messages SET value = '', deleted_at = ?2 WHERE id = ?1")?
            .execute(params![cursor(target.id), timestamp])?;
        KIND_DELETE
    } else {
        transaction
            .prepare_cached("UPDATE messages SET value = ?2, edited_at = ?3 WHERE id = ?1")?
            .execute(params![cursor(target.id), change.value, timestamp])?;
        KIND_EDIT
    };
    let id = insert(transaction, change, timestamp, kind, Some(target.id))?;
    Ok(Outcome::Stored(Entry::from_change(
        change, target.id, id, timestamp,
    )))
}

/// Inserts one row and returns its id. A change's row keeps no text: the
/// target holds the current text, so erasing it erases every copy.
fn insert(
    transaction: &Transaction<'_>,
    row: &NewMessage,
    timestamp: i64,
    kind: i64,
    target: Option<u64>,
) -> Result<u64> {
    let value = if kind == KIND_MESSAGE {
        row.value.as_str()
    } else {
        ""
    };
    transaction.prepare_cached(INSERT)?.execute(params![
        row.room,
        row.author,
        row.author_id.0,
        value,
        timestamp,
        row.nonce,
        kind,
        target.map(cursor),
    ])?;
    Ok(transaction.last_insert_rowid() as u64)
}

/// Ids are SQLite integers; one beyond them names no row.
fn cursor(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}
