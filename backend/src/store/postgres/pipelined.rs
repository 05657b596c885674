//! [`Pipelined`]: a transaction whose statements go out without waiting
//! for each other's answers, so a writer batch costs two round trips: the
//! `BEGIN`, the lock and the lookup in one, the rows and the `COMMIT` in
//! the other. (tokio-postgres sends requests in the order they are first
//! polled, on one connection, and PostgreSQL runs them in that order.)
//!
//! tokio-postgres's own transaction waits for its `BEGIN`, and its
//! `COMMIT` cannot go out beside a statement still borrowing it; so this
//! one is opened and ended by hand, and a connection whose transaction
//! was neither committed nor rolled back is closed, never pooled.

use std::sync::atomic::{AtomicBool, Ordering};

use deadpool_postgres::{ClientWrapper, Object};

/// A pooled connection inside a transaction it began.
pub(super) struct Pipelined {
    /// `None` only while dropping.
    client: Option<Object>,
    /// Whether the transaction ended cleanly (committed, or rolled back):
    /// only then does the connection go back to the pool.
    ended: AtomicBool,
}

impl Pipelined {
    /// `client`, about to send `BEGIN` (see [`Pipelined::begin`]).
    pub(super) fn new(client: Object) -> Self {
        Pipelined {
            client: Some(client),
            ended: AtomicBool::new(false),
        }
    }

    /// The connection, for statements inside the transaction.
    pub(super) fn client(&self) -> &ClientWrapper {
        // Taken only by `Drop`, after every use.
        self.client.as_ref().expect("taken only when dropped")
    }

    /// Sends `BEGIN`: poll it first among the statements sent with it.
    pub(super) async fn begin(&self) -> Result<(), tokio_postgres::Error> {
        self.client().batch_execute("BEGIN").await
    }

    /// Sends `COMMIT` right behind `last` (the transaction's last
    /// statement), without waiting for `last`'s answer. If `last` fails,
    /// PostgreSQL ends the transaction with a rollback instead, and
    /// `last`'s error is returned.
    pub(super) async fn commit_after<T>(
        &self,
        last: impl Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, tokio_postgres::Error> {
        let (answer, committed) = tokio::join!(last, self.client().batch_execute("COMMIT"));
        let answer = answer?;
        committed?;
        self.ended.store(true, Ordering::Relaxed);
        Ok(answer)
    }

    /// Rolls back after an error.
    pub(super) async fn rollback(&self) {
        if self.client().batch_execute("ROLLBACK").await.is_ok() {
            self.ended.store(true, Ordering::Relaxed);
        }
    }
}

impl Drop for Pipelined {
    /// Not ended cleanly (given up midway, or failed to end): closing the
    /// connection ends the transaction on the server, and nobody reuses a
    /// connection in an unknown state.
    fn drop(&mut self) {
        if !self.ended.load(Ordering::Relaxed)
            && let Some(client) = self.client.take()
        {
            drop(Object::take(client));
        }
    }
}
