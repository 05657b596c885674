//! Writing results: a Markdown table per scenario and SVG bar charts.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use plotters::prelude::*;

use crate::scenarios::browser::{BrowserRow, BrowserSpec};
use crate::scenarios::idle::IdleResult;
use crate::scenarios::load::{LoadResult, LoadSpec};
use crate::scenarios::presence::{PresenceResult, PresenceSpec};
use crate::scenarios::recovery::{RecoveryResult, RecoverySpec};
use crate::scenarios::rooms::RoomsSpec;
use crate::scenarios::shootout::{ShootoutResult, ShootoutSpec};
use crate::scenarios::typing::TypingSpec;

/// Runs of one load under different conditions, each with its label.
pub type LabelledRuns = Vec<(String, LoadResult)>;

/// The writes scenario's runs: each labelled, with its clients.
pub type WritesRuns = Vec<(String, usize, LoadResult)>;

/// Everything one run measured.
#[derive(Default)]
pub struct Results {
    /// The fan-out scenario and its rows.
    pub fan_out: Option<(LoadSpec, Vec<LoadResult>)>,
    /// The saturation scenario and its rows.
    pub saturation: Option<(LoadSpec, Vec<LoadResult>)>,
    /// The shootout and its rows.
    pub shootout: Option<(ShootoutSpec, Vec<ShootoutResult>)>,
    /// The idle scenario's rows.
    pub idle: Vec<IdleResult>,
    /// The release web client's size, raw and gzipped, in bytes.
    pub wasm_bytes: Option<(u64, u64)>,
    /// Messages stored per second on each engine (natter only): the
    /// spec's senders and window; each run labelled, with its clients.
    pub writes: Option<(LoadSpec, WritesRuns)>,
    /// Signed-in accounts online over two processes (natter only).
    pub presence: Option<(PresenceSpec, Vec<PresenceResult>)>,
    /// Writes coming back after a PostgreSQL outage (natter only).
    pub recovery: Option<(RecoverySpec, Vec<RecoveryResult>)>,
    /// Many rooms at once (natter only).
    pub rooms: Option<(RoomsSpec, Vec<LoadResult>)>,
    /// Typing beside a steady chat (natter only): labelled runs.
    pub typing: Option<(TypingSpec, LabelledRuns)>,
    /// The fan-out and saturation loads over two processes (natter on
    /// PostgreSQL and Redis, Socket.IO with its Redis adapter): labelled
    /// runs.
    pub scale_out: Option<(LoadSpec, LoadSpec, LabelledRuns)>,
    /// The shootout over a natter pair, clients held by several harness
    /// processes.
    pub pair_shootout: Option<(ShootoutSpec, ShootoutResult)>,
    /// The web client in headless Chromium (natter builds only).
    pub browser: Option<(BrowserSpec, Vec<BrowserRow>)>,
}

/// The results as Markdown; `charts` is the folder name the SVGs are in,
/// relative to where the Markdown will live.
pub fn markdown(results: &Results, machine: &str, charts: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Machine: {machine}. Server and load generator share it.\n"
    );
    for (title, scenario, chart) in [
        ("Fan-out", &results.fan_out, "fan-out"),
        ("Saturation", &results.saturation, "saturation"),
    ] {
        let Some((spec, rows)) = scenario else {
            continue;
        };
        let rate = spec.rate.map_or("as fast as accepted".to_owned(), |rate| {
            format!("{rate} messages/s in total")
        });
        let window = if spec.rate.is_none() {
            format!(", {} in flight per sender", spec.window)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "## {title}: {} clients, {} senders, {rate}{window}, {} s\n",
            spec.clients, spec.senders, spec.seconds
        );
        load_table(&mut out, rows);
        let _ = writeln!(out, "\n![{title}]({charts}/{chart}.svg)\n");
    }
    if let Some((spec, rows)) = &results.writes {
        let _ = writeln!(
            out,
            "## Writes: one natter process, {} senders as fast as acknowledged, {} in flight each, {} s, on each engine\n",
            spec.senders, spec.window, spec.seconds
        );
        let _ = writeln!(
            out,
            "Natter only. Messages stored per second is deliveries/s divided by the clients, since every client receives every message and a message is delivered only once stored. PostgreSQL and Redis are fresh, on this machine, with their default settings (`fsync` and `synchronous_commit` on).\n"
        );
        let _ = writeln!(
            out,
            "| run | messages stored/s | deliveries/s | p50 ms | p99 ms | lost | duplicated | server CPU s |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
        for (label, clients, row) in rows {
            let _ = writeln!(
                out,
                "| {label} | {:.0} | {:.0} | {:.2} | {:.2} | {} | {} | {:.2} |",
                row.deliveries_per_second / *clients as f64,
                row.deliveries_per_second,
                row.latency_ms[0],
                row.latency_ms[1],
                row.lost,
                row.duplicated,
                row.cpu_seconds
            );
        }
        let _ = writeln!(out);
    }
    if let Some((spec, rows)) = &results.presence {
        let _ = writeln!(
            out,
            "## Presence: {} signed-in accounts online in the lobby over two processes, watched {} s\n",
            spec.accounts, spec.steady_seconds
        );
        let _ = writeln!(
            out,
            "Natter only, on PostgreSQL and Redis with the default `--presence-ttl` (30 s: each process renews its people every 7.5 s). From Redis's own `INFO`: its CPU while everyone connected, its CPU per second while they stayed, and its time in commands per renewal round of one process.\n"
        );
        let _ = writeln!(
            out,
            "| server | all connected in s | Redis CPU arriving s | Redis CPU per s, staying | Redis ms per renewal |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|");
        for row in rows {
            let _ = writeln!(
                out,
                "| {} | {:.1} | {:.2} | {:.3} | {:.1} |",
                row.server.label(),
                row.arriving_seconds,
                row.redis_cpu_arriving,
                row.redis_cpu_per_second,
                row.redis_ms_per_renewal
            );
        }
        let _ = writeln!(out);
    }
    if let Some((spec, rows)) = &results.recovery {
        let _ = writeln!(
            out,
            "## After an outage: {} clients over two processes, a message every {} s each, PostgreSQL stopped for {} s\n",
            spec.clients,
            spec.send_every.as_secs_f64(),
            spec.outage_seconds
        );
        let _ = writeln!(
            out,
            "Natter only. Each client keeps every message until acknowledged and resends it with its nonce (after a refusal, after reconnecting, or when unanswered for 5 s), as the web client does; it sends for {} s before the outage and {} s after. \"First ack\" and \"backlog\" count from PostgreSQL being back: to the first acknowledgement, and until every message sent before then is acknowledged. Lost and doubled are checked in the database.\n",
            spec.before_seconds, spec.after_seconds
        );
        let _ = writeln!(
            out,
            "| server | sent | acknowledged | first ack s | backlog 50% / 99% / all s | lost | doubled |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
        for row in rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.1} | {:.1} / {:.1} / {:.1} | {} | {} |",
                row.server.label(),
                row.sent,
                row.acknowledged,
                row.first_ack_seconds,
                row.backlog_seconds[0],
                row.backlog_seconds[1],
                row.backlog_seconds[2],
                row.lost,
                row.doubled
            );
        }
        let _ = writeln!(out);
    }
    if let Some((spec, rows)) = &results.rooms {
        let _ = writeln!(
            out,
            "## Rooms: {} rooms of {} clients (accounts), one sender per room, as fast as accepted, {} in flight per sender, {} s\n",
            spec.rooms, spec.clients_per_room, spec.window, spec.seconds
        );
        let _ = writeln!(
            out,
            "Natter only: the peers have no rooms. Each message reaches the {} clients of its room and no other; \"lost\" counts what a room's clients missed of their room's sender, and a message from another room would count as duplicated.\n",
            spec.clients_per_room
        );
        load_table(&mut out, rows);
        let _ = writeln!(out);
    }
    if let Some((spec, rows)) = &results.typing {
        let _ = writeln!(
            out,
            "## Typing: {} clients with presence, {} senders, {} messages/s in total, {} s; then the same with {} more connections typing\n",
            spec.clients, spec.senders, spec.rate, spec.seconds, spec.typists
        );
        let _ = writeln!(
            out,
            "Natter only: the peers have no typing. Each typist says so every 250 ms; the server passes on one every 2 s per connection, to every client. The target: message p99 with typing within 2× of the run without.\n"
        );
        load_rows(
            &mut out,
            rows.iter().map(|(label, row)| (label.as_str(), row)),
        );
        let _ = writeln!(out);
    }
    if let Some((fan_out, saturation, rows)) = &results.scale_out {
        let _ = writeln!(
            out,
            "## Scaled out: two processes each, {} clients and {} senders spread evenly over them
",
            fan_out.clients, fan_out.senders
        );
        let _ = writeln!(
            out,
            "natter on PostgreSQL and Redis (`--database-url`, `--redis-url`), Socket.IO with its Redis adapter (`REDIS_URL`); each with fresh engines on this machine. Every client must receive every message, whichever process its sender is on. Fan-out: {} messages/s in total, {} s; saturation: as fast as accepted, {} in flight per sender, {} s. CPU and peak RSS are both processes' together (not the engines').\n",
            fan_out.rate.unwrap_or_default(),
            fan_out.seconds,
            saturation.window,
            saturation.seconds
        );
        load_rows(
            &mut out,
            rows.iter().map(|(label, row)| (label.as_str(), row)),
        );
        let _ = writeln!(out);
    }
    if let Some((spec, rows)) = &results.shootout {
        let _ = writeln!(
            out,
            "## Shootout: +{} clients per step, {} broadcasts, {} in flight, stop at p95 > {} ms or a missed delivery\n",
            spec.step, spec.broadcasts, spec.in_flight, spec.limit_ms
        );
        let _ = writeln!(
            out,
            "| server | most clients passed | p95 round trip there, ms | stopped because |"
        );
        let _ = writeln!(out, "|---|---:|---:|---|");
        for row in rows {
            let _ = writeln!(
                out,
                "| {} | {} | {:.1} | {} |",
                row.server.label(),
                row.passed_clients,
                row.last_p95_ms,
                row.stopped
            );
        }
        let _ = writeln!(out, "\n![Shootout]({charts}/shootout.svg)\n");
    }
    if let Some((spec, row)) = &results.pair_shootout {
        let _ = writeln!(
            out,
            "## Shootout past one process's open-file limit: natter ×2, +{} clients per step
",
            spec.step
        );
        let _ = writeln!(
            out,
            "Two natter processes on PostgreSQL and Redis; the clients, each on either process in turn, held by {} harness processes, since one process may hold only so many connections. One sender on the first process, {} broadcasts per step, {} in flight; a step passes while every client gets every broadcast and, in every harness process, the 95th percentile from send to receipt stays within {} ms (across processes, so this is a delivery time, not the sender's own round trip).\n",
            crate::scenarios::pair_shootout::WORKERS,
            spec.broadcasts,
            spec.in_flight,
            spec.limit_ms
        );
        let _ = writeln!(
            out,
            "| server | most clients passed | p95 delivery there, ms | stopped because |"
        );
        let _ = writeln!(out, "|---|---:|---:|---|");
        let _ = writeln!(
            out,
            "| natter ×2 | {} | {:.1} | {} |\n",
            row.passed_clients, row.last_p95_ms, row.stopped
        );
    }
    if !results.idle.is_empty() {
        let _ = writeln!(out, "## Idle connections\n");
        let _ = writeln!(
            out,
            "| server | connections | KiB per connection | RSS before → after, MiB |"
        );
        let _ = writeln!(out, "|---|---:|---:|---|");
        for row in &results.idle {
            let _ = writeln!(
                out,
                "| {} | {} | {:.2} | {:.1} → {:.1} |",
                row.server.label(),
                row.connections,
                row.kib_per_connection,
                row.rss_mib[0],
                row.rss_mib[1]
            );
        }
        let _ = writeln!(out, "\n![Idle]({charts}/idle.svg)\n");
    }
    if let Some((spec, rows)) = &results.browser {
        crate::scenarios::browser::report(&mut out, spec, rows);
    }
    if let Some((raw, gzipped)) = results.wasm_bytes {
        let _ = writeln!(
            out,
            "## Web client\n\nRelease wasm: {:.0} KiB raw, {:.0} KiB gzipped.\n",
            raw as f64 / 1024.0,
            gzipped as f64 / 1024.0
        );
    }
    out
}

/// The table of a load scenario (fan-out, saturation, rooms): one row per server.
fn load_table(out: &mut String, rows: &[LoadResult]) {
    load_rows(out, rows.iter().map(|row| (row.server.label(), row)));
}

/// A load table whose rows are named by `label`.
fn load_rows<'a>(out: &mut String, rows: impl Iterator<Item = (&'a str, &'a LoadResult)>) {
    let _ = writeln!(
        out,
        "| server | deliveries/s | p50 ms | p99 ms | p99.9 ms | max ms | lost | duplicated | server CPU s | peak RSS MiB | disk fsync p99 / max ms |"
    );
    let _ = writeln!(
        out,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for (label, row) in rows {
        let [p50, p99, p999, max] = row.latency_ms;
        let [fsync_p99, fsync_max] = row.fsync_ms;
        let _ = writeln!(
            out,
            "| {} | {:.0} | {p50:.2} | {p99:.2} | {p999:.2} | {max:.2} | {} | {} | {:.2} | {:.1} | {fsync_p99:.1} / {fsync_max:.1} |",
            label,
            row.deliveries_per_second,
            row.lost,
            row.duplicated,
            row.cpu_seconds,
            row.peak_rss_mib
        );
    }
}

/// Draws the bar charts into `folder`.
pub fn charts(results: &Results, folder: &Path) -> Result<()> {
    std::fs::create_dir_all(folder)?;
    if let Some((_, rows)) = &results.fan_out {
        let bars: Vec<_> = rows
            .iter()
            .map(|r| (r.server.label(), r.latency_ms[1]))
            .collect();
        bar_chart(
            &folder.join("fan-out.svg"),
            "Fan-out: p99 latency (ms, lower is better)",
            &bars,
        )?;
    }
    if let Some((_, rows)) = &results.saturation {
        let bars: Vec<_> = rows
            .iter()
            .map(|r| (r.server.label(), r.deliveries_per_second))
            .collect();
        bar_chart(
            &folder.join("saturation.svg"),
            "Saturation: deliveries per second (higher is better)",
            &bars,
        )?;
    }
    if let Some((_, rows)) = &results.shootout {
        let bars: Vec<_> = rows
            .iter()
            .map(|r| (r.server.label(), r.passed_clients as f64))
            .collect();
        bar_chart(
            &folder.join("shootout.svg"),
            "Shootout: most clients passed (higher is better)",
            &bars,
        )?;
    }
    if !results.idle.is_empty() {
        let bars: Vec<_> = results
            .idle
            .iter()
            .map(|r| (r.server.label(), r.kib_per_connection))
            .collect();
        bar_chart(
            &folder.join("idle.svg"),
            "Idle: KiB per connection (lower is better)",
            &bars,
        )?;
    }
    Ok(())
}

fn bar_chart(path: &Path, title: &str, bars: &[(&str, f64)]) -> Result<()> {
    let root = SVGBackend::new(path, (640, 360)).into_drawing_area();
    root.fill(&WHITE)?;
    let top = bars
        .iter()
        .map(|(_, value)| *value)
        .fold(0.0, f64::max)
        .max(1e-9)
        * 1.15;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(16)
        .x_label_area_size(32)
        .y_label_area_size(72)
        .build_cartesian_2d((0..bars.len()).into_segmented(), 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_label_formatter(&|segment| match segment {
            SegmentValue::CenterOf(index) => bars
                .get(*index)
                .map_or(String::new(), |(label, _)| (*label).to_owned()),
            _ => String::new(),
        })
        .draw()?;
    let colors = [RGBColor(47, 111, 222), RGBColor(120, 130, 140)];
    chart.draw_series(bars.iter().enumerate().map(|(index, (_, value))| {
        let color = colors[index % colors.len()];
        Rectangle::new(
            [
                (SegmentValue::Exact(index), 0.0),
                (SegmentValue::Exact(index + 1), *value),
            ],
            color.filled(),
        )
    }))?;
    root.present()?;
    Ok(())
}
