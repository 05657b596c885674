//! Where a request carries its session: the `natter_session` cookie (set by
//! the API for browsers: `HttpOnly`, `SameSite=Lax`, `Path=/`, and `Secure`
//! when natter serves TLS), or `Authorization: Bearer <token>` (programs).

use std::time::Duration;

use axum::http::{HeaderMap, header};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

/// The cookie's name.
pub(crate) const COOKIE: &str = "natter_session";

/// The token a request presents: the bearer token if there is one, else the
/// cookie.
pub(crate) fn presented(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(|token| token.trim().to_owned());
    bearer.or_else(|| {
        CookieJar::from_headers(headers)
            .get(COOKIE)
            .map(|cookie| cookie.value().to_owned())
    })
}

/// The cookie that carries a new session.
pub(crate) fn carrying(token: String, lifetime: Duration, secure: bool) -> Cookie<'static> {
    let max_age = time::Duration::seconds(i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX));
    Cookie::build((COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .max_age(max_age)
        .build()
}

/// The cookie that removes the session cookie from the browser: empty,
/// already expired. Sent whether or not the request carried one.
pub(crate) fn removal() -> Cookie<'static> {
    Cookie::build((COOKIE, ""))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::ZERO)
        .expires(time::OffsetDateTime::UNIX_EPOCH)
        .build()
}

/// How long a browser keeps the known-device mark: the longest browsers
/// allow (400 days).
const DEVICE_MARK_LIFETIME: time::Duration = time::Duration::days(400);

/// The cookie that marks this browser as a device the account knows (see
/// [`crate::accounts::known_device`]): sent only to `/api`, where logins are.
pub(crate) fn device_mark(mark: String, secure: bool) -> Cookie<'static> {
    Cookie::build((crate::accounts::known_device::COOKIE, mark))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/api")
        .secure(secure)
        .max_age(DEVICE_MARK_LIFETIME)
        .build()
}
