//! The writer half of a connection: the only place frames go out to a client.
//!
//! It sends the connection's own replies first (the welcome, acks, errors),
//! then history from the store, then live broadcasts. It remembers the newest
//! message id it has sent, so live frames that history already covered are
//! dropped, and a fall behind the live ring is filled from the store: the
//! client sees every message once, in order, with no hole.

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use tokio_util::sync::DropGuard;

use crate::connection::replay::{HistorySource, Resume, Step};
use crate::connection::replies::{Outbound, RepliesReceiver};
use crate::delivery::hub::Delivery;
use crate::delivery::subscriptions::{Live, Subscriptions};
use crate::live::room_signals::RoomSignals;
use crate::store::AuthorId;

/// How many frames are queued into the socket before one flush. Bounds the
/// latency a large backlog adds to the first frame of the next batch.
const MAX_BATCH: usize = 256;

/// Where a writer takes its frames from.
pub(crate) struct Sources {
    /// Who this connection is, to pick the own copies of its messages.
    pub(crate) reader: AuthorId,
    /// The rooms' live messages, merged in id order.
    pub(crate) live: Subscriptions,
    /// The newest id published before `live` was subscribed: every later id
    /// in its rooms arrives through it.
    pub(crate) live_after: u64,
    /// Replies and control from this connection's reader; checked first.
    pub(crate) outbox: RepliesReceiver,
    /// History, for the start and for catching up.
    pub(crate) history: HistorySource,
    /// Ephemeral events of the rooms, for connections that asked for them;
    /// taken only when nothing else is ready.
    pub(crate) signals: Option<Box<RoomSignals>>,
}

/// What the next frame to send is.
enum Next {
    Own(Outbound),
    Live(Delivery),
    Behind,
    Signal(Utf8Bytes),
}

/// The socket is gone; stop.
struct Gone;

/// Sends frames until the outbox closes, a close frame is sent, or the socket
/// fails (a client that accepts nothing for the write timeout fails it: see
/// [`crate::admission::guarded_stream`]). `_stopped` tells the reader when this task
/// ends, whatever the reason.
///
/// Not an `async fn`: one would keep its arguments in the task beside the
/// `Writer` made of them, for the connection's whole life, and every idle
/// client would pay for both.
pub(crate) fn run(
    sink: SplitSink<WebSocket, Message>,
    sources: Sources,
    resume: Resume,
    stopped: DropGuard,
) -> impl Future<Output = ()> + Send {
    let writer = Writer {
        sink,
        sources,
        last_sent: 0,
        unwritten_own_bytes: 0,
    };
    writer.serve_to_end(resume, stopped)
}

struct Writer {
    sink: SplitSink<WebSocket, Message>,
    sources: Sources,
    /// The newest message id sent to this client.
    last_sent: u64,
    /// Bytes of the reader's frames fed to the socket since the last flush;
    /// they count against the reader's budget until flushed.
    unwritten_own_bytes: usize,
}

impl Writer {
    async fn serve_to_end(mut self, resume: Resume, _stopped: DropGuard) {
        let _ = self.serve(resume).await;
    }

    async fn serve(&mut self, resume: Resume) -> Result<(), Gone> {
        // The welcome (queued before this task started) goes first.
        while let Some(outbound) = self.sources.outbox.try_next() {
            if self.send_own(outbound).await? {
                return Ok(());
            }
        }
        let rooms = self.sources.live.rooms();
        let (step, caught_up_to) = self
            .sources
            .history
            .start(&rooms, &resume, self.sources.live_after)
            .await;
        self.last_sent = caught_up_to;
        if self.send_step(step).await? {
            self.catch_up().await?;
        }
        self.flush().await?;

        // The reader closing the outbox is the signal to stop.
        while let Some(first) = self.next().await {
            let mut next = Some(first);
            let mut batched = 0;
            while let Some(item) = next.take() {
                match item {
                    Next::Own(outbound) => {
                        if self.send_own(outbound).await? {
                            return Ok(());
                        }
                    }
                    Next::Live(delivery) => self.send_live(&delivery).await?,
                    Next::Behind => self.catch_up().await?,
                    Next::Signal(frame) => self
                        .sink
                        .feed(Message::Text(frame))
                        .await
                        .map_err(|_| Gone)?,
                }
                batched += 1;
                if batched < MAX_BATCH {
                    next = self.try_next();
                }
            }
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes out everything fed so far, then gives the reader's frames
    /// among it back to the reader's budget.
    async fn flush(&mut self) -> Result<(), Gone> {
        self.sink.flush().await.map_err(|_| Gone)?;
        self.sources
            .outbox
            .written(std::mem::take(&mut self.unwritten_own_bytes));
        Ok(())
    }

    /// Sends one of the reader's frames. Returns true if it was the close.
    async fn send_own(&mut self, outbound: Outbound) -> Result<bool, Gone> {
        self.unwritten_own_bytes += outbound.bytes();
        let (message, closing) = match outbound {
            Outbound::Frame(frame) => (Message::Text(frame), false),
            Outbound::Join {
                room,
                frame,
                shown_up_to,
            } => {
                self.sources.live.add(&room);
                if let Some(signals) = &mut self.sources.signals {
                    signals.add(&room);
                }
                self.sink
                    .feed(Message::Text(frame))
                    .await
                    .map_err(|_| Gone)?;
                self.catch_up_joined(&room, shown_up_to).await?;
                return Ok(false);
            }
            Outbound::Leave(room, frame) => {
                self.sources.live.remove(&room);
                if let Some(signals) = &mut self.sources.signals {
                    signals.remove(&room);
                }
                (Message::Text(frame), false)
            }
            Outbound::Ping => (Message::Ping(Default::default()), false),
            Outbound::Close(frame) => (Message::Close(Some(frame)), true),
        };
        self.sink.feed(message).await.map_err(|_| Gone)?;
        if closing {
            let _ = self.flush().await;
        }
        Ok(closing)
    }

    async fn send_live(&mut self, delivery: &Delivery) -> Result<(), Gone> {
        // History already covered it.
        if delivery.id <= self.last_sent {
            return Ok(());
        }
        let frame = delivery.frame_for(self.sources.reader).clone();
        self.sink
            .feed(Message::Text(frame))
            .await
            .map_err(|_| Gone)?;
        self.last_sent = delivery.id;
        Ok(())
    }

    /// Sends one step of history. Returns whether more may follow.
    async fn send_step(&mut self, step: Step) -> Result<bool, Gone> {
        for frame in step.frames {
            self.sink
                .feed(Message::Text(frame.into()))
                .await
                .map_err(|_| Gone)?;
        }
        if let Some(newest) = step.newest {
            self.last_sent = self.last_sent.max(newest);
        }
        Ok(step.more)
    }

    /// Reads the store page by page from the last id sent until caught up.
    async fn catch_up(&mut self) -> Result<(), Gone> {
        let rooms = self.sources.live.rooms();
        loop {
            let step = self.sources.history.after(&rooms, self.last_sent).await;
            let more = self.send_step(step).await?;
            self.flush().await?;
            if !more {
                return Ok(());
            }
        }
    }

    /// A room joined while connected: what it received between the state
    /// the `joined` frame showed (`shown_up_to`) and the subscription was
    /// published before this connection listened to it. What of that is at
    /// or below the newest id sent goes now (the client's cursor does not
    /// move for it); what is above comes with every room's next ids, in
    /// order, as after a fall behind the ring.
    async fn catch_up_joined(&mut self, room: &str, shown_up_to: u64) -> Result<(), Gone> {
        let rooms = [room.to_owned()];
        let mut after = shown_up_to;
        while after < self.last_sent {
            let step = self
                .sources
                .history
                .between(&rooms, after, self.last_sent)
                .await;
            for frame in step.frames {
                self.sink
                    .feed(Message::Text(frame.into()))
                    .await
                    .map_err(|_| Gone)?;
            }
            match step.newest {
                Some(newest) if step.more => after = newest,
                _ => break,
            }
        }
        self.catch_up().await
    }

    /// Waits for the next frame; the reader's frames go before broadcasts.
    async fn next(&mut self) -> Option<Next> {
        let sources = &mut self.sources;
        tokio::select! {
            biased;
            outbound = sources.outbox.next() => outbound.map(Next::Own),
            live = sources.live.next() => live.map(Next::from),
            frame = next_signal(&mut sources.signals) => Some(Next::Signal(frame)),
        }
    }

    /// The next frame if one is ready now, without waiting.
    fn try_next(&mut self) -> Option<Next> {
        if let Some(outbound) = self.sources.outbox.try_next() {
            return Some(Next::Own(outbound));
        }
        if let Some(live) = self.sources.live.try_next() {
            return Some(Next::from(live));
        }
        self.sources
            .signals
            .as_mut()
            .and_then(|signals| signals.try_next())
            .map(Next::Signal)
    }
}

/// The next ephemeral event; never, for a connection without them. The
/// wait is boxed: it lives in every writer's task while it waits, and most
/// connections (every page that did not ask) would pay for its size.
async fn next_signal(signals: &mut Option<Box<RoomSignals>>) -> Utf8Bytes {
    match signals {
        Some(signals) => Box::pin(signals.next()).await,
        None => std::future::pending().await,
    }
}

impl From<Live> for Next {
    fn from(live: Live) -> Self {
        match live {
            Live::Message(delivery) => Next::Live(delivery),
            // A ring moved past this connection: fill the gap from the store.
            Live::Behind => Next::Behind,
        }
    }
}
