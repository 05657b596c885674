//! Sending within the server's frame budget.
//!
//! The server lets each connection send a burst of frames, then so many a
//! second, and drops what comes faster (`rate_limited`); five refusals in
//! ten seconds close the connection. An outbox of messages typed offline
//! would trip both at once if sent together. So the client keeps the same
//! token bucket the server does (from the welcome's `frame_budget`), a
//! little tighter, and sends its outbox only as fast as the bucket refills:
//! nothing a person typed is refused for pacing.

use natter_shared::FrameBudget;

/// The server's budget until a welcome says otherwise: its defaults.
const DEFAULT_BUDGET: FrameBudget = FrameBudget {
    burst: 20,
    every_ms: 200,
};

/// Held back from the burst, for the frames the page cannot delay (read
/// markers, history pages, pings) and for clock drift.
const BURST_MARGIN: f64 = 4.0;

/// How much slower than the server's rate the bucket refills: clocks and
/// networks do not tick alike.
const RATE_MARGIN: f64 = 1.25;

/// A token bucket mirroring the server's, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Pacer {
    /// Most tokens held.
    burst: f64,
    /// Milliseconds per new token.
    every_ms: f64,
    /// Tokens now (below zero after frames that could not wait).
    tokens: f64,
    /// When `tokens` was last brought up to date.
    at_ms: f64,
}

impl Pacer {
    /// A full bucket for the server's default budget.
    pub fn new(now_ms: f64) -> Self {
        let mut pacer = Pacer {
            burst: 0.0,
            every_ms: 0.0,
            tokens: 0.0,
            at_ms: now_ms,
        };
        pacer.follow(DEFAULT_BUDGET, now_ms);
        pacer
    }

    /// Follows the budget a welcome announced; the bucket starts full, as
    /// the server's does for a new connection.
    pub fn follow(&mut self, budget: FrameBudget, now_ms: f64) {
        self.burst = (f64::from(budget.burst) - BURST_MARGIN).max(1.0);
        self.every_ms = budget.every_ms as f64 * RATE_MARGIN;
        self.tokens = self.burst;
        self.at_ms = now_ms;
    }

    /// Takes a token for a frame that can wait, or says how many ms until
    /// one is there.
    pub fn try_take(&mut self, now_ms: f64) -> Result<(), u32> {
        self.refill(now_ms);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(self.wait_ms())
        }
    }

    /// Counts a frame that goes out whatever the budget (a read marker, a
    /// history page, a ping): the frames that can wait wait longer.
    pub fn spend(&mut self, now_ms: f64) {
        self.refill(now_ms);
        self.tokens -= 1.0;
    }

    /// The server refused a frame and said when to try again: nothing that
    /// can wait goes before then.
    pub fn hold(&mut self, now_ms: f64, retry_after_ms: u64) {
        self.refill(now_ms);
        let owed = retry_after_ms as f64 / self.every_ms;
        self.tokens = self.tokens.min(0.0) - owed;
    }

    /// Milliseconds until a token is there (0 when one is).
    pub fn wait_ms(&self) -> u32 {
        if self.tokens >= 1.0 {
            return 0;
        }
        ((1.0 - self.tokens) * self.every_ms).ceil() as u32
    }

    fn refill(&mut self, now_ms: f64) {
        let elapsed = (now_ms - self.at_ms).max(0.0);
        self.tokens = (self.tokens + elapsed / self.every_ms).min(self.burst);
        self.at_ms = now_ms;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `frames` through a pacer as fast as it allows and through the
    /// server's own bucket: none may be refused.
    fn server_refusals(budget: FrameBudget, frames: usize) -> usize {
        let mut pacer = Pacer::new(0.0);
        pacer.follow(budget, 0.0);
        let mut server = budget.burst as f64;
        let (mut now, mut server_at, mut refused) = (0.0_f64, 0.0_f64, 0);
        for _ in 0..frames {
            loop {
                match pacer.try_take(now) {
                    Ok(()) => break,
                    Err(wait) => now += f64::from(wait),
                }
            }
            server = (server + (now - server_at) / budget.every_ms as f64).min(budget.burst as f64);
            server_at = now;
            if server >= 1.0 {
                server -= 1.0;
            } else {
                refused += 1;
            }
        }
        refused
    }

    #[test]
    fn a_hundred_frames_paced_are_never_refused() {
        assert_eq!(server_refusals(DEFAULT_BUDGET, 100), 0);
        let tight = FrameBudget {
            burst: 3,
            every_ms: 1000,
        };
        assert_eq!(server_refusals(tight, 20), 0);
    }

    #[test]
    fn a_refusal_holds_everything_until_the_server_said() {
        let mut pacer = Pacer::new(0.0);
        pacer.hold(0.0, 1_000);
        assert!(pacer.wait_ms() >= 1_000, "{}", pacer.wait_ms());
        assert!(pacer.try_take(999.0).is_err());
        let wait = pacer.wait_ms();
        assert!(pacer.try_take(999.0 + f64::from(wait)).is_ok());
    }

    #[test]
    fn frames_that_cannot_wait_make_the_others_wait() {
        let mut pacer = Pacer::new(0.0);
        for _ in 0..30 {
            pacer.spend(0.0);
        }
        assert!(pacer.try_take(0.0).is_err());
    }
}
