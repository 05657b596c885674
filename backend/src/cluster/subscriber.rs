//! The subscription: reads every other process's notices from Redis, on a
//! connection of its own, and hands each where it goes in this process.
//! When Redis drops it, or stops answering its pings, it reconnects (with
//! backoff) and resynchronizes presence; the gap filler, polling faster
//! meanwhile, keeps messages flowing from the database.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use super::account_ledger::Ledger;
use super::notice::{CHANNEL, Notice, Received, decode};
use super::redis_link::{COMMAND_TIMEOUT, RedisLink, no_answer};
use super::redis_roster::RedisRoster;
use super::sequencer::Sequencer;
use crate::delivery::hub::{Hub, Signal};

/// Where notices go.
pub(crate) struct Destinations {
    /// Committed entries.
    pub(crate) sequencer: Arc<Sequencer>,
    /// Account events and signals.
    pub(crate) hub: Arc<Hub>,
    /// Presence changes.
    pub(crate) roster: Arc<RedisRoster>,
    /// Which recorded account events were applied already.
    pub(crate) ledger: Arc<Ledger>,
}

/// The longest wait between two attempts to subscribe.
const MOST_BACKOFF: Duration = Duration::from_secs(2);

/// How often the subscription asks Redis for an answer. A subscribed
/// connection only listens, so on a quiet chat a connection that died
/// without closing would go unnoticed, and presence would stall, until the
/// kernel gave up on it (many minutes); a ping unanswered within
/// [`COMMAND_TIMEOUT`] ends it at once.
const PING_EVERY: Duration = Duration::from_secs(1);

/// Subscribes as `node` and delivers notices until `stop`.
pub(crate) async fn run(
    link: Arc<RedisLink>,
    node: String,
    to: Destinations,
    stop: CancellationToken,
) {
    let mut backoff = Duration::from_millis(100);
    let mut was_up = true;
    loop {
        match subscribe(&link, &to).await {
            Ok(pubsub) => {
                link.set_subscribed(true);
                info!("subscribed to Redis: notices from other processes flow");
                backoff = Duration::from_millis(100);
                was_up = true;
                let (mut sink, mut notices) = pubsub.split();
                let mut pings =
                    tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
                let error = loop {
                    tokio::select! {
                        () = stop.cancelled() => return,
                        message = notices.next() => match message {
                            Some(message) => deliver(&node, message.get_payload_bytes(), &to),
                            None => break "the connection closed".to_owned(),
                        },
                        _ = pings.tick() => if let Err(error) = ping(&mut sink).await {
                            break error.to_string();
                        },
                    }
                };
                link.set_subscribed(false);
                warn!(
                    %error,
                    "lost the Redis subscription: reading other processes' messages from the database until it is back"
                );
            }
            Err(error) => {
                if was_up {
                    warn!(%error, "cannot subscribe to Redis: reading other processes' messages from the database until it answers");
                }
                was_up = false;
            }
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(MOST_BACKOFF);
    }
}

/// A subscribed connection, with presence resynchronized: notices that
/// arrive meanwhile wait in the connection and are applied after.
async fn subscribe(link: &RedisLink, to: &Destinations) -> redis::RedisResult<redis::aio::PubSub> {
    let mut pubsub = link.subscriber().await?;
    pubsub.subscribe(CHANNEL).await?;
    to.roster.resync().await?;
    Ok(pubsub)
}

/// Whether Redis answers on the subscription's connection in time. While
/// the answer is awaited, notices keep arriving in the connection's queue.
async fn ping(sink: &mut redis::aio::PubSubSink) -> redis::RedisResult<()> {
    tokio::time::timeout(COMMAND_TIMEOUT, sink.ping::<redis::Value>())
        .await
        .unwrap_or_else(|_| Err(no_answer()))
        .map(drop)
}

fn deliver(node: &str, payload: &[u8], to: &Destinations) {
    match decode(node, payload) {
        Received::Own => {}
        Received::Notice(Notice::Committed { entries }) => to.sequencer.offer(entries),
        Received::Notice(Notice::Account { user, event, id }) => {
            if id.is_none_or(|id| to.ledger.admit(id)) {
                to.hub.notify(user, event);
            }
        }
        Received::Notice(Notice::Signal { room, skip, frame }) => to.hub.signal(
            &room,
            Signal {
                frame: frame.into(),
                skip,
            },
        ),
        Received::Notice(Notice::Presence { room, name, online }) => {
            to.roster.apply(&room, &name, online);
        }
        Received::Unreadable(error) => {
            warn!(%error, "a notice on the channel is not natter's: ignored");
        }
    }
}
