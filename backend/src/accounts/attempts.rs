//! How often one address may try to sign up or log in, and how often one
//! account may be tried: password guessing and sign-up floods get
//! `rate_limited` with a wait, and cost no hashing.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Past this many remembered keys, forgotten ones are swept out.
const SWEEP_ABOVE: usize = 10_000;

/// The attempt budgets.
#[derive(Debug)]
pub struct Attempts {
    /// Logins per client address: 10 at once, then one every 6 s.
    logins_by_address: DefaultKeyedRateLimiter<IpAddr>,
    /// Logins per account name key: 5 at once, then one every 12 s.
    logins_by_account: DefaultKeyedRateLimiter<String>,
    /// Sign-ups per client address: 10 at once, then one a minute.
    signups_by_address: DefaultKeyedRateLimiter<IpAddr>,
    /// Rooms created and conversations opened per account: 20 at once,
    /// then one every 10 s.
    rooms_by_account: DefaultKeyedRateLimiter<i64>,
}

impl Default for Attempts {
    fn default() -> Self {
        Attempts {
            logins_by_address: RateLimiter::keyed(quota(10, Duration::from_secs(6))),
            logins_by_account: RateLimiter::keyed(quota(5, Duration::from_secs(12))),
            signups_by_address: RateLimiter::keyed(quota(10, Duration::from_secs(60))),
            rooms_by_account: RateLimiter::keyed(quota(20, Duration::from_secs(10))),
        }
    }
}

fn quota(burst: u32, every: Duration) -> Quota {
    // Both are non-zero constants above.
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(every)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

impl Attempts {
    /// Takes a login attempt for `account` from `address`, or says how long
    /// to wait. Both budgets must have room.
    pub fn login(&self, address: IpAddr, account: &str) -> Result<(), Duration> {
        take(&self.logins_by_address, &address)?;
        take(&self.logins_by_account, &account.to_owned())
    }

    /// Takes a sign-up attempt from `address`, or says how long to wait.
    pub fn signup(&self, address: IpAddr) -> Result<(), Duration> {
        take(&self.signups_by_address, &address)
    }

    /// Takes a room creation (or a new direct conversation) for the account
    /// `user`, or says how long to wait.
    pub fn new_room(&self, user: i64) -> Result<(), Duration> {
        take(&self.rooms_by_account, &user)
    }
}

fn take<K: Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), Duration> {
    if limiter.len() > SWEEP_ABOVE {
        limiter.retain_recent();
    }
    limiter
        .check_key(key)
        .map_err(|not_until| not_until.wait_time_from(limiter.clock().now()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_account_cannot_be_guessed_at_from_many_addresses() {
        let attempts = Attempts::default();
        for n in 0..5u8 {
            assert!(attempts.login(IpAddr::from([127, 0, 0, n]), "ada").is_ok());
        }
        let wait = attempts
            .login(IpAddr::from([127, 0, 0, 99]), "ada")
            .unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(12));
        assert!(attempts.login(IpAddr::from([127, 0, 0, 99]), "bob").is_ok());
    }
}
