//! The websocket-shootout step test (hashrocket's method): add clients step by
//! step; at each step one client sends broadcasts, a few in flight, and times
//! the round trip until it sees its own copy. The server passes a step when
//! the 95th percentile stays within the limit and no delivery is missed.

use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::Result;
use futures_util::SinkExt;

use crate::client::payload;
use crate::disk_probe::FsyncProbe;
use crate::fleet::Fleet;
use crate::procstat;
use crate::servers::{Kind, Programs, Server};

/// The method's parameters.
#[derive(Debug, Clone, Copy)]
pub struct ShootoutSpec {
    /// Clients added per step.
    pub step: usize,
    /// Broadcasts per step.
    pub broadcasts: usize,
    /// Broadcasts in flight at once.
    pub in_flight: usize,
    /// The 95th-percentile round trip a step may take, ms.
    pub limit_ms: f64,
    /// Stop here regardless, clients (keeps the smoke run small); the
    /// open-file limit stops a full run first.
    pub max_clients: usize,
}

/// One server's figures.
#[derive(Debug, Clone)]
pub struct ShootoutResult {
    /// Which server.
    pub server: Kind,
    /// The most clients at which a step passed.
    pub passed_clients: usize,
    /// Why it stopped.
    pub stopped: String,
    /// The p95 round trip of the last passing step, ms.
    pub last_p95_ms: f64,
}

/// Runs the step test against a fresh `kind` server.
pub async fn run(kind: Kind, programs: &Programs, spec: ShootoutSpec) -> Result<ShootoutResult> {
    let server = Server::start(kind, programs)?;
    let mut fleet = Fleet::new(1, spec.in_flight);
    let mut result = ShootoutResult {
        server: kind,
        passed_clients: 0,
        stopped: String::new(),
        last_p95_ms: 0.0,
    };
    let mut seq = 0;
    loop {
        if fleet.len() + spec.step > spec.max_clients {
            result.stopped = format!("at the size cap ({} clients)", spec.max_clients);
            break;
        }
        // The open-file limit (of the server, or of this process, which holds
        // the other end of every connection) ends the test before a step
        // that cannot fit.
        let headroom = procstat::open_file_headroom(server.pid())?
            .min(procstat::open_file_headroom(std::process::id())?);
        if spec.step > headroom {
            result.stopped = format!(
                "at the limit: {} more clients would pass the open-file limit",
                spec.step
            );
            break;
        }
        if let Err(error) = fleet.grow(&server, spec.step).await {
            result.stopped = format!("could not connect more clients: {error}");
            break;
        }
        let clients = fleet.len() as u64;
        let received_before = fleet.shared.received.load(Ordering::Relaxed);
        fleet.round_trips.lock().clear();
        let probe = FsyncProbe::start(server.dir())?;
        let window = std::sync::Arc::clone(&fleet.windows[0]);
        for _ in 0..spec.broadcasts {
            window.acquire().await?.forget();
            fleet.sinks[0]
                .send(payload(kind.protocol(), 0, seq))
                .await?;
            seq += 1;
        }
        let expected = received_before + spec.broadcasts as u64 * clients;
        let complete = fleet.drain(expected, Duration::from_secs(10)).await;
        // Every own copy is back, so the window is whole again.
        let _ = tokio::time::timeout(
            Duration::from_secs(10),
            window.acquire_many(spec.in_flight as u32),
        )
        .await;
        window.add_permits(spec.in_flight.saturating_sub(window.available_permits()));
        let p95 = percentile(&fleet.round_trips.lock(), 0.95);
        let [_, fsync_max_ms] = probe.finish();
        if !complete {
            let got = fleet.shared.received.load(Ordering::Relaxed) - received_before;
            result.stopped = format!(
                "missed deliveries at {clients} clients ({got} of {})",
                expected - received_before
            );
            break;
        }
        if p95 > spec.limit_ms {
            // A stalled disk delays natter's round trips (it sends only what
            // is committed); say so, so that it is not taken for the server.
            result.stopped = format!(
                "p95 {p95:.0} ms > {} ms at {clients} clients (disk fsync max {fsync_max_ms:.0} ms during that step)",
                spec.limit_ms
            );
            break;
        }
        result.passed_clients = clients as usize;
        result.last_p95_ms = p95;
    }
    fleet.finish(&[]).await;
    Ok(result)
}

/// The `quantile` of round trips given in µs, as ms.
fn percentile(micros: &[u64], quantile: f64) -> f64 {
    if micros.is_empty() {
        return 0.0;
    }
    let mut sorted = micros.to_vec();
    sorted.sort_unstable();
    let index = ((sorted.len() as f64 * quantile).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index] as f64 / 1000.0
}
