//! The account calls under `/api/`, as the page makes them: same origin, so
//! the browser sends and stores the `HttpOnly` session cookie itself; this
//! code never sees a token.

use gloo_net::http::{Request, Response};
use serde::{Deserialize, Serialize};

/// A refusal, with the server's stable code and its words for people.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AccountError {
    /// Stable: `invalid_credentials`, `name_taken`, `weak_password`, ...
    pub code: String,
    /// For people.
    pub message: String,
}

impl AccountError {
    pub(crate) fn unreachable(why: impl std::fmt::Display) -> Self {
        AccountError {
            code: "unreachable".to_owned(),
            message: format!("The server could not be reached ({why}). Try again."),
        }
    }
}

#[derive(Serialize)]
struct Credentials<'a> {
    name: &'a str,
    password: &'a str,
}

#[derive(Deserialize)]
struct SignedIn {
    name: String,
}

/// Creates an account and signs in; returns the account's name.
pub async fn sign_up(name: &str, password: &str) -> Result<String, AccountError> {
    signed_in(post("/api/signup", &Credentials { name, password }).await?).await
}

/// Signs in; returns the account's name.
pub async fn log_in(name: &str, password: &str) -> Result<String, AccountError> {
    signed_in(post("/api/login", &Credentials { name, password }).await?).await
}

/// Ends the session (and removes its cookie, even a stale one).
pub async fn log_out() -> Result<(), AccountError> {
    let response = Request::post("/api/logout")
        .send()
        .await
        .map_err(AccountError::unreachable)?;
    refused(&response).await.map_or(Ok(()), Err)
}

/// The signed-in account's name, or `None` for a guest.
pub async fn current() -> Result<Option<String>, AccountError> {
    let response = Request::get("/api/me")
        .send()
        .await
        .map_err(AccountError::unreachable)?;
    if response.status() == 401 {
        return Ok(None);
    }
    signed_in(response).await.map(Some)
}

pub(crate) async fn post(path: &str, body: &impl Serialize) -> Result<Response, AccountError> {
    Request::post(path)
        .json(body)
        .map_err(AccountError::unreachable)?
        .send()
        .await
        .map_err(AccountError::unreachable)
}

async fn signed_in(response: Response) -> Result<String, AccountError> {
    if let Some(error) = refused(&response).await {
        return Err(error);
    }
    response
        .json::<SignedIn>()
        .await
        .map(|signed_in| signed_in.name)
        .map_err(AccountError::unreachable)
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
            .unwrap_or_else(|_| AccountError::unreachable(response.status())),
    )
}
