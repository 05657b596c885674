//! Fan-out (a fixed total rate) and saturation (as fast as the server takes,
//! with a bounded window per sender).

use std::time::{Duration, Instant};

use anyhow::Result;
use futures_util::SinkExt;
use tokio::task::JoinSet;

use crate::client::{Protocol, Sink, payload_in};
use crate::disk_probe::FsyncProbe;
use crate::fleet::Fleet;
use crate::procstat;
use crate::servers::{Kind, Programs, Server};

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct LoadSpec {
    /// Clients connected; all receive.
    pub clients: usize,
    /// How many of them send.
    pub senders: usize,
    /// Total messages per second across senders; `None` for saturation.
    pub rate: Option<f64>,
    /// How long the senders send.
    pub seconds: f64,
    /// Messages a sender may have in flight (saturation only).
    pub window: usize,
}

/// One server's figures.
#[derive(Debug, Clone)]
pub struct LoadResult {
    /// Which server.
    pub server: Kind,
    /// Payloads delivered to all clients, per second of the run.
    pub deliveries_per_second: f64,
    /// Latency percentiles and maximum, in ms: p50, p99, p99.9, max.
    pub latency_ms: [f64; 4],
    /// Deliveries never made.
    pub lost: u64,
    /// Deliveries made twice.
    pub duplicated: u64,
    /// Server CPU seconds during the run.
    pub cpu_seconds: f64,
    /// Server peak resident memory, MiB.
    pub peak_rss_mib: f64,
    /// An fsync on the server's disk during the run, p99 and maximum, ms.
    pub fsync_ms: [f64; 2],
}

/// Runs `spec` against a fresh `kind` server: every client in the lobby.
pub async fn run(kind: Kind, programs: &Programs, spec: LoadSpec) -> Result<LoadResult> {
    let server = Server::start(kind, programs)?;
    let mut fleet = Fleet::new(spec.senders, spec.window);
    fleet.grow(&server, spec.clients).await?;
    let rooms = vec![None; spec.senders];
    drive(&[&server], fleet, spec, &rooms, spec.clients).await
}

/// Sends as `spec` says from the fleet's first `spec.senders` clients,
/// sender `s` to `rooms[s]` (the lobby when `None`), each message reaching
/// `receivers` clients, and measures what arrives. The fleet's clients may
/// be spread over several processes of one server kind (`servers`): CPU and
/// memory are theirs together.
pub async fn drive(
    servers: &[&Server],
    mut fleet: Fleet,
    spec: LoadSpec,
    rooms: &[Option<String>],
    receivers: usize,
) -> Result<LoadResult> {
    let kind = servers[0].kind;
    let probe = FsyncProbe::start(servers[0].dir())?;
    let before = usage_of(servers)?;
    let started = Instant::now();
    let sending_until = started + Duration::from_secs_f64(spec.seconds);

    let mut senders = JoinSet::new();
    for (id, sink) in fleet.sinks.drain(..spec.senders).enumerate() {
        let window = std::sync::Arc::clone(&fleet.windows[id]);
        // Sender `id` starts `id` total-rate periods after the first, so the
        // senders take turns and the total rate is evenly spaced: in lockstep,
        // "100 per second from 10 senders" would be 10 at once every 100 ms.
        let pace = spec.rate.map(|rate| Pace {
            period: Duration::from_secs_f64(spec.senders as f64 / rate),
            first: tokio::time::Instant::now() + Duration::from_secs_f64(id as f64 / rate),
        });
        let room = rooms.get(id).cloned().flatten();
        senders.spawn(send(
            sink,
            kind.protocol(),
            id as u32,
            room,
            pace,
            sending_until,
            window,
        ));
    }
    let mut sent = vec![0; spec.senders];
    while let Some(done) = senders.join_next().await {
        let (id, count) = done??;
        sent[id as usize] = count;
    }
    let expected = sent.iter().sum::<u64>() * receivers as u64;
    fleet.drain(expected, Duration::from_secs(20)).await;
    let elapsed = started.elapsed().as_secs_f64();
    let after = usage_of(servers)?;
    let fsync_ms = probe.finish();
    let outcome = fleet.finish(&sent).await;
    let ms = |quantile: f64| outcome.latency.value_at_quantile(quantile) as f64 / 1000.0;
    Ok(LoadResult {
        server: kind,
        deliveries_per_second: outcome.received as f64 / elapsed,
        latency_ms: [
            ms(0.5),
            ms(0.99),
            ms(0.999),
            outcome.latency.max() as f64 / 1000.0,
        ],
        lost: outcome.lost,
        duplicated: outcome.duplicated,
        cpu_seconds: after.cpu_seconds - before.cpu_seconds,
        peak_rss_mib: after.peak_rss_kib as f64 / 1024.0,
        fsync_ms,
    })
}

/// CPU seconds and peak resident memory (KiB) of `servers` together.
fn usage_of(servers: &[&Server]) -> Result<procstat::Usage> {
    let mut total = procstat::Usage {
        cpu_seconds: 0.0,
        rss_kib: 0,
        peak_rss_kib: 0,
    };
    for server in servers {
        let usage = procstat::usage(server.pid())?;
        total.cpu_seconds += usage.cpu_seconds;
        total.rss_kib += usage.rss_kib;
        total.peak_rss_kib += usage.peak_rss_kib;
    }
    Ok(total)
}

/// When a fixed-rate sender sends.
struct Pace {
    /// Time between two of its messages.
    period: Duration,
    /// When it sends its first.
    first: tokio::time::Instant,
}

/// One sender: at a fixed pace, or as fast as its window allows.
async fn send(
    mut sink: Sink,
    protocol: Protocol,
    id: u32,
    room: Option<String>,
    pace: Option<Pace>,
    until: Instant,
    window: std::sync::Arc<tokio::sync::Semaphore>,
) -> Result<(u32, u64)> {
    let mut seq = 0;
    match pace {
        Some(Pace { period, first }) => {
            let mut ticks = tokio::time::interval_at(first, period);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            while Instant::now() < until {
                ticks.tick().await;
                sink.send(payload_in(protocol, id, seq, room.as_deref()))
                    .await?;
                seq += 1;
            }
        }
        None => {
            while Instant::now() < until {
                // Wait for room, then fill the window and flush once.
                window.acquire().await?.forget();
                sink.feed(payload_in(protocol, id, seq, room.as_deref()))
                    .await?;
                seq += 1;
                while let Ok(permit) = window.try_acquire() {
                    permit.forget();
                    sink.feed(payload_in(protocol, id, seq, room.as_deref()))
                        .await?;
                    seq += 1;
                }
                sink.flush().await?;
            }
        }
    }
    Ok((id, seq))
}
