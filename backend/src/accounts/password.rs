//! Password hashing with Argon2id (RustCrypto's `argon2`, its recommended
//! parameters: 19 MiB, two passes, one lane). Hashing is slow and
//! memory-hungry on purpose, so it runs on the blocking pool, a few at a
//! time.

use std::sync::{Arc, LazyLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

use crate::store::StoreError;

/// A hash of a password nobody has, verified against when the account does
/// not exist, so an unknown name costs the same time as a wrong password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_now("no account has this password").unwrap_or_default());

/// Hashes and checks passwords, at most as many at once as there are cores.
#[derive(Debug, Clone)]
pub struct Passwords {
    /// Bounds the memory and CPU that hashing can take.
    slots: Arc<Semaphore>,
}

impl Default for Passwords {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Passwords {
            slots: Arc::new(Semaphore::new(cores)),
        }
    }
}

impl Passwords {
    /// The PHC string for a new password.
    pub async fn hash(&self, password: &str) -> Result<String, StoreError> {
        let password = password.to_owned();
        self.blocking(move || hash_now(&password)).await?
    }

    /// Whether `password` matches `stored`; with `None` (no such account) it
    /// takes as long and says no.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, StoreError> {
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
    pub fn warm_up() {
        LazyLock::force(&DUMMY_HASH);
    }

    async fn blocking<R: Send + 'static>(
        &self,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, StoreError> {
        let _slot = self.slots.acquire().await.map_err(|_| StoreError::Closed)?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|error| StoreError::Database(format!("password hashing failed: {error}")))
    }
}

fn hash_now(password: &str) -> Result<String, StoreError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| StoreError::Database(format!("password hashing failed: {error}")))
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
}
