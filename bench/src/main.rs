//! `natter-bench`: runs every scenario against Natter, the Node `ws` chat
//! and the Socket.IO chat in one run, and writes the results side by side.
//!
//! `--smoke` runs each scenario small and fast and checks only correctness
//! (nothing lost, nothing duplicated, clean exit); it is part of the test
//! command. Without it the full run writes `bench/results/<date>.md` with SVG
//! charts, and BENCHMARKS.md.

mod client;
mod disk_probe;
mod fleet;
mod procstat;
mod report;
mod scenarios;
mod servers;
mod worker;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use report::Results;
use scenarios::load::LoadSpec;
use scenarios::rooms::RoomsSpec;
use scenarios::shootout::ShootoutSpec;
use scenarios::typing::TypingSpec;
use scenarios::writes::Engine;
use servers::{Kind, Programs};

/// The published sizes: BENCHMARKS.md shows runs made with exactly these.
const DEFAULT_CLIENTS: usize = 1000;
const DEFAULT_RATE: f64 = 100.0;
const DEFAULT_IDLE: usize = 15_000;

/// Natter's benchmark, side by side with the Node ws and Socket.IO chats.
#[derive(Debug, Parser)]
struct Args {
    /// Small and quick; checks correctness only (for the test command).
    #[arg(long)]
    smoke: bool,
    /// The natter binary to run (build it with `cargo build --release -p backend`).
    #[arg(long, default_value = "target/release/natter")]
    natter: PathBuf,
    /// The Node `ws` peer's folder.
    #[arg(long, default_value = "../shared/peers/node-ws")]
    peer: PathBuf,
    /// The Socket.IO peer's folder.
    #[arg(long, default_value = "../shared/peers/socketio")]
    socketio_peer: PathBuf,
    /// Where result files go.
    #[arg(long, default_value = "bench/results")]
    out: PathBuf,
    /// Clients in the fan-out and saturation scenarios.
    #[arg(long, default_value_t = DEFAULT_CLIENTS)]
    clients: usize,
    /// Total messages per second in the fan-out scenario.
    #[arg(long, default_value_t = DEFAULT_RATE)]
    rate: f64,
    /// Idle connections to hold.
    #[arg(long, default_value_t = DEFAULT_IDLE)]
    idle: usize,
    /// Run only these scenarios (fan-out, saturation, writes, presence, recovery, rooms, typing, scale-out, shootout, shootout-pair, idle, browser); all by default.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Run only against these servers (natter, node-ws, socketio, natter-baseline); all by default.
    #[arg(long, value_delimiter = ',')]
    servers: Vec<String>,
    /// Another natter binary (an earlier build) to run beside `--natter` in
    /// the same run, for a before-and-after comparison. Such runs go to the
    /// results folder only.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// The built web client natter serves in the browser scenario.
    #[arg(long, default_value = "dist")]
    web: PathBuf,
    /// The web client the baseline serves (an earlier build's `dist`).
    #[arg(long)]
    baseline_web: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    // A harness process of the pair's step test, driven by the main one.
    if std::env::args().nth(1).as_deref() == Some("worker") {
        return match worker::run().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("natter-bench worker: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    match run(Args::parse()).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("natter-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Returns whether every delivery arrived exactly once.
async fn run(args: Args) -> Result<bool> {
    if !args.natter.is_file() {
        bail!(
            "{} not found: build it with `cargo build --release -p backend`",
            args.natter.display()
        );
    }
    let work = PathBuf::from("target/bench");
    std::fs::create_dir_all(&work)?;
    if let Some(baseline) = &args.baseline
        && !baseline.is_file()
    {
        bail!("{} not found", baseline.display());
    }
    let programs = Programs {
        natter: args.natter.clone(),
        baseline: args.baseline.clone(),
        node_peer: servers::prepare_peer(&args.peer, &work)?,
        socketio_peer: servers::prepare_peer(&args.socketio_peer, &work)?,
    };
    let (fan_out, saturation, shootout, idle) = specs(&args);
    let rooms = rooms_spec(&args);
    let wanted = |name: &str| args.only.is_empty() || args.only.iter().any(|only| only == name);
    let kinds: Vec<Kind> = [Kind::Baseline, Kind::Natter, Kind::Node, Kind::SocketIo]
        .into_iter()
        .filter(|kind| *kind != Kind::Baseline || args.baseline.is_some())
        .filter(|kind| args.servers.is_empty() || args.servers.iter().any(|s| s == kind.label()))
        .collect();
    let mut results = Results {
        wasm_bytes: wasm_size(Path::new("dist")),
        ..Results::default()
    };
    if wanted("fan-out") {
        let rows = each_server("fan-out", &kinds, async |kind| {
            scenarios::load::run(kind, &programs, fan_out).await
        })
        .await?;
        results.fan_out = Some((fan_out, rows));
    }
    if wanted("saturation") {
        let rows = each_server("saturation", &kinds, async |kind| {
            scenarios::load::run(kind, &programs, saturation).await
        })
        .await?;
        results.saturation = Some((saturation, rows));
    }
    if wanted("writes") {
        let mut rows = Vec::new();
        for kind in kinds
            .iter()
            .copied()
            .filter(|kind| Programs::is_natter(*kind))
        {
            for engine in [Engine::Sqlite, Engine::Postgres] {
                for spec in scenarios::writes::specs(args.smoke) {
                    let label = format!(
                        "{}, {}, {} clients",
                        kind.label(),
                        engine.label(),
                        spec.clients
                    );
                    let bar = progress(format!("writes, {label}"));
                    let row = scenarios::writes::run(kind, engine, &programs, spec).await?;
                    bar.finish_and_clear();
                    rows.push((label, spec.clients, row));
                }
            }
        }
        results.writes = Some((scenarios::writes::specs(args.smoke)[0], rows));
    }
    if wanted("presence") {
        let spec = scenarios::presence::PresenceSpec::new(args.smoke);
        let mut rows = Vec::new();
        for kind in kinds
            .iter()
            .copied()
            .filter(|kind| Programs::is_natter(*kind))
        {
            let bar = progress(format!("presence, {}", kind.label()));
            rows.push(scenarios::presence::run(kind, &programs, spec).await?);
            bar.finish_and_clear();
        }
        results.presence = Some((spec, rows));
    }
    if wanted("recovery") {
        let spec = scenarios::recovery::RecoverySpec::new(args.smoke);
        let mut rows = Vec::new();
        for kind in kinds
            .iter()
            .copied()
            .filter(|kind| Programs::is_natter(*kind))
        {
            let bar = progress(format!("recovery, {}", kind.label()));
            rows.push(scenarios::recovery::run(kind, &programs, spec).await?);
            bar.finish_and_clear();
        }
        results.recovery = Some((spec, rows));
    }
    if wanted("rooms") && kinds.contains(&Kind::Natter) {
        let bar = progress("rooms, natter".to_owned());
        let row = scenarios::rooms::run(&programs, rooms).await?;
        bar.finish_and_clear();
        results.rooms = Some((rooms, vec![row]));
    }
    if wanted("typing") && kinds.contains(&Kind::Natter) {
        let bar = progress("typing, natter".to_owned());
        let spec = typing_spec(&args);
        let rows = scenarios::typing::run(&programs, spec).await?;
        bar.finish_and_clear();
        results.typing = Some((spec, rows));
    }
    if wanted("scale-out") {
        let mut rows = Vec::new();
        for kind in kinds
            .iter()
            .copied()
            .filter(|kind| matches!(kind, Kind::Natter | Kind::Baseline | Kind::SocketIo))
        {
            for (load, spec) in [("fan-out", fan_out), ("saturation", saturation)] {
                let bar = progress(format!("scale-out {load}, {}", kind.label()));
                let row = scenarios::scale_out::run(kind, &programs, spec).await?;
                bar.finish_and_clear();
                rows.push((format!("{} ×2, {load}", kind.label()), row));
            }
        }
        results.scale_out = Some((fan_out, saturation, rows));
    }
    if wanted("shootout") {
        let rows = each_server("shootout", &kinds, async |kind| {
            scenarios::shootout::run(kind, &programs, shootout).await
        })
        .await?;
        results.shootout = Some((shootout, rows));
    }
    if wanted("shootout-pair") && kinds.contains(&Kind::Natter) {
        let bar = progress("shootout, natter ×2".to_owned());
        let row = scenarios::pair_shootout::run(&programs, shootout).await?;
        bar.finish_and_clear();
        results.pair_shootout = Some((shootout, row));
    }
    // A real browser: not part of the smoke run (the end-to-end tests use
    // the client in Chromium already).
    if wanted("browser") && !args.smoke {
        let spec = scenarios::browser::BrowserSpec::published();
        let mut rows = Vec::new();
        for &kind in kinds.iter().filter(|kind| Programs::is_natter(**kind)) {
            let web = match kind {
                Kind::Baseline => args
                    .baseline_web
                    .clone()
                    .unwrap_or_else(|| args.web.clone()),
                _ => args.web.clone(),
            };
            let bar = progress(format!("browser, {}", kind.label()));
            rows.push(scenarios::browser::run(kind, &programs, &web, &spec).await?);
            bar.finish_and_clear();
        }
        results.browser = Some((spec, rows));
    }
    if wanted("idle") {
        results.idle = each_server("idle", &kinds, async |kind| {
            scenarios::idle::run(kind, &programs, idle).await
        })
        .await?;
    }

    let machine = machine();
    let stamp = timestamp();
    let folder = args.out.join(&stamp);
    report::charts(&results, &folder)?;
    let table = report::markdown(&results, &machine, &stamp);
    std::fs::write(
        args.out.join(format!("{stamp}.md")),
        format!("# Natter vs Node ws and Socket.IO, {stamp}\n\n{table}"),
    )?;
    println!("{table}");
    // BENCHMARKS.md shows complete runs at the published sizes only.
    let complete =
        !args.smoke && args.only.is_empty() && args.baseline.is_none() && kinds.len() == 3;
    let published_sizes =
        args.clients == DEFAULT_CLIENTS && args.rate == DEFAULT_RATE && args.idle == DEFAULT_IDLE;
    if complete && published_sizes {
        publish(&table, &args.out, &stamp)?;
    }

    let clean = [&results.fan_out, &results.saturation]
        .into_iter()
        .flatten()
        .flat_map(|(_, rows)| rows)
        .chain(results.rooms.iter().flat_map(|(_, rows)| rows))
        .chain(
            results
                .typing
                .iter()
                .flat_map(|(_, rows)| rows.iter().map(|(_, row)| row)),
        )
        .chain(
            results
                .scale_out
                .iter()
                .flat_map(|(_, _, rows)| rows.iter().map(|(_, row)| row)),
        )
        .chain(
            results
                .writes
                .iter()
                .flat_map(|(_, rows)| rows.iter().map(|(_, _, row)| row)),
        )
        .all(|row| row.lost == 0 && row.duplicated == 0)
        && results
            .recovery
            .iter()
            .flat_map(|(_, rows)| rows)
            .all(|row| row.lost == 0 && row.doubled == 0 && row.acknowledged == row.sent)
        && results
            .shootout
            .iter()
            .flat_map(|(_, rows)| rows)
            .chain(results.pair_shootout.iter().map(|(_, row)| row))
            .all(|row| !row.stopped.starts_with("missed"));
    if clean {
        println!("natter-bench: every delivery arrived exactly once");
    } else {
        eprintln!("natter-bench: deliveries were lost or duplicated (see the table)");
    }
    Ok(clean)
}

/// Runs one scenario against each server in turn.
async fn each_server<T>(
    name: &str,
    kinds: &[Kind],
    mut scenario: impl AsyncFnMut(Kind) -> Result<T>,
) -> Result<Vec<T>> {
    let mut rows = Vec::new();
    for &kind in kinds {
        let bar = progress(format!("{name}, {}", kind.label()));
        rows.push(scenario(kind).await?);
        bar.finish_and_clear();
    }
    Ok(rows)
}

/// The scenario sizes: full, or small for the smoke run.
fn specs(args: &Args) -> (LoadSpec, LoadSpec, ShootoutSpec, usize) {
    if args.smoke {
        return (
            LoadSpec {
                clients: 200,
                senders: 4,
                rate: Some(200.0),
                seconds: 2.0,
                window: 8,
            },
            LoadSpec {
                clients: 200,
                senders: 4,
                rate: None,
                seconds: 2.0,
                window: 8,
            },
            ShootoutSpec {
                step: 100,
                broadcasts: 20,
                in_flight: 4,
                limit_ms: 500.0,
                max_clients: 300,
            },
            300,
        );
    }
    (
        LoadSpec {
            clients: args.clients,
            senders: 10,
            rate: Some(args.rate),
            seconds: 10.0,
            window: 8,
        },
        LoadSpec {
            clients: args.clients,
            senders: 10,
            rate: None,
            seconds: 10.0,
            window: 8,
        },
        ShootoutSpec {
            step: 1000,
            broadcasts: 100,
            in_flight: 4,
            limit_ms: 500.0,
            max_clients: usize::MAX,
        },
        args.idle,
    )
}

/// The typing scenario's size: 1,000 clients and 50 typists, or small for
/// the smoke run.
fn typing_spec(args: &Args) -> TypingSpec {
    if args.smoke {
        return TypingSpec {
            clients: 50,
            senders: 2,
            rate: 20.0,
            typists: 5,
            seconds: 2.0,
        };
    }
    TypingSpec {
        clients: 1_000,
        senders: 10,
        rate: 100.0,
        typists: 50,
        seconds: 10.0,
    }
}

/// The rooms scenario's size: 100 rooms of 10, or small for the smoke run.
fn rooms_spec(args: &Args) -> RoomsSpec {
    if args.smoke {
        return RoomsSpec {
            rooms: 10,
            clients_per_room: 3,
            seconds: 2.0,
            window: 8,
        };
    }
    RoomsSpec {
        rooms: 100,
        clients_per_room: 10,
        seconds: 10.0,
        window: 8,
    }
}

fn progress(message: String) -> ProgressBar {
    let bar = ProgressBar::new_spinner().with_message(message);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// Raw and gzipped size of the built web client's wasm, if it is built.
fn wasm_size(dist: &Path) -> Option<(u64, u64)> {
    let wasm = std::fs::read_dir(dist)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .find(|path| {
            path.extension()
                .is_some_and(|extension| extension == "wasm")
        })?;
    let raw = std::fs::metadata(&wasm).ok()?.len();
    let gzipped = std::process::Command::new("gzip")
        .args(["-9", "-c"])
        .arg(&wasm)
        .output()
        .ok()?
        .stdout
        .len() as u64;
    Some((raw, gzipped))
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .next()
                .and_then(|line| line.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(String::from("?"), |kib| {
            format!("{:.0} GiB", kib / 1024.0 / 1024.0)
        });
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|line| {
                line.strip_prefix("model name")
                    .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    format!("{cores} cores ({cpu}), {memory} RAM")
}

fn timestamp() -> String {
    let output = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d-%H%M%S"])
        .output();
    output
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "latest".to_owned())
}

/// Where BENCHMARKS.md's hand-written part starts; a run replaces what is
/// above it and keeps it and everything after.
const NOTES_HEADING: &str = "## Reading these numbers";

/// Writes BENCHMARKS.md with the latest table, keeping the hand-written notes.
fn publish(table: &str, out: &Path, stamp: &str) -> Result<()> {
    let notes = std::fs::read_to_string("BENCHMARKS.md")
        .ok()
        .and_then(|old| old.find(NOTES_HEADING).map(|at| old[at..].to_owned()))
        .unwrap_or_default();
    let charts = out.join(stamp);
    let text = format!(
        "# Benchmarks\n\nNatter, the Node `ws` chat (`../shared/peers/node-ws`) and the Socket.IO chat \
         (`../shared/peers/socketio`) measured side by side in one run \
         on the same machine, each scenario against a fresh server process. Reproduce with:\n\n\
         ```sh\ncargo build --release -p backend && cargo run --release -p natter-bench\n```\n\n\
         Latest run: {stamp} (all runs are in `bench/results/`).\n\n{}{notes}",
        table.replace(&format!("]({stamp}/"), &format!("]({}/", charts.display()))
    );
    std::fs::write("BENCHMARKS.md", text).context("writing BENCHMARKS.md")
}
