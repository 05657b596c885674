//! Checks every HTTP request passes before any route sees it.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::warn;

use crate::admission::Admitted;
use crate::admission::limits::OverLimit;
use crate::state::AppState;

/// Longest request path served; longer gets 414. Far above any real path.
const MAX_PATH_BYTES: usize = 2048;

/// Longest path segment: no file name on common file systems is longer, so a
/// longer one cannot name a file, and is 404 without asking the disk.
const MAX_SEGMENT_BYTES: usize = 255;

/// A connection that got no place under the connection limits is told so,
/// with 503 and `Retry-After`, and closed.
pub(crate) async fn admitted(
    admitted: Option<Extension<Admitted>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(refusal) = admitted.and_then(|Extension(admitted)| admitted.refused) else {
        return next.run(request).await;
    };
    let why = match refusal {
        OverLimit::Full => "the server is at its connection limit",
        OverLimit::TooManyFromAddress => "too many connections from your address",
    };
    warn!(why, "refused a request");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5"), (header::CONNECTION, "close")],
        why,
    )
        .into_response()
}

/// Paths too long to be anything natter serves are refused before they reach
/// the file system (which would fail with "file name too long").
pub(crate) async fn servable_target(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.len() > MAX_PATH_BYTES {
        return (StatusCode::URI_TOO_LONG, "the request path is too long").into_response();
    }
    if path
        .split('/')
        .any(|segment| segment.len() > MAX_SEGMENT_BYTES)
    {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    next.run(request).await
}

/// Exactly one `Host` header (RFC 9112, section 3.2), naming a host natter
/// answers to: an IP address, localhost, or a `--public-url` name. Anything
/// else is a malformed request (400) or, likely, DNS rebinding (403).
pub(crate) async fn known_host(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let mut hosts = request.headers().get_all(header::HOST).iter();
    let host = match (hosts.next(), hosts.next()) {
        (Some(host), None) => host.to_str().unwrap_or_default(),
        _ => {
            return (StatusCode::BAD_REQUEST, "send exactly one Host header").into_response();
        }
    };
    if !state.site.answers_to(host) {
        warn!(
            host,
            "refused a request for a host natter does not answer to"
        );
        let message = format!(
            "natter does not answer to the host {host:?}; if this is its public address, start it with --public-url"
        );
        return (StatusCode::FORBIDDEN, message).into_response();
    }
    next.run(request).await
}
