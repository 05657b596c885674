//! The one place the engines are chosen and wired together. The
//! configuration names a [`Topology`] (one SQLite file; or PostgreSQL, with
//! or without Redis), and [`wire`] builds what it calls for: the stores, the
//! fan-out their commits go through, where presence lives, and the broker.
//! Everything past this sees only traits, and nothing else asks which
//! engine runs.

use std::path::Path;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::cluster::redis_link::RedisLink;
use crate::cluster::redis_roster::RedisRoster;
use crate::cluster::{self, Broker, BrokerLink, ClusterFanOut};
use crate::config::Config;
use crate::delivery::FanOut;
use crate::delivery::hub::Hub;
use crate::error::ServerError;
use crate::live::roster::{LocalRoster, Roster};
use crate::store;
use crate::store::accounts::rekey_names;
use crate::store::postgres::{PgOptions, PgStore};
use crate::store::shared_log::SharedLog;
use crate::store::{AccountStore, HistoryStore, OnCommit, RoomStore, SqliteStore, StoreError};

/// How the processes serving one chat are laid out.
#[derive(Debug, Clone)]
pub(crate) enum Topology<'c> {
    /// One process on one SQLite file (the embedded default): its hub is
    /// the whole fan-out, and presence is its own.
    Embedded {
        /// The database file.
        db: &'c Path,
        /// Appends that may wait for the writer.
        write_queue: usize,
    },
    /// Processes sharing one PostgreSQL: each hub gets every process's
    /// commits in id order, through Redis at once when there is one, and
    /// from the database otherwise.
    Shared {
        /// The database.
        database_url: &'c str,
        /// The broker between the processes, if any.
        redis_url: Option<&'c str>,
        /// How this process uses the database beyond its URL.
        options: PgOptions,
        /// The CA that signed Redis's certificate, for `rediss://`.
        redis_ca: Option<&'c Path>,
    },
}

impl<'c> Topology<'c> {
    /// The topology `config` names.
    pub(crate) fn of(config: &'c Config) -> Self {
        match &config.database_url {
            Some(database_url) => Topology::Shared {
                database_url,
                redis_url: config.redis_url.as_deref(),
                options: PgOptions {
                    write_queue: config.write_queue,
                    connections: config
                        .database_connections
                        .unwrap_or_else(crate::store::postgres::connections::default_size),
                    ca: config.database_ca.clone(),
                },
                redis_ca: config.redis_ca.as_deref(),
            },
            None => Topology::Embedded {
                db: &config.db,
                write_queue: config.write_queue,
            },
        }
    }
}

/// The stores of one engine.
pub(crate) struct Stores {
    /// Messages and their changes.
    pub(crate) history: Arc<dyn HistoryStore>,
    /// Accounts and sessions.
    pub(crate) accounts: Arc<dyn AccountStore>,
    /// Rooms, memberships, read markers and settings.
    pub(crate) rooms: Arc<dyn RoomStore>,
    /// The newest id already stored when it was opened (0 when empty).
    pub(crate) newest_at_open: u64,
    /// For an engine several processes share: every process's entries.
    pub(crate) shared_log: Option<Arc<dyn SharedLog>>,
}

/// Opens the stores of `topology`'s engine; `on_commit` receives every
/// batch this process commits, in id order. Accounts named under an older
/// lookalike rule are brought up to the current one.
pub(crate) async fn open_stores(
    topology: Topology<'_>,
    on_commit: OnCommit,
) -> Result<Stores, StoreError> {
    let stores = match topology {
        Topology::Shared {
            database_url,
            options,
            ..
        } => {
            let store = Arc::new(PgStore::connect_with(database_url, on_commit, &options).await?);
            Stores {
                newest_at_open: store.newest_id().await?,
                history: Arc::clone(&store) as Arc<dyn HistoryStore>,
                accounts: Arc::clone(&store) as Arc<dyn AccountStore>,
                rooms: Arc::clone(&store) as Arc<dyn RoomStore>,
                shared_log: Some(store as Arc<dyn SharedLog>),
            }
        }
        Topology::Embedded { db, write_queue } => {
            let store = Arc::new(SqliteStore::open_with_queue(db, on_commit, write_queue)?);
            Stores {
                newest_at_open: store.newest_at_open(),
                history: Arc::clone(&store) as Arc<dyn HistoryStore>,
                accounts: Arc::clone(&store) as Arc<dyn AccountStore>,
                rooms: store as Arc<dyn RoomStore>,
                shared_log: None,
            }
        }
    };
    rekey_names(stores.accounts.as_ref()).await?;
    Ok(stores)
}

/// Everything [`wire`] builds.
pub(crate) struct Wired {
    /// This process's side of the fan-out, which its connections read.
    pub(crate) hub: Arc<Hub>,
    /// Where commits, account events and signals are published.
    pub(crate) fan_out: Arc<dyn FanOut>,
    /// The engine's stores.
    pub(crate) stores: Stores,
    /// Who is online where: this process's own, or Redis's for all.
    pub(crate) roster: Arc<dyn Roster>,
    /// The broker between processes, when there is one.
    pub(crate) broker: Option<Arc<Broker>>,
}

/// Builds the stores, the fan-out and the roster `config` calls for, and
/// starts the tasks that keep several processes one chat (they stop with
/// `shutdown`).
pub(crate) async fn wire(
    config: &Config,
    shutdown: &CancellationToken,
) -> Result<Wired, ServerError> {
    let hub = Arc::new(Hub::new(config.broadcast_buffer));
    match Topology::of(config) {
        topology @ Topology::Embedded { .. } => {
            let publisher = Arc::clone(&hub);
            let stores =
                open_stores(topology, Box::new(move |batch| publisher.publish(batch))).await?;
            // What the file already holds counts as committed before any
            // connection subscribes, so a new client's first page includes it.
            hub.committed_up_to(stores.newest_at_open);
            let fan_out = Arc::clone(&hub) as Arc<dyn FanOut>;
            Ok(Wired {
                roster: Arc::new(LocalRoster::new(Arc::clone(&fan_out))),
                hub,
                fan_out,
                stores,
                broker: None,
            })
        }
        topology @ Topology::Shared {
            redis_url,
            redis_ca,
            ..
        } => {
            let node = cluster::new_node_id();
            let link = match redis_url {
                Some(url) => Some(Arc::new(RedisLink::open(url, redis_ca).map_err(
                    |cause| StoreError::Open {
                        path: store::without_password(url),
                        cause,
                    },
                )?)),
                None => None,
            };
            let cluster = Arc::new(ClusterFanOut::new(Arc::clone(&hub), link.as_ref(), &node));
            let publisher = Arc::clone(&cluster);
            let stores =
                open_stores(topology, Box::new(move |batch| publisher.publish(batch))).await?;
            cluster.sequencer().start_after(stores.newest_at_open);
            let redis = link.map(|link| {
                let roster = RedisRoster::start(
                    Arc::clone(&link),
                    node.clone(),
                    config.presence_ttl,
                    Arc::clone(&hub),
                    shutdown.clone(),
                );
                BrokerLink { link, roster, node }
            });
            if let Some(log) = stores.shared_log.clone() {
                cluster::start(&cluster, log, redis.clone(), shutdown);
            }
            let fan_out = cluster as Arc<dyn FanOut>;
            let (roster, broker) = match redis {
                Some(BrokerLink { link, roster, .. }) => (
                    Arc::clone(&roster) as Arc<dyn Roster>,
                    Some(Arc::new(Broker::new(link, roster))),
                ),
                None => (
                    Arc::new(LocalRoster::new(Arc::clone(&fan_out))) as Arc<dyn Roster>,
                    None,
                ),
            };
            Ok(Wired {
                hub,
                fan_out,
                stores,
                roster,
                broker,
            })
        }
    }
}
