//! The step test past one process's open-file limit: two natter processes
//! on PostgreSQL and Redis, and the clients held by several harness
//! processes (`natter-bench worker`), each client on either natter in
//! turn. At each step one sender (here, on the first natter) sends
//! broadcasts, a few in flight; every client must receive every one, and
//! the pair passes the step while the 95th percentile of delivery times,
//! from send to each client's receipt (across processes too), stays within
//! the limit in every harness process.

use std::process::Stdio;

use anyhow::{Context, Result, bail};
use futures_util::SinkExt;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};

use super::scale_out::Pair;
use super::shootout::{ShootoutResult, ShootoutSpec};
use crate::client::payload;
use crate::fleet::Fleet;
use crate::procstat;
use crate::servers::{Kind, Programs};

/// Harness processes holding the clients: with the coordinator, enough
/// open files for two natter processes' worth of clients.
pub const WORKERS: usize = 3;

/// One worker process and its two pipes.
struct Worker {
    _child: Child,
    input: ChildStdin,
    output: Lines<BufReader<ChildStdout>>,
    /// Files it may still open, as it last said.
    headroom: usize,
}

impl Worker {
    async fn start() -> Result<Self> {
        let mut child = tokio::process::Command::new(std::env::current_exe()?)
            .arg("worker")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting a harness worker")?;
        let input = child.stdin.take().context("worker stdin")?;
        let output = BufReader::new(child.stdout.take().context("worker stdout")?).lines();
        Ok(Worker {
            _child: child,
            input,
            output,
            headroom: usize::MAX,
        })
    }

    /// Sends one command and reads its one-line answer, as words.
    async fn ask(&mut self, command: &str) -> Result<Vec<String>> {
        self.input
            .write_all(format!("{command}\n").as_bytes())
            .await?;
        self.input.flush().await?;
        let answer = self
            .output
            .next_line()
            .await?
            .context("a worker stopped answering")?;
        Ok(answer.split_whitespace().map(str::to_owned).collect())
    }
}

/// Runs the step test against a natter pair, clients spread over
/// [`WORKERS`] harness processes.
pub async fn run(programs: &Programs, spec: ShootoutSpec) -> Result<ShootoutResult> {
    let pair = Pair::start(Kind::Natter, programs).await?;
    let servers = format!(
        "{} {} {} {}",
        pair.one.ws_url(),
        pair.one.addr,
        pair.two.ws_url(),
        pair.two.addr
    );
    let mut workers = Vec::with_capacity(WORKERS);
    for _ in 0..WORKERS {
        workers.push(Worker::start().await?);
    }
    // The sender: one client of the coordinator's, on the first process.
    let mut sender = Fleet::new(1, spec.in_flight);
    sender.grow(&pair.one, 1).await?;
    let mut result = ShootoutResult {
        server: Kind::Natter,
        passed_clients: 0,
        stopped: String::new(),
        last_p95_ms: 0.0,
    };
    let mut clients = 0;
    let mut seq = 0;
    loop {
        if clients + spec.step > spec.max_clients {
            result.stopped = format!("at the size cap ({} clients)", spec.max_clients);
            break;
        }
        // Half a step lands on each natter process, a share on each worker.
        let shares: Vec<usize> = (0..WORKERS)
            .map(|worker| spec.step / WORKERS + usize::from(worker < spec.step % WORKERS))
            .collect();
        let server_headroom = procstat::open_file_headroom(pair.one.pid())?
            .min(procstat::open_file_headroom(pair.two.pid())?);
        if spec.step / 2 + 1 > server_headroom
            || workers
                .iter()
                .zip(&shares)
                .any(|(w, share)| *share > w.headroom)
        {
            result.stopped = format!(
                "at the limit: {} more clients would pass an open-file limit",
                spec.step
            );
            break;
        }
        for (worker, share) in workers.iter_mut().zip(&shares) {
            let answer = worker
                .ask(&format!("grow {share} {clients} {servers}"))
                .await?;
            clients += share;
            match answer.first().map(String::as_str) {
                Some("ready") => {
                    worker.headroom = answer.get(2).context("headroom")?.parse()?;
                }
                _ => {
                    result.stopped =
                        format!("could not connect more clients: {}", answer.join(" "));
                    break;
                }
            }
        }
        if !result.stopped.is_empty() {
            break;
        }
        for worker in &mut workers {
            worker.ask(&format!("step {}", spec.broadcasts)).await?;
        }
        let window = std::sync::Arc::clone(&sender.windows[0]);
        for _ in 0..spec.broadcasts {
            window.acquire().await?.forget();
            sender.sinks[0]
                .send(payload(Kind::Natter.protocol(), 0, seq))
                .await?;
            seq += 1;
        }
        let mut worst_p95_ms: f64 = 0.0;
        let mut missing = 0;
        for worker in &mut workers {
            let answer = worker.ask("report").await?;
            let number = |at: usize| -> Result<u64> {
                Ok(answer.get(at).context("a report field")?.parse()?)
            };
            let (received, expected, duplicated, p95_us) =
                (number(1)?, number(2)?, number(3)?, number(4)?);
            if duplicated > 0 {
                bail!("{duplicated} broadcasts arrived twice");
            }
            missing += expected.saturating_sub(received);
            worst_p95_ms = worst_p95_ms.max(p95_us as f64 / 1000.0);
        }
        // Every own copy is back, so the window is whole again.
        let _ = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            window.acquire_many(spec.in_flight as u32),
        )
        .await;
        window.add_permits(spec.in_flight.saturating_sub(window.available_permits()));
        if missing > 0 {
            result.stopped = format!("missed deliveries at {clients} clients ({missing})");
            break;
        }
        if worst_p95_ms > spec.limit_ms {
            result.stopped = format!(
                "p95 {worst_p95_ms:.0} ms > {} ms at {clients} clients",
                spec.limit_ms
            );
            break;
        }
        result.passed_clients = clients;
        result.last_p95_ms = worst_p95_ms;
    }
    sender.finish(&[]).await;
    Ok(result)
}
