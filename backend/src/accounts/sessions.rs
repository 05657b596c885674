//! Sign-up, log-in, log-out and passwords: what the account API asks of
//! [`Accounts`], each under its attempt budget.

use natter_shared::{looks_like_a_guest_name, name_key, validate_name, validate_password};

use crate::accounts::known_device;
use crate::accounts::token::{self, Presented};
use crate::accounts::{Accounts, AuthError, NewSession, Signup};
use crate::process::clock::now_ms;
use crate::store::accounts::{CreateError, TokenHash, User, UserId};
use std::net::IpAddr;

impl Accounts {
    /// Creates an account and signs it in.
    pub(crate) async fn sign_up(
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
    pub(crate) async fn create(
        &self,
        name: &str,
        password: &str,
    ) -> Result<(UserId, String), AuthError> {
        let (user, name, _) = self.create_account(name, password).await?;
        Ok((user, name))
    }

    /// Creates an account; returns its id, name and password hash.
    pub(super) async fn create_account(
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
    pub(super) fn check_new_account<'a>(
        name: &'a str,
        password: &str,
    ) -> Result<&'a str, AuthError> {
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
    pub(crate) async fn log_in(
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
        session.preferences = crate::accounts::preferences::read(&user.preferences);
        Ok(session)
    }

    /// Ends the session with this token, if there is one, and its
    /// connections in this process. Returns its account, whose connections
    /// in other processes are to be told.
    pub(crate) async fn log_out(&self, token: &str) -> Result<Option<UserId>, AuthError> {
        let Some(Presented::Account(hash)) = token::parse(token) else {
            return Ok(None);
        };
        let user = self.store.delete_session(hash).await?;
        self.identities.end_session(hash);
        Ok(user)
    }

    /// The account a session token belongs to (renewing the session).
    pub(crate) async fn account(&self, token: &str) -> Result<User, AuthError> {
        match token::parse(token) {
            Some(Presented::Account(hash)) => self.session_user(hash).await,
            _ => Err(AuthError::NotSignedIn),
        }
    }

    /// The account with this name (or a lookalike of it), if any.
    pub(crate) async fn find(&self, name: &str) -> Result<Option<User>, AuthError> {
        Ok(self.store.user_by_key(&name_key(name.trim())).await?)
    }

    /// Takes one of `user`'s budget of new rooms and conversations.
    pub(crate) fn take_new_room(&self, user: UserId) -> Result<(), AuthError> {
        self.attempts
            .new_room(user.0)
            .map_err(AuthError::RateLimited)
    }

    /// Changes the password of the signed-in account after checking the
    /// current one, and ends its other sessions (and their connections in
    /// this process). Returns the account, whose connections in other
    /// processes are to be told.
    pub(crate) async fn change_password(
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
    pub(crate) async fn reset_password(&self, name: &str, new: &str) -> Result<UserId, AuthError> {
        let user = self
            .store
            .user_by_key(&name_key(name.trim()))
            .await?
            .ok_or(AuthError::InvalidCredentials)?;
        validate_password(new).map_err(AuthError::WeakPassword)?;
        self.set_password(user.id, new).await?;
        self.store.delete_other_sessions(user.id, None).await?;
        self.identities.end_sessions_of(user.id, None);
        Ok(user.id)
    }

    pub(super) async fn set_password(&self, user: UserId, password: &str) -> Result<(), AuthError> {
        let hash = self.passwords.hash(password).await?;
        self.store.set_password(user, &hash).await?;
        Ok(())
    }

    pub(super) async fn start_session(
        &self,
        user: UserId,
        name: String,
    ) -> Result<NewSession, AuthError> {
        let (token, hash) = token::new_account_token();
        self.store
            .create_session(hash, user, self.expiry_from_now())
            .await?;
        Ok(NewSession {
            token,
            name,
            device: None,
            preferences: Default::default(),
        })
    }

    pub(super) async fn session_user(&self, hash: TokenHash) -> Result<User, AuthError> {
        self.store
            .session_user(hash, now_ms(), self.expiry_from_now())
            .await?
            .ok_or(AuthError::NotSignedIn)
    }

    pub(super) fn expiry_from_now(&self) -> i64 {
        let lifetime = i64::try_from(self.session_lifetime.as_millis()).unwrap_or(i64::MAX);
        now_ms().saturating_add(lifetime)
    }
}
