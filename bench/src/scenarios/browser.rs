//! The web client in headless Chromium, as a person meets it: what a first
//! visit downloads (raw and as served) and how long until the first
//! message shows, and then, with 100, 1,000 and 10,000 messages received
//! in the open room, how long one's own message takes from Enter to the
//! list and someone else's from its sending to the list, and how many
//! elements the page holds. Everything is measured in the page (its own
//! clock, a `MutationObserver` on the list); nothing is asserted.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use e2e::{Browser, ChromeDriver};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::servers::{Kind, Programs, Server};

/// How long one measurement may take before its size is reported as not
/// reached: a list that slow is not usable.
const MEASURE_LIMIT: Duration = Duration::from_secs(120);

/// The sizes of one run.
#[derive(Debug, Clone)]
pub struct BrowserSpec {
    /// Messages received in the open room before each measurement.
    pub sizes: Vec<usize>,
    /// Measurements per size (the median is reported).
    pub repeats: usize,
    /// Cold page loads (the median is reported).
    pub loads: usize,
    /// How long filling the list to one size may take before that size is
    /// reported as not reached.
    pub fill_limit: Duration,
}

impl BrowserSpec {
    /// The published sizes: 100, 1,000 and 10,000 messages, five
    /// measurements each, five cold loads.
    pub fn published() -> Self {
        BrowserSpec {
            sizes: vec![100, 1_000, 10_000],
            repeats: 5,
            loads: 5,
            fill_limit: Duration::from_secs(600),
        }
    }
}

/// One file of the first visit.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Its name (hashes shortened).
    pub name: String,
    /// Its size unpacked.
    pub raw: u64,
    /// The bytes that crossed the wire.
    pub served: u64,
}

/// The measurements at one list length.
#[derive(Debug, Clone, Copy)]
pub struct AtSize {
    /// Messages received.
    pub received: usize,
    /// Enter to one's own message in the list, ms (median).
    pub own_ms: f64,
    /// Enter to one's own message shown as stored (the server's ack has
    /// given it its id), ms (median).
    pub own_confirmed_ms: f64,
    /// Someone else's message, from its sending to the list, ms (median).
    pub others_ms: f64,
    /// Elements in the page.
    pub dom_nodes: u64,
}

/// One build's results.
#[derive(Debug, Clone)]
pub struct BrowserRow {
    /// natter or natter-baseline.
    pub label: &'static str,
    /// The first visit's files.
    pub assets: Vec<Asset>,
    /// Navigation to the first message shown, cold cache, ms (median).
    pub first_message_cold_ms: f64,
    /// The same on a second visit (warm cache), ms (median).
    pub first_message_warm_ms: f64,
    /// Each size reached; a size the list did not reach in time is left out.
    pub sizes: Vec<AtSize>,
}

/// The results as Markdown.
pub fn report(out: &mut String, spec: &BrowserSpec, rows: &[BrowserRow]) {
    use std::fmt::Write as _;
    let _ = writeln!(out, "## The web client in headless Chromium\n");
    let _ = writeln!(
        out,
        "A first visit with nothing cached (median of {} loads): the files it downloads, unpacked and as they crossed the wire, and the time from navigation to the first message shown; then again with the cache warm. Then, with 100, 1,000 and 10,000 messages received live in the open room (median of {} each): Enter to one's own message in the list and to it shown as stored (acknowledged, with its id), someone else's message from its sending to the list, and the elements in the page. Measured in the page (a `MutationObserver` and the next frame), on the machine that runs the server; a size not reached within {} s is marked —.\n",
        spec.loads,
        spec.repeats,
        spec.fill_limit.as_secs()
    );
    let _ = writeln!(out, "| build | file | unpacked, KiB | over the wire, KiB |");
    let _ = writeln!(out, "|---|---|---:|---:|");
    for row in rows {
        for asset in &row.assets {
            let _ = writeln!(
                out,
                "| {} | {} | {:.1} | {:.1} |",
                row.label,
                asset.name,
                asset.raw as f64 / 1024.0,
                asset.served as f64 / 1024.0
            );
        }
        let (raw, served) = row.assets.iter().fold((0, 0), |(raw, served), asset| {
            (raw + asset.raw, served + asset.served)
        });
        let _ = writeln!(
            out,
            "| {} | **all** | {:.1} | {:.1} |",
            row.label,
            raw as f64 / 1024.0,
            served as f64 / 1024.0
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| build | first message, cold, ms | first message, warm, ms |"
    );
    let _ = writeln!(out, "|---|---:|---:|");
    for row in rows {
        let _ = writeln!(
            out,
            "| {} | {:.0} | {:.0} |",
            row.label, row.first_message_cold_ms, row.first_message_warm_ms
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| build | messages received | own: Enter to shown, ms | own: Enter to stored, ms | others': sent to shown, ms | elements in the page |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
    for row in rows {
        for &size in &spec.sizes {
            match row.sizes.iter().find(|at| at.received == size) {
                Some(at) => {
                    let _ = writeln!(
                        out,
                        "| {} | {} | {:.1} | {:.1} | {:.1} | {} |",
                        row.label, size, at.own_ms, at.own_confirmed_ms, at.others_ms, at.dom_nodes
                    );
                }
                None => {
                    let _ = writeln!(out, "| {} | {} | — | — | — | — |", row.label, size);
                }
            }
        }
    }
    let _ = writeln!(out);
}

/// Runs the scenario against `kind`, serving the web client in `web`.
pub async fn run(
    kind: Kind,
    programs: &Programs,
    web: &Path,
    spec: &BrowserSpec,
) -> Result<BrowserRow> {
    if !web.join("index.html").is_file() {
        bail!(
            "{} holds no built web client (trunk build --release)",
            web.display()
        );
    }
    let driver = ChromeDriver::start();
    let (assets, cold, warm) = first_visits(kind, programs, web, &driver, spec.loads).await?;
    let mut sizes = Vec::new();
    for &size in &spec.sizes {
        if let Some(measured) = at_size(kind, programs, web, &driver, size, spec).await? {
            sizes.push(measured);
        }
    }
    Ok(BrowserRow {
        label: kind.label(),
        assets,
        first_message_cold_ms: cold,
        first_message_warm_ms: warm,
        sizes,
    })
}

/// Loads the page `loads` times in fresh windows (nothing cached) and once
/// more in each (cached), on a server whose lobby has a message.
async fn first_visits(
    kind: Kind,
    programs: &Programs,
    web: &Path,
    driver: &ChromeDriver,
    loads: usize,
) -> Result<(Vec<Asset>, f64, f64)> {
    let server = Server::start_serving(kind, programs, web)?;
    let mut writer = Writer::connect(&server).await?;
    writer.say("first-visit").await?;
    let page = format!("http://{}/", server.addr);
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    let mut assets = Vec::new();
    for _ in 0..loads {
        let window = Browser::open(&driver.url(), "about:blank").await;
        window.goto(&page).await;
        cold.push(first_message_ms(&window).await?);
        assets = transferred(&window).await;
        window.goto("about:blank").await;
        window.goto(&page).await;
        warm.push(first_message_ms(&window).await?);
        window.close().await;
    }
    Ok((assets, median(&mut cold), median(&mut warm)))
}

/// Since navigation started, when a message first showed (ms, the page's clock).
async fn first_message_ms(window: &Browser) -> Result<f64> {
    let found = window
        .evaluate_async(
            "const done = arguments[arguments.length - 1];
             const look = () => document.querySelector('.messages [data-id]')
                 ? done(performance.now()) : requestAnimationFrame(look);
             look();",
            vec![],
        )
        .await;
    found.as_f64().context("a time")
}

/// The files of the page just loaded, as the browser's resource timing
/// tells them.
async fn transferred(window: &Browser) -> Vec<Asset> {
    let entries = window
        .evaluate(
            "return [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
                .filter(e => e.decodedBodySize > 0)
                .map(e => ({ name: new URL(e.name).pathname, raw: e.decodedBodySize, served: e.encodedBodySize }))",
            vec![],
        )
        .await;
    entries
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|entry| Asset {
                    name: short_name(entry["name"].as_str().unwrap_or("?")),
                    raw: entry["raw"].as_u64().unwrap_or(0),
                    served: entry["served"].as_u64().unwrap_or(0),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `/frontend-1a2b3c…_bg.wasm` as `frontend-…_bg.wasm`.
fn short_name(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.split_once('-') {
        Some((stem, rest)) if rest.len() > 8 => {
            let tail = rest.find(['_', '.']).map_or("", |at| &rest[at..]);
            format!("{stem}-…{tail}")
        }
        _ if name.is_empty() => "/ (index.html)".to_owned(),
        _ => name.to_owned(),
    }
}

/// Fills the lobby with `size` messages the open page receives live, then
/// measures; `None` if the page did not show them all in time.
async fn at_size(
    kind: Kind,
    programs: &Programs,
    web: &Path,
    driver: &ChromeDriver,
    size: usize,
    spec: &BrowserSpec,
) -> Result<Option<AtSize>> {
    let server = Server::start_serving(kind, programs, web)?;
    let window = Browser::open(&driver.url(), &format!("http://{}/", server.addr)).await;
    // A page made slow by a long list may take long to answer at all.
    window.set_script_timeout(MEASURE_LIMIT).await;
    wait_until(
        &window,
        "return !!document.querySelector('#message-input:not([disabled])')",
        Duration::from_secs(30),
    )
    .await?;
    let mut writer = Writer::connect(&server).await?;
    eprintln!(
        "browser, {}: filling the list with {size} messages",
        kind.label()
    );
    writer.fill(size).await?;
    let last = format!("fill-{}", size - 1);
    let shown = wait_until(
        &window,
        &format!(
            "return (document.querySelector('.messages')?.textContent ?? '').includes('{last}')"
        ),
        spec.fill_limit,
    )
    .await;
    if let Err(error) = shown {
        eprintln!(
            "browser, {}: {size} messages not shown: {error}",
            kind.label()
        );
        window.close().await;
        return Ok(None);
    }
    eprintln!("browser, {}: measuring at {size}", kind.label());
    let mut own = Vec::new();
    let mut own_confirmed = Vec::new();
    let mut others = Vec::new();
    for attempt in 0..spec.repeats {
        let mine = own_message_ms(&window, &format!("own-{size}-{attempt}")).await;
        let theirs = match &mine {
            Ok(_) => {
                writer
                    .others_ms(&window, &format!("theirs-{size}-{attempt}"))
                    .await
            }
            Err(_) => Err(anyhow::anyhow!("not measured")),
        };
        let (Ok(mine), Ok(theirs)) = (mine, theirs) else {
            eprintln!(
                "browser, {}: a measurement at {size} did not finish",
                kind.label()
            );
            window.close().await;
            return Ok(None);
        };
        own.push(mine.shown);
        own_confirmed.push(mine.stored);
        others.push(theirs);
    }
    let dom_nodes = window
        .try_evaluate("return document.getElementsByTagName('*').length", vec![])
        .await
        .ok()
        .and_then(|count| count.as_u64())
        .unwrap_or(0);
    window.close().await;
    Ok(Some(AtSize {
        received: size,
        own_ms: median(&mut own),
        own_confirmed_ms: median(&mut own_confirmed),
        others_ms: median(&mut others),
        dom_nodes,
    }))
}

/// One's own message, timed from Enter.
struct OwnTimes {
    /// To the list showing it (pending, if the client shows it at once).
    shown: f64,
    /// To the list showing it as stored: a row carrying the id the
    /// server's ack gave it.
    stored: f64,
}

/// Types `token` into the message box and presses Enter (submits), and
/// times until the list shows it, then until it shows it as stored, each
/// to the next frame the page could paint.
async fn own_message_ms(window: &Browser, token: &str) -> Result<OwnTimes> {
    let times = window
        .try_evaluate_async(
            "const [token, done] = [arguments[0], arguments[arguments.length - 1]];
             const list = document.querySelector('.messages');
             const input = document.querySelector('#message-input');
             input.value = token;
             input.dispatchEvent(new Event('input', { bubbles: true }));
             let started, shown = null, stored = null, seen = false, kept = false;
             const has = (node) => (node.textContent ?? '').includes(token);
             const storedIn = (node) => {
                 const el = node.nodeType === 1 ? node : node.parentElement;
                 if (!el) return false;
                 const row = el.closest('[data-id]');
                 if (row) return has(row);
                 return [...(el.querySelectorAll?.('[data-id]') ?? [])].some(has);
             };
             // A change inside a row (its id set, its text): that row only.
             const rowOf = (node) => {
                 const el = node.nodeType === 1 ? node : node.parentElement;
                 const row = el?.closest('[data-id]');
                 return !!row && has(row);
             };
             const finish = () => {
                 if (shown !== null && stored !== null) {
                     observer.disconnect();
                     done([shown, stored]);
                 }
             };
             const observer = new MutationObserver((changes) => {
                 if (!seen && changes.some((change) =>
                     [...change.addedNodes].some(has)
                     || (change.type === 'characterData' && has(change.target)))) {
                     seen = true;
                     requestAnimationFrame(() => { shown = performance.now() - started; finish(); });
                 }
                 if (!kept && changes.some((change) =>
                     [...change.addedNodes].some(storedIn) || rowOf(change.target))) {
                     kept = true;
                     requestAnimationFrame(() => { stored = performance.now() - started; finish(); });
                 }
             });
             observer.observe(list, { childList: true, subtree: true, characterData: true,
                                      attributes: true, attributeFilter: ['data-id'] });
             started = performance.now();
             input.form.requestSubmit();",
            vec![json!(token)],
        )
        .await
        .map_err(anyhow::Error::msg)?;
    let time = |at: usize| times.get(at).and_then(Value::as_f64).context("a time");
    Ok(OwnTimes {
        shown: time(0)?,
        stored: time(1)?,
    })
}

/// Polls `script` until it returns true, or fails after `limit`. A page
/// too busy to answer counts as "not yet".
async fn wait_until(window: &Browser, script: &str, limit: Duration) -> Result<()> {
    let started = Instant::now();
    while window.try_evaluate(script, vec![]).await != Ok(Value::Bool(true)) {
        if started.elapsed() > limit {
            bail!("gave up after {limit:?}: {script}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Ok(())
}

/// A second person in the lobby, over the protocol.
struct Writer {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    sent: u64,
}

impl Writer {
    async fn connect(server: &Server) -> Result<Self> {
        let (ws, _) = tokio_tungstenite::connect_async(format!("{}?name=writer", server.ws_url()))
            .await
            .context("the writer connects")?;
        let mut writer = Writer { ws, sent: 0 };
        writer.until(|frame| frame["type"] == "welcome").await?;
        Ok(writer)
    }

    /// Sends one message and waits for its ack.
    async fn say(&mut self, text: &str) -> Result<()> {
        let nonce = self.send(text).await?;
        self.until(|frame| frame["type"] == "ack" && frame["params"]["nonce"] == nonce.as_str())
            .await
    }

    async fn send(&mut self, text: &str) -> Result<String> {
        self.sent += 1;
        let nonce = format!("w-{}", self.sent);
        let frame = json!({ "type": "message", "params": { "value": text, "nonce": nonce } });
        self.ws.send(Message::text(frame.to_string())).await?;
        Ok(nonce)
    }

    /// Sends `count` messages, 32 at a time, each acknowledged.
    async fn fill(&mut self, count: usize) -> Result<()> {
        const IN_FLIGHT: usize = 32;
        let mut acked = 0;
        let mut sent = 0;
        while acked < count {
            while sent < count && sent - acked < IN_FLIGHT {
                self.send(&format!("fill-{sent}")).await?;
                sent += 1;
            }
            self.until(|frame| frame["type"] == "ack").await?;
            acked += 1;
        }
        Ok(())
    }

    /// Sends `token` and times until the page shows it: the page notes the
    /// moment on the shared wall clock.
    async fn others_ms(&mut self, window: &Browser, token: &str) -> Result<f64> {
        window
            .try_evaluate(
                "const token = arguments[0];
                 const list = document.querySelector('.messages');
                 const observer = new MutationObserver((changes) => {
                     if (changes.some((change) => [...change.addedNodes].some((node) => (node.textContent ?? '').includes(token)))) {
                         observer.disconnect();
                         requestAnimationFrame(() => { window.__shown = performance.timeOrigin + performance.now(); });
                     }
                 });
                 window.__shown = null;
                 observer.observe(list, { childList: true, subtree: true });",
                vec![json!(token)],
            )
            .await
            .map_err(anyhow::Error::msg)?;
        let sent_at = wall_ms();
        self.say(token).await?;
        let started = Instant::now();
        loop {
            let shown = window.try_evaluate("return window.__shown", vec![]).await;
            if let Some(shown) = shown.ok().and_then(|shown| shown.as_f64()) {
                return Ok(shown - sent_at);
            }
            if started.elapsed() > MEASURE_LIMIT {
                bail!("{token} never showed");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Reads frames until one passes `wanted`.
    async fn until(&mut self, wanted: impl Fn(&Value) -> bool) -> Result<()> {
        while let Some(frame) = self.ws.next().await {
            if let Message::Text(text) = frame? {
                let frame: Value = serde_json::from_str(&text)?;
                if wanted(&frame) {
                    return Ok(());
                }
            }
        }
        bail!("the writer's connection closed")
    }
}

fn wall_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64() * 1000.0)
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
