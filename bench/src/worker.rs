//! `natter-bench worker`: a harness process of its own, holding a share of
//! the clients of a step test that needs more connections than one
//! process may open. The coordinator drives it over standard input and
//! output, one line each way per command:
//!
//! - `grow <count> <first index> <url> <addr> [<url> <addr> ...]`: connect
//!   `count` more clients, spread in turn over the servers given, each
//!   welcomed; answers `ready <clients> <open-file headroom>`, or `failed
//!   <reason>`.
//! - `step <broadcasts>`: from now on each client expects that many more
//!   broadcasts (from the coordinator's sender); answers `armed`.
//! - `report`: waits (10 s at most) until every client has them all;
//!   answers `report <received> <expected> <duplicated> <p95 µs>`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use futures_util::StreamExt;
use hdrhistogram::Histogram;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio_tungstenite::tungstenite::Message;

use crate::client::{Ws, connect, histogram, now_ns, parse};
use crate::procstat;

/// What every client of this process adds to, for the current step.
struct Step {
    received: AtomicU64,
    duplicated: AtomicU64,
    latency: Mutex<Histogram<u64>>,
}

/// Runs the worker until its standard input ends.
pub async fn run() -> Result<()> {
    let step = Arc::new(Step {
        received: AtomicU64::new(0),
        duplicated: AtomicU64::new(0),
        latency: Mutex::new(histogram()),
    });
    let mut clients: Vec<tokio::task::JoinHandle<()>> = Vec::new();
    let mut broadcasts = 0u64;
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut out = tokio::io::stdout();
    while let Some(line) = lines.next_line().await? {
        let words: Vec<&str> = line.split_whitespace().collect();
        let answer = match words.as_slice() {
            ["grow", count, first, servers @ ..] => {
                match grow(&mut clients, count.parse()?, first.parse()?, servers, &step).await {
                    Ok(()) => format!(
                        "ready {} {}",
                        clients.len(),
                        procstat::open_file_headroom(std::process::id())?
                    ),
                    Err(error) => format!("failed {error:#}"),
                }
            }
            ["step", count] => {
                broadcasts = count.parse()?;
                step.received.store(0, Ordering::SeqCst);
                step.duplicated.store(0, Ordering::SeqCst);
                *step.latency.lock() = histogram();
                "armed".to_owned()
            }
            ["report"] => {
                let expected = broadcasts * clients.len() as u64;
                let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
                while step.received.load(Ordering::SeqCst) < expected
                    && tokio::time::Instant::now() < deadline
                {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                let p95 = step.latency.lock().value_at_quantile(0.95);
                format!(
                    "report {} {expected} {} {p95}",
                    step.received.load(Ordering::SeqCst),
                    step.duplicated.load(Ordering::SeqCst)
                )
            }
            _ => bail!("unknown command {line:?}"),
        };
        out.write_all(format!("{answer}\n").as_bytes()).await?;
        out.flush().await?;
    }
    for client in clients {
        client.abort();
    }
    Ok(())
}

/// Connects `count` clients, numbered from `first`, over `servers` (URL
/// and address pairs) in turn, and waits for each one's welcome.
async fn grow(
    clients: &mut Vec<tokio::task::JoinHandle<()>>,
    count: usize,
    first: usize,
    servers: &[&str],
    step: &Arc<Step>,
) -> Result<()> {
    let servers: Vec<(&str, SocketAddr)> = servers
        .chunks(2)
        .map(|pair| Ok((pair[0], pair.get(1).context("an address")?.parse()?)))
        .collect::<Result<_>>()?;
    anyhow::ensure!(!servers.is_empty(), "no servers");
    let mut connecting = futures_util::stream::FuturesUnordered::new();
    for offset in 0..count {
        let index = first + offset;
        let (url, addr) = servers[index % servers.len()];
        connecting.push(async move {
            let mut ws = connect(url, addr, index, None).await?;
            // The welcome: the server has it subscribed.
            ws.next().await.context("closed before its welcome")??;
            anyhow::Ok(ws)
        });
        // Connections opened at once, as the fleet does.
        if connecting.len() >= 200 {
            let ws = connecting.next().await.context("a connection")??;
            clients.push(tokio::spawn(listen(ws, Arc::clone(step))));
        }
    }
    while let Some(ws) = connecting.next().await {
        clients.push(tokio::spawn(listen(ws?, Arc::clone(step))));
    }
    Ok(())
}

/// One client: counts the coordinator's broadcasts (sender 0) once each,
/// and times them.
async fn listen(mut ws: Ws, step: Arc<Step>) {
    let mut next_seq = 0u64;
    while let Some(Ok(message)) = ws.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        let Some((0, seq, sent_ns)) = parse(&text) else {
            continue;
        };
        if seq < next_seq {
            step.duplicated.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        // A skipped one never counts, so the step reports it missing.
        next_seq = seq + 1;
        step.received.fetch_add(1, Ordering::Relaxed);
        let micros = (now_ns().saturating_sub(sent_ns) / 1_000).max(1);
        step.latency.lock().saturating_record(micros);
    }
}
