//! The account calls under `/api/`, as the page makes them: same origin, so
//! the browser sends and stores the `HttpOnly` session cookie itself; this
//! code never sees a token.

use gloo_net::http::{Request, Response};
use natter_shared::api::{
    ApiError, Credentials, PasswordChange, Preferences, ServerInfo, SignedIn,
};
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

/// Creates an account and signs in; returns the account (its name as
/// signed up, and its preferences).
pub async fn sign_up(name: &str, password: &str) -> Result<SignedIn, AccountError> {
    signed_in(post("/api/signup", &credentials(name, password)).await?).await
}

/// Signs in; returns the account.
pub async fn log_in(name: &str, password: &str) -> Result<SignedIn, AccountError> {
    signed_in(post("/api/login", &credentials(name, password)).await?).await
}

/// How the server is run: guests, sign-up, message length.
pub async fn server_info() -> Result<ServerInfo, AccountError> {
    let response = Request::get("/api/server")
        .send()
        .await
        .map_err(unreachable)?;
    if let Some(error) = refused(&response).await {
        return Err(error);
    }
    response.json::<ServerInfo>().await.map_err(unreachable)
}

/// Changes the password (every other session of the account ends).
pub async fn change_password(current: &str, new: &str) -> Result<(), AccountError> {
    let body = PasswordChange {
        current: current.to_owned(),
        new: new.to_owned(),
    };
    let response = post("/api/password", &body).await?;
    refused(&response).await.map_or(Ok(()), Err)
}

/// Keeps the account's preferences on the server.
pub async fn save_preferences(preferences: &Preferences) -> Result<(), AccountError> {
    let response = Request::put("/api/me/preferences")
        .json(preferences)
        .map_err(unreachable)?
        .send()
        .await
        .map_err(unreachable)?;
    refused(&response).await.map_or(Ok(()), Err)
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

/// The signed-in account, or `None` for a guest.
pub async fn current() -> Result<Option<SignedIn>, AccountError> {
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

async fn signed_in(response: Response) -> Result<SignedIn, AccountError> {
    if let Some(error) = refused(&response).await {
        return Err(error);
    }
    response.json::<SignedIn>().await.map_err(unreachable)
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
