//! Typing beside a steady chat: 1,000 clients in the lobby that asked for
//! presence, 10 of them sending 100 messages/s in all, run once as it is and
//! once with 50 more connections typing all the time (a notice every
//! 250 ms each, which the server passes on at most every 2 s per
//! connection). The message latencies of the two runs side by side show
//! what typing costs the messages. Natter only: the peers have no typing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Result;
use futures_util::{SinkExt, StreamExt};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;

use super::load::{LoadResult, LoadSpec, drive};
use crate::client::connect;
use crate::fleet::{Fleet, Member};
use crate::servers::{Kind, Programs, Server};

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct TypingSpec {
    /// Clients in the lobby, all receiving, with presence.
    pub clients: usize,
    /// How many of them send messages.
    pub senders: usize,
    /// Messages per second, all senders together.
    pub rate: f64,
    /// Connections typing, beside the clients, in the second run.
    pub typists: usize,
    /// How long each run sends.
    pub seconds: f64,
}

/// How often a typist says it is typing: far more often than a page does
/// (every 3 s), so the server's own limit is what shapes the traffic.
const TYPING_EVERY: Duration = Duration::from_millis(250);

/// Runs `spec` without typists, then with them, each against a fresh
/// natter: the rows "quiet" and "typing".
pub async fn run(programs: &Programs, spec: TypingSpec) -> Result<Vec<(String, LoadResult)>> {
    let quiet = run_once(programs, spec, 0).await?;
    let typing = run_once(programs, spec, spec.typists).await?;
    Ok(vec![
        ("no one typing".to_owned(), quiet),
        (format!("{} typing", spec.typists), typing),
    ])
}

async fn run_once(programs: &Programs, spec: TypingSpec, typists: usize) -> Result<LoadResult> {
    let server = Server::start(Kind::Natter, programs)?;
    let mut fleet = Fleet::new(spec.senders, 1);
    fleet
        .grow_as(&server, spec.clients, |_| Member {
            query: "?presence=1",
            ..Member::default()
        })
        .await?;
    let stop = Arc::new(AtomicBool::new(false));
    let mut typing = JoinSet::new();
    for typist in 0..typists {
        let ws = connect(&server.ws_url(), server.addr, spec.clients + typist, None).await?;
        typing.spawn(keep_typing(ws, Arc::clone(&stop)));
    }
    let load = LoadSpec {
        clients: spec.clients,
        senders: spec.senders,
        rate: Some(spec.rate),
        seconds: spec.seconds,
        window: 1,
    };
    let rooms = vec![None; spec.senders];
    let result = drive(&[&server], fleet, load, &rooms, spec.clients).await;
    stop.store(true, Ordering::Relaxed);
    while typing.join_next().await.is_some() {}
    result
}

/// Says "typing" every [`TYPING_EVERY`] until `stop`, reading (and
/// dropping) whatever comes, as a page would.
async fn keep_typing(ws: crate::client::Ws, stop: Arc<AtomicBool>) {
    let (mut sink, mut stream) = ws.split();
    let reader = tokio::spawn(async move { while let Some(Ok(_)) = stream.next().await {} });
    let mut ticks = tokio::time::interval(TYPING_EVERY);
    while !stop.load(Ordering::Relaxed) {
        ticks.tick().await;
        let notice = Message::text(r#"{"type":"typing","params":{}}"#);
        if sink.send(notice).await.is_err() {
            break;
        }
    }
    let _ = sink.close().await;
    reader.abort();
}
