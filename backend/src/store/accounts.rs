//! Accounts and sessions: the durable half of identity, behind a trait so
//! another engine can hold them.

use std::collections::HashSet;

use futures_util::future::BoxFuture;
use thiserror::Error;

use super::StoreError;

/// An account's id; also its [`AuthorId`](super::AuthorId).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

/// A session token's SHA-256: all the store ever sees of a token.
pub type TokenHash = [u8; 32];

/// An account as stored.
#[derive(Debug, Clone)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// The name as the person chose it (case and all).
    pub name: String,
    /// Its password, as an Argon2id PHC string.
    pub password_hash: String,
    /// How it likes the page, as the JSON the web client reads (see
    /// `natter_shared::api::Preferences`).
    pub preferences: String,
}

/// An account's id, name and stored name key, for re-keying.
pub type NameKey = (UserId, String, String);

/// A line of `natter user list`.
#[derive(Debug, Clone)]
pub struct UserSummary {
    /// The account's name.
    pub name: String,
    /// When it was created, in ms since the Unix epoch.
    pub created_at: i64,
    /// How many unexpired sessions it has.
    pub sessions: u64,
}

/// Why an account could not be created.
#[derive(Debug, Error)]
pub enum CreateError {
    /// Another account has the same name key (the same name, or a lookalike).
    #[error("the name is taken")]
    NameTaken,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where accounts and sessions live. Names are looked up by their
/// [`name_key`](natter_shared::name_key), which is unique.
pub trait AccountStore: Send + Sync + 'static {
    /// Creates an account; two at once with one name key: one of them fails
    /// with [`CreateError::NameTaken`].
    fn create_user<'a>(
        &'a self,
        name: &'a str,
        name_key: &'a str,
        password_hash: &'a str,
    ) -> BoxFuture<'a, Result<UserId, CreateError>>;

    /// The account with this name key, unless it was removed.
    fn user_by_key<'a>(
        &'a self,
        name_key: &'a str,
    ) -> BoxFuture<'a, Result<Option<User>, StoreError>>;

    /// Replaces an account's password hash.
    /// Keeps `user`'s preferences (their JSON).
    fn set_preferences<'a>(
        &'a self,
        user: UserId,
        preferences: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    fn set_password<'a>(
        &'a self,
        user: UserId,
        password_hash: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Whether any account, removed ones included, has this name key: a
    /// removed account's name stays reserved, since its messages carry it.
    fn name_taken<'a>(&'a self, name_key: &'a str) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Removes the account with this name key: its sessions and
    /// memberships go, its password is erased, and its row stays as a
    /// tombstone that keeps its name from anyone else; its messages stay.
    /// Returns whether there was a live one.
    fn remove_user<'a>(&'a self, name_key: &'a str) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Every account's id, name and stored name key.
    fn name_keys(&self) -> BoxFuture<'_, Result<Vec<NameKey>, StoreError>>;

    /// Stores a new name key for an account; `false` (nothing changed) when
    /// another account has that key already.
    fn set_name_key<'a>(
        &'a self,
        user: UserId,
        name_key: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Every account, by name.
    fn list_users(&self, now: i64) -> BoxFuture<'_, Result<Vec<UserSummary>, StoreError>>;

    /// Records a session for `user` until `expires_at` (ms since the epoch).
    fn create_session(
        &self,
        token_hash: TokenHash,
        user: UserId,
        expires_at: i64,
    ) -> BoxFuture<'_, Result<(), StoreError>>;

    /// The account of an unexpired session, which then lasts until
    /// `renew_to`. Renewing writes at most about once a day per session:
    /// only when the session would otherwise end a day or more earlier.
    fn session_user(
        &self,
        token_hash: TokenHash,
        now: i64,
        renew_to: i64,
    ) -> BoxFuture<'_, Result<Option<User>, StoreError>>;

    /// Which of `token_hashes` are live sessions at `now`: unexpired, of an
    /// account that is still there. Renews nothing: watching a session
    /// (see [`crate::accounts::identity_watch`]) is not using it.
    fn live_sessions(
        &self,
        token_hashes: Vec<TokenHash>,
        now: i64,
    ) -> BoxFuture<'_, Result<HashSet<TokenHash>, StoreError>>;

    /// The id and name key of every account made after the account with id
    /// `after` (0: all), oldest first: what a watch of guests' names needs
    /// to hear, whatever the number of guests.
    fn accounts_after(&self, after: i64) -> BoxFuture<'_, Result<Vec<(i64, String)>, StoreError>>;

    /// Ends a session at once.
    /// Returns whose it was, if it existed.
    fn delete_session(
        &self,
        token_hash: TokenHash,
    ) -> BoxFuture<'_, Result<Option<UserId>, StoreError>>;

    /// Ends every session of `user` except `keep`.
    fn delete_other_sessions(
        &self,
        user: UserId,
        keep: Option<TokenHash>,
    ) -> BoxFuture<'_, Result<(), StoreError>>;
}

/// Brings every account's stored name key up to the current rule
/// ([`name_key`](natter_shared::name_key)), so a rule that now catches more
/// lookalikes applies to accounts made before it, and everyone still logs
/// in by their name. Two accounts that only the new rule finds alike keep
/// their old keys (both exist; neither may be taken from its owner), and
/// the operator is told. Cheap when nothing changed: one read of the names.
pub(crate) async fn rekey_names(store: &dyn AccountStore) -> Result<(), StoreError> {
    for (user, name, stored) in store.name_keys().await? {
        let current = natter_shared::name_key(&name);
        if current == stored {
            continue;
        }
        if !store.set_name_key(user, &current).await? {
            tracing::warn!(
                name,
                "this account's name now looks like another's; both keep their names"
            );
        }
    }
    Ok(())
}
