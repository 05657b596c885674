//! Several natter processes as one chat: the fan-out and the presence of
//! processes sharing a PostgreSQL database, with Redis (optional) carrying
//! what moves between them.
//!
//! - [`sequencer`]: every process's commits reach this process's hub once
//!   each, in global id order; [`gap_filler`]: what the broker did not
//!   bring is read from the database (the truth), and with no broker it is
//!   how messages cross at all.
//! - [`notice`]: what processes tell each other; [`relay`] publishes this
//!   process's, [`subscriber`] delivers the others'; [`redis_link`]: the
//!   connections to Redis.
//! - [`account_ledger`]: account events (joins, leaves, settings, ended
//!   sessions) recorded in the database and applied once on every
//!   process, whether Redis brought them first or the log did.
//! - [`redis_roster`]: who is online, across processes, with expiry.
//! - [`outage`]: each retrying task logs an outage's start and end once.
//!
//! [`ClusterFanOut`] is the [`FanOut`] publishers see: this process's own
//! commits, account events and signals reach its hub at once, and the
//! other processes through the relay.
//!
//! Never touches a connection: it hands entries to this process's hub
//! and presence to its roster, which connections read as in one process.

pub(crate) mod account_ledger;
pub(crate) mod gap_filler;
pub(crate) mod notice;
pub(crate) mod outage;
pub(crate) mod redis_link;
pub(crate) mod redis_roster;
pub(crate) mod relay;
pub(crate) mod sequencer;
pub(crate) mod subscriber;

use std::sync::{Arc, OnceLock};

use futures_util::future::BoxFuture;

use rand::Rng;
use tokio_util::sync::CancellationToken;

use crate::delivery::FanOut;
use crate::delivery::hub::{AccountEvent, Hub, Signal};
use crate::store::Committed;
use crate::store::accounts::UserId;
use crate::store::shared_log::SharedLog;
use account_ledger::Ledger;
use gap_filler::Polling;
use notice::Notice;
use redis_link::RedisLink;
use redis_roster::RedisRoster;
use relay::Relay;
use sequencer::Sequencer;
use subscriber::Destinations;

/// What the rest of the server asks of the broker between processes,
/// whichever engine it is: how it is (for `/readyz`), and to let go of
/// this process's people when it stops.
pub(crate) struct Broker {
    link: Arc<RedisLink>,
    roster: Arc<RedisRoster>,
}

impl Broker {
    /// The broker over these connections, keeping presence in `roster`.
    pub(crate) fn new(link: Arc<RedisLink>, roster: Arc<RedisRoster>) -> Self {
        Broker { link, roster }
    }

    /// `"ok"`, or what is wrong.
    pub(crate) async fn state(&self) -> String {
        self.link.state().await
    }

    /// This process is stopping: its people stay online for `grace` (long
    /// enough to reconnect to another process), then expire.
    pub(crate) fn leave(&self, grace: std::time::Duration) {
        self.roster.leave(grace);
    }
}

/// A fresh id for this process, for its notices and presence members.
pub(crate) fn new_node_id() -> String {
    format!("{:016x}", rand::rng().random::<u64>())
}

/// The fan-out of one process among several.
pub(crate) struct ClusterFanOut {
    hub: Arc<Hub>,
    sequencer: Arc<Sequencer>,
    relay: Option<Relay>,
    /// This process's id among the others.
    node: String,
    /// Which account events this process has applied.
    ledger: Arc<Ledger>,
    /// Where account events are recorded; set once the store is open (it
    /// is opened after the fan-out, which it publishes through).
    log: OnceLock<Arc<dyn SharedLog>>,
}

impl ClusterFanOut {
    /// This process's fan-out: into `hub` in id order, and (with a
    /// broker) to the other processes.
    pub(crate) fn new(hub: Arc<Hub>, link: Option<&Arc<RedisLink>>, node: &str) -> Self {
        ClusterFanOut {
            sequencer: Arc::new(Sequencer::new(Arc::clone(&hub))),
            hub,
            relay: link.map(|link| Relay::start(Arc::clone(link), node.to_owned())),
            node: node.to_owned(),
            ledger: Arc::new(Ledger::default()),
            log: OnceLock::new(),
        }
    }

    /// The sequencer this process's hub is fed through.
    pub(crate) fn sequencer(&self) -> &Arc<Sequencer> {
        &self.sequencer
    }

    fn relay(&self, notice: impl FnOnce() -> Notice) {
        if let Some(relay) = &self.relay {
            relay.send(notice());
        }
    }
}

impl FanOut for ClusterFanOut {
    fn publish(&self, committed: &[Committed]) {
        self.sequencer.offer(committed.iter().cloned());
        self.relay(|| Notice::Committed {
            entries: committed.to_vec(),
        });
    }

    fn notify(&self, user: UserId, event: AccountEvent) {
        self.relay(|| Notice::Account {
            user,
            event: event.clone(),
            id: None,
        });
        self.hub.notify(user, event);
    }

    /// Applied here at once; recorded in the shared log, then told through
    /// the broker with its id (so a process that reads it from the log too
    /// applies it once). If the log cannot take it, the broker alone carries
    /// it, at most once, as before.
    fn notify_durably(&self, user: UserId, event: AccountEvent) -> BoxFuture<'static, ()> {
        self.hub.notify(user, event.clone());
        let Some(log) = self.log.get().cloned() else {
            self.relay(|| Notice::Account {
                user,
                event,
                id: None,
            });
            return Box::pin(std::future::ready(()));
        };
        let node = self.node.clone();
        let relay = self.relay.clone();
        Box::pin(async move {
            let id = match log
                .record_event(&node, user.0, account_ledger::encode(&event))
                .await
            {
                Ok(id) => Some(id),
                Err(error) => {
                    tracing::warn!(%error, "an account event was not recorded: Redis alone carries it");
                    None
                }
            };
            if let Some(relay) = relay {
                relay.send(Notice::Account { user, event, id });
            }
        })
    }

    fn signal(&self, room: &str, signal: Signal) {
        self.relay(|| Notice::Signal {
            room: room.to_owned(),
            skip: signal.skip,
            frame: signal.frame.as_str().to_owned(),
        });
        self.hub.signal(room, signal);
    }
}

/// This process's ties to the broker: the link, presence kept there, and
/// the id other processes know this one by.
#[derive(Clone)]
pub(crate) struct BrokerLink {
    /// The connections to Redis.
    pub(crate) link: Arc<RedisLink>,
    /// Presence, kept in Redis.
    pub(crate) roster: Arc<RedisRoster>,
    /// This process's id among them.
    pub(crate) node: String,
}

/// Starts the tasks that keep this process in step with the others until
/// `stop`: the gap filler, and with a broker its subscription.
pub(crate) fn start(
    fan_out: &ClusterFanOut,
    log: Arc<dyn SharedLog>,
    broker: Option<BrokerLink>,
    stop: &CancellationToken,
) {
    let sequencer = Arc::clone(&fan_out.sequencer);
    let _ = fan_out.log.set(Arc::clone(&log));
    tokio::spawn(account_ledger::run(
        Arc::clone(&fan_out.ledger),
        Arc::clone(&log),
        Arc::clone(&fan_out.hub),
        fan_out.node.clone(),
        Polling::default(),
        broker_up(&broker),
        stop.clone(),
    ));
    tokio::spawn(gap_filler::run(
        Arc::clone(&sequencer),
        log,
        Polling::default(),
        broker_up(&broker),
        stop.clone(),
    ));
    if let Some(BrokerLink { link, roster, node }) = broker {
        let to = Destinations {
            sequencer,
            hub: Arc::clone(&fan_out.hub),
            roster,
            ledger: Arc::clone(&fan_out.ledger),
        };
        tokio::spawn(subscriber::run(link, node, to, stop.clone()));
    }
}

/// Whether the broker's notices reach this process now: the pollers poll
/// slower while they do.
fn broker_up(broker: &Option<BrokerLink>) -> Box<dyn Fn() -> bool + Send> {
    match broker {
        Some(BrokerLink { link, .. }) => {
            let link = Arc::clone(link);
            Box::new(move || link.is_subscribed())
        }
        None => Box::new(|| false),
    }
}
