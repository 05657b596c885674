//! Accounts, sessions and guests: who a request or a connection is.
//!
//! - [`password`]: Argon2id hashing on the blocking pool.
//! - [`token`]: session and guest tokens, stored only as hashes.
//! - [`attempts`]: rate limits on logins and sign-ups.
//! - [`identity_watch`]: ends a connection when its session ends, or when
//!   an account takes the name its guest chose.
//! - [`known_device`]: the mark a browser that signed in before carries.
//!
//! [`Accounts`] holds the rules (sign-up open or closed, guests allowed or
//! not, how long sessions last) and talks to the store only through
//! [`AccountStore`], so it works with any engine.

pub mod attempts;
pub mod identity_watch;
pub mod known_device;
pub mod password;
pub mod token;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::ValueEnum;
use natter_shared::{
    PasswordError, ValidationError, looks_like_a_guest_name, name_key, validate_name,
    validate_password,
};
use thiserror::Error;

use crate::clock::now_ms;
use crate::store::accounts::{AccountStore, CreateError, TokenHash, User, UserId};
use crate::store::{AuthorId, StoreError};
use attempts::Attempts;
use identity_watch::{IdentityWatch, Watched};
use password::Passwords;
use token::{GuestToken, Presented};

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
pub enum AuthError {
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
    pub fn code(&self) -> &'static str {
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
pub struct NewSession {
    /// The token; the store keeps only its hash.
    pub token: String,
    /// The account's name as chosen.
    pub name: String,
    /// After a login: the token that marks this browser as a device the
    /// account knows (see [`known_device`]).
    pub device: Option<String>,
}

/// Who a connection or request is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Keys idempotency and own copies.
    pub author_id: AuthorId,
    /// The name its messages show.
    pub name: String,
    /// An account, or a guest with the token that keeps it the same guest.
    pub kind: IdentityKind,
}

/// An account or a guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityKind {
    /// A signed-in account, and the session it proved itself with.
    Account(UserId, TokenHash),
    /// A guest, and its token, handed back in the welcome to present again.
    Guest(String),
}

/// The account rules and the store behind them.
pub struct Accounts {
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
    pub fn new(
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
    pub fn identities(&self) -> &Arc<IdentityWatch> {
        &self.identities
    }

    /// Watches what a connection was let in as: an account's session, or
    /// a guest's chosen name (a guest under its own `guest-` name has
    /// nothing to lose).
    pub fn watch(&self, identity: &Identity) -> Option<Watched> {
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
    pub fn store(&self) -> Arc<dyn AccountStore> {
        Arc::clone(&self.store)
    }

    /// How long a session lasts unused.
    pub fn session_lifetime(&self) -> Duration {
        self.session_lifetime
    }

    /// Whether the server takes guests.
    pub fn guests_allowed(&self) -> bool {
        self.guests == Guests::Allow
    }

    /// Creates an account and signs it in.
    pub async fn sign_up(
        &self,
        address: IpAddr,
        name: &str,
        password: &str,
    ) -> Result<NewSession, AuthError> {
        if self.signup == Signup::Closed {
            return Err(AuthError::SignupClosed);
        }
        Self::check_new_account(name, password)?;
        // Counted only past the cheap checks: a malformed request costs no
        // hashing, so only the ones that would are budgeted.
        self.attempts
            .signup(address)
            .map_err(AuthError::RateLimited)?;
        let (user, name, hash) = self.create_account(name, password).await?;
        // The browser that made the account is one the account knows.
        let device = known_device::vouch(&name_key(&name), &hash);
        let mut session = self.start_session(user, name).await?;
        session.device = Some(device);
        Ok(session)
    }

    /// Creates an account (for sign-up and for operators). Returns its id and name.
    pub async fn create(&self, name: &str, password: &str) -> Result<(UserId, String), AuthError> {
        let (user, name, _) = self.create_account(name, password).await?;
        Ok((user, name))
    }

    /// Creates an account; returns its id, name and password hash.
    async fn create_account(
        &self,
        name: &str,
        password: &str,
    ) -> Result<(UserId, String, String), AuthError> {
        let name = Self::check_new_account(name, password)?;
        let hash = self.passwords.hash(password).await?;
        match self.store.create_user(name, &name_key(name), &hash).await {
            Ok(id) => {
                // A guest here showing this name goes under its own.
                self.identities.check_soon();
                Ok((id, name.to_owned(), hash))
            }
            Err(CreateError::NameTaken) => Err(AuthError::NameTaken),
            Err(CreateError::Store(error)) => Err(error.into()),
        }
    }

    /// A new account's name (trimmed), if it and the password follow the rules.
    fn check_new_account<'a>(name: &'a str, password: &str) -> Result<&'a str, AuthError> {
        let name = validate_name(name).map_err(AuthError::InvalidName)?;
        // Guest names are the server's to hand out.
        if looks_like_a_guest_name(name) {
            return Err(AuthError::NameTaken);
        }
        validate_password(password).map_err(AuthError::WeakPassword)?;
        Ok(name)
    }

    /// Checks a name and password and starts a session. A wrong password and
    /// an unknown name take the same time and get the same answer.
    pub async fn log_in(
        &self,
        address: IpAddr,
        name: &str,
        password: &str,
        device: Option<&str>,
    ) -> Result<NewSession, AuthError> {
        let key = name_key(name.trim());
        // Looked up before the budgets (a read, no hashing), so a device
        // the account knows is told apart.
        let user = self.store.user_by_key(&key).await?;
        let known = user.as_ref().is_some_and(|user| {
            device.is_some_and(|device| known_device::vouches(device, &key, &user.password_hash))
        });
        self.attempts
            .login(address, &key, known)
            .map_err(AuthError::RateLimited)?;
        let stored = user.as_ref().map(|user| user.password_hash.as_str());
        if password.len() > natter_shared::MAX_PASSWORD_BYTES
            || !self.passwords.verify(password, stored).await?
        {
            return Err(AuthError::InvalidCredentials);
        }
        let user = user.ok_or(AuthError::InvalidCredentials)?;
        let device = known_device::vouch(&key, &user.password_hash);
        let mut session = self.start_session(user.id, user.name).await?;
        session.device = Some(device);
        Ok(session)
    }

    /// Ends the session with this token, if there is one, and its
    /// connections in this process. Returns its account, whose connections
    /// in other processes are to be told.
    pub async fn log_out(&self, token: &str) -> Result<Option<UserId>, AuthError> {
        let Some(Presented::Account(hash)) = token::parse(token) else {
            return Ok(None);
        };
        let user = self.store.delete_session(hash).await?;
        self.identities.end_session(hash);
        Ok(user)
    }

    /// The account a session token belongs to (renewing the session).
    pub async fn account(&self, token: &str) -> Result<User, AuthError> {
        match token::parse(token) {
            Some(Presented::Account(hash)) => self.session_user(hash).await,
            _ => Err(AuthError::NotSignedIn),
        }
    }

    /// The account with this name (or a lookalike of it), if any.
    pub async fn find(&self, name: &str) -> Result<Option<User>, AuthError> {
        Ok(self.store.user_by_key(&name_key(name.trim())).await?)
    }

    /// Takes one of `user`'s budget of new rooms and conversations.
    pub fn take_new_room(&self, user: UserId) -> Result<(), AuthError> {
        self.attempts
            .new_room(user.0)
            .map_err(AuthError::RateLimited)
    }

    /// Changes the password of the signed-in account after checking the
    /// current one, and ends its other sessions (and their connections in
    /// this process). Returns the account, whose connections in other
    /// processes are to be told.
    pub async fn change_password(
        &self,
        token: &str,
        current: &str,
        new: &str,
    ) -> Result<UserId, AuthError> {
        let Some(Presented::Account(session)) = token::parse(token) else {
            return Err(AuthError::NotSignedIn);
        };
        let user = self.session_user(session).await?;
        self.attempts
            .password_change(session)
            .map_err(AuthError::RateLimited)?;
        if !self
            .passwords
            .verify(current, Some(&user.password_hash))
            .await?
        {
            return Err(AuthError::InvalidCredentials);
        }
        validate_password(new).map_err(AuthError::WeakPassword)?;
        self.set_password(user.id, new).await?;
        self.store
            .delete_other_sessions(user.id, Some(session))
            .await?;
        self.identities.end_sessions_of(user.id, Some(session));
        Ok(user.id)
    }

    /// Sets a password without checking the old one (for operators), and
    /// ends every session of the account.
    pub async fn reset_password(&self, name: &str, new: &str) -> Result<(), AuthError> {
        let user = self
            .store
            .user_by_key(&name_key(name.trim()))
            .await?
            .ok_or(AuthError::InvalidCredentials)?;
        validate_password(new).map_err(AuthError::WeakPassword)?;
        self.set_password(user.id, new).await?;
        self.store.delete_other_sessions(user.id, None).await?;
        self.identities.end_sessions_of(user.id, None);
        Ok(())
    }

    /// Who a WebSocket is, from the token it presented (cookie, bearer, or
    /// query) and the name it asked for. A token that is not a live session
    /// is an error, never a silent guest.
    pub async fn identify(
        &self,
        token: Option<&str>,
        requested_name: Option<&str>,
    ) -> Result<Identity, AuthError> {
        let guest = match token.map(token::parse) {
            None => token::new_guest_token(),
            Some(Some(Presented::Account(hash))) => {
                let user = self.session_user(hash).await?;
                return Ok(Identity {
                    author_id: AuthorId(user.id.0),
                    name: user.name,
                    kind: IdentityKind::Account(user.id, hash),
                });
            }
            Some(Some(Presented::Guest(guest))) => guest,
            Some(None) => return Err(AuthError::NotSignedIn),
        };
        if !self.guests_allowed() {
            return Err(AuthError::GuestsDenied);
        }
        let name = self.guest_name(&guest, requested_name).await?;
        Ok(Identity {
            author_id: guest.author_id(),
            name,
            kind: IdentityKind::Guest(guest.token),
        })
    }

    /// The name a guest shows: the one it asked for, if valid, not an
    /// account's (or a lookalike of one) and not posing as another guest;
    /// else its own `guest-XXXX`.
    async fn guest_name(
        &self,
        guest: &GuestToken,
        requested: Option<&str>,
    ) -> Result<String, AuthError> {
        let Some(requested) = requested.and_then(|name| validate_name(name).ok()) else {
            return Ok(guest.default_name());
        };
        if looks_like_a_guest_name(requested) {
            return Ok(guest.default_name());
        }
        // Removed accounts' names too: their messages still carry them.
        let taken = self.store.name_taken(&name_key(requested)).await?;
        Ok(if taken {
            guest.default_name()
        } else {
            requested.to_owned()
        })
    }

    async fn set_password(&self, user: UserId, password: &str) -> Result<(), AuthError> {
        let hash = self.passwords.hash(password).await?;
        self.store.set_password(user, &hash).await?;
        Ok(())
    }

    async fn start_session(&self, user: UserId, name: String) -> Result<NewSession, AuthError> {
        let (token, hash) = token::new_account_token();
        self.store
            .create_session(hash, user, self.expiry_from_now())
            .await?;
        Ok(NewSession {
            token,
            name,
            device: None,
        })
    }

    async fn session_user(&self, hash: TokenHash) -> Result<User, AuthError> {
        self.store
            .session_user(hash, now_ms(), self.expiry_from_now())
            .await?
            .ok_or(AuthError::NotSignedIn)
    }

    fn expiry_from_now(&self) -> i64 {
        let lifetime = i64::try_from(self.session_lifetime.as_millis()).unwrap_or(i64::MAX);
        now_ms().saturating_add(lifetime)
    }
}
