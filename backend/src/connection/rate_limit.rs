//! Flood control: a token bucket for each connection's frames, a cut-off
//! for clients that keep hitting it, and a bucket every address's
//! connections share.

use std::collections::VecDeque;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{Quota, RateLimiter};
use natter_shared::{ErrorCode, ErrorParams, FrameBudget, ServerFrame};

/// This many refusals within [`ABUSE_WINDOW`] closes the connection (1008).
const ABUSE_REFUSALS: usize = 5;
/// See [`ABUSE_REFUSALS`].
const ABUSE_WINDOW: Duration = Duration::from_secs(10);

/// The configured rate, shared by every connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RateLimit {
    /// Frames per second, sustained.
    pub(crate) per_second: f64,
    /// Frames allowed in a burst.
    pub(crate) burst: u32,
}

impl RateLimit {
    /// The budget as the welcome tells it, so clients pace themselves: the
    /// interval rounded up, so a client that keeps to it is never early.
    pub(crate) fn budget(&self) -> FrameBudget {
        let every_ms = (1000.0 / self.per_second.max(0.001)).ceil();
        FrameBudget {
            burst: self.burst,
            // Finite and at least 1: per_second is positive and bounded above.
            every_ms: (every_ms as u64).max(1),
        }
    }
}

/// The frame budget every address's connections share, beside each
/// connection's own: without it one address would get its connection limit
/// (256) times the per-connection rate.
pub(crate) struct AddressFrames {
    bucket: governor::DefaultKeyedRateLimiter<IpAddr>,
}

/// Past this many remembered addresses, quiet ones are swept out.
const SWEEP_ADDRESSES_ABOVE: usize = 10_000;

impl AddressFrames {
    /// Every address with this budget.
    pub(crate) fn new(limit: RateLimit) -> Self {
        AddressFrames {
            bucket: RateLimiter::keyed(quota(limit)),
        }
    }

    /// Takes a token for one frame from `address`, or says how long until
    /// one is there. A refusal here never counts toward a connection's
    /// 1008: the address's other connections may be the ones sending.
    pub(crate) fn check(&self, address: IpAddr) -> Result<(), Duration> {
        if self.bucket.len() > SWEEP_ADDRESSES_ABOVE {
            self.bucket.retain_recent();
        }
        self.bucket
            .check_key(&address)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// The governor quota for a rate and burst.
fn quota(limit: RateLimit) -> Quota {
    let burst = NonZeroU32::new(limit.burst).unwrap_or(NonZeroU32::MIN);
    let period = Duration::from_secs_f64(1.0 / limit.per_second.max(0.001));
    // `with_period` only fails for a zero period, which max() above rules out.
    Quota::with_period(period)
        .unwrap_or(Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

/// What the limiter says about one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Go ahead.
    Allowed,
    /// Refuse it; a frame will be accepted again after this long.
    Refused(Duration),
    /// Refused, and the client has ignored too many refusals: close 1008.
    Abusive,
}

/// One connection's limiter.
pub(crate) struct FrameLimiter {
    /// The token bucket.
    bucket: RateLimiter<governor::state::NotKeyed, governor::state::InMemoryState, DefaultClock>,
    /// When recent refusals happened, oldest first, at most [`ABUSE_REFUSALS`].
    refusals: VecDeque<Instant>,
}

impl FrameLimiter {
    /// A full bucket for a new connection.
    pub(crate) fn new(limit: RateLimit) -> Self {
        FrameLimiter {
            bucket: RateLimiter::direct(quota(limit)),
            refusals: VecDeque::with_capacity(ABUSE_REFUSALS),
        }
    }

    /// Takes a token for one frame.
    pub(crate) fn check(&mut self) -> Verdict {
        match self.bucket.check() {
            Ok(()) => Verdict::Allowed,
            Err(not_until) => {
                let now = Instant::now();
                while self
                    .refusals
                    .front()
                    .is_some_and(|&at| now.duration_since(at) > ABUSE_WINDOW)
                {
                    self.refusals.pop_front();
                }
                self.refusals.push_back(now);
                if self.refusals.len() >= ABUSE_REFUSALS {
                    Verdict::Abusive
                } else {
                    Verdict::Refused(not_until.wait_time_from(DefaultClock::default().now()))
                }
            }
        }
    }
}

/// The refusal for a frame over the rate limit.
pub(crate) fn refusal(wait: Duration, nonce: Option<String>) -> String {
    let retry_after_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1);
    ServerFrame::Error(ErrorParams {
        code: ErrorCode::RateLimited,
        message: format!("too many frames; this one was dropped. Try again in {retry_after_ms} ms"),
        nonce,
        retry_after_ms: Some(retry_after_ms),
    })
    .to_json()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_refusals_then_abuse() {
        let mut limiter = FrameLimiter::new(RateLimit {
            per_second: 1.0,
            burst: 3,
        });
        assert_eq!(limiter.check(), Verdict::Allowed);
        assert_eq!(limiter.check(), Verdict::Allowed);
        assert_eq!(limiter.check(), Verdict::Allowed);
        for _ in 0..ABUSE_REFUSALS - 1 {
            match limiter.check() {
                Verdict::Refused(wait) => {
                    assert!(wait > Duration::ZERO && wait <= Duration::from_secs(1))
                }
                other => panic!("expected a refusal, got {other:?}"),
            }
        }
        assert_eq!(limiter.check(), Verdict::Abusive);
    }
}
