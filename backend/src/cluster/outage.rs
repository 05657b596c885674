//! [`OutageLog`]: a task that retries against Redis or the database logs
//! when an outage starts and when it ends, once each, not every failure
//! in between.

use std::fmt::Display;

use tracing::warn;

/// Whether the last attempt failed, and what to say when that changes.
pub(crate) struct OutageLog {
    failing: bool,
    /// Said, with the error, at the first failure.
    starts: &'static str,
    /// Said at the first success after failures.
    ends: &'static str,
}

impl OutageLog {
    /// A log that says `starts` when an outage starts and `ends` when it ends.
    pub(crate) fn new(starts: &'static str, ends: &'static str) -> Self {
        OutageLog {
            failing: false,
            starts,
            ends,
        }
    }

    /// Notes how an attempt went.
    pub(crate) fn record<E: Display>(&mut self, outcome: Result<(), E>) {
        match outcome {
            Ok(()) if self.failing => {
                warn!("{}", self.ends);
                self.failing = false;
            }
            Ok(()) => {}
            Err(error) => {
                if !self.failing {
                    warn!(%error, "{}", self.starts);
                }
                self.failing = true;
            }
        }
    }
}
