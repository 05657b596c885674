//! Everything durable, behind three traits: [`HistoryStore`] (messages and
//! their changes), [`AccountStore`] (accounts and sessions) and
//! [`RoomStore`] (rooms, memberships, read markers), plus the crate-private
//! `SharedLog` that a cluster reads missed messages through; with the two engines
//! side by side: [`sqlite`] (the embedded default) and [`postgres`] (shared
//! by several processes). The only code that talks to a database.
//!
//! Never publishes on its own account and never reads the configuration:
//! an engine is handed what to call on every commit ([`OnCommit`]), and
//! which engine runs is decided once, by the wiring.
//!
//! A store assigns every message its id, makes it durable, and only then
//! hands it to the fan-out, in id order (see [`OnCommit`]). Nothing is
//! broadcast or acknowledged before it is committed.

pub mod accounts;
mod entry;
pub(crate) mod gathered_markers;
pub mod postgres;
pub mod rooms;
mod settle;
pub(crate) use settle::QUEUE_CAPACITY;
pub(crate) mod shared_log;
pub mod sqlite;

use futures_util::future::BoxFuture;
use natter_shared::ChatMessage;
use thiserror::Error;

pub use accounts::AccountStore;
pub use entry::Entry;
pub use rooms::RoomStore;
pub use sqlite::SqliteStore;

/// Who wrote a message: an account (a positive id) or a guest (a negative
/// id derived from its guest token). Idempotency, the nonce on the author's
/// own copies, and "is this mine" are keyed by it, never by display name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct AuthorId(pub i64);

/// A validated message, or a change to one, on its way into the store.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Where it was posted (for a change: where the message it changes is).
    pub room: String,
    /// The display name it shows.
    pub author: String,
    /// Who wrote it.
    pub author_id: AuthorId,
    /// The validated text (for an edit: the new text; for a delete: empty).
    pub value: String,
    /// The client's idempotency key: the same author and nonce are stored once.
    pub nonce: Option<String>,
    /// A new message, or a change to which one.
    pub action: Action,
}

impl NewMessage {
    /// The message it is once stored under `id` at `timestamp`, as every
    /// engine returns it (for a change: its row, whose text is not kept).
    pub(crate) fn stored_as(&self, id: u64, timestamp: i64) -> ChatMessage {
        ChatMessage {
            id,
            room: self.room.clone(),
            value: self.value.clone(),
            author: self.author.clone(),
            timestamp,
            nonce: self.nonce.clone(),
            edited: None,
        }
    }
}

/// What a [`NewMessage`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Posts a new message.
    Post,
    /// Replaces the text of the author's own message.
    Edit(Target),
    /// Deletes the author's own message, text and all.
    Delete(Target),
}

/// The message a change applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Its id.
    pub id: u64,
    /// The oldest it may be: messages sent before this time (ms since the
    /// Unix epoch) can no longer be changed. `None`: no limit.
    pub sent_since: Option<i64>,
}

/// Why a change was refused. Nothing was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum EntryRefused {
    /// No such message in that room, or it is deleted already.
    #[error("no such message in that room")]
    UnknownMessage,
    /// Someone else wrote it.
    #[error("only its author can change a message")]
    NotYours,
    /// It is older than changes are allowed.
    #[error("that message is too old to change")]
    TooOld,
    /// Its author used its nonce already for another message or change.
    #[error("that nonce was used already for another message or change; send this with a new one")]
    NonceReused,
}

/// A message or change that has just been committed, as the fan-out
/// receives it (and, between processes, the broker carries it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Committed {
    /// The stored entry, nonce included.
    pub entry: Entry,
    /// Who wrote it, so its own copies can carry the nonce.
    pub author_id: AuthorId,
}

/// A message read back from the store.
#[derive(Debug, Clone)]
pub struct StoredMessage {
    /// The message, nonce included.
    pub message: ChatMessage,
    /// Who wrote it; `None` for messages from before accounts, whose nonce
    /// is then shown to nobody.
    pub author_id: Option<AuthorId>,
}

/// A message or change read back from the store, for replay after a cursor.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    /// The entry, nonce included.
    pub entry: Entry,
    /// Who wrote it; `None` for messages from before accounts.
    pub author_id: Option<AuthorId>,
}

impl From<StoredMessage> for StoredEntry {
    fn from(stored: StoredMessage) -> Self {
        StoredEntry {
            entry: Entry::Message(stored.message),
            author_id: stored.author_id,
        }
    }
}

/// What storing a message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// The id the message is stored under: the original one when the author
    /// had already sent this nonce, in which case nothing new was stored.
    pub id: u64,
}

/// Called with every committed batch of new messages, in id order, before
/// any of them is acknowledged. Runs on the store's writer thread: it must not
/// block.
pub type OnCommit = Box<dyn Fn(&[Committed]) + Send + 'static>;

/// Why the store could not do something.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database could not be opened or prepared at start.
    #[error("cannot open the database {path}: {cause}")]
    Open {
        /// The database path as given.
        path: String,
        /// What went wrong.
        #[source]
        cause: Cause,
    },
    /// A read or write failed.
    #[error("database error: {0}")]
    Database(#[source] Cause),
    /// The store is shutting down and takes no more work.
    #[error("the store is closed")]
    Closed,
    /// A change was refused; nothing was stored, and retrying will not help.
    #[error("{0}")]
    Refused(EntryRefused),
}

/// What went wrong underneath a [`StoreError`], with its own causes.
/// Shared, because one failed batch fails every append in it.
pub type Cause = std::sync::Arc<dyn std::error::Error + Send + Sync>;

/// `url` as it may be shown in an error or a log: a password in it (as in
/// `postgres://natter:secret@db/natter`) becomes `***`.
pub(crate) fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info
                .split_once(':')
                .map_or(user_info, |(user, _)| user);
            let hidden = if user_info.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{path}")
        }
        None => url.to_owned(),
    }
}

/// An error, or words saying what went wrong, as a [`Cause`].
pub(crate) fn cause(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Cause {
    std::sync::Arc::from(error.into())
}

/// A read or write that failed for `error`.
pub(crate) fn database(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
    StoreError::Database(cause(error))
}

/// An append in the writer's queue: resolves with its outcome once stored.
pub type Committing = BoxFuture<'static, Result<Appended, StoreError>>;

/// Where messages live. One small trait, so another engine (PostgreSQL, for
/// several server processes) can stand in for SQLite.
pub trait HistoryStore: Send + Sync + 'static {
    /// Stores a message or a change, or finds the one already stored for its
    /// author and nonce (across restarts). Resolves once it is durable. A
    /// change is refused ([`StoreError::Refused`]) unless its target is a
    /// live message in the same room, by the same author, recent enough;
    /// an edit replaces the target's text and a delete erases it, in the
    /// same transaction that stores the change.
    fn append(&self, message: NewMessage) -> BoxFuture<'_, Result<Appended, StoreError>> {
        Box::pin(async move { self.submit(message).await?.await })
    }

    /// [`append`](Self::append) in two steps: resolves once `message` is in
    /// the writer's queue (waiting while it is full), with what resolves
    /// once it is stored. Messages a caller submits one after another, each
    /// awaited before the next, take ids in that order: one connection's
    /// messages are stored in the order it sent them, however full the
    /// queue.
    fn submit(&self, message: NewMessage) -> BoxFuture<'_, Result<Committing, StoreError>>;

    /// Up to `limit` entries in any of `rooms` with ids above `after`,
    /// oldest first: one cursor resumes every room a reader is in. Messages
    /// come in their current state; deleted ones are left out (their
    /// delete is not), and so are edits of since deleted messages.
    fn after<'a>(
        &'a self,
        rooms: &'a [String],
        after: u64,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<StoredEntry>, StoreError>>;

    /// Up to `limit` of the newest messages in any of `rooms` with ids below
    /// `before` (or the newest overall when `None`), oldest first, in their
    /// current state: for showing, so no changes and no deleted messages.
    fn before<'a>(
        &'a self,
        rooms: &'a [String],
        before: Option<u64>,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<StoredMessage>, StoreError>>;

    /// The newest id in any room, or 0 when there is none.
    fn newest_id(&self) -> BoxFuture<'_, Result<u64, StoreError>>;

    /// Stops taking appends and waits until every accepted one is committed.
    fn close(&self) -> BoxFuture<'_, ()>;
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn a_password_in_a_url_is_never_shown() {
        assert_eq!(
            without_password("postgres://natter:s3cret@db:5432/natter?sslmode=require"),
            "postgres://natter:***@db:5432/natter?sslmode=require"
        );
        assert_eq!(
            without_password("redis://:pa:ss@127.0.0.1:6379/0"),
            "redis://:***@127.0.0.1:6379/0"
        );
        assert_eq!(
            without_password("postgres://natter@db/natter"),
            "postgres://natter@db/natter"
        );
        assert_eq!(without_password("natter.db"), "natter.db");
    }
}
