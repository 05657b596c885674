//! What every request handler and connection task shares: [`AppState`],
//! built from the configuration, and the per-connection [`ConnectionRules`].

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::accounts::Accounts;
use crate::cluster::redis_link::RedisLink;
use crate::cluster::redis_roster::RedisRoster;
use crate::cluster::{self, Broker, ClusterFanOut};
use crate::commands::FrameRules;
use crate::config::Config;
use crate::error::ServerError;
use crate::fan_out::FanOut;
use crate::hub::Hub;
use crate::limits::ConnectionLimits;
use crate::lobby_card::LobbyCard;
use crate::origin::SitePolicy;
use crate::presence::Presence;
use crate::rate_limit::{AddressFrames, RateLimit};
use crate::roster::{LocalRoster, Roster};
use crate::static_files;
use crate::store::engine;
use crate::store::gathered_markers::GatheredMarkers;
use crate::store::{HistoryStore, RoomStore, StoreError};

/// Per-connection limits and timers, copied into each connection.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionRules {
    /// What frames may ask for: message length, how old a message may be
    /// changed.
    pub frames: FrameRules,
    /// The WebSocket frame and message size limit, in bytes.
    pub max_frame_bytes: usize,
    /// Frames per second and burst.
    pub rate_limit: RateLimit,
    /// How often to ping.
    pub ping_interval: Duration,
    /// How long a silent connection lives.
    pub idle_timeout: Duration,
}

/// What every request handler and connection task shares.
pub struct AppState {
    /// Accounts, sessions and guests: who a request or connection is.
    pub accounts: Accounts,
    /// Whether natter serves TLS itself, so cookies are marked `Secure`.
    pub serves_tls: bool,
    /// Where committed messages and account events are published.
    pub fan_out: Arc<dyn FanOut>,
    /// This process's side of the fan-out, which its connections read.
    pub hub: Arc<Hub>,
    /// Durable history; assigns message ids.
    pub store: Arc<dyn HistoryStore>,
    /// Rooms, memberships and read markers (gathered: see `markers`).
    pub rooms: Arc<dyn RoomStore>,
    /// The read markers on their way to the store; [`crate::server`] runs
    /// the task that writes them.
    pub markers: Arc<GatheredMarkers>,
    /// Who is online in each room.
    pub presence: Arc<Presence>,
    /// With several processes and a broker between them: how it is (for
    /// `/readyz`), and who to tell when this process stops.
    pub broker: Option<Arc<Broker>>,
    /// The lobby as guests' welcomes show it.
    pub lobby_card: LobbyCard,
    /// Limits and timers for each connection.
    pub rules: ConnectionRules,
    /// Which host names natter answers to, and which pages may connect.
    pub site: SitePolicy,
    /// The frame budget each address's connections share.
    pub address_frames: AddressFrames,
    /// How many may connect; also the live connection count. Shared with
    /// [`crate::admission`], which takes a place for every TCP connection.
    pub limits: Arc<ConnectionLimits>,
    /// Cancelled when the server begins shutting down; every connection watches it.
    pub shutdown: CancellationToken,
    /// Every live connection task, so shutdown can wait for them to close.
    pub connections: TaskTracker,
}

impl AppState {
    /// State for a server with this configuration: opens the database, whose
    /// writer publishes every committed batch through the fan-out.
    /// Refuses a layout that would serve the database as a file.
    pub async fn open(config: &Config) -> Result<Self, ServerError> {
        static_files::check_layout(config)?;
        let hub = Arc::new(Hub::new(config.broadcast_buffer));
        let shutdown = CancellationToken::new();
        let node = cluster::new_node_id();
        let link = match &config.redis_url {
            Some(url) => Some(Arc::new(RedisLink::open(url).map_err(|cause| {
                StoreError::Open {
                    path: url.clone(),
                    cause,
                }
            })?)),
            None => None,
        };
        // One process: the hub is the whole fan-out. Several (a shared
        // database): every process's commits reach the hub in id order.
        let cluster = config
            .database_url
            .is_some()
            .then(|| Arc::new(ClusterFanOut::new(Arc::clone(&hub), link.as_ref(), &node)));
        let fan_out: Arc<dyn FanOut> = match &cluster {
            Some(cluster) => Arc::clone(cluster) as Arc<dyn FanOut>,
            None => Arc::clone(&hub) as Arc<dyn FanOut>,
        };
        let publisher = Arc::clone(&fan_out);
        let engine = engine::open(config, Box::new(move |batch| publisher.publish(batch))).await?;
        // What the database already holds counts as committed before any
        // connection subscribes, so a new client's first page includes it.
        match &cluster {
            Some(cluster) => cluster.sequencer().start_after(engine.newest_at_open),
            None => hub.committed_up_to(engine.newest_at_open),
        }
        let redis_roster = link.as_ref().map(|link| {
            RedisRoster::start(
                Arc::clone(link),
                node.clone(),
                config.presence_ttl,
                Arc::clone(&hub),
                shutdown.clone(),
            )
        });
        if let (Some(cluster), Some(log)) = (&cluster, engine.shared_log) {
            let subscription = match (&link, &redis_roster) {
                (Some(link), Some(roster)) => {
                    Some((Arc::clone(link), Arc::clone(roster), node.clone()))
                }
                _ => None,
            };
            cluster::start(cluster, log, subscription, &shutdown);
        }
        let roster: Arc<dyn Roster> = match &redis_roster {
            Some(roster) => Arc::clone(roster) as Arc<dyn Roster>,
            None => Arc::new(LocalRoster::new(Arc::clone(&fan_out))),
        };
        let broker = link
            .zip(redis_roster)
            .map(|(link, roster)| Arc::new(Broker::new(link, roster)));
        let store = engine.history;
        let markers = Arc::new(GatheredMarkers::new(engine.rooms));
        let presence = Arc::new(Presence::new(roster, config.presence_grace));
        Ok(AppState {
            broker,
            accounts: Accounts::new(
                engine.accounts,
                config.signup,
                config.guests,
                config.session_lifetime,
            ),
            serves_tls: config.tls_cert.is_some(),
            fan_out,
            hub,
            rooms: Arc::clone(&markers) as Arc<dyn RoomStore>,
            markers,
            presence,
            lobby_card: LobbyCard::default(),
            store,
            rules: ConnectionRules {
                frames: FrameRules {
                    max_message_chars: config.max_message_chars,
                    edit_window: config.edit_window,
                },
                max_frame_bytes: config.max_frame_bytes,
                rate_limit: RateLimit {
                    per_second: config.rate_limit_per_second,
                    burst: config.rate_limit_burst,
                },
                ping_interval: config.ping_interval,
                idle_timeout: config.idle_timeout,
            },
            site: SitePolicy::new(
                config.tls_cert.is_some(),
                &config.public_urls,
                &config.allowed_origins,
            ),
            address_frames: AddressFrames::new(RateLimit {
                per_second: config.address_rate_limit_per_second,
                burst: config.address_rate_limit_burst,
            }),
            limits: Arc::new(ConnectionLimits::new(
                config.max_connections,
                config.max_connections_per_ip,
            )),
            shutdown,
            connections: TaskTracker::new(),
        })
    }
}
