//! [`Relay`]: publishes this process's notices to the other processes,
//! from a task of its own, so the store's writer never waits for Redis.
//!
//! A notice that cannot be published (Redis down, or the queue full) is
//! dropped: the other processes find committed entries in the database
//! anyway (a gap, or their next poll), and the rest is ephemeral or a hint.

use std::sync::Arc;

use tokio::sync::mpsc;
use tracing::warn;

use super::notice::{CHANNEL, Notice, encode};
use super::outage::OutageLog;
use super::redis_link::RedisLink;

/// Notices waiting for Redis before new ones are dropped.
const QUEUE: usize = 4096;

/// Most notices sent in one round trip.
const BATCH: usize = 256;

/// The queue into the publishing task (a clone is another way into it).
#[derive(Clone)]
pub(crate) struct Relay {
    queue: mpsc::Sender<Notice>,
}

impl Relay {
    /// Starts publishing as `node`; the task ends when the relay (and every
    /// clone) is dropped.
    pub(crate) fn start(link: Arc<RedisLink>, node: String) -> Self {
        let (queue, notices) = mpsc::channel(QUEUE);
        tokio::spawn(publish(link, node, notices));
        Relay { queue }
    }

    /// Publishes `notice` soon, or drops it if too many wait.
    pub(crate) fn send(&self, notice: Notice) {
        if self.queue.try_send(notice).is_err() {
            warn!("too many notices wait for Redis: one dropped (the database has it)");
        }
    }
}

async fn publish(link: Arc<RedisLink>, node: String, mut notices: mpsc::Receiver<Notice>) {
    let mut outage = OutageLog::new(
        "cannot publish to Redis: other processes read the database instead",
        "Redis takes notices again",
    );
    let mut batch = Vec::with_capacity(BATCH);
    while notices.recv_many(&mut batch, BATCH).await > 0 {
        let mut pipe = redis::pipe();
        for notice in batch.drain(..) {
            pipe.publish(CHANNEL, encode(&node, &notice)).ignore();
        }
        let published = pipe.query_async::<()>(&mut link.commands()).await;
        link.drop_if_silent(&published);
        outage.record(published);
    }
}
