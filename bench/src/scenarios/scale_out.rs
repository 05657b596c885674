//! Scaled out: the fan-out and saturation loads with their clients, and
//! their senders, spread evenly over two processes of one server that
//! share engines, as each scales out: natter on PostgreSQL and Redis,
//! Socket.IO with its Redis adapter. Every client must receive every
//! message once, in order, whichever process its sender is on.

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::load::{LoadResult, LoadSpec, drive};
use crate::fleet::Fleet;
use crate::servers::{Kind, Programs, Server, Shared};

/// Two processes of one server on engines of their own; everything stops
/// when dropped (the processes first).
pub struct Pair {
    /// The first process.
    pub one: Server,
    /// The second.
    pub two: Server,
    /// The Redis they share.
    pub redis: testkit::Redis,
    /// The database they share (natter's; empty for Socket.IO).
    pub database_url: String,
    /// Its server (natter's), to stop and start.
    pub postgres: Option<testkit::Postgres>,
}

impl Pair {
    /// Starts fresh engines and two `kind` processes on them, natter's
    /// subscribed to Redis.
    pub async fn start(kind: Kind, programs: &Programs) -> Result<Self> {
        let postgres = (kind != Kind::SocketIo).then(testkit::Postgres::start);
        let redis = testkit::Redis::start();
        let database_url = match &postgres {
            Some(postgres) => postgres.database().await,
            None => String::new(),
        };
        let shared = Shared {
            database_url: database_url.clone(),
            redis_url: redis.url(),
        };
        let one = Server::start_on(kind, programs, Some(&shared), None)?;
        let two = Server::start_on(kind, programs, Some(&shared), None)?;
        if kind != Kind::SocketIo {
            // Until a process has subscribed, others' messages reach it
            // through the database only: start the clock once both have.
            for server in [&one, &two] {
                wait_until_subscribed(server).await?;
            }
        }
        Ok(Pair {
            one,
            two,
            redis,
            database_url,
            postgres,
        })
    }
}

/// Runs `spec` against two fresh `kind` processes on fresh engines.
pub async fn run(kind: Kind, programs: &Programs, spec: LoadSpec) -> Result<LoadResult> {
    let Pair { one, two, .. } = &Pair::start(kind, programs).await?;
    let mut fleet = Fleet::new(spec.senders, spec.window);
    // The senders first (the fleet's first clients send), half on each
    // process; then everyone else, half on each.
    let senders_on_one = spec.senders / 2;
    fleet.grow(one, senders_on_one).await?;
    fleet.grow(two, spec.senders - senders_on_one).await?;
    let listeners = spec.clients - spec.senders;
    fleet.grow(one, listeners / 2).await?;
    fleet.grow(two, listeners - listeners / 2).await?;
    let rooms = vec![None; spec.senders];
    drive(&[one, two], fleet, spec, &rooms, spec.clients).await
}

/// Waits until natter's `/readyz` says its Redis subscription is live.
pub async fn wait_until_subscribed(server: &Server) -> Result<()> {
    for _ in 0..200 {
        if readiness(server).await?.contains(r#""redis":"ok""#) {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    bail!("{} never subscribed to Redis", server.addr)
}

/// `GET /readyz`'s whole answer.
async fn readiness(server: &Server) -> Result<String> {
    let mut stream = tokio::net::TcpStream::connect(server.addr)
        .await
        .context("connecting for /readyz")?;
    stream
        .write_all(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    Ok(answer)
}
