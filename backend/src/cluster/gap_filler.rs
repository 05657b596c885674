//! The task that keeps a [`Sequencer`] whole from the database: it fills a
//! gap the broker did not (a notice lost, or a process that died between
//! its commit and its notice), and, with the broker down, is how other
//! processes' messages arrive at all.

use std::sync::Arc;
use std::time::Duration;

use super::outage::OutageLog;
use super::sequencer::Sequencer;
use crate::store::shared_log::SharedLog;
use crate::store::{AuthorId, Committed, StoreError, StoredEntry};
use tokio_util::sync::CancellationToken;

/// How long an entry waits for a lower id from the broker before the
/// database is asked: notices of two processes' back-to-back commits race,
/// and the later one usually wins by well under this.
const GAP_WAIT: Duration = Duration::from_millis(30);

/// How many entries one read takes.
const PAGE: usize = 512;

/// How often the database is read when nothing seems missing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Polling {
    /// While the broker is up: a last notice lost shows no gap, so this
    /// bounds how late it can be.
    pub(crate) with_broker: Duration,
    /// While it is down (or there is none): how late other processes'
    /// messages arrive.
    pub(crate) without_broker: Duration,
}

impl Polling {
    /// How long to wait before the next read, whether the broker is up.
    pub(crate) fn every(&self, broker_up: bool) -> Duration {
        if broker_up {
            self.with_broker
        } else {
            self.without_broker
        }
    }
}

impl Default for Polling {
    fn default() -> Self {
        Polling {
            with_broker: Duration::from_secs(1),
            without_broker: Duration::from_millis(200),
        }
    }
}

/// Fills `sequencer` from `log` until `stop`: when a gap has waited
/// [`GAP_WAIT`], and at every poll. `broker_up` says which poll applies.
pub(crate) async fn run(
    sequencer: Arc<Sequencer>,
    log: Arc<dyn SharedLog>,
    polling: Polling,
    broker_up: impl Fn() -> bool + Send + 'static,
    stop: CancellationToken,
) {
    let mut outage = OutageLog::new(
        "cannot read the database for other processes' messages",
        "the database answers again: other processes' messages flow",
    );
    loop {
        let poll = polling.every(broker_up());
        tokio::select! {
            () = stop.cancelled() => return,
            () = sequencer.gap_opened() => {
                tokio::time::sleep(GAP_WAIT).await;
                match sequencer.waiting_since() {
                    Some(since) if since.elapsed() >= GAP_WAIT => {}
                    // Closed by a notice, or a newer gap that gets its own wait.
                    _ => continue,
                }
            }
            () = tokio::time::sleep(poll) => {}
        }
        outage.record(catch_up(&sequencer, log.as_ref()).await);
    }
}

/// Reads everything after what `sequencer` has delivered, page by page.
pub(crate) async fn catch_up(sequencer: &Sequencer, log: &dyn SharedLog) -> Result<(), StoreError> {
    loop {
        let after = sequencer.delivered();
        let entries = log.entries_after(after, PAGE).await?;
        let Some(newest) = entries.last().map(|stored| stored.entry.id()) else {
            return Ok(());
        };
        let full = entries.len() == PAGE;
        sequencer.fill(entries.into_iter().map(committed).collect(), newest);
        if !full {
            return Ok(());
        }
    }
}

/// An entry read back as the fan-out takes it. Messages from before
/// accounts have no author: their nonce is nobody's, so it is dropped.
fn committed(stored: StoredEntry) -> Committed {
    match stored.author_id {
        Some(author_id) => Committed {
            entry: stored.entry,
            author_id,
        },
        None => Committed {
            entry: stored.entry.without_nonce(),
            author_id: AuthorId(0),
        },
    }
}
