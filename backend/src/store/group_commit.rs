//! The SQLite writer thread: every append goes through it, and appends that
//! arrive together share one transaction, so a burst costs one commit (and one
//! fsync) instead of one per message.

use std::time::{Duration, Instant};

use deadpool_sqlite::rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use natter_shared::ChatMessage;
use tokio::sync::{mpsc, oneshot};
use tracing::{error, warn};

use super::{Appended, Committed, NewMessage, OnCommit, StoreError};
use crate::clock::now_ms;

/// The most appends one transaction takes; bounds how long one commit makes
/// the first message of the next batch wait.
const MAX_BATCH: usize = 1024;

/// A commit slower than this is logged. Nobody receives a message before its
/// commit ends, so this is latency every user felt; the log tells operators
/// it came from the database (a disk slow to sync, or another process
/// holding the lock), not from the network.
const SLOW_COMMIT: Duration = Duration::from_millis(250);

/// One append waiting for the writer.
pub struct Pending {
    /// What to store.
    pub message: NewMessage,
    /// Where the outcome goes once the batch is committed (or failed).
    pub reply: oneshot::Sender<Result<Appended, StoreError>>,
}

/// What one append did inside a transaction.
enum Outcome {
    Stored(ChatMessage),
    Duplicate(u64),
}

/// Runs until every sender of `queue` is gone and the queue is empty.
pub fn run(mut connection: Connection, mut queue: mpsc::Receiver<Pending>, on_commit: OnCommit) {
    while let Some(first) = queue.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(pending) => batch.push(pending),
                Err(_) => break,
            }
        }
        let started = Instant::now();
        let committed = commit(&mut connection, &batch);
        let took = started.elapsed();
        if took >= SLOW_COMMIT {
            warn!(
                messages = batch.len(),
                took_ms = took.as_millis() as u64,
                "slow commit: nobody received its messages before it ended"
            );
        }
        match committed {
            Ok(outcomes) => {
                let committed: Vec<Committed> = batch
                    .iter()
                    .zip(&outcomes)
                    .filter_map(|(pending, outcome)| match outcome {
                        Outcome::Stored(message) => Some(Committed {
                            message: message.clone(),
                            author_id: pending.message.author_id,
                        }),
                        Outcome::Duplicate(_) => None,
                    })
                    .collect();
                // Fan out before acknowledging: an acked message is always
                // already on its way to everyone.
                if !committed.is_empty() {
                    on_commit(&committed);
                }
                for (pending, outcome) in batch.into_iter().zip(outcomes) {
                    let appended = match outcome {
                        Outcome::Stored(message) => Appended { id: message.id },
                        Outcome::Duplicate(id) => Appended { id },
                    };
                    let _ = pending.reply.send(Ok(appended));
                }
            }
            Err(cause) => {
                error!(%cause, messages = batch.len(), "could not store messages");
                for pending in batch {
                    let _ = pending
                        .reply
                        .send(Err(StoreError::Database(cause.to_string())));
                }
            }
        }
    }
}

/// Stores a batch in one transaction; all or nothing.
fn commit(
    connection: &mut Connection,
    batch: &[Pending],
) -> deadpool_sqlite::rusqlite::Result<Vec<Outcome>> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    {
        let mut find = transaction
            .prepare_cached("SELECT id FROM messages WHERE author_id = ?1 AND nonce = ?2")?;
        let mut insert = transaction.prepare_cached(
            "INSERT INTO messages (room, author, author_id, value, timestamp, nonce)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for Pending { message, .. } in batch {
            if let Some(nonce) = &message.nonce {
                let existing: Option<i64> = find
                    .query_row(params![message.author_id.0, nonce], |row| row.get(0))
                    .optional()?;
                if let Some(id) = existing {
                    outcomes.push(Outcome::Duplicate(id as u64));
                    continue;
                }
            }
            let timestamp = now_ms();
            insert.execute(params![
                message.room,
                message.author,
                message.author_id.0,
                message.value,
                timestamp,
                message.nonce
            ])?;
            outcomes.push(Outcome::Stored(ChatMessage {
                id: transaction.last_insert_rowid() as u64,
                room: message.room.clone(),
                value: message.value.clone(),
                author: message.author.clone(),
                timestamp,
                nonce: message.nonce.clone(),
            }));
        }
    }
    transaction.commit()?;
    Ok(outcomes)
}
