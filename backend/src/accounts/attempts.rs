//! How often one address may try to sign up or log in, and how often one
//! account may be tried: password guessing and sign-up floods get
//! `rate_limited` with a wait, and cost no hashing.
//!
//! The budgets are shaped so they cannot be turned against an account's
//! owner: a guesser's wrong passwords use up the budget of its own address
//! (and of its address for that account), not the owner's. The account's
//! own budget, which caps guessing spread over many addresses, does not
//! apply to a device that signed in to the account before (see
//! [`super::known_device`]). Changing a password has a budget of its own
//! per session, apart from logins.

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
pub(crate) struct Attempts {
    /// Logins per client address: 10 at once, then one every 6 s.
    logins_by_address: DefaultKeyedRateLimiter<IpAddr>,
    /// Logins per account name key and address: 5 at once, then one every 12 s.
    logins_by_account_and_address: DefaultKeyedRateLimiter<(String, IpAddr)>,
    /// Logins per account name key from devices it does not know, from
    /// every address together: 10 at once, then one every 6 s.
    logins_by_account: DefaultKeyedRateLimiter<String>,
    /// Password changes per session: 5 at once, then one every 12 s.
    password_changes_by_session: DefaultKeyedRateLimiter<[u8; 32]>,
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
            logins_by_account_and_address: RateLimiter::keyed(quota(5, Duration::from_secs(12))),
            logins_by_account: RateLimiter::keyed(quota(10, Duration::from_secs(6))),
            password_changes_by_session: RateLimiter::keyed(quota(5, Duration::from_secs(12))),
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
    /// to wait. The address's budget, and its budget for this account, must
    /// have room; so must the account's own, unless the attempt comes from
    /// a device the account knows.
    pub(crate) fn login(
        &self,
        address: IpAddr,
        account: &str,
        known_device: bool,
    ) -> Result<(), Duration> {
        take(&self.logins_by_address, &address)?;
        take(
            &self.logins_by_account_and_address,
            &(account.to_owned(), address),
        )?;
        if known_device {
            return Ok(());
        }
        take(&self.logins_by_account, &account.to_owned())
    }

    /// Takes a password change for the session with this hash.
    pub(crate) fn password_change(&self, session: [u8; 32]) -> Result<(), Duration> {
        take(&self.password_changes_by_session, &session)
    }

    /// Takes a sign-up attempt from `address`, or says how long to wait.
    pub(crate) fn signup(&self, address: IpAddr) -> Result<(), Duration> {
        take(&self.signups_by_address, &address)
    }

    /// Takes a room creation (or a new direct conversation) for the account
    /// `user`, or says how long to wait.
    pub(crate) fn new_room(&self, user: i64) -> Result<(), Duration> {
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

    fn address(n: u8) -> IpAddr {
        IpAddr::from([127, 0, 0, n])
    }

    #[test]
    fn one_account_cannot_be_guessed_at_from_many_addresses() {
        let attempts = Attempts::default();
        for n in 0..10u8 {
            assert!(attempts.login(address(n), "ada", false).is_ok());
        }
        let wait = attempts.login(address(99), "ada", false).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(6));
        assert!(attempts.login(address(99), "bob", false).is_ok());
    }

    #[test]
    fn guessers_cannot_lock_the_owner_out() {
        let attempts = Attempts::default();
        // Guessing from many addresses uses up the account's budget...
        for n in 0..10u8 {
            assert!(attempts.login(address(n), "ada", false).is_ok());
        }
        assert!(attempts.login(address(50), "ada", false).is_err());
        // ...which the owner's known device does not need.
        assert!(attempts.login(address(50), "ada", true).is_ok());
        // One address guessing at one account stops at its own budget.
        for _ in 0..5 {
            assert!(attempts.login(address(7), "bob", true).is_ok());
        }
        assert!(attempts.login(address(7), "bob", true).is_err());
        assert!(attempts.login(address(8), "bob", true).is_ok());
    }
}
