//! The fan-out seam: where committed messages and account events are
//! published so that every connection concerned receives them.
//!
//! Connections never publish and never learn which engine runs: they read
//! this process's [`Hub`] through [`Feed`](crate::delivery::feed::Feed)s. What varies
//! is how a publication reaches the hubs. In one process (the embedded
//! default) the hub is the whole fan-out: [`Hub`] implements [`FanOut`] by
//! sending into its own rings. With several processes, an engine publishes
//! to the shared broker instead, and each process's subscriber hands what it
//! receives to its own hub, in id order, filling any gap from the database.

pub mod feed;
pub mod hub;
pub(crate) mod subscriptions;

use futures_util::future::BoxFuture;

use crate::delivery::hub::{AccountEvent, Hub, Signal};
use crate::store::Committed;
use crate::store::accounts::UserId;

/// Publishes to every connection in a room, or of an account.
///
/// Contract, for every implementation:
/// - `publish` is called once per committed transaction, with its messages
///   in id order, after the commit and before any of them is acknowledged;
///   calls come from one thread at a time, in commit order.
/// - Each connection subscribed to a message's room receives it once, in id
///   order with the room's other messages; a connection that cannot keep up
///   is told it fell behind (and catches up from the store), never silently
///   skipped.
/// - A message of a room costs nothing for connections outside it.
/// - `notify` reaches every connection of the account that is live when it
///   is called; it is a hint to look at the store, which stays the truth.
pub trait FanOut: Send + Sync {
    /// Sends messages committed in one transaction to their rooms.
    fn publish(&self, committed: &[Committed]);
    /// Tells every live connection of `user` about `event`.
    fn notify(&self, user: UserId, event: AccountEvent);
    /// [`FanOut::notify`] for an event that changes what a connection may
    /// see (a room joined or left, a setting, sessions ended): done once
    /// the event is sure to reach every process, so a caller that answers
    /// after it answers only then. One process has nothing more to wait
    /// for.
    fn notify_durably(&self, user: UserId, event: AccountEvent) -> BoxFuture<'static, ()> {
        self.notify(user, event);
        Box::pin(std::future::ready(()))
    }
    /// Sends an ephemeral event to the connections in `room` that receive
    /// such events, but those of `signal.skip`. Never stored; a connection
    /// that falls behind may miss some, and is then sent the room's state
    /// afresh. It never delays a stored message.
    fn signal(&self, room: &str, signal: Signal);
}

/// One process: its hub is every connection there is.
impl FanOut for Hub {
    fn publish(&self, committed: &[Committed]) {
        self.broadcast(committed);
    }

    fn notify(&self, user: UserId, event: AccountEvent) {
        Hub::notify(self, user, event);
    }

    fn signal(&self, room: &str, signal: Signal) {
        Hub::signal(self, room, signal);
    }
}
