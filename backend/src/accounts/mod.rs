//! Accounts, sessions and guests: who a request or a connection is.
//!
//! - [`password`]: Argon2id hashing on the blocking pool.
//! - [`token`]: session and guest tokens, stored only as hashes.
//! - [`attempts`]: rate limits on logins and sign-ups.
//! - [`identity_watch`]: ends a connection when its session ends, or when
//!   an account takes the name its guest chose.
//! - [`known_device`]: the mark a browser that signed in before carries.
//! - `sessions`: sign-up, log-in, log-out and passwords; `identify`: who a
//!   `/ws` handshake is (a session, or a guest).
//!
//! [`Accounts`] holds the rules (sign-up open or closed, guests allowed or
//! not, how long sessions last) and talks to the store only through
//! [`AccountStore`], so it works with any engine.
//!
//! Never touches a connection's socket or the HTTP layer: it answers who
//! someone is and whether they may do something; `web` and `connection`
//! turn that into responses and close codes.

pub(crate) mod attempts;
mod identify;
pub(crate) mod identity_watch;
pub(crate) mod known_device;
pub(crate) mod password;
pub(crate) mod preferences;
mod sessions;
pub(crate) mod token;

use std::sync::Arc;
use std::time::Duration;

use clap::ValueEnum;
use natter_shared::{PasswordError, ValidationError, looks_like_a_guest_name, name_key};
use thiserror::Error;

use crate::store::accounts::{AccountStore, TokenHash, UserId};
use crate::store::{AuthorId, StoreError};
use attempts::Attempts;
use identity_watch::{IdentityWatch, Watched};
use password::Passwords;

/// Whether anyone may create an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Signup {
    /// Anyone, through the sign-up form or `POST /api/signup`.
    Open,
    /// Only an operator, with `natter user add`.
    Closed,
}

/// Whether people without an account may chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Guests {
    /// In the lobby, with a `guest-XXXX` name.
    Allow,
    /// No: every connection needs a session.
    Deny,
}

/// Why an account request failed. Each has a stable code and HTTP status.
#[derive(Debug, Error)]
pub(crate) enum AuthError {
    /// The name breaks the display-name rules.
    #[error("that name cannot be used: {0}")]
    InvalidName(ValidationError),
    /// The name, or one that looks like it, has an account.
    #[error("that name is taken")]
    NameTaken,
    /// The new password breaks the password rules.
    #[error("{0}")]
    WeakPassword(PasswordError),
    /// A wrong password or an unknown name: deliberately the same.
    #[error("wrong name or password")]
    InvalidCredentials,
    /// Sign-up is closed on this server.
    #[error("sign-up is closed on this server; ask an operator for an account")]
    SignupClosed,
    /// Too many attempts; wait this long.
    #[error("too many attempts; try again in {} s", .0.as_secs().max(1))]
    RateLimited(Duration),
    /// No valid session.
    #[error("you are not signed in, or your session has ended")]
    NotSignedIn,
    /// Guests may not connect here.
    #[error("this server does not allow guests; sign in first")]
    GuestsDenied,
    /// The store failed; trying again later is safe.
    #[error("the account store is unavailable right now")]
    Store(#[from] StoreError),
}

impl AuthError {
    /// The stable code clients branch on.
    pub(crate) fn code(&self) -> &'static str {
        match self {
            AuthError::InvalidName(_) => "invalid_name",
            AuthError::NameTaken => "name_taken",
            AuthError::WeakPassword(PasswordError::TooShort) => "weak_password",
            AuthError::WeakPassword(PasswordError::TooLong) => "password_too_long",
            AuthError::InvalidCredentials => "invalid_credentials",
            AuthError::SignupClosed => "signup_closed",
            AuthError::RateLimited(_) => "rate_limited",
            AuthError::NotSignedIn => "not_signed_in",
            AuthError::GuestsDenied => "guests_denied",
            AuthError::Store(_) => "store_unavailable",
        }
    }
}

/// A new session: the token goes to the client once, in a cookie and in the
/// response body (for programs).
#[derive(Debug, Clone)]
pub(crate) struct NewSession {
    /// The token; the store keeps only its hash.
    pub(crate) token: String,
    /// The account's name as chosen.
    pub(crate) name: String,
    /// After a login: the token that marks this browser as a device the
    /// account knows (see [`known_device`]).
    pub(crate) device: Option<String>,
    /// How the account likes the page.
    pub(crate) preferences: natter_shared::api::Preferences,
}

/// Who a connection or request is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Identity {
    /// Keys idempotency and own copies.
    pub(crate) author_id: AuthorId,
    /// The name its messages show.
    pub(crate) name: String,
    /// An account, or a guest with the token that keeps it the same guest.
    pub(crate) kind: IdentityKind,
}

/// An account or a guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IdentityKind {
    /// A signed-in account, and the session it proved itself with.
    Account(UserId, TokenHash),
    /// A guest, and its token, handed back in the welcome to present again.
    Guest(String),
}

/// The account rules and the store behind them.
pub(crate) struct Accounts {
    /// Accounts and sessions.
    store: Arc<dyn AccountStore>,
    /// Password hashing.
    passwords: Passwords,
    /// Login and sign-up budgets.
    attempts: Attempts,
    /// Whether sign-up is open.
    signup: Signup,
    /// Whether guests may connect.
    guests: Guests,
    /// How long a session lasts unused; each use renews it.
    session_lifetime: Duration,
    /// Who this process's connections were let in as.
    identities: Arc<IdentityWatch>,
}

impl Accounts {
    /// The rules for a server, over `store`.
    pub(crate) fn new(
        store: Arc<dyn AccountStore>,
        signup: Signup,
        guests: Guests,
        session_lifetime: Duration,
    ) -> Self {
        Passwords::warm_up();
        Accounts {
            store,
            passwords: Passwords::default(),
            attempts: Attempts::default(),
            signup,
            guests,
            session_lifetime,
            identities: Arc::default(),
        }
    }

    /// Who this process's connections were let in as; its
    /// [`run`](IdentityWatch::run) ends them when that no longer holds.
    pub(crate) fn identities(&self) -> &Arc<IdentityWatch> {
        &self.identities
    }

    /// Watches what a connection was let in as: an account's session, or
    /// a guest's chosen name (a guest under its own `guest-` name has
    /// nothing to lose).
    pub(crate) fn watch(&self, identity: &Identity) -> Option<Watched> {
        match &identity.kind {
            IdentityKind::Account(user, session) => {
                Some(self.identities.watch_session(*session, *user))
            }
            IdentityKind::Guest(_) if looks_like_a_guest_name(&identity.name) => None,
            IdentityKind::Guest(_) => {
                Some(self.identities.watch_guest_name(name_key(&identity.name)))
            }
        }
    }

    /// The store the accounts live in, for the session watch.
    pub(crate) fn store(&self) -> Arc<dyn AccountStore> {
        Arc::clone(&self.store)
    }

    /// How long a session lasts unused.
    pub(crate) fn session_lifetime(&self) -> Duration {
        self.session_lifetime
    }

    /// Whether the server takes guests.
    pub(crate) fn guests_allowed(&self) -> bool {
        self.guests == Guests::Allow
    }
}
