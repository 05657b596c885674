//! The queue of frames one connection's reader hands its writer: the welcome,
//! acks, errors, history pages, pings and the close.
//!
//! Bounded in bytes, not frames, and never waited on: the reader must keep
//! watching its idle deadline, the shutdown signal and the close handshake
//! whatever the writer is doing, so it pushes without waiting and instead
//! stops reading the client's frames while the queue is over its budget. A
//! client that asks for more than it reads is paused, not buffered; if it
//! reads nothing at all, the write timeout ends it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::ws::{CloseFrame, Utf8Bytes};
use futures_channel::mpsc;
use futures_util::StreamExt;
use tokio::sync::Notify;

/// Bytes of replies one connection may have waiting (queued, or handed to the
/// WebSocket layer and not yet written to the socket) before its reader stops
/// reading its frames. One frame may go over it (a history page can be over a
/// MiB), so a connection holds at most this plus its largest frame.
pub(crate) const MAX_QUEUED_BYTES: usize = 1024 * 1024;

/// Frames meant for this connection alone, from its reader.
#[derive(Debug)]
pub(crate) enum Outbound {
    /// A pre-serialized frame (the welcome, an ack, an error, a history page).
    Frame(Utf8Bytes),
    /// A WebSocket ping, the heartbeat.
    Ping,
    /// Send this close frame, then stop writing.
    Close(CloseFrame),
    /// The account joined this room: subscribe to it, send the frame
    /// (`joined`, the room as the store had it up to the id `shown_up_to`),
    /// then what the room received since from the store, so nothing
    /// published before the subscription is missed; the rest arrives live.
    Join {
        room: String,
        frame: Utf8Bytes,
        shown_up_to: u64,
    },
    /// The account left this room: stop sending it, then send the frame (`left`).
    Leave(String, Utf8Bytes),
}

impl Outbound {
    /// What it counts against the budget.
    pub(crate) fn bytes(&self) -> usize {
        match self {
            Outbound::Frame(frame) | Outbound::Join { frame, .. } | Outbound::Leave(_, frame) => {
                frame.len()
            }
            Outbound::Ping => 0,
            Outbound::Close(frame) => frame.reason.len(),
        }
    }
}

/// The writer is gone, so nothing more can be sent.
#[derive(Debug)]
pub(crate) struct WriterGone;

/// The shared count of queued bytes.
#[derive(Debug, Default)]
struct Budget {
    /// Bytes pushed and not yet written to the socket.
    queued: AtomicUsize,
    /// Signalled when the writer brings the count from over the budget to under it.
    drained: Notify,
}

/// The reader's end.
#[derive(Debug)]
pub(crate) struct Replies {
    /// Unbounded in frames: the budget bounds it in bytes. Allocates per
    /// frame, so an idle connection costs no buffer.
    sender: mpsc::UnboundedSender<Outbound>,
    /// Shared with the writer's end.
    budget: Arc<Budget>,
}

/// The writer's end.
#[derive(Debug)]
pub(crate) struct RepliesReceiver {
    /// Frames in the order the reader pushed them.
    receiver: mpsc::UnboundedReceiver<Outbound>,
    /// Shared with the reader's end.
    budget: Arc<Budget>,
}

/// A new, empty queue.
pub(crate) fn channel() -> (Replies, RepliesReceiver) {
    let (sender, receiver) = mpsc::unbounded();
    let budget = Arc::new(Budget::default());
    (
        Replies {
            sender,
            budget: Arc::clone(&budget),
        },
        RepliesReceiver { receiver, budget },
    )
}

impl Replies {
    /// Queues a frame without waiting, whatever the budget: what the reader
    /// has already accepted work for (an ack, a refusal) is always answered;
    /// the budget is enforced by not reading more.
    pub(crate) fn push(&self, outbound: Outbound) -> Result<(), WriterGone> {
        let bytes = outbound.bytes();
        self.budget.queued.fetch_add(bytes, Ordering::AcqRel);
        self.sender.unbounded_send(outbound).map_err(|_| {
            self.budget.queued.fetch_sub(bytes, Ordering::AcqRel);
            WriterGone
        })
    }

    /// Whether the reader may read another frame from the client.
    pub(crate) fn has_room(&self) -> bool {
        self.budget.queued.load(Ordering::Acquire) < MAX_QUEUED_BYTES
    }

    /// Resolves once the queue is under its budget.
    pub(crate) async fn room(&self) {
        loop {
            // Registered before the check, so a drain in between is not missed.
            let drained = self.budget.drained.notified();
            if self.has_room() {
                return;
            }
            drained.await;
        }
    }

    #[cfg(test)]
    /// Bytes queued right now.
    pub(crate) fn queued_bytes(&self) -> usize {
        self.budget.queued.load(Ordering::Acquire)
    }
}

impl RepliesReceiver {
    /// The next frame, waiting for one; `None` once the reader has dropped its
    /// end. Its bytes count until [`RepliesReceiver::written`] says otherwise.
    pub(crate) async fn next(&mut self) -> Option<Outbound> {
        self.receiver.next().await
    }

    /// The next frame if one is queued now.
    pub(crate) fn try_next(&mut self) -> Option<Outbound> {
        self.receiver.try_recv().ok()
    }

    /// Frames of `bytes` in all (see [`Outbound::bytes`]) have been written
    /// to the socket: they no longer count.
    pub(crate) fn written(&self, bytes: usize) {
        if bytes == 0 {
            return;
        }
        let before = self.budget.queued.fetch_sub(bytes, Ordering::AcqRel);
        if before >= MAX_QUEUED_BYTES && before - bytes < MAX_QUEUED_BYTES {
            self.budget.drained.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(bytes: usize) -> Outbound {
        Outbound::Frame("x".repeat(bytes).into())
    }

    #[tokio::test]
    async fn the_budget_counts_bytes_and_wakes_the_reader_when_drained() {
        let (replies, mut receiver) = channel();
        replies.push(frame(MAX_QUEUED_BYTES - 1)).unwrap();
        assert!(replies.has_room());
        replies.push(frame(10)).unwrap();
        assert!(!replies.has_room(), "over the budget");
        assert_eq!(replies.queued_bytes(), MAX_QUEUED_BYTES + 9);

        let waiting = tokio::spawn(async move {
            replies.room().await;
            replies
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        let taken = receiver.try_next().unwrap();
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "taken is not yet written");
        receiver.written(taken.bytes());
        let replies = tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .expect("woken when the queue drains")
            .unwrap();
        assert!(replies.has_room());
        assert_eq!(replies.queued_bytes(), 10);
    }

    #[test]
    fn pushing_after_the_writer_left_fails_and_counts_nothing() {
        let (replies, receiver) = channel();
        drop(receiver);
        assert!(replies.push(frame(100)).is_err());
        assert_eq!(replies.queued_bytes(), 0);
    }
}
