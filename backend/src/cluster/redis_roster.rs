//! [`RedisRoster`]: who is online, across every process, kept in Redis.
//!
//! Each room is a sorted set of members, one per person and process
//! (`user|node|name`), scored by when it expires on Redis's own clock;
//! beside it, each person's processes in the room, scored the same way, so
//! an arrival, a renewal or a departure costs the same in a room of ten
//! as in a lobby of ten thousand (only a snapshot reads a room). A
//! process renews its members every quarter of `--presence-ttl`; one that
//! dies stops renewing, and the sweep every process runs removes its
//! members once expired. Every change of who is online (first live member
//! of a person in a room, last one gone) is made and published by one Lua
//! script, so each is said exactly once and all processes hear them in the
//! order they were made.
//!
//! Each process keeps a mirror of the rosters, built from a snapshot when
//! its subscription starts and kept by those notices (and by its own
//! arrivals at once); connections read the mirror. While Redis is down,
//! presence pauses: the mirror stays as it was but for this process's own
//! arrivals, and its comings and goings reach Redis once it is back
//! (arrivals by the next renewal; departures by expiry).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use parking_lot::Mutex;
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use natter_shared::ServerFrame;
use redis::aio::ConnectionManager;
use redis::{Script, ScriptInvocation};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::notice::CHANNEL;
use super::outage::OutageLog;
use super::redis_link::RedisLink;
use crate::delivery::hub::{Hub, Signal};
use crate::live::roster::{Roster, change_frame, sorted};
use crate::store::accounts::UserId;

/// The set of rooms that have members.
const ROOMS_KEY: &str = "natter:presence:rooms";
/// A room's members are at this prefix and the room's name.
const ROOM_KEY: &str = "natter:presence:room:";
/// A person's processes in a room are at this prefix, their id, `|` and
/// the room's name: what arriving and leaving read, so neither reads the
/// room (the sweep builds the same name from a member).
const PERSON_KEY: &str = "natter:presence:person:";

/// Members renewed in one round trip.
const RENEW_BATCH: usize = 256;

/// What this process asks of Redis, in the order it happened.
enum Change {
    Arrive(String, UserId, String),
    Depart(String, UserId, String),
    /// Renew every member of this process, and sweep everyone's.
    Renew,
    /// This process is stopping: its members expire after this long,
    /// unless their people connect to another process by then.
    Leave(Duration),
}

/// The Lua scripts (see `presence_scripts/`).
struct Scripts {
    arrive: Script,
    depart: Script,
    sweep: Script,
    snapshot: Script,
}

impl Scripts {
    fn new() -> Self {
        Scripts {
            arrive: Script::new(include_str!("presence_scripts/arrive.lua")),
            depart: Script::new(include_str!("presence_scripts/depart.lua")),
            sweep: Script::new(include_str!("presence_scripts/sweep.lua")),
            snapshot: Script::new(include_str!("presence_scripts/snapshot.lua")),
        }
    }
}

/// Presence across processes.
pub(crate) struct RedisRoster {
    node: String,
    ttl: Duration,
    link: Arc<RedisLink>,
    hub: Arc<Hub>,
    scripts: Scripts,
    /// Who is online per room, as the notices said.
    mirror: Mutex<HashMap<String, BTreeSet<String>>>,
    /// This process's people per room: what it renews.
    mine: Mutex<HashMap<(String, UserId), String>>,
    changes: mpsc::UnboundedSender<Change>,
}

impl RedisRoster {
    /// A roster for the process `node`, whose members live `ttl` unless
    /// renewed; its tasks run until `stop`.
    pub(crate) fn start(
        link: Arc<RedisLink>,
        node: String,
        ttl: Duration,
        hub: Arc<Hub>,
        stop: CancellationToken,
    ) -> Arc<Self> {
        let (changes, queue) = mpsc::unbounded_channel();
        let roster = Arc::new(RedisRoster {
            node,
            ttl,
            link,
            hub,
            scripts: Scripts::new(),
            mirror: Mutex::new(HashMap::new()),
            mine: Mutex::new(HashMap::new()),
            changes,
        });
        tokio::spawn(Arc::clone(&roster).write(queue, stop.clone()));
        tokio::spawn(Arc::clone(&roster).renew_every(ttl / 4, stop));
        roster
    }

    /// A member's name in a room's set (`user|node|name`).
    fn member(&self, user: UserId, name: &str) -> String {
        format!("{}|{}|{name}", user.0, self.node)
    }

    /// Where `user`'s processes in `room` are kept.
    fn person_key(user: UserId, room: &str) -> String {
        format!("{PERSON_KEY}{}|{room}", user.0)
    }

    fn mirror(&self) -> parking_lot::MutexGuard<'_, HashMap<String, BTreeSet<String>>> {
        self.mirror.lock()
    }

    fn mine(&self) -> parking_lot::MutexGuard<'_, HashMap<(String, UserId), String>> {
        self.mine.lock()
    }

    /// A presence notice, in the order Redis published them: if it changes
    /// the mirror, the room's connections are told, with the mirror's lock
    /// held (so they hear changes in the order the mirror made them). One
    /// that changes nothing was applied already: this process's own
    /// arrivals are shown before Redis confirms them.
    pub(crate) fn apply(&self, room: &str, name: &str, online: bool) {
        let mut mirror = self.mirror();
        let changed = if online {
            mirror
                .entry(room.to_owned())
                .or_default()
                .insert(name.to_owned())
        } else {
            let here = mirror.get_mut(room);
            let removed = here.is_some_and(|here| here.remove(name));
            if mirror.get(room).is_some_and(BTreeSet::is_empty) {
                mirror.remove(room);
            }
            removed
        };
        if changed {
            self.hub.signal(
                room,
                Signal {
                    frame: change_frame(room, name, online),
                    skip: None,
                },
            );
        }
    }

    /// Replaces the mirror with what Redis holds now, and sends every room
    /// whose state may have changed its whole state: called when the
    /// subscription (re)starts, before any notice it receives is applied.
    /// Also renews this process's members at once (after Redis restarted
    /// empty, they come back).
    pub(crate) async fn resync(&self) -> redis::RedisResult<()> {
        let _ = self.changes.send(Change::Renew);
        let snapshot = self
            .scripts
            .snapshot
            .key(ROOMS_KEY)
            .arg(ROOM_KEY)
            .invoke_async(&mut self.link.commands())
            .await;
        self.link.drop_if_silent(&snapshot);
        let rooms: Vec<(String, Vec<String>)> = snapshot?;
        let fresh: HashMap<String, BTreeSet<String>> = rooms
            .into_iter()
            .map(|(room, members)| (room, members.iter().filter_map(|m| name_of(m)).collect()))
            .collect();
        let mut mirror = self.mirror();
        let mut touched: BTreeSet<String> = fresh.keys().cloned().collect();
        touched.extend(mirror.keys().cloned());
        *mirror = fresh;
        for room in touched {
            let state = natter_shared::Presence {
                online: sorted(
                    mirror
                        .get(&room)
                        .map(|names| names.iter().cloned().collect())
                        .unwrap_or_default(),
                ),
                room: room.clone(),
            };
            self.hub.signal(
                &room,
                Signal {
                    frame: Utf8Bytes::from(ServerFrame::Presence(state).to_json()),
                    skip: None,
                },
            );
        }
        Ok(())
    }

    /// This process is stopping: its people stay online for `grace` (long
    /// enough to reconnect to another process), then expire.
    pub(crate) fn leave(&self, grace: Duration) {
        let _ = self.changes.send(Change::Leave(grace.min(self.ttl)));
    }

    async fn renew_every(self: Arc<Self>, period: Duration, stop: CancellationToken) {
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(period) => {}
            }
            let _ = self.changes.send(Change::Renew);
        }
    }

    /// Makes the changes in Redis one at a time, in order, until `stop`
    /// (and then those already asked for, such as [`RedisRoster::leave`]).
    async fn write(
        self: Arc<Self>,
        mut queue: mpsc::UnboundedReceiver<Change>,
        stop: CancellationToken,
    ) {
        let mut outage = OutageLog::new(
            "cannot reach Redis: presence pauses until it is back",
            "Redis answers again: presence is shared again",
        );
        loop {
            let change = tokio::select! {
                change = queue.recv() => change,
                () = stop.cancelled() => queue.try_recv().ok(),
            };
            let Some(change) = change else {
                return;
            };
            let mut commands = self.link.commands();
            let done = match change {
                Change::Arrive(room, user, name) => {
                    self.arrive(&mut commands, &room, user, &name, self.ttl)
                        .await
                }
                Change::Depart(room, user, name) => self
                    .scripts
                    .depart
                    .key(format!("{ROOM_KEY}{room}"))
                    .key(Self::person_key(user, &room))
                    .arg(self.member(user, &name))
                    .arg(&self.node)
                    .arg(&room)
                    .arg(&name)
                    .arg(CHANNEL)
                    .invoke_async::<i64>(&mut commands)
                    .await
                    .map(drop),
                Change::Renew => self.renew(&mut commands, self.ttl).await,
                Change::Leave(grace) => self.renew(&mut commands, grace).await,
            };
            self.link.drop_if_silent(&done);
            outage.record(done);
        }
    }

    async fn arrive(
        &self,
        commands: &mut ConnectionManager,
        room: &str,
        user: UserId,
        name: &str,
        ttl: Duration,
    ) -> redis::RedisResult<()> {
        self.arrival(room, user, name, ttl)
            .invoke_async::<i64>(commands)
            .await
            .map(drop)
    }

    /// The arrive script for `user` in `room`, their member to expire in
    /// `ttl`.
    fn arrival(&self, room: &str, user: UserId, name: &str, ttl: Duration) -> ScriptInvocation<'_> {
        let mut invocation = self.scripts.arrive.prepare_invoke();
        invocation
            .key(format!("{ROOM_KEY}{room}"))
            .key(ROOMS_KEY)
            .key(Self::person_key(user, room))
            .arg(self.member(user, name))
            .arg(&self.node)
            .arg(ttl.as_millis() as u64)
            .arg(room)
            .arg(name)
            .arg(CHANNEL);
        invocation
    }

    /// Sets every member of this process to expire in `ttl`, then sweeps
    /// the expired members of every process.
    async fn renew(
        &self,
        commands: &mut ConnectionManager,
        ttl: Duration,
    ) -> redis::RedisResult<()> {
        let mine: Vec<((String, UserId), String)> = self
            .mine()
            .iter()
            .map(|(key, name)| (key.clone(), name.clone()))
            .collect();
        for chunk in mine.chunks(RENEW_BATCH) {
            let mut pipe = redis::pipe();
            pipe.load_script(&self.scripts.arrive).ignore();
            for ((room, user), name) in chunk {
                pipe.invoke_script(&self.arrival(room, *user, name, ttl))
                    .ignore();
            }
            pipe.query_async::<()>(commands).await?;
        }
        self.scripts
            .sweep
            .key(ROOMS_KEY)
            .arg(ROOM_KEY)
            .arg(CHANNEL)
            .arg(PERSON_KEY)
            .invoke_async::<i64>(commands)
            .await
            .map(drop)
    }
}

/// The name in a member (`user|node|name`).
fn name_of(member: &str) -> Option<String> {
    let mut parts = member.splitn(3, '|');
    parts.next()?;
    parts.next()?;
    parts.next().map(str::to_owned)
}

impl Roster for RedisRoster {
    fn add(&self, room: &str, user: UserId, name: &str) {
        self.mine().insert((room.to_owned(), user), name.to_owned());
        let _ = self
            .changes
            .send(Change::Arrive(room.to_owned(), user, name.to_owned()));
        // Shown here at once (a connection sees itself in its first
        // snapshot); Redis's notice of it, if it makes one, then changes
        // nothing. Whether they go offline is Redis's to say: another
        // process may still have them.
        self.apply(room, name, true);
    }

    fn remove(&self, room: &str, user: UserId, name: &str) {
        self.mine().remove(&(room.to_owned(), user));
        let _ = self
            .changes
            .send(Change::Depart(room.to_owned(), user, name.to_owned()));
    }

    fn online(&self, room: &str) -> Vec<String> {
        sorted(
            self.mirror()
                .get(room)
                .map(|names| names.iter().cloned().collect())
                .unwrap_or_default(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::name_of;

    #[test]
    fn a_members_name_may_hold_the_separator() {
        assert_eq!(name_of("12|a1b2|ada|b").as_deref(), Some("ada|b"));
        assert_eq!(name_of("12|a1b2"), None);
    }
}
