//! Account events across processes, exactly once each: every process
//! records the events that change what a connection may see (rooms joined
//! or left, settings, sessions ended) in the shared log before it answers,
//! and every other process applies each one once, whichever way it came
//! first: at once through the broker, or from the log at the next poll
//! (the only way without a broker, and the backstop for a notice the
//! broker lost while it was down or restarting).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio_util::sync::CancellationToken;
use tracing::warn;

use super::gap_filler::Polling;
use super::outage::OutageLog;
use crate::delivery::hub::{AccountEvent, Hub};
use crate::process::clock::now_ms;
use crate::store::StoreError;
use crate::store::accounts::UserId;
use crate::store::shared_log::SharedLog;

/// How many events one read takes.
const PAGE: usize = 512;

/// How long the log keeps an event: far longer than any poll's lateness.
/// A process that starts reads the store's state afresh, not old events.
const KEPT_FOR: Duration = Duration::from_secs(600);

/// How often a process forgets events older than [`KEPT_FOR`].
const FORGET_EVERY: Duration = Duration::from_secs(60);

/// Which events this process has applied.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    state: Mutex<Applied>,
}

#[derive(Debug, Default)]
struct Applied {
    /// Every event up to this id has been read from the log (and applied,
    /// unless it came through the broker first).
    read_up_to: u64,
    /// Events above `read_up_to` applied from the broker's notices.
    early: BTreeSet<u64>,
}

impl Ledger {
    /// Starts after `id`: events before it are of the past the store's
    /// state already shows.
    pub(crate) fn start_after(&self, id: u64) {
        let mut state = self.state.lock();
        state.read_up_to = state.read_up_to.max(id);
    }

    /// Whether the event `id`, come through the broker, is new here (and
    /// now counts as applied).
    pub(crate) fn admit(&self, id: u64) -> bool {
        let mut state = self.state.lock();
        id > state.read_up_to && state.early.insert(id)
    }

    /// Whether the event `id`, read from the log in id order, is still to
    /// apply; either way, everything up to it has now been read.
    fn read(&self, id: u64) -> bool {
        let mut state = self.state.lock();
        let new = id > state.read_up_to && !state.early.remove(&id);
        state.read_up_to = state.read_up_to.max(id);
        // Anything left below is an id the log never showed (a failed
        // insert): forget it.
        let read_up_to = state.read_up_to;
        state.early.retain(|early| *early > read_up_to);
        new
    }

    fn read_up_to(&self) -> u64 {
        self.state.lock().read_up_to
    }
}

/// The event as the log keeps it.
pub(crate) fn encode(event: &AccountEvent) -> String {
    // Plain data: serializing it cannot fail.
    serde_json::to_string(event).expect("an account event serializes")
}

/// Reads the log after what `ledger` has read, applying to `hub` each
/// event recorded by another process that the broker did not bring first,
/// until `stop`; and forgets old events now and then.
pub(crate) async fn run(
    ledger: Arc<Ledger>,
    log: Arc<dyn SharedLog>,
    hub: Arc<Hub>,
    node: String,
    polling: Polling,
    broker_up: impl Fn() -> bool + Send + 'static,
    stop: CancellationToken,
) {
    let mut outage = OutageLog::new(
        "cannot read the database for other processes' account events",
        "the database answers again: account events flow",
    );
    if let Ok(newest) = log.newest_event().await {
        ledger.start_after(newest);
    }
    let mut last_forget = tokio::time::Instant::now();
    loop {
        let poll = polling.every(broker_up());
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(poll) => {}
        }
        outage.record(read_new(&ledger, log.as_ref(), &hub, &node).await);
        if last_forget.elapsed() >= FORGET_EVERY {
            last_forget = tokio::time::Instant::now();
            let before = now_ms() - KEPT_FOR.as_millis() as i64;
            let _ = log.forget_events_before(before).await;
        }
    }
}

/// Applies what the log holds after what `ledger` has read.
async fn read_new(
    ledger: &Ledger,
    log: &dyn SharedLog,
    hub: &Hub,
    node: &str,
) -> Result<(), StoreError> {
    loop {
        let events = log.events_after(ledger.read_up_to(), PAGE).await?;
        let full = events.len() == PAGE;
        for logged in events {
            if !ledger.read(logged.id) || logged.node == node {
                continue;
            }
            match serde_json::from_str::<AccountEvent>(&logged.event) {
                Ok(event) => hub.notify(UserId(logged.account), event),
                Err(error) => warn!(
                    %error,
                    id = logged.id,
                    "an account event this version cannot read: skipped"
                ),
            }
        }
        if !full {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_event_is_applied_once_whichever_way_it_comes_first() {
        let ledger = Ledger::default();
        ledger.start_after(10);
        assert!(!ledger.admit(9), "of the past");
        assert!(ledger.admit(12), "the broker first");
        assert!(!ledger.admit(12), "the broker again");
        assert!(ledger.read(11), "the log first");
        assert!(!ledger.admit(11), "then the broker");
        assert!(!ledger.read(12), "the broker brought it");
        assert!(ledger.admit(14));
        assert!(ledger.read(15));
        assert!(!ledger.admit(14), "below what the log has shown: gone");
        assert!(!ledger.read(15), "read once");
    }
}
