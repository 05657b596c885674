//! The HTTP surface: the routes ([`router`]), the checks every request
//! passes first ([`guards`], [`origin`]), the headers static pages carry
//! ([`security_headers`]), the session cookie ([`session_cookie`]),
//! `/readyz` ([`readiness`]), what under `--static-dir` is never served
//! ([`static_files`]), and the account and room API under `/api/`
//! ([`api`]).
//!
//! Owns requests, never connections: `/ws` is handed to
//! [`crate::connection`] once upgraded, and nothing here reads or writes a
//! WebSocket.

pub(crate) mod api;
pub(crate) mod guards;
pub(crate) mod origin;
pub(crate) mod readiness;
pub(crate) mod security_headers;
pub(crate) mod session_cookie;
pub(crate) mod static_files;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::get;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::connection::upgrade::upgrade;
use crate::state::AppState;
use crate::web::security_headers::static_headers;
use crate::web::static_files::PrivateNames;

/// The routes: `/ws`, `/healthz`, `/readyz`, the built web client (with security
/// headers), and 404 for the rest; every request first passes the guards in
/// [`crate::web::guards`].
pub(crate) fn router(state: Arc<AppState>, config: &Config) -> Router {
    // A browser that accepts brotli or gzip gets the copy the build made
    // beside each file (`file.br`, `file.gz`), when there is one.
    let files = ServeDir::new(&config.static_dir)
        .precompressed_br()
        .precompressed_gzip()
        .not_found_service(get(not_found));
    let mut web_client = Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(static_files::cache_lifetimes));
    for (name, value) in static_headers(&config.static_dir) {
        web_client = web_client.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    // Outside the file server, so a private name never reaches the disk.
    let web_client = web_client.layer(middleware::from_fn_with_state(
        PrivateNames::new(config),
        static_files::refuse_private,
    ));
    Router::new()
        .route("/ws", get(upgrade))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readiness::readyz))
        .nest("/api", api::routes(Arc::clone(&state)))
        .fallback_service(web_client)
        // Run outermost first: a connection over the limits, then a request
        // target too long to serve, then a Host natter does not answer to.
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            guards::known_host,
        ))
        .layer(middleware::from_fn(guards::servable_target))
        .layer(middleware::from_fn(guards::admitted))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn not_found() -> (StatusCode, &'static str) {
    (StatusCode::NOT_FOUND, "not found")
}
