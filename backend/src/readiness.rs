//! `GET /readyz`: whether this process can serve, for load balancers and
//! orchestrators (`/healthz` only says it is alive). It can when its
//! database answers; the answer says what each dependency is doing.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::state::AppState;

/// How long the database gets to answer before this process counts as not
/// ready: a load balancer's probe must not hang on a database that does.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The answer: `"ok"`, or what is wrong.
#[derive(Debug, Serialize)]
pub struct Readiness {
    /// The database (SQLite file or PostgreSQL).
    pub database: String,
}

/// 200 when the database answers within the probe timeout, else 503; the
/// body says which, either way.
pub async fn readyz(State(state): State<Arc<AppState>>) -> (StatusCode, Json<Readiness>) {
    let database = match tokio::time::timeout(PROBE_TIMEOUT, state.store.newest_id()).await {
        Ok(Ok(_)) => "ok".to_owned(),
        Ok(Err(error)) => format!("unavailable: {error}"),
        Err(_) => format!(
            "unavailable: no answer within {} s",
            PROBE_TIMEOUT.as_secs()
        ),
    };
    let status = if database == "ok" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(Readiness { database }))
}
