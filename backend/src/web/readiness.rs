//! `GET /readyz`: whether this process can serve, for load balancers and
//! orchestrators (`/healthz` only says it is alive). It can when its
//! database answers; the answer says what each dependency is doing
//! (Redis too, when configured, though the process serves without it).

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
pub(crate) struct Readiness {
    /// The database (SQLite file or PostgreSQL).
    pub(crate) database: String,
    /// Redis, when configured. Reported, never a reason to be unready:
    /// without it messages still flow (through the database), and only
    /// presence and typing pause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) redis: Option<String>,
}

/// 200 when the database answers within the probe timeout (and this
/// process has not let its connections go for want of it: see
/// [`crate::process::database_watch`]), else 503; the body says which,
/// either way.
pub(crate) async fn readyz(State(state): State<Arc<AppState>>) -> (StatusCode, Json<Readiness>) {
    // Asked together, so a probe waits for the slower of the two only.
    let (database, redis) = tokio::join!(database_state(&state), async {
        match &state.broker {
            Some(broker) => Some(broker.state().await),
            None => None,
        }
    });
    let status = if database == "ok" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(Readiness { database, redis }))
}

async fn database_state(state: &AppState) -> String {
    // Until its own probe has seen the database answer again, the process
    // turns connections away: a balancer must not send it any.
    if state.database.is_cut_off() {
        return "unavailable: cut off, connections refused until the database answers".to_owned();
    }
    match tokio::time::timeout(PROBE_TIMEOUT, state.store.newest_id()).await {
        Ok(Ok(_)) => "ok".to_owned(),
        Ok(Err(error)) => format!("unavailable: {error}"),
        Err(_) => format!(
            "unavailable: no answer within {} s",
            PROBE_TIMEOUT.as_secs()
        ),
    }
}
