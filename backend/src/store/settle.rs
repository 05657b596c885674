//! What every engine's writer does around its transaction: gather appends
//! into a batch, judge a change against its target, and settle the batch
//! once committed (fan out, then acknowledge). The transaction itself is
//! the engine's own.

use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use tracing::{error, warn};

use super::{Appended, Committed, Entry, NewMessage, OnCommit, Refusal, StoreError, Target};

/// The most appends one transaction takes; bounds how long one commit makes
/// the first message of the next batch wait.
pub const MAX_BATCH: usize = 1024;

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
pub enum Outcome {
    /// Stored as this entry.
    Stored(Entry),
    /// Its author had sent this nonce already, stored under this id.
    Duplicate(u64),
    /// A change that was refused; nothing was written for it.
    Refused(Refusal),
}

/// Whether a change may be applied to its target, given what the store
/// found: the target's author and when it was sent, if it is a live
/// message in the change's room.
pub fn judge(
    found: Option<(Option<i64>, i64)>,
    change: &NewMessage,
    target: Target,
) -> Result<(), Refusal> {
    let Some((author_id, sent_at)) = found else {
        return Err(Refusal::UnknownMessage);
    };
    // Checked before the age, so nobody learns more about another's
    // message than that it is not theirs.
    if author_id != Some(change.author_id.0) {
        return Err(Refusal::NotYours);
    }
    if target.sent_since.is_some_and(|since| sent_at < since) {
        return Err(Refusal::TooOld);
    }
    Ok(())
}

/// Logs a commit that took `took` for `messages` appends, if it was slow.
pub fn note_duration(messages: usize, took: Duration) {
    if took >= SLOW_COMMIT {
        warn!(
            messages,
            took_ms = took.as_millis() as u64,
            "slow commit: nobody received its messages before it ended"
        );
    }
}

/// Times `commit`, and logs it if slow.
pub fn timed<R>(messages: usize, commit: impl FnOnce() -> R) -> R {
    let started = Instant::now();
    let result = commit();
    note_duration(messages, started.elapsed());
    result
}

/// Times the future `commit`, and logs it if slow.
pub async fn timed_async<R>(messages: usize, commit: impl Future<Output = R>) -> R {
    let started = Instant::now();
    let result = commit.await;
    note_duration(messages, started.elapsed());
    result
}

/// Settles a batch after its transaction: on success, hands what was
/// stored to the fan-out (in id order) before anyone is acknowledged, then
/// answers every append; on failure, tells every append it was not stored.
/// Returns whether a message was changed (edited or deleted).
pub fn settle(
    batch: Vec<Pending>,
    outcomes: Result<Vec<Outcome>, String>,
    on_commit: &OnCommit,
) -> bool {
    let outcomes = match outcomes {
        Ok(outcomes) => outcomes,
        Err(cause) => {
            error!(%cause, messages = batch.len(), "could not store messages");
            for pending in batch {
                let _ = pending.reply.send(Err(StoreError::Database(cause.clone())));
            }
            return false;
        }
    };
    let changed = outcomes.iter().any(|outcome| {
        matches!(
            outcome,
            Outcome::Stored(Entry::Edited(_) | Entry::Deleted(_))
        )
    });
    let committed: Vec<Committed> = batch
        .iter()
        .zip(&outcomes)
        .filter_map(|(pending, outcome)| match outcome {
            Outcome::Stored(entry) => Some(Committed {
                entry: entry.clone(),
                author_id: pending.message.author_id,
            }),
            Outcome::Duplicate(_) | Outcome::Refused(_) => None,
        })
        .collect();
    // Fan out before acknowledging: an acked message is always already on
    // its way to everyone.
    if !committed.is_empty() {
        on_commit(&committed);
    }
    for (pending, outcome) in batch.into_iter().zip(outcomes) {
        let appended = match outcome {
            Outcome::Stored(entry) => Ok(Appended { id: entry.id() }),
            Outcome::Duplicate(id) => Ok(Appended { id }),
            Outcome::Refused(refusal) => Err(StoreError::Refused(refusal)),
        };
        let _ = pending.reply.send(appended);
    }
    changed
}
