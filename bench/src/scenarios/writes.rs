//! Writes: how many messages one natter process stores per second, on
//! each engine, side by side. Two senders send as fast as acknowledged,
//! a window in flight each; every message is stored before it is
//! delivered, so what arrives is what was stored. Run once with only the
//! senders connected (the engine's own ceiling) and once with 200
//! receivers (the same writes, delivered).

use anyhow::Result;

use super::load::{LoadResult, LoadSpec, drive};
use super::scale_out::wait_until_subscribed;
use crate::fleet::Fleet;
use crate::servers::{Kind, Programs, Server, Shared};

/// Which engine a run stores in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// The embedded default: one SQLite file.
    Sqlite,
    /// PostgreSQL with Redis, as several processes run (here one).
    Postgres,
}

impl Engine {
    /// How reports name it.
    pub fn label(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// The two loads: senders alone, then with receivers.
pub fn specs(smoke: bool) -> [LoadSpec; 2] {
    let seconds = if smoke { 2.0 } else { 10.0 };
    let load = |clients| LoadSpec {
        clients,
        senders: 2,
        rate: None,
        seconds,
        window: 64,
    };
    [load(2), load(if smoke { 20 } else { 200 })]
}

/// Runs `spec` against one fresh `kind` process on `engine`.
pub async fn run(
    kind: Kind,
    engine: Engine,
    programs: &Programs,
    spec: LoadSpec,
) -> Result<LoadResult> {
    // Fresh engines for each run; dropped after the process.
    let postgres = (engine == Engine::Postgres).then(testkit::Postgres::start);
    let redis = (engine == Engine::Postgres).then(testkit::Redis::start);
    let shared = match (&postgres, &redis) {
        (Some(postgres), Some(redis)) => Some(Shared {
            database_url: postgres.database().await,
            redis_url: redis.url(),
        }),
        _ => None,
    };
    let server = Server::start_on(kind, programs, shared.as_ref(), None)?;
    if shared.is_some() {
        wait_until_subscribed(&server).await?;
    }
    let mut fleet = Fleet::new(spec.senders, spec.window);
    fleet.grow(&server, spec.clients).await?;
    let rooms = vec![None; spec.senders];
    let result = drive(&[&server], fleet, spec, &rooms, spec.clients).await;
    drop(server);
    result
}
