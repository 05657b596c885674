//! [`DatabaseWatch`]: whether this process, one of several, can reach
//! the database they share. One that cannot has nothing to offer its
//! connections (no send can be stored, no history read), while the others
//! may well reach it: so after `--database-cut-off` (by default
//! [`CUT_OFF_AFTER`]) without an answer (and
//! one more attempt, begun then, that fails too), it
//! closes its WebSockets with 1013 (try again later), refuses new ones,
//! and `/readyz` says 503, so clients resume on another process through
//! the load balancer instead of waiting here. It takes connections again
//! at the first answer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use tokio_util::sync::CancellationToken;
use tracing::warn;

use crate::store::HistoryStore;

/// How often the database is asked whether it answers.
pub(crate) const PROBE_EVERY: Duration = Duration::from_secs(1);

/// How long the database may go without answering before this process
/// lets its connections go, by default (`--database-cut-off`). Longer
/// than a blip (a slow commit, a pool refilled after a silence), shorter
/// than people wait before reloading.
pub const CUT_OFF_AFTER: Duration = Duration::from_secs(3);

/// Whether this process is cut off from its database.
#[derive(Default)]
pub(crate) struct DatabaseWatch {
    /// Cancelled while cut off; a fresh one once the database answers
    /// again. A connection that takes it while cut off is closed at once.
    reachable: Mutex<CancellationToken>,
}

impl DatabaseWatch {
    /// Cancelled when this process is cut off from its database: each
    /// connection takes one as it starts and closes when it is.
    pub(crate) fn cut_off(&self) -> CancellationToken {
        self.reachable.lock().clone()
    }

    /// Whether this process is cut off now.
    pub(crate) fn is_cut_off(&self) -> bool {
        self.reachable.lock().is_cancelled()
    }

    /// Asks `store` every [`PROBE_EVERY`] until `stop`, and cuts this
    /// process off after `after` without an answer, or takes it back, as
    /// the answers say.
    pub(crate) async fn run(
        self: Arc<Self>,
        store: Arc<dyn HistoryStore>,
        after: Duration,
        stop: CancellationToken,
    ) {
        let mut unanswered_since: Option<Instant> = None;
        loop {
            let asked = Instant::now();
            // The store bounds its own answer (and suspects a silent link).
            let answered = tokio::select! {
                () = stop.cancelled() => return,
                answer = store.newest_id() => answer,
            };
            match answered {
                Ok(_) => {
                    unanswered_since = None;
                    self.reached();
                }
                Err(error) => {
                    let since = *unanswered_since.get_or_insert(asked);
                    // A failure can be stale (an attempt begun before the
                    // link came back): one more, begun now, must fail too.
                    if since.elapsed() >= after
                        && !self.is_cut_off()
                        && store.newest_id().await.is_err()
                    {
                        let error = crate::error::explained(&error);
                        warn!(%error, "cannot reach the database: closing connections (1013) and refusing new ones until it answers");
                        self.reachable.lock().cancel();
                    }
                }
            }
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep_until((asked + PROBE_EVERY).into()) => {}
            }
        }
    }

    /// The database answered: connections are welcome again.
    fn reached(&self) {
        let mut reachable = self.reachable.lock();
        if reachable.is_cancelled() {
            warn!("the database answers again: taking connections");
            *reachable = CancellationToken::new();
        }
    }
}
