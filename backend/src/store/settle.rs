//! What every engine's writer does around its transaction: gather appends
//! into a batch, judge a change against its target, and settle the batch
//! once committed (fan out, then acknowledge). The transaction itself is
//! the engine's own.

use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use tracing::{error, warn};

use super::entry::{KIND_DELETE, KIND_EDIT, KIND_MESSAGE};
use super::{
    Action, Appended, Committed, Committing, Entry, EntryRefused, NewMessage, OnCommit, StoreError,
    Target,
};
use crate::store::Cause;

/// The most appends one transaction takes; bounds how long one commit makes
/// the first message of the next batch wait.
pub(crate) const MAX_BATCH: usize = 1024;

/// A commit slower than this is logged. Nobody receives a message before its
/// commit ends, so this is latency every user felt; the log tells operators
/// it came from the database (a disk slow to sync, or another process
/// holding the lock), not from the network.
const SLOW_COMMIT: Duration = Duration::from_millis(250);

/// One append waiting for the writer.
pub(crate) struct Pending {
    /// What to store.
    pub(crate) message: NewMessage,
    /// Where the outcome goes once the batch is committed (or failed).
    pub(crate) reply: oneshot::Sender<Result<Appended, StoreError>>,
}

/// The queue into an engine's writer: appends wait there to be batched.
pub(crate) struct WriterQueue {
    /// `None` once closed.
    sender: parking_lot::Mutex<Option<tokio::sync::mpsc::Sender<Pending>>>,
}

/// Appends that may wait for a writer before senders are made to wait, by
/// default (`--write-queue`).
pub const QUEUE_CAPACITY: usize = 8192;

impl WriterQueue {
    /// A queue of `capacity` appends, and the receiving end its writer reads.
    pub(crate) fn new(capacity: usize) -> (Self, tokio::sync::mpsc::Receiver<Pending>) {
        let (sender, pending) = tokio::sync::mpsc::channel(capacity.max(1));
        let queue = WriterQueue {
            sender: parking_lot::Mutex::new(Some(sender)),
        };
        (queue, pending)
    }

    /// Hands `message` to the writer, waiting while its queue is full, and
    /// returns what resolves with the outcome. Messages submitted one after
    /// another (each awaited before the next) are stored in that order.
    pub(crate) async fn submit(&self, message: NewMessage) -> Result<Committing, StoreError> {
        // Cloned out so the lock is released before the await.
        let sender = self.sender.lock().clone().ok_or(StoreError::Closed)?;
        let (reply, outcome) = oneshot::channel();
        sender
            .send(Pending { message, reply })
            .await
            .map_err(|_| StoreError::Closed)?;
        Ok(Box::pin(async move {
            outcome.await.map_err(|_| StoreError::Closed)?
        }))
    }

    /// Takes no more appends: once those queued are done, the writer's
    /// receiving end reports the queue closed and the writer stops.
    pub(crate) fn close(&self) {
        drop(self.sender.lock().take());
    }
}

/// What one append did inside a transaction.
pub(crate) enum Outcome {
    /// Stored as this entry.
    Stored(Entry),
    /// Its author had sent this nonce already, stored under this id.
    Duplicate(u64),
    /// A change that was refused; nothing was written for it.
    Refused(EntryRefused),
}

/// What an earlier entry of the same author with the same nonce makes of
/// `message`: the same request again (a retry, answered with the id it was
/// stored under), or another one that reused the nonce (refused, so it is
/// never answered with another message's id). `earlier` is that entry's id,
/// room, kind and target, as stored.
pub(crate) fn retried_or_reused(
    earlier: (u64, &str, i64, Option<i64>),
    message: &NewMessage,
) -> Outcome {
    let (id, room, kind, target) = earlier;
    let (wanted_kind, wanted_target) = match message.action {
        Action::Post => (KIND_MESSAGE, None),
        Action::Edit(target) => (KIND_EDIT, Some(target.id)),
        Action::Delete(target) => (KIND_DELETE, Some(target.id)),
    };
    let same_target = target.and_then(|target| u64::try_from(target).ok()) == wanted_target;
    if room == message.room && kind == wanted_kind && same_target {
        Outcome::Duplicate(id)
    } else {
        Outcome::Refused(EntryRefused::NonceReused)
    }
}

/// Whether a change may be applied to its target, given what the store
/// found: the target's author and when it was sent, if it is a live
/// message in the change's room.
pub(crate) fn judge(
    found: Option<(Option<i64>, i64)>,
    change: &NewMessage,
    target: Target,
) -> Result<(), EntryRefused> {
    let Some((author_id, sent_at)) = found else {
        return Err(EntryRefused::UnknownMessage);
    };
    // Checked before the age, so nobody learns more about another's
    // message than that it is not theirs.
    if author_id != Some(change.author_id.0) {
        return Err(EntryRefused::NotYours);
    }
    if target.sent_since.is_some_and(|since| sent_at < since) {
        return Err(EntryRefused::TooOld);
    }
    Ok(())
}

/// Logs a commit that took `took` for `messages` appends, if it was slow.
pub(crate) fn note_duration(messages: usize, took: Duration) {
    if took >= SLOW_COMMIT {
        warn!(
            messages,
            took_ms = took.as_millis() as u64,
            "slow commit: nobody received its messages before it ended"
        );
    }
}

/// Times `commit`, and logs it if slow.
pub(crate) fn timed<R>(messages: usize, commit: impl FnOnce() -> R) -> R {
    let started = Instant::now();
    let result = commit();
    note_duration(messages, started.elapsed());
    result
}

/// Times the future `commit`, and logs it if slow.
pub(crate) async fn timed_async<R>(messages: usize, commit: impl Future<Output = R>) -> R {
    let started = Instant::now();
    let result = commit.await;
    note_duration(messages, started.elapsed());
    result
}

/// Settles a batch after its transaction: on success, hands what was
/// stored to the fan-out (in id order) before anyone is acknowledged, then
/// answers every append; on failure, tells every append it was not stored.
/// Returns whether a message was changed (edited or deleted).
pub(crate) fn settle(
    batch: Vec<Pending>,
    outcomes: Result<Vec<Outcome>, Cause>,
    on_commit: &OnCommit,
) -> bool {
    let outcomes = match outcomes {
        Ok(outcomes) => outcomes,
        Err(cause) => {
            // With its causes: "db error" alone tells an operator nothing.
            let explained = crate::error::explained(&*cause);
            error!(cause = %explained, messages = batch.len(), "could not store messages");
            for pending in batch {
                let _ = pending
                    .reply
                    .send(Err(StoreError::Database(Cause::clone(&cause))));
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
