//! This process's PostgreSQL writer: the appends that arrive together go
//! in one transaction, under [`ID_ORDER_LOCK`] so that commit order is id
//! order (see the engine's doc), each checked against its nonce and, for
//! an edit or delete, its target.

use tokio::sync::mpsc;
use tokio_postgres::Transaction;

use super::{ID_ORDER_LOCK, cursor};
use crate::process::clock::now_ms;
use crate::store::entry::{KIND_DELETE, KIND_EDIT, KIND_MESSAGE};
use crate::store::postgres::connections::Connections;
use crate::store::settle::{
    MAX_BATCH, Outcome, Pending, judge, retried_or_reused, settle, timed_async,
};
use crate::store::{Action, Entry, NewMessage, OnCommit, StoreError, Target};
use crate::store::{cause, database};

/// This process's writer: gathers what arrives together into one
/// transaction, until every sender is gone.
pub(super) async fn run(
    connections: Connections,
    mut queue: mpsc::Receiver<Pending>,
    on_commit: OnCommit,
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

/// Stores a batch in one transaction, ids drawn under the order lock.
async fn commit(connections: &Connections, batch: &[Pending]) -> Result<Vec<Outcome>, StoreError> {
    let mut client = connections.get().await?;
    let transaction = client.transaction().await.map_err(database)?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&ID_ORDER_LOCK])
        .await
        .map_err(database)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for Pending { message, .. } in batch {
        let outcome = store_one(&transaction, message).await.map_err(database)?;
        outcomes.push(outcome);
    }
    transaction.commit().await.map_err(database)?;
    Ok(outcomes)
}

async fn store_one(
    transaction: &Transaction<'_>,
    message: &NewMessage,
) -> Result<Outcome, tokio_postgres::Error> {
    if let Some(nonce) = &message.nonce {
        let earlier = transaction
            .query_opt(
                "SELECT id, room, kind, target FROM messages WHERE author_id = $1 AND nonce = $2",
                &[&message.author_id.0, nonce],
            )
            .await?;
        if let Some(row) = earlier {
            let room: &str = row.get(1);
            return Ok(retried_or_reused(
                (
                    row.get::<_, i64>(0) as u64,
                    room,
                    i64::from(row.get::<_, i16>(2)),
                    row.get(3),
                ),
                message,
            ));
        }
    }
    match message.action {
        Action::Post => {
            let timestamp = now_ms();
            let id = insert(transaction, message, timestamp, KIND_MESSAGE, None).await?;
            Ok(Outcome::Stored(Entry::Message(
                message.stored_as(id, timestamp),
            )))
        }
        Action::Edit(target) | Action::Delete(target) => change(transaction, message, target).await,
    }
}

/// Checks a change against its target (locked for the rest of the
/// transaction), then applies it and records it as a row of its own.
async fn change(
    transaction: &Transaction<'_>,
    change: &NewMessage,
    target: Target,
) -> Result<Outcome, tokio_postgres::Error> {
    let found = transaction
        .query_opt(
            "SELECT author_id, timestamp FROM messages
             WHERE id = $1 AND room = $2 AND kind = 0 AND deleted_at IS NULL FOR UPDATE",
            &[&cursor(target.id), &change.room],
        )
        .await?
        .map(|row| (row.get::<_, Option<i64>>(0), row.get::<_, i64>(1)));
    if let Err(refusal) = judge(found, change, target) {
        return Ok(Outcome::Refused(refusal));
    }
    let timestamp = now_ms();
    let kind = if matches!(change.action, Action::Delete(_)) {
        transaction
            .execute(
                "UPDATE messages SET value = '', deleted_at = $2 WHERE id = $1",
                &[&cursor(target.id), &timestamp],
            )
            .await?;
        KIND_DELETE
    } else {
        transaction
            .execute(
                "UPDATE messages SET value = $2, edited_at = $3 WHERE id = $1",
                &[&cursor(target.id), &change.value, &timestamp],
            )
            .await?;
        KIND_EDIT
    };
    let id = insert(transaction, change, timestamp, kind, Some(target.id)).await?;
    Ok(Outcome::Stored(Entry::from_change(
        change, target.id, id, timestamp,
    )))
}

/// Inserts one row and returns its id. A change's row keeps no text.
async fn insert(
    transaction: &Transaction<'_>,
    row: &NewMessage,
    timestamp: i64,
    kind: i64,
    target: Option<u64>,
) -> Result<u64, tokio_postgres::Error> {
    // The column is a SMALLINT; the kinds are 0 to 2.
    let kind = kind as i16;
    let value = if i64::from(kind) == KIND_MESSAGE {
        row.value.as_str()
    } else {
        ""
    };
    let inserted = transaction
        .query_one(
            "INSERT INTO messages (room, author, author_id, value, timestamp, nonce, kind, target)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            &[
                &row.room,
                &row.author,
                &row.author_id.0,
                &value,
                &timestamp,
                &row.nonce,
                &kind,
                &target.map(cursor),
            ],
        )
        .await?;
    Ok(inserted.get::<_, i64>(0) as u64)
}
