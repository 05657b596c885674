//! [`Feed`]: what a connection holds to receive a room's messages or an
//! account's events from the hub. It keeps the channel behind it (today
//! tokio's broadcast ring) out of every signature, so the hub can change
//! how it stores them without touching connection code.

use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

/// What a feed has next.
#[derive(Debug, PartialEq, Eq)]
pub enum Next<T> {
    /// The next item, in the order it was sent.
    Item(T),
    /// The feed moved on past items this reader had not taken yet: they are
    /// gone from it, and the reader must rebuild from the store.
    Missed,
    /// Nothing more will come (the hub is gone).
    Closed,
}

/// A subscription to one room's messages or one account's events.
#[derive(Debug)]
pub struct Feed<T> {
    receiver: broadcast::Receiver<T>,
}

impl<T: Clone> Feed<T> {
    pub(crate) fn new(receiver: broadcast::Receiver<T>) -> Self {
        Feed { receiver }
    }

    /// Waits for what comes next. Cancel-safe: an item is taken only when
    /// this returns it.
    pub(crate) async fn next(&mut self) -> Next<T> {
        match self.receiver.recv().await {
            Ok(item) => Next::Item(item),
            Err(RecvError::Lagged(_)) => Next::Missed,
            Err(RecvError::Closed) => Next::Closed,
        }
    }

    /// What is next if anything is there now; `None` when nothing is yet.
    pub fn try_next(&mut self) -> Option<Next<T>> {
        match self.receiver.try_recv() {
            Ok(item) => Some(Next::Item(item)),
            Err(TryRecvError::Lagged(_)) => Some(Next::Missed),
            Err(TryRecvError::Closed) => Some(Next::Closed),
            Err(TryRecvError::Empty) => None,
        }
    }
}
