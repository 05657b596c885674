//! The sessions this process's connections were opened with, and the task
//! that ends those connections when their session ends.
//!
//! A WebSocket proves who it is once, at the handshake. Without this, a
//! connection opened with a stolen session would outlive the owner's
//! password change, a logout, `natter user passwd` or `remove`, and expiry.
//! So every account connection is watched by its session: the watch asks
//! the store which of its sessions are still live every [`SWEEP_EVERY`],
//! and at once when told that some ended ([`SessionWatch::check_soon`]).
//! A session found ended cancels the token every one of its connections
//! holds, and they close with [`SESSION_ENDED`].
//!
//! Asking the store, rather than trusting an event, covers every way a
//! session ends: in this process, in another one, from an operator command
//! on the same database, or by running out. Events only make it sooner.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::clock::now_ms;
use crate::store::accounts::{AccountStore, TokenHash, UserId};

/// How often every watched session is checked, however nothing was heard:
/// the longest an expired session, or one ended by an operator command or a
/// process that could not tell this one, keeps its connections.
pub(crate) const SWEEP_EVERY: Duration = Duration::from_secs(2);

/// The close code of a connection whose session ended (logged out, password
/// changed, account removed, expired).
pub use natter_shared::CLOSE_SESSION_ENDED as SESSION_ENDED;

/// Every session this process's connections were opened with.
#[derive(Default)]
pub struct SessionWatch {
    /// By session: the token its connections watch, and how many there are.
    watched: Mutex<HashMap<TokenHash, Watched>>,
    /// Woken to check at once rather than at the next sweep.
    check_now: Notify,
}

struct Watched {
    /// Whose session it is, to end an account's sessions at once.
    user: UserId,
    ended: CancellationToken,
    connections: usize,
}

/// One connection's hold on its session: cancelled when the session ends;
/// dropping it stops watching for this connection.
pub struct WatchedSession {
    watch: Arc<SessionWatch>,
    session: TokenHash,
    ended: CancellationToken,
}

impl WatchedSession {
    /// Completes once the session has ended.
    pub async fn ended(&self) {
        self.ended.cancelled().await;
    }

    /// Whether the session has ended, for a frame read in the same instant.
    pub fn has_ended(&self) -> bool {
        self.ended.is_cancelled()
    }
}

impl Drop for WatchedSession {
    fn drop(&mut self) {
        let mut watched = self.watch.lock();
        if let Entry::Occupied(mut entry) = watched.entry(self.session) {
            entry.get_mut().connections -= 1;
            if entry.get().connections == 0 {
                entry.remove();
            }
        }
    }
}

impl SessionWatch {
    /// Watches `session` for one more connection.
    pub fn watch(self: &Arc<Self>, session: TokenHash, user: UserId) -> WatchedSession {
        let ended = {
            let mut watched = self.lock();
            let entry = watched.entry(session).or_insert_with(|| Watched {
                user,
                ended: CancellationToken::new(),
                connections: 0,
            });
            entry.connections += 1;
            entry.ended.clone()
        };
        WatchedSession {
            watch: Arc::clone(self),
            session,
            ended,
        }
    }

    /// Some session may have ended: check them all now, not at the next sweep.
    pub fn check_soon(&self) {
        self.check_now.notify_one();
    }

    /// Ends this process's connections of `user`'s sessions but `keep`,
    /// before the caller answers: ended in the store already, so no frame
    /// of theirs is taken from here on.
    pub fn end_sessions_of(&self, user: UserId, keep: Option<TokenHash>) {
        for (session, watched) in self.lock().iter() {
            if watched.user == user && Some(*session) != keep {
                watched.ended.cancel();
            }
        }
    }

    /// Ends this process's connections of one session (see [`Self::end_sessions_of`]).
    pub fn end_session(&self, session: TokenHash) {
        if let Some(watched) = self.lock().get(&session) {
            watched.ended.cancel();
        }
    }

    /// How many sessions are watched now.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no session is watched.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks every watched session against `store` until `stop`, ending
    /// the connections of each that is no longer live. A store that does
    /// not answer ends nothing: the sessions were live when last seen, and
    /// the next sweep asks again.
    pub async fn run(self: Arc<Self>, store: Arc<dyn AccountStore>, stop: CancellationToken) {
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(SWEEP_EVERY) => {}
                () = self.check_now.notified() => {}
            }
            let sessions: Vec<TokenHash> = self.lock().keys().copied().collect();
            if sessions.is_empty() {
                continue;
            }
            let live = match store.live_sessions(sessions.clone(), now_ms()).await {
                Ok(live) => live,
                Err(error) => {
                    warn!(%error, "cannot check whether sessions are still live; trying again soon");
                    continue;
                }
            };
            let watched = self.lock();
            let mut ended = 0;
            for session in sessions.iter().filter(|session| !live.contains(*session)) {
                // Left in the map until its connections are gone, so a
                // connection that registers meanwhile sees it cancelled.
                if let Some(entry) = watched.get(session)
                    && !entry.ended.is_cancelled()
                {
                    entry.ended.cancel();
                    ended += 1;
                }
            }
            if ended > 0 {
                info!(
                    sessions = ended,
                    "ended the connections of sessions that ended"
                );
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TokenHash, Watched>> {
        // The map stays consistent across a panic elsewhere: every change
        // to it is one step.
        self.watched.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
