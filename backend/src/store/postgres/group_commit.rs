//! This process's PostgreSQL writer: the appends that arrive together go
//! in one transaction, under [`ID_ORDER_LOCK`] so that commit order is id
//! order (see the engine's doc).
//!
//! A batch costs two round trips whatever its size when it only adds
//! messages (see [`batch_rows`] and [`Pipelined`]), and three more per change,
//! so after an outage, when every outbox resends at once and batches fill
//! up, a batch still commits in milliseconds. Its time budget
//! ([`ANSWER_TIMEOUT`]) counts only the database's own work: the wait for
//! a pooled connection and for another process's turn at the lock are
//! bounded on their own ([`Connections::get`], [`LOCK_WAIT`]).
//!
//! [`batch_rows`]: super::batch_rows

use std::time::Duration;

use deadpool_postgres::ClientWrapper;
use tokio::sync::mpsc;

use super::ID_ORDER_LOCK;
use super::batch_rows::{Posts, as_earlier, change, earlier_of};
use super::connections::{ANSWER_TIMEOUT, Connections, IDLE_IN_TRANSACTION, waiting};
use super::pipelined::Pipelined;
use crate::store::settle::{MAX_BATCH, Outcome, Pending, retried_or_reused, settle, timed_async};
use crate::store::{Action, StoreError};
use crate::store::{cause, database};

/// How long the writer waits for another process's turn at the id-order
/// lock. A turn takes at most the other's budget; a process cut off while
/// holding it loses it after [`IDLE_IN_TRANSACTION`]. A wait longer than
/// both is a link gone silent, not a queue.
pub(crate) const LOCK_WAIT: Duration = IDLE_IN_TRANSACTION.saturating_add(ANSWER_TIMEOUT);

/// This process's writer: gathers what arrives together into one
/// transaction, until every sender is gone.
pub(super) async fn run(
    connections: Connections,
    mut queue: mpsc::Receiver<Pending>,
    on_commit: crate::store::OnCommit,
) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(pending) => batch.push(pending),
                Err(_) => break,
            }
        }
        let committed = timed_async(
            batch.len(),
            connections.answered(commit(&connections, &batch)),
        )
        .await
        .map_err(|error| match error {
            StoreError::Database(cause) => cause,
            other => cause(other),
        });
        settle(batch, committed, &on_commit);
    }
}

/// Stores a batch in one transaction, ids drawn under the order lock, in
/// the batch's order: a run of new messages goes in one statement, each
/// change on its own, since it may change a message posted just before it.
async fn commit(connections: &Connections, batch: &[Pending]) -> Result<Vec<Outcome>, StoreError> {
    let transaction = Pipelined::new(connections.get().await?);
    let written = write(connections, &transaction, batch).await;
    if written.is_err() {
        transaction.rollback().await;
    }
    written
}

/// Waits for another process's turn at the id-order lock to end. The
/// wait is not the database's work, so it is not counted in the budget;
/// bounded on its own, a wait past the bound is a silence like any other.
async fn wait_for_turn(
    connections: &Connections,
    client: &ClientWrapper,
) -> Result<(), StoreError> {
    let lock = client
        .prepare_cached("SELECT pg_advisory_xact_lock($1)")
        .await
        .map_err(database)?;
    waiting(tokio::time::timeout(
        LOCK_WAIT,
        client.execute(&lock, &[&ID_ORDER_LOCK]),
    ))
    .await
    .map_err(|_| {
        connections.suspect_all();
        database(format!(
            "no turn at the id-order lock within {} s",
            LOCK_WAIT.as_secs()
        ))
    })?
    .map_err(database)?;
    Ok(())
}

/// The batch's statements, inside `transaction`, which this commits.
async fn write(
    connections: &Connections,
    transaction: &Pipelined,
    batch: &[Pending],
) -> Result<Vec<Outcome>, StoreError> {
    let client = transaction.client();
    let try_lock = client
        .prepare_cached("SELECT pg_try_advisory_xact_lock($1)")
        .await
        .map_err(database)?;
    // Usually the lock is free: one round trip opens the transaction,
    // takes the lock and finds the nonces, all within the budget, so a
    // silent link is found out in time.
    let (_, locked, earlier) = tokio::try_join!(
        transaction.begin(),
        client.query_one(&try_lock, &[&ID_ORDER_LOCK]),
        earlier_of(client, batch),
    )
    .map_err(database)?;
    let mut earlier = if locked.get::<_, bool>(0) {
        earlier
    } else {
        wait_for_turn(connections, client).await?;
        // Looked up before the lock: another process may have stored one
        // of these nonces since.
        earlier_of(client, batch).await.map_err(database)?
    };
    let mut outcomes: Vec<Option<Outcome>> = batch.iter().map(|_| None).collect();
    let mut posts = Posts::default();
    for (index, Pending { message, .. }) in batch.iter().enumerate() {
        let key = message
            .nonce
            .as_ref()
            .map(|nonce| (message.author_id.0, nonce.clone()));
        // A retry of a message still waiting in the run needs its id: the
        // run goes first.
        if key.as_ref().is_some_and(|key| posts.holds(key)) {
            posts
                .store(client, batch, &mut outcomes, &mut earlier)
                .await
                .map_err(database)?;
        }
        if let Some((id, room, kind, target)) = key.as_ref().and_then(|key| earlier.get(key)) {
            outcomes[index] = Some(retried_or_reused((*id, room, *kind, *target), message));
            continue;
        }
        match message.action {
            Action::Post => posts.push(index, key),
            Action::Edit(target) | Action::Delete(target) => {
                posts
                    .store(client, batch, &mut outcomes, &mut earlier)
                    .await
                    .map_err(database)?;
                let outcome = change(client, message, target).await.map_err(database)?;
                if let (Some(key), Outcome::Stored(entry)) = (key, &outcome) {
                    earlier.insert(key, as_earlier(message, target, entry.id()));
                }
                outcomes[index] = Some(outcome);
            }
        }
    }
    // The last run goes out with the COMMIT behind it.
    transaction
        .commit_after(posts.store(client, batch, &mut outcomes, &mut earlier))
        .await
        .map_err(database)?;
    // Every append was decided above or by its run; were one not, the
    // batch would be answered as failed (and resent), never wrongly.
    outcomes
        .into_iter()
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| database("an append of the batch was left undecided"))
}
