//! Password hashing with Argon2id (RustCrypto's `argon2`, its recommended
//! parameters: 19 MiB, two passes, one lane). Hashing is slow and
//! memory-hungry on purpose, so it runs on the blocking pool, a few at a
//! time, and only so many may wait: past [`QUEUED_PER_CORE`] waiting per
//! core, an attempt is refused at once with a short wait, so a flood of
//! logins from many addresses makes floods wait, never everyone's login
//! an ever longer time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

use super::AuthError;
use crate::store::StoreError;
use crate::store::database;

/// Hashing jobs that may wait for a core, per core: at a few tens of
/// milliseconds each, about half a second of work queued at most.
const QUEUED_PER_CORE: usize = 8;

/// How long a refused attempt is told to wait.
const BUSY_RETRY: Duration = Duration::from_secs(1);

/// A hash of a password nobody has, verified against when the account does
/// not exist, so an unknown name costs the same time as a wrong password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_now("no account has this password").unwrap_or_default());

/// Hashes and checks passwords, at most as many at once as there are cores.
#[derive(Debug, Clone)]
pub(crate) struct Passwords {
    /// Bounds the memory and CPU that hashing can take.
    slots: Arc<Semaphore>,
    /// Jobs hashing or waiting to, and how many may.
    queued: Arc<AtomicUsize>,
    most_queued: usize,
}

impl Default for Passwords {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Passwords {
            slots: Arc::new(Semaphore::new(cores)),
            queued: Arc::default(),
            most_queued: cores * (QUEUED_PER_CORE + 1),
        }
    }
}

/// A place in the hashing queue, given back when dropped.
struct Queued(Arc<AtomicUsize>);

impl Drop for Queued {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Passwords {
    /// The PHC string for a new password.
    pub(crate) async fn hash(&self, password: &str) -> Result<String, AuthError> {
        let password = password.to_owned();
        Ok(self.blocking(move || hash_now(&password)).await??)
    }

    /// Whether `password` matches `stored`; with `None` (no such account) it
    /// takes as long and says no.
    pub(crate) async fn verify(
        &self,
        password: &str,
        stored: Option<&str>,
    ) -> Result<bool, AuthError> {
        let password = password.to_owned();
        let stored = stored.map(str::to_owned);
        self.blocking(move || {
            let against = stored.as_deref().unwrap_or(&DUMMY_HASH);
            let matches = Argon2::default()
                .verify_password(password.as_bytes(), against)
                .is_ok();
            matches && stored.is_some()
        })
        .await
    }

    /// Computes the dummy hash now, so the first unknown name is not slower.
    pub(crate) fn warm_up() {
        LazyLock::force(&DUMMY_HASH);
    }

    async fn blocking<R: Send + 'static>(
        &self,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, AuthError> {
        let queued = Queued(Arc::clone(&self.queued));
        if self.queued.fetch_add(1, Ordering::AcqRel) >= self.most_queued {
            return Err(AuthError::RateLimited(BUSY_RETRY));
        }
        let _slot = self.slots.acquire().await.map_err(|_| StoreError::Closed)?;
        let done = tokio::task::spawn_blocking(work)
            .await
            .map_err(|error| database(format!("password hashing failed: {error}")))?;
        drop(queued);
        Ok(done)
    }
}

fn hash_now(password: &str) -> Result<String, StoreError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| database(format!("password hashing failed: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let passwords = Passwords::default();
        let hash = passwords.hash("correct horse").await.unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("correct horse"));
        assert!(
            passwords
                .verify("correct horse", Some(&hash))
                .await
                .unwrap()
        );
        assert!(!passwords.verify("wrong horse", Some(&hash)).await.unwrap());
        assert!(!passwords.verify("correct horse", None).await.unwrap());
    }

    #[tokio::test]
    async fn past_its_queue_hashing_refuses_at_once_with_a_wait() {
        let passwords = Passwords {
            slots: Arc::new(Semaphore::new(1)),
            queued: Arc::default(),
            most_queued: 3,
        };
        // The only slot is taken, so everything queues.
        let held = Arc::clone(&passwords.slots).acquire_owned().await.unwrap();
        let waiting: Vec<_> = (0..3)
            .map(|_| {
                let passwords = passwords.clone();
                tokio::spawn(async move { passwords.verify("guess", None).await })
            })
            .collect();
        while passwords.queued.load(Ordering::Acquire) < 3 {
            tokio::task::yield_now().await;
        }
        let refused = passwords.verify("one too many", None).await;
        assert!(
            matches!(refused, Err(AuthError::RateLimited(wait)) if wait == BUSY_RETRY),
            "{refused:?}"
        );
        drop(held);
        for job in waiting {
            assert!(!job.await.unwrap().unwrap(), "the queued ones are answered");
        }
        assert_eq!(passwords.queued.load(Ordering::Acquire), 0);
    }
}
