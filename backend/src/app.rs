//! The HTTP surface: routes, shared state, and the WebSocket upgrade with the
//! checks that come before it (origin, connection limits).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tracing::warn;

use crate::config::Config;
use crate::connection::{self, Arrival};
use crate::hub::Hub;
use crate::limits::{ConnectionLimits, Refusal};
use crate::names::display_name;
use crate::origin::OriginPolicy;
use crate::rate_limit::RateLimit;
use crate::replay::Resume;
use crate::security_headers::static_headers;
use crate::store::{HistoryStore, SqliteStore, StoreError};

/// Axum's default read buffer is 128 KiB per connection; chat frames are small,
/// and an idle connection should cost little. Larger frames still arrive, in
/// more reads.
const READ_BUFFER_BYTES: usize = 1024;

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
    /// Fan-out of committed messages.
    pub hub: Arc<Hub>,
    /// Durable history; assigns message ids.
    pub store: Arc<dyn HistoryStore>,
    /// Limits and timers for each connection.
    pub rules: ConnectionRules,
    /// Which pages may connect.
    pub origins: OriginPolicy,
    /// How many may connect; also the live connection count.
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
        Ok(AppState {
            hub,
            store: Arc::new(store),
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
            origins: OriginPolicy::new(&config.allowed_origins),
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
/// headers), and 404 for the rest.
pub fn router(state: Arc<AppState>, config: &Config) -> Router {
    let files = ServeDir::new(&config.static_dir).not_found_service(get(not_found));
    let mut web_client = Router::new().fallback_service(files);
    for (name, value) in static_headers(&config.static_dir) {
        web_client = web_client.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    Router::new()
        .route("/ws", get(upgrade))
        .route("/healthz", get(healthz))
        .fallback_service(web_client)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The query string `/ws` understands.
#[derive(Debug, Deserialize)]
struct WsQuery {
    /// The display name the client asks for.
    name: Option<String>,
    /// The newest message id the client already has; history resumes after it.
    since: Option<String>,
}

async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    query: Result<Query<WsQuery>, QueryRejection>,
) -> Response {
    let origin = headers.get(header::ORIGIN);
    if !state.origins.permits(origin, headers.get(header::HOST)) {
        warn!(%peer, ?origin, "refused a WebSocket from another site");
        return (StatusCode::FORBIDDEN, "this origin may not connect").into_response();
    }
    let permit = match state.limits.admit(peer.ip()) {
        Ok(permit) => permit,
        Err(refusal) => {
            let why = match refusal {
                Refusal::Full => "the server is at its connection limit",
                Refusal::TooManyFromAddress => "too many connections from your address",
            };
            warn!(%peer, why, "refused a WebSocket");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "5")],
                why,
            )
                .into_response();
        }
    };
    // A query string that does not parse is treated like no query at all.
    let query = query.map(|Query(query)| query).unwrap_or(WsQuery {
        name: None,
        since: None,
    });
    let arrival = Arrival {
        name: display_name(query.name.as_deref()),
        peer,
        resume: Resume::from_query(query.since.as_deref()),
    };
    // Taken now, before the upgrade completes, so shutdown waits for this
    // connection even if its task has not started yet.
    let tracked = state.connections.token();
    ws.max_message_size(state.rules.max_frame_bytes)
        .max_frame_size(state.rules.max_frame_bytes)
        .read_buffer_size(READ_BUFFER_BYTES)
        .on_failed_upgrade(move |error| warn!(%peer, %error, "WebSocket upgrade failed"))
        .on_upgrade(move |socket| async move {
            connection::serve(socket, state, arrival).await;
            drop(permit);
            drop(tracked);
        })
}

async fn healthz() -> &'static str {
    "ok"
}

async fn not_found() -> (StatusCode, &'static str) {
    (StatusCode::NOT_FOUND, "not found")
}
