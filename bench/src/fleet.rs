//! A set of connected clients: some send, all receive.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::{Result, bail};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use hdrhistogram::Histogram;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::client::{
    Protocol, Receiver, Shared, Sink, Tally, connect, histogram, receive, socket_io_handshake,
};
use crate::servers::{Programs, Server};

/// Connections opened at once while building a fleet.
const CONNECT_BATCH: usize = 200;

/// The connected clients of one run.
pub struct Fleet {
    /// Sending halves; the first `senders` clients are the senders.
    pub sinks: Vec<Sink>,
    /// Each sender's in-flight window.
    pub windows: Vec<Arc<Semaphore>>,
    /// Counters every receiver shares.
    pub shared: Arc<Shared>,
    /// Round trips of sender 0's own messages, in µs.
    pub round_trips: Arc<parking_lot::Mutex<Vec<u64>>>,
    readers: Vec<JoinHandle<Tally>>,
    senders: usize,
}

/// Who one client is.
#[derive(Debug, Clone, Default)]
pub struct Member {
    /// The account's session token; a guest when `None`.
    pub bearer: Option<String>,
    /// The one sender it should hear, or every sender when `None`.
    pub hears: Option<u32>,
    /// Added to the WebSocket URL (`?presence=1`); empty for none.
    pub query: &'static str,
}

/// What a whole fleet saw.
pub struct Outcome {
    /// Payloads received, all receivers together.
    pub received: u64,
    /// Payloads received twice.
    pub duplicated: u64,
    /// Payloads some receiver never got.
    pub lost: u64,
    /// Send-to-receive latency, µs.
    pub latency: Histogram<u64>,
}

impl Fleet {
    /// An empty fleet with `senders` senders to come, each allowed `window`
    /// messages in flight.
    pub fn new(senders: usize, window: usize) -> Self {
        Fleet {
            sinks: Vec::new(),
            windows: (0..senders)
                .map(|_| Arc::new(Semaphore::new(window)))
                .collect(),
            shared: Shared::new(),
            round_trips: Arc::default(),
            readers: Vec::new(),
            senders,
        }
    }

    /// Connects `count` more guests and waits until the server has them all.
    pub async fn grow(&mut self, server: &Server, count: usize) -> Result<()> {
        self.grow_as(server, count, |_| Member::default()).await
    }

    /// Connects `count` more clients, client `index` as `member(index)`
    /// says, and waits until the server has them all.
    pub async fn grow_as(
        &mut self,
        server: &Server,
        count: usize,
        member: impl Fn(usize) -> Member,
    ) -> Result<()> {
        let url = server.ws_url();
        let protocol = server.kind.protocol();
        let first = self.sinks.len();
        let target = first + count;
        for batch_start in (first..target).step_by(CONNECT_BATCH) {
            let batch_end = (batch_start + CONNECT_BATCH).min(target);
            let mut connecting: FuturesUnordered<_> = (batch_start..batch_end)
                .map(|index| {
                    let url = url.clone();
                    let Member {
                        bearer,
                        hears,
                        query,
                    } = member(index);
                    async move {
                        let url = format!("{url}{query}");
                        let ws = match connect(&url, server.addr, index, bearer.as_deref()).await {
                            Ok(mut ws) if protocol == Protocol::SocketIo => {
                                socket_io_handshake(&mut ws).await.map(|()| ws)
                            }
                            other => other,
                        };
                        (index, ws, hears)
                    }
                })
                .collect();
            let mut opened = Vec::with_capacity(batch_end - batch_start);
            while let Some((index, ws, hears)) = connecting.next().await {
                opened.push((index, ws?, hears));
            }
            opened.sort_by_key(|(index, _, _)| *index);
            for (index, ws, hears) in opened {
                let (sink, stream) = ws.split();
                // Socket.IO's reader answers the server's pings, so it
                // shares the writer with the sender.
                let (sink, pongs) = match protocol {
                    Protocol::Natter => (Sink::Direct(sink), None),
                    Protocol::SocketIo => {
                        let (sink, pongs) = Sink::queued(sink);
                        (sink, Some(pongs))
                    }
                };
                let own = (index < self.senders)
                    .then(|| (index as u32, Arc::clone(&self.windows[index])));
                let who = Receiver {
                    senders: self.senders,
                    own,
                    round_trips: (index == 0).then(|| Arc::clone(&self.round_trips)),
                    wait_for_welcome: Programs::is_natter(server.kind),
                    hears,
                    pongs,
                };
                self.readers
                    .push(tokio::spawn(receive(stream, who, Arc::clone(&self.shared))));
                self.sinks.push(sink);
            }
        }
        // Natter subscribes a connection before it welcomes it: once every
        // client has a frame, nothing sent from now on can miss anyone.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while self.shared.ready.load(Ordering::Relaxed) < target {
            if tokio::time::Instant::now() > deadline {
                bail!(
                    "only {} of {target} clients became ready",
                    self.shared.ready.load(Ordering::Relaxed)
                );
            }
            let _ = tokio::time::timeout(
                Duration::from_millis(50),
                self.shared.ready_changed.notified(),
            )
            .await;
        }
        Ok(())
    }

    /// Clients connected.
    pub fn len(&self) -> usize {
        self.sinks.len()
    }

    /// Waits until `expected` payloads have arrived in total, or `patience`
    /// passes. Returns whether everything arrived.
    pub async fn drain(&self, expected: u64, patience: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + patience;
        while self.shared.received.load(Ordering::Relaxed) < expected {
            if tokio::time::Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        true
    }

    /// Stops every receiver and adds up what they saw; `sent[s]` is how many
    /// messages sender `s` sent.
    pub async fn finish(self, sent: &[u64]) -> Outcome {
        let _ = self.shared.stop.send(true);
        let mut outcome = Outcome {
            received: 0,
            duplicated: 0,
            lost: 0,
            latency: histogram(),
        };
        for reader in self.readers {
            let Ok(tally) = reader.await else { continue };
            outcome.received += tally.received;
            outcome.duplicated += tally.duplicated;
            outcome.lost += tally.skipped;
            for (sender, next) in tally.next_seq.iter().enumerate() {
                if tally.hears.is_some_and(|heard| heard as usize != sender) {
                    continue;
                }
                outcome.lost += sent.get(sender).copied().unwrap_or(0).saturating_sub(*next);
            }
            if let Some(latency) = &tally.latency {
                let _ = outcome.latency.add(latency);
            }
        }
        outcome
    }
}
