//! One connection's messages take ids in the order it sent them.
//!
//! A connection keeps up to 32 appends waiting for the store at once, as
//! futures polled together. Were each to hand itself to the writer's queue
//! on its own, whichever was polled first would go first: a send held back
//! by a full queue, or by the task's cooperative budget, could be overtaken
//! by the one after it, and a sender's messages would be stored swapped.
//! [`SubmitOrder`] chains them instead: each hands its message to the
//! writer only once the one before it is in the queue.

use std::future::Future;

use tokio::sync::oneshot;

use crate::store::{Appended, HistoryStore, NewMessage, StoreError};

/// The chain of one connection's appends.
#[derive(Default)]
pub(crate) struct SubmitOrder {
    /// Resolves once the latest append is in the writer's queue (or has
    /// failed, or was dropped), releasing the next.
    latest: Option<oneshot::Receiver<()>>,
}

impl SubmitOrder {
    /// Stores `message` after every message this chain was given before it.
    pub(crate) fn append<'a>(
        &mut self,
        store: &'a dyn HistoryStore,
        message: NewMessage,
    ) -> impl Future<Output = Result<Appended, StoreError>> + Send + 'a {
        let before = self.latest.take();
        let (queued, after) = oneshot::channel::<()>();
        self.latest = Some(after);
        async move {
            if let Some(before) = before {
                // An error only means the one before is gone: go on.
                let _ = before.await;
            }
            let committing = store.submit(message).await;
            // In the queue (or refused): the next may go.
            drop(queued);
            committing?.await
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use parking_lot::Mutex;
    use std::time::Duration;

    use futures_util::StreamExt;
    use futures_util::future::BoxFuture;
    use futures_util::stream::FuturesOrdered;

    use super::*;
    use crate::store::{Action, AuthorId, Committing, StoredEntry, StoredMessage};

    /// A store whose queue takes each message after a delay that shrinks
    /// with its number: left alone, later messages would get in first.
    #[derive(Default)]
    struct SlowQueue {
        order: Mutex<Vec<String>>,
    }

    impl HistoryStore for SlowQueue {
        fn submit(&self, message: NewMessage) -> BoxFuture<'_, Result<Committing, StoreError>> {
            Box::pin(async move {
                let number: u64 = message.value.parse().unwrap();
                tokio::time::sleep(Duration::from_millis(100 - number)).await;
                let mut order = self.order.lock();
                order.push(message.value.clone());
                let id = order.len() as u64;
                Ok(Box::pin(async move { Ok(Appended { id }) }) as Committing)
            })
        }

        fn after<'a>(
            &'a self,
            _: &'a [String],
            _: u64,
            _: usize,
        ) -> BoxFuture<'a, Result<Vec<StoredEntry>, StoreError>> {
            unreachable!("not read")
        }

        fn before<'a>(
            &'a self,
            _: &'a [String],
            _: Option<u64>,
            _: usize,
        ) -> BoxFuture<'a, Result<Vec<StoredMessage>, StoreError>> {
            unreachable!("not read")
        }

        fn newest_id(&self) -> BoxFuture<'_, Result<u64, StoreError>> {
            unreachable!("not read")
        }

        fn close(&self) -> BoxFuture<'_, ()> {
            Box::pin(async {})
        }
    }

    fn numbered(number: u64) -> NewMessage {
        NewMessage {
            room: "lobby".to_owned(),
            author: "ada".to_owned(),
            author_id: AuthorId(1),
            value: number.to_string(),
            nonce: None,
            action: Action::Post,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn appends_in_flight_together_are_stored_in_the_order_sent() {
        let store = Arc::new(SlowQueue::default());
        let mut chain = SubmitOrder::default();
        let mut in_flight = FuturesOrdered::new();
        for number in 0..32 {
            in_flight.push_back(chain.append(store.as_ref(), numbered(number)));
        }
        let ids: Vec<u64> = in_flight.map(|outcome| outcome.unwrap().id).collect().await;
        let sent: Vec<String> = (0..32).map(|number: u64| number.to_string()).collect();
        assert_eq!(*store.order.lock(), sent);
        assert_eq!(ids, (1..=32).collect::<Vec<u64>>());
    }
}
