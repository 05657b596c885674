//! When to try again after a connection drops: exponential backoff with jitter.
//!
//! Jitter spreads reconnecting clients out, so a server that restarts is not
//! hit by every client in the same instant.

use std::time::Duration;

/// The first retry comes after about this long.
const FIRST: Duration = Duration::from_millis(500);
/// Retries never wait much longer than this.
const CEILING: Duration = Duration::from_secs(10);
/// Each delay is the nominal one scaled by a factor in `1 ± JITTER`.
const JITTER: f64 = 0.25;

/// Counts failed attempts and turns them into delays.
#[derive(Debug, Default, Clone)]
pub struct Backoff {
    /// Failures since the last successful connection.
    failures: u32,
}

impl Backoff {
    /// Forgets past failures, after a connection opened.
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    /// Failures since the last successful connection.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Records a failure and returns how long to wait before the next try.
    /// `unit_random` is a uniform random number in `[0, 1)`.
    pub fn next_delay(&mut self, unit_random: f64) -> Duration {
        let doublings = self.failures.min(16);
        self.failures = self.failures.saturating_add(1);
        let nominal = FIRST.saturating_mul(1 << doublings).min(CEILING);
        let factor = 1.0 - JITTER + 2.0 * JITTER * unit_random.clamp(0.0, 1.0);
        nominal.mul_f64(factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_half_a_second_to_ten_seconds() {
        let mut backoff = Backoff::default();
        let middle: Vec<u128> = (0..8)
            .map(|_| backoff.next_delay(0.5).as_millis())
            .collect();
        assert_eq!(
            middle,
            [500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]
        );
    }

    #[test]
    fn jitter_stays_within_a_quarter() {
        let mut low = Backoff::default();
        let mut high = Backoff::default();
        assert_eq!(low.next_delay(0.0), Duration::from_millis(375));
        assert_eq!(high.next_delay(0.999_999).as_millis(), 624);
    }

    #[test]
    fn reset_starts_over() {
        let mut backoff = Backoff::default();
        for _ in 0..100 {
            backoff.next_delay(0.5);
        }
        assert_eq!(backoff.next_delay(0.5), CEILING);
        backoff.reset();
        assert_eq!(backoff.next_delay(0.5), FIRST);
    }
}
