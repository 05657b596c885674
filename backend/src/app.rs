//! The HTTP surface: routes and the state they share.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::get;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::accounts::Accounts;
use crate::api;
use crate::config::Config;
use crate::http_guards;
use crate::hub::Hub;
use crate::limits::ConnectionLimits;
use crate::origin::SitePolicy;
use crate::rate_limit::RateLimit;
use crate::security_headers::static_headers;
use crate::store::{AccountStore, HistoryStore, SqliteStore, StoreError};
use crate::upgrade::upgrade;

/// Per-connection limits and timers, copied into each connection.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionRules {
    /// The message length limit, in characters.
    pub max_message_chars: usize,
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
    /// Fan-out of committed messages.
    pub hub: Arc<Hub>,
    /// Durable history; assigns message ids.
    pub store: Arc<dyn HistoryStore>,
    /// Limits and timers for each connection.
    pub rules: ConnectionRules,
    /// Which host names natter answers to, and which pages may connect.
    pub site: SitePolicy,
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
    /// writer hands every committed batch to the hub.
    pub fn open(config: &Config) -> Result<Self, StoreError> {
        let hub = Arc::new(Hub::new(config.broadcast_buffer));
        let fan_out = Arc::clone(&hub);
        let store = SqliteStore::open(&config.db, Box::new(move |batch| fan_out.broadcast(batch)))?;
        // What the file already holds counts as committed before any connection
        // subscribes, so a new client's first page includes it.
        hub.committed_up_to(store.newest_at_open());
        let store = Arc::new(store);
        Ok(AppState {
            accounts: Accounts::new(
                Arc::clone(&store) as Arc<dyn AccountStore>,
                config.signup,
                config.guests,
                config.session_lifetime,
            ),
            serves_tls: config.tls_cert.is_some(),
            hub,
            store,
            rules: ConnectionRules {
                max_message_chars: config.max_message_chars,
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
            limits: Arc::new(ConnectionLimits::new(
                config.max_connections,
                config.max_connections_per_ip,
            )),
            shutdown: CancellationToken::new(),
            connections: TaskTracker::new(),
        })
    }
}

/// The routes: `/ws`, `/healthz`, the built web client (with security
/// headers), and 404 for the rest; every request first passes the guards in
/// [`crate::http_guards`].
pub fn router(state: Arc<AppState>, config: &Config) -> Router {
    let files = ServeDir::new(&config.static_dir).not_found_service(get(not_found));
    let mut web_client = Router::new().fallback_service(files);
    for (name, value) in static_headers(&config.static_dir) {
        web_client = web_client.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    Router::new()
        .route("/ws", get(upgrade))
        .route("/healthz", get(healthz))
        .nest("/api", api::routes(Arc::clone(&state)))
        .fallback_service(web_client)
        // Run outermost first: a connection over the limits, then a request
        // target too long to serve, then a Host natter does not answer to.
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            http_guards::known_host,
        ))
        .layer(middleware::from_fn(http_guards::servable_target))
        .layer(middleware::from_fn(http_guards::admitted))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn not_found() -> (StatusCode, &'static str) {
    (StatusCode::NOT_FOUND, "not found")
}
