//! After an outage: clients on two natter processes send messages at the
//! fan-out scenario's rate (100 a second in all, from 1,000 clients, each
//! reaching all of them) and keep each one until it is acknowledged, resending it with
//! its nonce as the web client's outbox does (after a refusal, after a
//! reconnect, or when unanswered for a while). PostgreSQL is stopped for a
//! while and started again. Measured: how long after it is back the first
//! message is acknowledged, and how long until everything sent before it
//! was back is; checked from the database: every acknowledged message
//! stored once, under the id it was acknowledged with.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use futures_util::{SinkExt, StreamExt};
use parking_lot::Mutex;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use super::scale_out::Pair;
use crate::client;
use crate::servers::{Kind, Programs};

/// The sizes.
#[derive(Debug, Clone, Copy)]
pub struct RecoverySpec {
    /// Clients, half on each process.
    pub clients: usize,
    /// How often each sends a message.
    pub send_every: Duration,
    /// Sending before the outage, s.
    pub before_seconds: u64,
    /// How long PostgreSQL is down, s.
    pub outage_seconds: u64,
    /// Sending after it is back, s.
    pub after_seconds: u64,
}

impl RecoverySpec {
    /// 1,000 clients, a message every 10 s each; 5 s, a 10 s outage,
    /// 10 s; or small.
    pub fn new(smoke: bool) -> Self {
        if smoke {
            RecoverySpec {
                clients: 20,
                send_every: Duration::from_secs(1),
                before_seconds: 1,
                outage_seconds: 2,
                after_seconds: 2,
            }
        } else {
            RecoverySpec {
                clients: 1000,
                send_every: Duration::from_secs(10),
                before_seconds: 5,
                outage_seconds: 10,
                after_seconds: 10,
            }
        }
    }
}

/// One server's figures.
#[derive(Debug, Clone)]
pub struct RecoveryResult {
    /// Which build.
    pub server: Kind,
    /// Messages sent (each once, however often resent).
    pub sent: usize,
    /// Of them, acknowledged by the end.
    pub acknowledged: usize,
    /// From PostgreSQL back to the first acknowledgement, s.
    pub first_ack_seconds: f64,
    /// From PostgreSQL back until half, 99% and all of the messages sent
    /// before then were acknowledged, s.
    pub backlog_seconds: [f64; 3],
    /// Acknowledged but not in the database under that id.
    pub lost: usize,
    /// Stored more than once.
    pub doubled: usize,
}

/// An unanswered message is resent after this long.
const RESEND_AFTER: Duration = Duration::from_secs(5);

/// What every client records: each message's first send and its ack.
#[derive(Default)]
struct Log {
    /// nonce → (first sent, acknowledged at and id).
    messages: HashMap<String, (Instant, Option<(Instant, u64)>)>,
}

/// Runs the scenario against two fresh `kind` processes on fresh engines.
pub async fn run(kind: Kind, programs: &Programs, spec: RecoverySpec) -> Result<RecoveryResult> {
    let pair = Pair::start(kind, programs).await?;
    let log = Arc::new(Mutex::new(Log::default()));
    let start = Instant::now();
    let stop_sending =
        start + Duration::from_secs(spec.before_seconds + spec.outage_seconds + spec.after_seconds);
    let give_up = stop_sending + Duration::from_secs(60);
    let mut clients = Vec::new();
    for index in 0..spec.clients {
        let server = if index % 2 == 0 { &pair.one } else { &pair.two };
        clients.push(tokio::spawn(resending_client(
            server.addr,
            index,
            spec.send_every,
            Arc::clone(&log),
            stop_sending,
            give_up,
        )));
    }
    tokio::time::sleep_until(start + Duration::from_secs(spec.before_seconds)).await;
    let postgres = pair
        .postgres
        .as_ref()
        .context("natter runs on PostgreSQL")?;
    postgres.stop();
    tokio::time::sleep(Duration::from_secs(spec.outage_seconds)).await;
    postgres.start_again();
    let back = Instant::now();
    for client in clients {
        client.await??;
    }

    let stored = stored_nonces(&pair.database_url).await?;
    let log = log.lock();
    let acknowledged: Vec<(&String, Instant, u64)> = log
        .messages
        .iter()
        .filter_map(|(nonce, (_, ack))| ack.map(|(at, id)| (nonce, at, id)))
        .collect();
    let first_ack_seconds = acknowledged
        .iter()
        .filter(|(_, at, _)| *at >= back)
        .map(|(_, at, _)| (*at - back).as_secs_f64())
        .fold(f64::INFINITY, f64::min);
    let mut backlog: Vec<f64> = log
        .messages
        .values()
        .filter(|(sent, _)| *sent < back)
        .map(|(_, ack)| {
            ack.map_or(f64::INFINITY, |(at, _)| {
                at.saturating_duration_since(back).as_secs_f64()
            })
        })
        .collect();
    backlog.sort_by(f64::total_cmp);
    let share = |part: f64| {
        backlog
            .get(((backlog.len() as f64 * part).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or_default()
    };
    let backlog_seconds = [share(0.5), share(0.99), share(1.0)];
    let lost = acknowledged
        .iter()
        .filter(|(nonce, _, id)| stored.get(*nonce).is_none_or(|ids| !ids.contains(id)))
        .count();
    let doubled = stored.values().filter(|ids| ids.len() > 1).count();
    Ok(RecoveryResult {
        server: kind,
        sent: log.messages.len(),
        acknowledged: acknowledged.len(),
        first_ack_seconds,
        backlog_seconds,
        lost,
        doubled,
    })
}

/// Every row this scenario's nonces are stored under: nonce → ids.
async fn stored_nonces(database_url: &str) -> Result<HashMap<String, Vec<u64>>> {
    let (db, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let rows = db
        .query(
            "SELECT nonce, id FROM messages WHERE nonce LIKE 'rc-%'",
            &[],
        )
        .await?;
    let mut stored: HashMap<String, Vec<u64>> = HashMap::new();
    for row in rows {
        stored
            .entry(row.get(0))
            .or_default()
            .push(row.get::<_, i64>(1) as u64);
    }
    Ok(stored)
}

/// One client: a message every `send_every` until `stop_sending`, each kept in its
/// outbox until acknowledged; reconnects (as the same guest) whenever its
/// connection ends; stops once its outbox is empty, or at `give_up`.
async fn resending_client(
    addr: std::net::SocketAddr,
    index: usize,
    send_every: Duration,
    log: Arc<Mutex<Log>>,
    stop_sending: Instant,
    give_up: Instant,
) -> Result<()> {
    // nonce → (text, last sent).
    let mut outbox: BTreeMap<String, (String, Instant)> = BTreeMap::new();
    let mut token: Option<String> = None;
    let mut seq = 0u64;
    // Sends spread over the period, so the processes see a steady rate;
    // the outbox looked at every second.
    let spread = send_every.as_millis().max(1) as u64;
    let mut next_send = Instant::now() + Duration::from_millis((index as u64 * 7919) % spread);
    let mut tick = tokio::time::interval(Duration::from_secs(1).min(send_every));
    while Instant::now() < give_up {
        let query = token
            .as_ref()
            .map_or_else(String::new, |token| format!("?token={token}"));
        let url = format!("ws://{addr}/ws{query}");
        let Ok(ws) = client::connect(&url, addr, index, None).await else {
            // Refused (503 while cut off) or the process is busy: again soon.
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        };
        let (mut sink, mut stream) = ws.split();
        // Sends go through a task of their own, as a browser's socket
        // buffers them: a client blocked on a send while the server
        // waits for it to read its acks would stall both.
        let (outgoing, mut queued) = tokio::sync::mpsc::unbounded_channel::<Message>();
        let writer = tokio::spawn(async move {
            while let Some(message) = queued.recv().await {
                if sink.send(message).await.is_err() {
                    break;
                }
            }
        });
        // Whatever waits goes out again on the new connection.
        for (nonce, (text, sent)) in outbox.iter_mut() {
            *sent = Instant::now();
            let _ = outgoing.send(frame(text, nonce));
        }
        loop {
            if Instant::now() >= stop_sending && outbox.is_empty() {
                writer.abort();
                return Ok(());
            }
            tokio::select! {
                () = tokio::time::sleep_until(give_up) => return Ok(()),
                _ = tick.tick() => {
                    if Instant::now() < stop_sending && Instant::now() >= next_send {
                        next_send += send_every;
                        seq += 1;
                        let nonce = format!("rc-{index}-{seq}");
                        let text = format!("recovery {index} {seq}");
                        log.lock().messages.insert(nonce.clone(), (Instant::now(), None));
                        outbox.insert(nonce.clone(), (text.clone(), Instant::now()));
                        let _ = outgoing.send(frame(&text, &nonce));
                    }
                    for (nonce, (text, sent)) in outbox.iter_mut() {
                        if sent.elapsed() >= RESEND_AFTER {
                            *sent = Instant::now();
                            let _ = outgoing.send(frame(text, nonce));
                        }
                    }
                }
                read = stream.next() => {
                    let Some(Ok(Message::Text(text))) = read else {
                        if matches!(read, Some(Ok(_))) { continue; }
                        break;
                    };
                    // Everyone's messages: only this client's acks matter.
                    if text.starts_with(r#"{"type":"message""#) {
                        continue;
                    }
                    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                    let params = &value["params"];
                    match value["type"].as_str() {
                        Some("welcome") => {
                            if let Some(given) = params["token"].as_str() {
                                token = Some(given.to_owned());
                            }
                        }
                        Some("ack") => {
                            if let (Some(nonce), Some(id)) = (params["nonce"].as_str(), params["id"].as_u64())
                                && outbox.remove(nonce).is_some()
                                && let Some(entry) = log.lock().messages.get_mut(nonce)
                            {
                                entry.1 = Some((Instant::now(), id));
                            }
                        }
                        // Refused (the database is down): due again in a second.
                        Some("error") => {
                            if let Some(nonce) = params["nonce"].as_str()
                                && let Some(entry) = outbox.get_mut(nonce)
                            {
                                entry.1 = Instant::now()
                                    .checked_sub(RESEND_AFTER - Duration::from_secs(1))
                                    .unwrap_or_else(Instant::now);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        writer.abort();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

/// A message frame with its nonce.
fn frame(text: &str, nonce: &str) -> Message {
    Message::text(
        serde_json::json!({"type": "message", "params": {"value": text, "nonce": nonce}})
            .to_string(),
    )
}
