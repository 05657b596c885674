//! `/api/`: accounts and sessions over HTTP, with JSON bodies.
//!
//! The calls and their bodies are listed in [`natter_shared::api`], which
//! holds the JSON types both sides use.
//!
//! Every refusal is `{code, message}` with a stable code. State-changing
//! calls from a page of another origin are refused (403 `cross_origin`), by
//! the same rule as the WebSocket handshake, and bodies must be JSON (which
//! a page of another origin cannot send without the browser asking first).
//!
//! Never touches a WebSocket or the database directly: it asks
//! [`crate::accounts`] and the store's traits, and tells live connections
//! of a change only through the [`FanOut`](crate::delivery::FanOut).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use axum_extra::extract::cookie::CookieJar;
use natter_shared::LOBBY;
use natter_shared::api::{self, Credentials, PasswordChange, Preferences, ServerInfo, SignedIn};
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::accounts::{AuthError, NewSession, known_device, preferences};
use crate::delivery::hub::AccountEvent;
use crate::state::AppState;
use crate::web::session_cookie;

mod rooms;

/// Largest request body: a name and two passwords fit many times over.
const MAX_BODY_BYTES: usize = 16 * 1024;

/// How long a request body may take to arrive.
const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// The `/api` routes.
pub(crate) fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/signup", post(sign_up))
        .route("/login", post(log_in))
        .route("/logout", post(log_out))
        .route("/me", get(me))
        .route("/me/preferences", put(set_preferences))
        .route("/server", get(server_info))
        .route("/password", post(change_password))
        .route("/rooms", get(rooms::directory).post(rooms::create))
        .route("/rooms/{room}/join", post(rooms::join))
        .route("/rooms/{room}/leave", post(rooms::leave))
        .route("/rooms/{room}/members", get(rooms::members))
        .route("/rooms/{room}/notify", put(rooms::set_notify))
        .route("/dms", post(rooms::open_direct))
        .layer(middleware::from_fn_with_state(state, same_origin_writes))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestBodyTimeoutLayer::new(BODY_TIMEOUT))
}

/// An `/api` refusal: the body every client reads, with the status and
/// the wait that go in the response's head.
#[derive(Debug)]
struct ApiError {
    body: api::ApiError,
    status: StatusCode,
    retry_after: Option<Duration>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            body: api::ApiError {
                code: code.to_owned(),
                message: message.into(),
            },
            status,
            retry_after: None,
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        let status = match &error {
            AuthError::InvalidName(_) | AuthError::WeakPassword(_) => StatusCode::BAD_REQUEST,
            AuthError::NameTaken => StatusCode::CONFLICT,
            AuthError::InvalidCredentials | AuthError::NotSignedIn => StatusCode::UNAUTHORIZED,
            AuthError::SignupClosed | AuthError::GuestsDenied => StatusCode::FORBIDDEN,
            AuthError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            AuthError::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
        };
        let retry_after = match &error {
            AuthError::RateLimited(wait) => Some(*wait),
            _ => None,
        };
        ApiError {
            body: api::ApiError {
                code: error.code().to_owned(),
                message: error.to_string(),
            },
            status,
            retry_after,
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        ApiError::new(
            rejection.status(),
            "invalid_request",
            format!("the body must be a JSON object: {}", rejection.body_text()),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(&self.body)).into_response();
        if let Some(wait) = self.retry_after {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.max(1).into());
        }
        response
    }
}

async fn sign_up(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    jar: CookieJar,
    body: Result<Json<Credentials>, JsonRejection>,
) -> Result<(StatusCode, CookieJar, Json<SignedIn>), ApiError> {
    let Json(credentials) = body?;
    let session = state
        .accounts
        .sign_up(peer.ip(), &credentials.name, &credentials.password)
        .await?;
    // A new account is a new member of the lobby: its count moves for
    // everyone looking at it.
    rooms::tell_member_count(&state, LOBBY).await;
    let (jar, signed_in) = with_cookie(&state, jar, session);
    Ok((StatusCode::CREATED, jar, signed_in))
}

async fn log_in(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    jar: CookieJar,
    body: Result<Json<Credentials>, JsonRejection>,
) -> Result<(CookieJar, Json<SignedIn>), ApiError> {
    let Json(credentials) = body?;
    let device = jar
        .get(known_device::COOKIE)
        .map(|cookie| cookie.value().to_owned());
    let session = state
        .accounts
        .log_in(
            peer.ip(),
            &credentials.name,
            &credentials.password,
            device.as_deref(),
        )
        .await?;
    Ok(with_cookie(&state, jar, session))
}

async fn log_out(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<(StatusCode, CookieJar), ApiError> {
    if let Some(token) = session_cookie::presented(&headers)
        && let Some(user) = state.accounts.log_out(&token).await?
    {
        // Its connections on every process close (this one's already do).
        state
            .fan_out
            .notify_durably(user, AccountEvent::SessionsEnded)
            .await;
    }
    Ok((StatusCode::NO_CONTENT, jar.add(session_cookie::removal())))
}

async fn me(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<SignedIn>, ApiError> {
    let token = session_cookie::presented(&headers).ok_or(AuthError::NotSignedIn)?;
    let user = state.accounts.account(&token).await?;
    Ok(Json(SignedIn {
        preferences: preferences::read(&user.preferences),
        name: user.name,
        token: None,
    }))
}

/// `PUT /api/me/preferences`: keeps how the account likes the page.
async fn set_preferences(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Json<Preferences>, JsonRejection>,
) -> Result<Json<Preferences>, ApiError> {
    let Json(wanted) = body?;
    let token = session_cookie::presented(&headers).ok_or(AuthError::NotSignedIn)?;
    let user = state.accounts.account(&token).await?;
    let saved = state.accounts.set_preferences(user.id, wanted).await?;
    // Every open page of the account follows, on every process.
    state
        .fan_out
        .notify_durably(user.id, AccountEvent::Preferences(saved))
        .await;
    Ok(Json(saved))
}

/// `GET /api/server`: how this server is run, for a page deciding what to
/// offer before anyone signs in. Nothing here is about anyone.
async fn server_info(State(state): State<Arc<AppState>>) -> Json<ServerInfo> {
    Json(state.server_info.clone())
}

async fn change_password(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Json<PasswordChange>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let Json(change) = body?;
    let token = session_cookie::presented(&headers).ok_or(AuthError::NotSignedIn)?;
    let user = state
        .accounts
        .change_password(&token, &change.current, &change.new)
        .await?;
    state
        .fan_out
        .notify_durably(user, AccountEvent::SessionsEnded)
        .await;
    Ok(StatusCode::NO_CONTENT)
}

/// The session's cookie (and the known device's mark, when there is one)
/// and the body that names the account.
fn with_cookie(
    state: &AppState,
    jar: CookieJar,
    session: NewSession,
) -> (CookieJar, Json<SignedIn>) {
    let NewSession {
        token,
        name,
        device,
        preferences,
    } = session;
    let cookie = session_cookie::carrying(
        token.clone(),
        state.accounts.session_lifetime(),
        state.serves_tls,
    );
    let jar = match device {
        Some(mark) => jar.add(session_cookie::device_mark(mark, state.serves_tls)),
        None => jar,
    };
    (
        jar.add(cookie),
        Json(SignedIn {
            name,
            token: Some(token),
            preferences,
        }),
    )
}

/// Refuses state-changing calls from pages of other origins (cross-site
/// request forgery): a browser names the page's origin in `Origin`, and
/// with `Sec-Fetch-Site`, whether it is another site's.
async fn same_origin_writes(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .unwrap_or_default();
    let cross_site = headers
        .get("sec-fetch-site")
        .is_some_and(|site| site == "cross-site");
    if cross_site || !state.site.permits(headers.get(header::ORIGIN), host) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "requests from pages of other sites are refused",
        )
        .into_response();
    }
    next.run(request).await
}
