//! The account calls under `/api/`, as the page makes them: same origin, so
//! the browser sends and stores the `HttpOnly` session cookie itself; this
//! code never sees a token.

use gloo_net::http::{Request, Response};
use natter_shared::api::{ApiError, Credentials, SignedIn};
use serde::Serialize;

/// A refusal, with the server's stable code and its words for people.
pub type AccountError = ApiError;

/// The refusal the page shows when the server could not be asked.
pub(crate) fn unreachable(why: impl std::fmt::Display) -> AccountError {
    ApiError {
        code: "unreachable".to_owned(),
        message: format!("The server could not be reached ({why}). Try again."),
    }
}

/// Creates an account and signs in; returns the account's name.
pub async fn sign_up(name: &str, password: &str) -> Result<String, AccountError> {
    signed_in(post("/api/signup", &credentials(name, password)).await?).await
}

/// Signs in; returns the account's name.
pub async fn log_in(name: &str, password: &str) -> Result<String, AccountError> {
    signed_in(post("/api/login", &credentials(name, password)).await?).await
}

/// Ends the session (and removes its cookie, even a stale one).
pub async fn log_out() -> Result<(), AccountError> {
    let response = Request::post("/api/logout")
        .send()
        .await
        .map_err(unreachable)?;
    refused(&response).await.map_or(Ok(()), Err)
}

/// Asks the server to remove the session cookie until it has done so, or
/// until `still_wanted` says no (someone signed in meanwhile, and a late
/// logout would end the new session).
pub async fn forget_session(still_wanted: impl Fn() -> bool) {
    let mut wait_ms = 250;
    while still_wanted() && log_out().await.is_err() {
        gloo_timers::future::TimeoutFuture::new(wait_ms).await;
        wait_ms = (wait_ms * 2).min(4_000);
    }
}

/// The signed-in account's name, or `None` for a guest.
pub async fn current() -> Result<Option<String>, AccountError> {
    let response = Request::get("/api/me").send().await.map_err(unreachable)?;
    if response.status() == 401 {
        return Ok(None);
    }
    signed_in(response).await.map(Some)
}

fn credentials(name: &str, password: &str) -> Credentials {
    Credentials {
        name: name.to_owned(),
        password: password.to_owned(),
    }
}

pub(crate) async fn post(path: &str, body: &impl Serialize) -> Result<Response, AccountError> {
    Request::post(path)
        .json(body)
        .map_err(unreachable)?
        .send()
        .await
        .map_err(unreachable)
}

async fn signed_in(response: Response) -> Result<String, AccountError> {
    if let Some(error) = refused(&response).await {
        return Err(error);
    }
    response
        .json::<SignedIn>()
        .await
        .map(|signed_in| signed_in.name)
        .map_err(unreachable)
}

/// The refusal in a response, if it is one.
pub(crate) async fn refused(response: &Response) -> Option<AccountError> {
    if response.ok() {
        return None;
    }
    Some(
        response
            .json::<AccountError>()
            .await
            .unwrap_or_else(|_| unreachable(response.status())),
    )
}
