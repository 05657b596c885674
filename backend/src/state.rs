//! What every request handler and connection task shares: [`AppState`],
//! built from the configuration, and the per-connection [`ConnectionRules`].

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::accounts::Accounts;
use crate::admission::limits::ConnectionLimits;
use crate::cluster::Broker;
use crate::config::Config;
use crate::connection::commands::FrameRules;
use crate::connection::rate_limit::{AddressFrames, RateLimit};
use crate::delivery::FanOut;
use crate::delivery::hub::Hub;
use crate::error::ServerError;
use crate::live::lobby_card::LobbyCard;
use crate::live::presence::Presence;
use crate::process::database_watch::DatabaseWatch;
use crate::store::gathered_markers::GatheredMarkers;
use crate::store::{HistoryStore, RoomStore};
use crate::web::origin::SitePolicy;
use crate::web::static_files;
use crate::wiring::{self, Wired};

/// Per-connection limits and timers, copied into each connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionRules {
    /// What frames may ask for: message length, how old a message may be
    /// changed.
    pub(crate) frames: FrameRules,
    /// The WebSocket frame and message size limit, in bytes.
    pub(crate) max_frame_bytes: usize,
    /// Frames per second and burst.
    pub(crate) rate_limit: RateLimit,
    /// How often to ping.
    pub(crate) ping_interval: Duration,
    /// How long a silent connection lives.
    pub(crate) idle_timeout: Duration,
}

/// What every request handler and connection task shares.
pub struct AppState {
    /// Accounts, sessions and guests: who a request or connection is.
    pub(crate) accounts: Accounts,
    /// Whether natter serves TLS itself, so cookies are marked `Secure`.
    pub(crate) serves_tls: bool,
    /// Where committed messages and account events are published.
    pub(crate) fan_out: Arc<dyn FanOut>,
    /// This process's side of the fan-out, which its connections read.
    pub(crate) hub: Arc<Hub>,
    /// Durable history; assigns message ids.
    pub(crate) store: Arc<dyn HistoryStore>,
    /// Rooms, memberships and read markers (gathered: see `markers`).
    pub(crate) rooms: Arc<dyn RoomStore>,
    /// The read markers on their way to the store; [`crate::process::server`] runs
    /// the task that writes them.
    pub(crate) markers: Arc<GatheredMarkers>,
    /// Who is online in each room.
    pub(crate) presence: Arc<Presence>,
    /// With several processes and a broker between them: how it is (for
    /// `/readyz`), and who to tell when this process stops.
    pub(crate) broker: Option<Arc<Broker>>,
    /// The lobby as guests' welcomes show it.
    pub(crate) lobby_card: LobbyCard,
    /// Limits and timers for each connection.
    pub(crate) rules: ConnectionRules,
    /// Which host names natter answers to, and which pages may connect.
    pub(crate) site: SitePolicy,
    /// How this server is run, as `GET /api/server` tells a page.
    pub(crate) server_info: natter_shared::api::ServerInfo,
    /// The frame budget each address's connections share.
    pub(crate) address_frames: AddressFrames,
    /// How many may connect; also the live connection count. Shared with
    /// [`crate::admission`], which takes a place for every TCP connection.
    pub(crate) limits: Arc<ConnectionLimits>,
    /// Cancelled when the server begins shutting down; every connection watches it.
    pub(crate) shutdown: CancellationToken,
    /// Every live connection task, so shutdown can wait for them to close.
    pub(crate) connections: TaskTracker,
    /// Whether this process is cut off from the database it shares with
    /// others (never, on the embedded engine): [`crate::process::server`]
    /// runs the probe.
    pub(crate) database: Arc<DatabaseWatch>,
}

impl AppState {
    /// State for a server with this configuration, over the engines
    /// [`wiring`] builds for it. Refuses a layout that would serve the
    /// database as a file.
    pub async fn open(config: &Config) -> Result<Self, ServerError> {
        static_files::check_layout(config)?;
        let shutdown = CancellationToken::new();
        let Wired {
            hub,
            fan_out,
            stores,
            roster,
            broker,
        } = wiring::wire(config, &shutdown).await?;
        let markers = Arc::new(GatheredMarkers::new(stores.rooms));
        let presence = Arc::new(Presence::new(roster, config.presence_grace));
        Ok(AppState {
            broker,
            accounts: Accounts::new(
                stores.accounts,
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
            store: stores.history,
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
            server_info: natter_shared::api::ServerInfo {
                guests: config.guests == crate::accounts::Guests::Allow,
                signup: config.signup == crate::accounts::Signup::Open,
                max_message_chars: config.max_message_chars,
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
            database: Arc::default(),
        })
    }
}
