//! Who this process's connections proved to be at their handshake, and the
//! task that ends a connection once that stops being true.
//!
//! A WebSocket proves who it is once, at the handshake. Without this:
//! - a connection opened with a stolen session would outlive the owner's
//!   password change, a logout, `natter user passwd` or `remove`, and
//!   expiry;
//! - a guest that chose a name before an account took it would go on
//!   posting under the account's name.
//!
//! So every account connection is watched by its session, and every guest
//! showing a name of its choosing by that name's key. The watch asks the
//! store every `--session-check-every`, and at once when told something changed
//! ([`IdentityWatch::check_soon`]), which sessions are still live and which
//! accounts were made since it last asked (a guest's name was checked
//! against the accounts there were when it connected, so only newer ones
//! can take it: the cost follows sign-ups, not guests). Each identity that
//! no longer holds cancels the token its connections hold, and they close:
//! [`SESSION_ENDED`] or [`NAME_TAKEN`].
//!
//! Asking the store, rather than trusting an event, covers every way a
//! session ends or a name is taken: in this process, in another one, from
//! an operator command on the same database, or by running out. Events
//! only make it sooner.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::process::clock::now_ms;
use crate::store::accounts::{AccountStore, TokenHash, UserId};

/// How long after an account id is first seen the accounts from it on are
/// read again. Another process's sign-up may commit a lower id after a
/// higher one was seen (PostgreSQL hands out ids before the commit), but no
/// sign-up's transaction lasts this long (sessions idle in a transaction
/// end after seconds), so once an id has settled nothing below it can
/// still appear.
const SETTLE: Duration = Duration::from_secs(15);

/// The close code of a connection whose session ended (logged out, password
/// changed, account removed, expired).
pub(crate) use natter_shared::CLOSE_SESSION_ENDED as SESSION_ENDED;

/// The close code of a guest's connection whose chosen name an account now
/// has: reconnecting, it shows its own guest name.
pub(crate) use natter_shared::CLOSE_NAME_TAKEN as NAME_TAKEN;

/// What a connection was let in as.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    /// An account's session, by its token's hash.
    Session(TokenHash),
    /// A guest's chosen name, by its name key.
    GuestName(String),
}

/// Every identity this process's connections were let in as.
#[derive(Default)]
pub(crate) struct IdentityWatch {
    /// By identity: the token its connections watch, and how many there are.
    watched: Mutex<HashMap<Identity, Watching>>,
    /// Woken to check at once rather than at the next sweep.
    check_now: Notify,
}

struct Watching {
    /// Whose session it is, to end an account's sessions at once.
    user: Option<UserId>,
    ended: CancellationToken,
    connections: usize,
}

/// One connection's hold on what it was let in as: cancelled when that no
/// longer holds; dropping it stops watching for this connection.
pub(crate) struct Watched {
    watch: Arc<IdentityWatch>,
    identity: Identity,
    ended: CancellationToken,
}

impl Watched {
    /// Completes once the identity no longer holds.
    pub(crate) async fn ended(&self) {
        self.ended.cancelled().await;
    }

    /// Whether it no longer holds, for a frame read in the same instant.
    pub(crate) fn has_ended(&self) -> bool {
        self.ended.is_cancelled()
    }

    /// The close code and reason for a connection whose identity ended.
    pub(crate) fn ending(&self) -> (u16, &'static str) {
        match self.identity {
            Identity::Session(_) => (SESSION_ENDED, "your session has ended; sign in again"),
            Identity::GuestName(_) => (
                NAME_TAKEN,
                "an account now has the name you chose; reconnect to chat under your guest name",
            ),
        }
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        let mut watched = self.watch.lock();
        if let Entry::Occupied(mut entry) = watched.entry(self.identity.clone()) {
            entry.get_mut().connections -= 1;
            if entry.get().connections == 0 {
                entry.remove();
            }
        }
    }
}

impl IdentityWatch {
    /// Watches `session` of `user` for one more connection.
    pub(crate) fn watch_session(self: &Arc<Self>, session: TokenHash, user: UserId) -> Watched {
        self.watch(Identity::Session(session), Some(user))
    }

    /// Watches a guest's chosen name (by its name key) for one more
    /// connection.
    pub(crate) fn watch_guest_name(self: &Arc<Self>, name_key: String) -> Watched {
        self.watch(Identity::GuestName(name_key), None)
    }

    fn watch(self: &Arc<Self>, identity: Identity, user: Option<UserId>) -> Watched {
        let ended = {
            let mut watched = self.lock();
            let entry = watched.entry(identity.clone()).or_insert_with(|| Watching {
                user,
                ended: CancellationToken::new(),
                connections: 0,
            });
            entry.connections += 1;
            entry.ended.clone()
        };
        Watched {
            watch: Arc::clone(self),
            identity,
            ended,
        }
    }

    /// Something may have changed (a session ended, an account was made):
    /// check everything now, not at the next sweep.
    pub(crate) fn check_soon(&self) {
        self.check_now.notify_one();
    }

    /// Ends this process's connections of `user`'s sessions but `keep`,
    /// before the caller answers: ended in the store already, so no frame
    /// of theirs is taken from here on.
    pub(crate) fn end_sessions_of(&self, user: UserId, keep: Option<TokenHash>) {
        for (identity, watching) in self.lock().iter() {
            if watching.user == Some(user) && Some(identity) != keep.map(Identity::Session).as_ref()
            {
                watching.ended.cancel();
            }
        }
    }

    /// Ends this process's connections of one session (see [`Self::end_sessions_of`]).
    pub(crate) fn end_session(&self, session: TokenHash) {
        if let Some(watching) = self.lock().get(&Identity::Session(session)) {
            watching.ended.cancel();
        }
    }

    /// Checks every watched identity against `store` until `stop`, ending
    /// the connections of each that no longer holds. A store that does not
    /// answer ends nothing: they held when last seen, and the next sweep
    /// asks again.
    pub(crate) async fn run(
        self: Arc<Self>,
        store: Arc<dyn AccountStore>,
        every: Duration,
        stop: CancellationToken,
    ) {
        // The accounts there were when this process started; every guest
        // connected since was checked against them, or newer ones.
        let newest_at_start = loop {
            match store.accounts_after(0).await {
                Ok(accounts) => break accounts.last().map_or(0, |(id, _)| *id),
                Err(error) => {
                    warn!(%error, "cannot read the accounts yet; trying again soon");
                    tokio::select! {
                        () = stop.cancelled() => return,
                        () = tokio::time::sleep(every) => {}
                    }
                }
            }
        };
        let mut accounts = NewAccounts::from(newest_at_start);
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(every) => {}
                () = self.check_now.notified() => {}
            }
            let (sessions, names) = self.watched_now();
            let found = async {
                let live = match sessions.is_empty() {
                    true => Default::default(),
                    false => store.live_sessions(sessions.clone(), now_ms()).await?,
                };
                let made = store.accounts_after(accounts.settled).await?;
                Ok::<_, crate::store::StoreError>((live, made))
            };
            let (live, made) = match found.await {
                Ok(found) => found,
                Err(error) => {
                    warn!(%error, "cannot check who connections are; trying again soon");
                    continue;
                }
            };
            accounts.saw(made.last().map(|(id, _)| *id), Instant::now());
            let taken: HashSet<String> = made.into_iter().map(|(_, key)| key).collect();
            let over = sessions
                .into_iter()
                .filter(|session| !live.contains(session))
                .map(Identity::Session)
                .chain(
                    names
                        .into_iter()
                        .filter(|name| taken.contains(name))
                        .map(Identity::GuestName),
                );
            let watched = self.lock();
            let mut ended = 0;
            for identity in over {
                // Left in the map until its connections are gone, so a
                // connection that registers meanwhile sees it cancelled.
                if let Some(watching) = watched.get(&identity)
                    && !watching.ended.is_cancelled()
                {
                    watching.ended.cancel();
                    ended += 1;
                }
            }
            if ended > 0 {
                info!(
                    identities = ended,
                    "ended the connections of sessions that ended or names an account took"
                );
            }
        }
    }

    /// The sessions and guest names watched now.
    fn watched_now(&self) -> (Vec<TokenHash>, Vec<String>) {
        let mut sessions = Vec::new();
        let mut names = Vec::new();
        for identity in self.lock().keys() {
            match identity {
                Identity::Session(session) => sessions.push(*session),
                Identity::GuestName(name) => names.push(name.clone()),
            }
        }
        (sessions, names)
    }

    fn lock(&self) -> parking_lot::MutexGuard<'_, HashMap<Identity, Watching>> {
        // The map stays consistent across a panic elsewhere: every change
        // to it is one step.
        self.watched.lock()
    }
}
/// Which accounts the watch still reads each time: those above the newest
/// id that has [settled](SETTLE).
struct NewAccounts {
    /// Ids up to this one can no longer appear.
    settled: i64,
    /// The newest id seen, and when, for each sweep that saw a newer one.
    seen: VecDeque<(Instant, i64)>,
}

impl From<i64> for NewAccounts {
    fn from(newest_at_start: i64) -> Self {
        NewAccounts {
            settled: newest_at_start,
            seen: VecDeque::new(),
        }
    }
}

impl NewAccounts {
    /// A sweep at `now` saw accounts up to `newest`.
    fn saw(&mut self, newest: Option<i64>, now: Instant) {
        let latest = self.seen.back().map_or(self.settled, |(_, id)| *id);
        if let Some(newest) = newest.filter(|newest| *newest > latest) {
            self.seen.push_back((now, newest));
        }
        while let Some(&(at, id)) = self.seen.front() {
            if now.duration_since(at) < SETTLE {
                break;
            }
            self.settled = self.settled.max(id);
            self.seen.pop_front();
        }
    }
}

#[cfg(test)]
mod settle_tests {
    use super::*;

    #[test]
    fn new_accounts_are_read_again_until_they_settle() {
        let start = Instant::now();
        let mut accounts = NewAccounts::from(10);
        accounts.saw(Some(12), start);
        // A lower id may still commit: 11 is read again.
        assert_eq!(accounts.settled, 10);
        accounts.saw(Some(12), start + SETTLE / 2);
        assert_eq!(accounts.settled, 10);
        accounts.saw(None, start + SETTLE);
        assert_eq!(accounts.settled, 12);
    }
}
