//! The writer half of a connection: the only place frames go out to a client.

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use natter_shared::{ErrorCode, ServerFrame};
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::mpsc;
use tokio_util::sync::DropGuard;

use crate::hub::{ConnectionId, Delivery};

/// How many frames are queued into the socket before one flush. Bounds the
/// latency a large backlog adds to the first frame of the next batch.
const MAX_BATCH: usize = 256;

/// Frames meant for this connection alone, from its reader.
#[derive(Debug)]
pub enum Outbound {
    /// A pre-serialized frame (the welcome, or an error reply).
    Frame(Utf8Bytes),
    /// Send this close frame, then stop writing.
    Close(CloseFrame),
}

/// Where a writer takes its frames from.
pub struct Sources {
    /// This connection's id, to pick its own copy of its messages.
    pub connection: ConnectionId,
    /// Everything the hub broadcasts.
    pub deliveries: Receiver<Delivery>,
    /// Replies and control from this connection's reader; checked first.
    pub outbox: mpsc::Receiver<Outbound>,
}

/// Sends frames until the outbox closes, a close frame is sent, or the socket fails.
///
/// Frames that are ready together are fed into the socket and flushed once, so a
/// burst costs one write instead of one per frame. `_stopped` tells the reader
/// when this task ends, whatever the reason.
pub async fn run(
    mut sink: SplitSink<WebSocket, Message>,
    mut sources: Sources,
    _stopped: DropGuard,
) {
    while let Some(first) = sources.next().await {
        let mut next = Some(first);
        let mut batched = 0;
        while let Some(outbound) = next.take() {
            let closing = matches!(outbound, Outbound::Close(_));
            let message = match outbound {
                Outbound::Frame(frame) => Message::Text(frame),
                Outbound::Close(frame) => Message::Close(Some(frame)),
            };
            if sink.feed(message).await.is_err() {
                return;
            }
            if closing {
                let _ = sink.flush().await;
                return;
            }
            batched += 1;
            if batched < MAX_BATCH {
                next = sources.try_next();
            }
        }
        if sink.flush().await.is_err() {
            return;
        }
    }
}

impl Sources {
    /// Waits for the next frame; the reader's frames go before broadcasts.
    async fn next(&mut self) -> Option<Outbound> {
        tokio::select! {
            biased;
            outbound = self.outbox.recv() => outbound,
            delivery = self.deliveries.recv() => self.outbound_for(delivery),
        }
    }

    /// The next frame if one is ready now, without waiting.
    fn try_next(&mut self) -> Option<Outbound> {
        if let Ok(outbound) = self.outbox.try_recv() {
            return Some(outbound);
        }
        match self.deliveries.try_recv() {
            Ok(delivery) => self.outbound_for(Ok(delivery)),
            Err(TryRecvError::Lagged(skipped)) => {
                self.outbound_for(Err(RecvError::Lagged(skipped)))
            }
            Err(TryRecvError::Empty | TryRecvError::Closed) => None,
        }
    }

    fn outbound_for(&self, delivery: Result<Delivery, RecvError>) -> Option<Outbound> {
        match delivery {
            Ok(delivery) => Some(Outbound::Frame(delivery.frame_for(self.connection).clone())),
            // The broadcast ring moved past this connection: say so instead of
            // silently leaving a hole, and carry on from the oldest kept message.
            Err(RecvError::Lagged(skipped)) => Some(Outbound::Frame(lagged_frame(skipped))),
            Err(RecvError::Closed) => None,
        }
    }
}

fn lagged_frame(skipped: u64) -> Utf8Bytes {
    let message = format!(
        "your connection fell behind and {skipped} messages were skipped; the chat continues from here"
    );
    ServerFrame::error(ErrorCode::Lagged, message)
        .to_json()
        .into()
}
