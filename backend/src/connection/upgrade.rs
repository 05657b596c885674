//! `GET /ws`: the checks a WebSocket handshake passes before it upgrades
//! (a well-formed handshake, the page's origin), and where the connection
//! starts (its name, its resume cursor).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures_util::FutureExt;
use tracing::warn;

use crate::accounts::{AuthError, token};
use crate::connection::replay::Resume;
use crate::connection::{self, Arrival};
use crate::state::AppState;
use crate::web::session_cookie;

/// Axum's default read buffer is 128 KiB per connection; chat frames are small,
/// and an idle connection should cost little. Larger frames still arrive, in
/// more reads.
const READ_BUFFER_BYTES: usize = 1024;

/// Upgrades a WebSocket handshake, or says why not. The connection already
/// has its place under the limits and a Host natter answers to
/// ([`crate::web::guards`]).
pub(crate) async fn upgrade(
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let ws = match ws {
        Ok(ws) => ws,
        // A plain GET or HEAD: this address only speaks WebSocket.
        Err(_) if method == Method::HEAD || !asks_for_websocket(&headers) => {
            return upgrade_required();
        }
        Err(rejection) => return rejection.into_response(),
    };
    if !has_valid_key(&headers) {
        return (
            StatusCode::BAD_REQUEST,
            "Sec-WebSocket-Key must be 16 bytes in base64",
        )
            .into_response();
    }
    let origin = headers.get(header::ORIGIN);
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .unwrap_or_default();
    if !state.site.permits(origin, host) {
        warn!(%peer, ?origin, "refused a WebSocket from another site");
        return (StatusCode::FORBIDDEN, "this origin may not connect").into_response();
    }
    if state.database.is_cut_off() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable: this server cannot reach its database; try again",
        )
            .into_response();
    }
    let query = WsQuery::parse(query.as_deref());
    // A bearer token or the session cookie, else a guest's token in the
    // query (browsers cannot set headers on a WebSocket). An account's
    // session never travels in a URL, where proxies and logs keep it.
    if query.token.as_deref().is_some_and(token::is_account_token) {
        return (
            StatusCode::UNAUTHORIZED,
            "session_in_url: send an account's session in a cookie or an Authorization header, not in the URL",
        )
            .into_response();
    }
    let token = session_cookie::presented(&headers).or(query.token);
    let identity = match state
        .accounts
        .identify(token.as_deref(), query.name.as_deref())
        .await
    {
        Ok(identity) => identity,
        Err(error) => {
            let status = match &error {
                AuthError::Store(cause) => {
                    warn!(%cause, "cannot tell who a connection is");
                    StatusCode::SERVICE_UNAVAILABLE
                }
                _ => StatusCode::UNAUTHORIZED,
            };
            return (status, format!("{}: {error}", error.code())).into_response();
        }
    };
    let arrival = Arrival {
        identity,
        peer,
        resume: query.resume,
        presence: query.presence,
    };
    // Taken now, before the upgrade completes, so shutdown waits for this
    // connection even if its task has not started yet.
    let tracked = state.connections.token();
    ws.max_message_size(state.rules.max_frame_bytes)
        .max_frame_size(state.rules.max_frame_bytes)
        .read_buffer_size(READ_BUFFER_BYTES)
        .on_failed_upgrade(move |error| warn!(%peer, %error, "WebSocket upgrade failed"))
        // `map`, not an async block: one would keep what it captured (the
        // socket and the arrival, or the future made of them) beside the
        // future it awaits, for the connection's whole life.
        .on_upgrade(move |socket| {
            connection::serve(socket, state, arrival).map(move |()| drop(tracked))
        })
}

/// Whether the request's `Upgrade` header names WebSocket.
fn asks_for_websocket(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::UPGRADE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.to_ascii_lowercase().contains("websocket"))
}

/// A `Sec-WebSocket-Key` is a random 16-byte value in base64 (RFC 6455,
/// section 4.1); the upgrade library only checks that one is present.
fn has_valid_key(headers: &HeaderMap) -> bool {
    let mut keys = headers.get_all(header::SEC_WEBSOCKET_KEY).iter();
    match (keys.next(), keys.next()) {
        (Some(key), None) => STANDARD
            .decode(key.as_bytes())
            .is_ok_and(|decoded| decoded.len() == 16),
        _ => false,
    }
}

fn upgrade_required() -> Response {
    (
        StatusCode::UPGRADE_REQUIRED,
        [
            (header::UPGRADE, "websocket"),
            (header::CONNECTION, "Upgrade"),
        ],
        "this address speaks WebSocket only; connect with a WebSocket client",
    )
        .into_response()
}

/// What the `/ws` query string asks for.
#[derive(Debug, PartialEq, Eq)]
struct WsQuery {
    /// The display name a guest asks for (the first one given).
    name: Option<String>,
    /// A session or guest token (the first one given).
    token: Option<String>,
    /// Where its history starts.
    resume: Resume,
    /// Whether it wants presence frames (`presence=1`): pages that print
    /// every frame never ask, and never see them.
    presence: bool,
}

impl WsQuery {
    /// Reads `name` and `since`. Nothing in it is ever a reason to refuse the
    /// connection: a bad `since` is reported in an `invalid_cursor` error
    /// frame, and the rest still counts.
    fn parse(raw: Option<&str>) -> Self {
        let mut name = None;
        let mut token = None;
        let mut since = Vec::new();
        let mut presence = false;
        for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            match &*key {
                "name" if name.is_none() => name = Some(value.into_owned()),
                "token" if token.is_none() => token = Some(value.into_owned()),
                "since" => since.push(value.into_owned()),
                "presence" => presence = matches!(&*value, "1" | "true" | "on"),
                _ => {}
            }
        }
        let resume = match since.as_slice() {
            [] => Resume::Latest,
            [one] => Resume::from_query(Some(one)),
            many => Resume::Invalid(format!(
                "since is given {} times; give it once. Showing the latest messages instead",
                many.len()
            )),
        };
        WsQuery {
            name,
            token,
            resume,
            presence,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_since_is_invalid_and_the_name_still_counts() {
        let query = WsQuery::parse(Some("name=ada&since=3&since=4"));
        assert_eq!(query.name.as_deref(), Some("ada"));
        assert!(matches!(query.resume, Resume::Invalid(_)));
    }

    #[test]
    fn names_are_decoded_and_since_is_read() {
        let query = WsQuery::parse(Some("since=7&name=Zo%C3%AB+B"));
        assert_eq!(query.name.as_deref(), Some("Zoë B"));
        assert_eq!(query.resume, Resume::After(7));
        assert_eq!(WsQuery::parse(None).resume, Resume::Latest);
    }

    #[test]
    fn keys_must_be_sixteen_bytes_of_base64() {
        let with_key = |key: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::SEC_WEBSOCKET_KEY, key.parse().unwrap());
            has_valid_key(&headers)
        };
        assert!(with_key("dGhlIHNhbXBsZSBub25jZQ=="));
        assert!(!with_key(""));
        assert!(!with_key("junk"));
        assert!(!with_key("dGhlIHNhbXBsZQ=="), "10 bytes");
        assert!(!has_valid_key(&HeaderMap::new()));
    }
}
