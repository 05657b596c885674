//! Presence at a team's size: thousands of signed-in accounts online in
//! the lobby, over two natter processes on PostgreSQL and Redis. (Guests
//! have no presence, so the other scenarios never see this cost.) Each
//! arrival, and each process's renewal of its people every quarter of
//! `--presence-ttl`, should cost Redis the same whatever the room's size.
//! Measured from Redis itself (`INFO`): its CPU while everyone arrives,
//! its CPU per second while they stay, and its time in commands per
//! renewal round.
//!
//! The accounts are written straight into the database (an Argon2id hash
//! for each of 10,000 sign-ups would measure hashing, not presence); each
//! signs in with a session token made here, as a browser's cookie would.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use futures_util::future::try_join_all;

use super::scale_out::Pair;
use crate::client;
use crate::servers::{Kind, Programs, Server};

/// The size.
#[derive(Debug, Clone, Copy)]
pub struct PresenceSpec {
    /// Signed-in accounts online, half on each process.
    pub accounts: usize,
    /// How long they stay online while Redis is watched, s.
    pub steady_seconds: f64,
}

impl PresenceSpec {
    /// 10,000 accounts, watched for 30 s (four renewal rounds of each
    /// process at the default `--presence-ttl` of 30 s); or small.
    pub fn new(smoke: bool) -> Self {
        if smoke {
            PresenceSpec {
                accounts: 200,
                steady_seconds: 2.0,
            }
        } else {
            PresenceSpec {
                accounts: 10_000,
                steady_seconds: 30.0,
            }
        }
    }
}

/// One server's figures.
#[derive(Debug, Clone)]
pub struct PresenceResult {
    /// Which build.
    pub server: Kind,
    /// How long all of them took to connect, s.
    pub arriving_seconds: f64,
    /// Redis CPU while they arrived, s.
    pub redis_cpu_arriving: f64,
    /// Redis CPU per second while they stayed.
    pub redis_cpu_per_second: f64,
    /// Redis's time in commands per renewal round of one process, ms.
    pub redis_ms_per_renewal: f64,
}

/// How often each process renews its people: a quarter of the default
/// `--presence-ttl`.
const RENEWAL: Duration = Duration::from_millis(7_500);

/// Runs the scenario against two fresh `kind` processes on fresh engines.
pub async fn run(kind: Kind, programs: &Programs, spec: PresenceSpec) -> Result<PresenceResult> {
    let pair = Pair::start(kind, programs).await?;
    let tokens = make_accounts(&pair.database_url, spec.accounts).await?;
    let redis_port = pair.redis.addr().port();

    let before = redis_info(redis_port)?;
    let started = Instant::now();
    let mut clients = Vec::with_capacity(tokens.len());
    // A few hundred handshakes at a time, alternating processes.
    for (chunk_index, chunk) in tokens.chunks(200).enumerate() {
        let opened = try_join_all(chunk.iter().enumerate().map(|(i, token)| {
            let index = chunk_index * 200 + i;
            let server: &Server = if index % 2 == 0 { &pair.one } else { &pair.two };
            let url = format!("ws://{}/ws", server.addr);
            let addr = server.addr;
            async move { client::connect(&url, addr, index, Some(token)).await }
        }))
        .await
        .context("an account could not connect")?;
        clients.extend(opened);
    }
    let arriving_seconds = started.elapsed().as_secs_f64();
    // The last arrivals' scripts finish.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let arrived = redis_info(redis_port)?;

    // Past one full round, so every renewal is of all of them.
    tokio::time::sleep(RENEWAL.min(Duration::from_secs_f64(spec.steady_seconds))).await;
    let steady_from = redis_info(redis_port)?;
    let watched = Instant::now();
    tokio::time::sleep(Duration::from_secs_f64(spec.steady_seconds)).await;
    let steady_to = redis_info(redis_port)?;
    let seconds = watched.elapsed().as_secs_f64();
    drop(clients);

    let rounds = 2.0 * seconds / RENEWAL.as_secs_f64();
    Ok(PresenceResult {
        server: kind,
        arriving_seconds,
        redis_cpu_arriving: arrived.cpu_seconds - before.cpu_seconds,
        redis_cpu_per_second: (steady_to.cpu_seconds - steady_from.cpu_seconds) / seconds,
        redis_ms_per_renewal: (steady_to.command_usec - steady_from.command_usec) as f64
            / 1000.0
            / rounds,
    })
}

/// Writes `count` accounts, each in the lobby with a session, into the
/// database both processes use; returns their session tokens. A token is
/// `u_` and 43 base64url characters, as the server issues them (the last
/// one `A`, so its 32 bytes decode exactly); the database keeps only its
/// SHA-256, as the server does.
async fn make_accounts(database_url: &str, count: usize) -> Result<Vec<String>> {
    let (db, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls)
        .await
        .context("connecting to the benchmark's database")?;
    tokio::spawn(connection);
    let count = i64::try_from(count)?;
    db.execute(
        "INSERT INTO users (name, name_key, password_hash, created_at)
         SELECT 'person' || g, 'person' || g, '!', 0 FROM generate_series(1, $1::BIGINT) g",
        &[&count],
    )
    .await?;
    db.batch_execute(
        "INSERT INTO memberships (room, user_id, last_read, joined_at)
             SELECT 'lobby', id, 0, 0 FROM users ON CONFLICT DO NOTHING;
         INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
             SELECT sha256(convert_to('u_' || lpad(id::text, 42, '0') || 'A', 'UTF8')),
                    id, 0, 9000000000000 FROM users;",
    )
    .await?;
    let ids = db.query("SELECT id FROM users ORDER BY id", &[]).await?;
    Ok(ids
        .iter()
        .map(|row| format!("u_{:0>42}A", row.get::<_, i64>(0)))
        .collect())
}

/// What Redis says of itself.
struct RedisInfo {
    /// Its CPU time, user and system, s.
    cpu_seconds: f64,
    /// Its time in all commands so far, µs.
    command_usec: u64,
}

/// Reads `INFO cpu` and `INFO commandstats` with `redis-cli`.
fn redis_info(port: u16) -> Result<RedisInfo> {
    let output = Command::new("redis-cli")
        .args(["-p", &port.to_string(), "INFO", "everything"])
        .output()
        .context("redis-cli (installed with redis-server)")?;
    if !output.status.success() {
        bail!("redis-cli INFO failed");
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut info = RedisInfo {
        cpu_seconds: 0.0,
        command_usec: 0,
    };
    for line in text.lines() {
        if let Some(value) = line
            .strip_prefix("used_cpu_sys:")
            .or_else(|| line.strip_prefix("used_cpu_user:"))
        {
            info.cpu_seconds += value.trim().parse::<f64>().unwrap_or(0.0);
        }
        // cmdstat_evalsha:calls=12,usec=345,usec_per_call=...
        if line.starts_with("cmdstat_")
            && let Some(usec) = line
                .split(',')
                .find_map(|field| field.strip_prefix("usec="))
        {
            info.command_usec += usec.trim().parse::<u64>().unwrap_or(0);
        }
    }
    Ok(info)
}
