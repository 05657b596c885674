//! The load-generating clients: connecting (spread over several loopback
//! source addresses), the payload format, and counting what arrives.
//!
//! A payload is `nb <sender> <seq> <sent_ns>` in `value`, which every
//! server returns as sent (Natter adds fields around it; Socket.IO wraps
//! it in its own framing). Each receiver checks every sender's sequence
//! numbers, so it sees any loss or duplicate.
//!
//! Two protocols: natter's (which the Node `ws` peer relays as is), and
//! Socket.IO's (Engine.IO 4 over a WebSocket: a handshake after the
//! upgrade, `42[...]` event frames, and the server's pings answered).

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use anyhow::Result;
use futures_util::StreamExt;
use futures_util::stream::{SplitSink, SplitStream};
use hdrhistogram::Histogram;
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::{Notify, Semaphore, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{WebSocketStream, client_async_with_config};

/// One client connection.
pub type Ws = WebSocketStream<TcpStream>;

/// How a server frames chat messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `{"type":"message","params":{...}}` text frames (natter, Node `ws`).
    Natter,
    /// Socket.IO 4 over Engine.IO 4, WebSocket transport only.
    SocketIo,
}

/// A client's sending half: the socket's own (natter's protocol), or a
/// queue into a task that owns it (Socket.IO's, whose reader must also
/// answer the server's pings).
pub enum Sink {
    /// Writes straight to the socket.
    Direct(SplitSink<Ws, Message>),
    /// Writes through the socket's writer task.
    Queued(futures_channel::mpsc::UnboundedSender<Message>),
}

impl Sink {
    /// A queue into a task that writes to `direct` until every sender of
    /// the queue is gone, and a second sender for the reader's pongs.
    pub fn queued(direct: SplitSink<Ws, Message>) -> (Self, Self) {
        let (queue, frames) = futures_channel::mpsc::unbounded();
        tokio::spawn(frames.map(Ok).forward(direct));
        (Sink::Queued(queue.clone()), Sink::Queued(queue))
    }
}

fn closed<T>(_: T) -> tokio_tungstenite::tungstenite::Error {
    tokio_tungstenite::tungstenite::Error::ConnectionClosed
}

impl futures_util::Sink<Message> for Sink {
    type Error = tokio_tungstenite::tungstenite::Error;

    fn poll_ready(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        match self.get_mut() {
            Sink::Direct(sink) => std::pin::Pin::new(sink).poll_ready(cx),
            Sink::Queued(queue) => std::pin::Pin::new(queue).poll_ready(cx).map_err(closed),
        }
    }

    fn start_send(self: std::pin::Pin<&mut Self>, item: Message) -> Result<(), Self::Error> {
        match self.get_mut() {
            Sink::Direct(sink) => std::pin::Pin::new(sink).start_send(item),
            Sink::Queued(queue) => std::pin::Pin::new(queue).start_send(item).map_err(closed),
        }
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        match self.get_mut() {
            Sink::Direct(sink) => std::pin::Pin::new(sink).poll_flush(cx),
            Sink::Queued(queue) => std::pin::Pin::new(queue).poll_flush(cx).map_err(closed),
        }
    }

    fn poll_close(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        match self.get_mut() {
            Sink::Direct(sink) => std::pin::Pin::new(sink).poll_close(cx),
            Sink::Queued(queue) => std::pin::Pin::new(queue).poll_close(cx).map_err(closed),
        }
    }
}

/// How many loopback addresses clients spread over, so no single source
/// address runs out of ports.
const SOURCE_ADDRESSES: usize = 16;

/// Nanoseconds on the machine's monotonic clock: the same clock in every
/// process of the harness, so a payload stamped in one is timed in another.
pub fn now_ns() -> u64 {
    // CLOCK_MONOTONIC is always available on Linux.
    let now =
        nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC).expect("a monotonic clock");
    now.tv_sec() as u64 * 1_000_000_000 + now.tv_nsec() as u64
}

/// The frame a sender sends.
pub fn payload(protocol: Protocol, sender: u32, seq: u64) -> Message {
    payload_in(protocol, sender, seq, None)
}

/// The frame a sender sends, to `room` (the lobby when `None`; Socket.IO's
/// chat has no rooms).
pub fn payload_in(protocol: Protocol, sender: u32, seq: u64, room: Option<&str>) -> Message {
    let sent = now_ns();
    match protocol {
        Protocol::Natter => {
            let room = room.map_or(String::new(), |room| format!(r#","room":"{room}""#));
            Message::text(format!(
                r#"{{"type":"message","params":{{"value":"nb {sender} {seq} {sent}"{room}}}}}"#
            ))
        }
        Protocol::SocketIo => Message::text(format!(
            r#"42["message",{{"value":"nb {sender} {seq} {sent}"}}]"#
        )),
    }
}

/// Reads (sender, seq, sent_ns) out of a received frame, without a JSON parse
/// (the harness shares the machine with the server, so it must be cheap).
pub fn parse(text: &str) -> Option<(u32, u64, u64)> {
    let start = text.find("\"value\":\"nb ")? + "\"value\":\"nb ".len();
    let rest = &text[start..];
    let mut fields = rest[..rest.find('"')?].split(' ');
    Some((
        fields.next()?.parse().ok()?,
        fields.next()?.parse().ok()?,
        fields.next()?.parse().ok()?,
    ))
}

/// The loopback source address client (or account) number `index` uses.
pub fn source_address(index: usize) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 0, 1 + (index % SOURCE_ADDRESSES) as u8)
}

/// Opens client number `index` from one of the loopback source addresses,
/// as the account with session `bearer` if given (else as a guest).
pub async fn connect(
    url: &str,
    addr: SocketAddr,
    index: usize,
    bearer: Option<&str>,
) -> Result<Ws> {
    let source = source_address(index);
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((source, 0)))?;
    let stream = socket.connect(addr).await?;
    stream.set_nodelay(true)?;
    // Small buffers: thousands of idle clients live in this one process.
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let mut request = url.into_client_request()?;
    if let Some(token) = bearer {
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse()?);
    }
    let (ws, _) = client_async_with_config(request, stream, Some(config)).await?;
    Ok(ws)
}

/// Socket.IO's handshake on a fresh WebSocket: Engine.IO's open packet
/// (`0{...}`), then connecting to the main namespace (`40`, answered by
/// `40{...}`). From then on `io.emit` reaches this socket.
pub async fn socket_io_handshake(ws: &mut Ws) -> Result<()> {
    use futures_util::SinkExt;
    let open = next_text(ws).await?;
    anyhow::ensure!(
        open.starts_with('0'),
        "expected an open packet, got {open:?}"
    );
    ws.send(Message::text("40")).await?;
    loop {
        let reply = next_text(ws).await?;
        if reply.starts_with("40") {
            return Ok(());
        }
        anyhow::ensure!(reply == "2", "expected a namespace connect, got {reply:?}");
    }
}

/// The next text frame.
async fn next_text(ws: &mut Ws) -> Result<String> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => return Ok(text.as_str().to_owned()),
            Some(Ok(_)) => continue,
            Some(Err(error)) => return Err(error.into()),
            None => anyhow::bail!("closed during the Socket.IO handshake"),
        }
    }
}

/// What one receiver saw.
pub struct Tally {
    /// Frames with a payload.
    pub received: u64,
    /// Payloads seen twice, or from a sender it should not hear.
    pub duplicated: u64,
    /// Payloads skipped over (later sequence numbers arrived first).
    pub skipped: u64,
    /// The next sequence number expected from each sender.
    pub next_seq: Vec<u64>,
    /// Send-to-receive latency, in microseconds; made on the first payload,
    /// so idle clients cost nothing.
    pub latency: Option<Histogram<u64>>,
    /// The one sender it should hear (the sender of its room), or every
    /// sender when `None`.
    pub hears: Option<u32>,
}

/// Shared across all receivers of one run.
pub struct Shared {
    /// Payloads received by everyone, for the drain check.
    pub received: AtomicU64,
    /// Receivers ready (welcomed): the server has them subscribed.
    pub ready: AtomicUsize,
    /// Signalled as receivers become ready.
    pub ready_changed: Notify,
    /// Flipped to true to stop every receiver.
    pub stop: watch::Sender<bool>,
}

impl Shared {
    /// Fresh counters.
    pub fn new() -> Arc<Self> {
        Arc::new(Shared {
            received: AtomicU64::new(0),
            ready: AtomicUsize::new(0),
            ready_changed: Notify::new(),
            stop: watch::channel(false).0,
        })
    }
}

/// Who a receiver is.
pub struct Receiver {
    /// Number of senders in the run.
    pub senders: usize,
    /// Its own sender id and its in-flight window, if it sends.
    pub own: Option<(u32, Arc<Semaphore>)>,
    /// Where a sender also reports each round trip (µs), for per-step figures.
    pub round_trips: Option<Arc<parking_lot::Mutex<Vec<u64>>>>,
    /// Whether to wait for a first frame (Natter's welcome) before counting
    /// itself ready.
    pub wait_for_welcome: bool,
    /// The one sender it should hear, or every sender when `None`.
    pub hears: Option<u32>,
    /// Where it answers a Socket.IO server's pings (`2` with `3`); `None`
    /// for natter's protocol, whose pings the WebSocket library answers.
    pub pongs: Option<Sink>,
}

/// A latency histogram: microseconds up to a minute, 2 significant figures
/// (1% resolution) so that tens of thousands of clients fit in memory.
pub fn histogram() -> Histogram<u64> {
    // Constant, valid bounds: this cannot fail.
    Histogram::new_with_bounds(1, 60_000_000, 2).expect("valid histogram bounds")
}

/// Reads until told to stop (or the connection ends).
pub async fn receive(mut stream: SplitStream<Ws>, mut who: Receiver, shared: Arc<Shared>) -> Tally {
    let mut tally = Tally {
        received: 0,
        duplicated: 0,
        skipped: 0,
        next_seq: vec![0; who.senders],
        latency: None,
        hears: who.hears,
    };
    // One stop future for the whole loop: a fresh one per frame was a
    // measurable share of the harness's CPU (82% -> 60% of a core at 100,000
    // frames per second), CPU the server under test then lacked.
    let mut stop = shared.stop.subscribe();
    let stopped = stop.wait_for(|stop| *stop);
    tokio::pin!(stopped);
    let mut ready = !who.wait_for_welcome;
    if ready {
        shared.ready.fetch_add(1, Ordering::Relaxed);
        shared.ready_changed.notify_waiters();
    }
    loop {
        let message = tokio::select! {
            biased;
            message = stream.next() => message,
            _ = &mut stopped => break,
        };
        let Some(Ok(Message::Text(text))) = message else {
            if matches!(message, None | Some(Err(_))) {
                break;
            }
            continue;
        };
        if text.as_str() == "2"
            && let Some(pongs) = &mut who.pongs
        {
            use futures_util::SinkExt;
            let _ = pongs.send(Message::text("3")).await;
            continue;
        }
        if !ready {
            ready = true;
            shared.ready.fetch_add(1, Ordering::Relaxed);
            shared.ready_changed.notify_waiters();
        }
        let Some((sender, seq, sent_ns)) = parse(&text) else {
            continue;
        };
        // A message it should never have had (another room's) counts as
        // a duplicate: a delivery that should not have happened.
        if tally.hears.is_some_and(|heard| heard != sender) {
            tally.duplicated += 1;
            continue;
        }
        let Some(expected) = tally.next_seq.get_mut(sender as usize) else {
            continue;
        };
        tally.received += 1;
        shared.received.fetch_add(1, Ordering::Relaxed);
        match seq.cmp(expected) {
            std::cmp::Ordering::Less => tally.duplicated += 1,
            std::cmp::Ordering::Equal => *expected += 1,
            std::cmp::Ordering::Greater => {
                tally.skipped += seq - *expected;
                *expected = seq + 1;
            }
        }
        let micros = (now_ns().saturating_sub(sent_ns) / 1_000).max(1);
        tally
            .latency
            .get_or_insert_with(histogram)
            .saturating_record(micros);
        if let Some((own_id, window)) = &who.own
            && *own_id == sender
        {
            window.add_permits(1);
            if let Some(round_trips) = &who.round_trips {
                round_trips.lock().push(micros);
            }
        }
    }
    tally
}
