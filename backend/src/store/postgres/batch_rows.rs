//! The rows of one writer batch, in a few statements whatever its size:
//! every nonce looked up at once, and each run of new messages inserted by
//! one statement over arrays. Every statement is prepared once per
//! connection and cached. Each runs inside the writer's transaction, which
//! holds the id-order lock.

use std::collections::HashMap;

use deadpool_postgres::ClientWrapper;

use super::cursor;
use crate::process::clock::now_ms;
use crate::store::entry::{KIND_DELETE, KIND_EDIT, KIND_MESSAGE};
use crate::store::settle::{Outcome, Pending, judge};
use crate::store::{Action, Entry, NewMessage, Target};

/// An author and a nonce: what makes an append a retry.
pub(super) type NonceKey = (i64, String);

/// What an author's nonce was stored as: id, room, kind and target, the
/// shape [`crate::store::settle::retried_or_reused`] judges.
pub(super) type Earlier = HashMap<NonceKey, (u64, String, i64, Option<i64>)>;

/// The batch's nonces already stored (by an earlier batch, of this process
/// or another), in one statement.
pub(super) async fn earlier_of(
    client: &ClientWrapper,
    batch: &[Pending],
) -> Result<Earlier, tokio_postgres::Error> {
    let (authors, nonces): (Vec<i64>, Vec<&str>) = batch
        .iter()
        .filter_map(|pending| {
            let message = &pending.message;
            Some((message.author_id.0, message.nonce.as_deref()?))
        })
        .unzip();
    if nonces.is_empty() {
        return Ok(Earlier::new());
    }
    // The join's equalities let the planner use the partial unique index
    // on (author_id, nonce).
    let statement = client
        .prepare_cached(
            "SELECT m.author_id, m.nonce, m.id, m.room, m.kind, m.target
             FROM unnest($1::BIGINT[], $2::TEXT[]) AS k(author_id, nonce)
             JOIN messages m ON m.author_id = k.author_id AND m.nonce = k.nonce",
        )
        .await?;
    let rows = client.query(&statement, &[&authors, &nonces]).await?;
    Ok(rows
        .iter()
        .map(|row| {
            (
                (row.get::<_, i64>(0), row.get::<_, String>(1)),
                (
                    row.get::<_, i64>(2) as u64,
                    row.get::<_, String>(3),
                    i64::from(row.get::<_, i16>(4)),
                    row.get::<_, Option<i64>>(5),
                ),
            )
        })
        .collect())
}

/// A run of new messages waiting to be inserted together: their places in
/// the batch, and their nonces.
#[derive(Default)]
pub(super) struct Posts {
    indices: Vec<usize>,
    keys: Vec<NonceKey>,
}

impl Posts {
    /// Adds the batch's `index`th append, a new message.
    pub(super) fn push(&mut self, index: usize, key: Option<NonceKey>) {
        self.indices.push(index);
        self.keys.extend(key);
    }

    /// Whether a message of the run has this author and nonce.
    pub(super) fn holds(&self, key: &NonceKey) -> bool {
        self.keys.contains(key)
    }

    /// Inserts the run in one statement, ids in the run's order, decides
    /// each one's outcome and records its nonce; leaves the run empty.
    pub(super) async fn store(
        &mut self,
        client: &ClientWrapper,
        batch: &[Pending],
        outcomes: &mut [Option<Outcome>],
        earlier: &mut Earlier,
    ) -> Result<(), tokio_postgres::Error> {
        if self.indices.is_empty() {
            return Ok(());
        }
        let messages: Vec<&NewMessage> = self
            .indices
            .iter()
            .map(|index| &batch[*index].message)
            .collect();
        let rooms: Vec<&str> = messages.iter().map(|m| m.room.as_str()).collect();
        let authors: Vec<&str> = messages.iter().map(|m| m.author.as_str()).collect();
        let author_ids: Vec<i64> = messages.iter().map(|m| m.author_id.0).collect();
        let values: Vec<&str> = messages.iter().map(|m| m.value.as_str()).collect();
        let nonces: Vec<Option<&str>> = messages.iter().map(|m| m.nonce.as_deref()).collect();
        let timestamp = now_ms();
        let count = messages.len() as i64;
        // The run's ids are reserved at once (the lock keeps anyone else
        // from drawing meanwhile), the CTE evaluated once since it calls
        // volatile functions; row `place` takes the `place`th.
        let insert = client
            .prepare_cached(
                "WITH reserved AS (
                     SELECT setval(pg_get_serial_sequence('messages', 'id'),
                                   nextval(pg_get_serial_sequence('messages', 'id')) + $7 - 1)
                            - $7 + 1 AS first
                 )
                 INSERT INTO messages (id, room, author, author_id, value, timestamp, nonce, kind)
                 SELECT reserved.first + r.place - 1, r.room, r.author, r.author_id, r.value,
                        $6, r.nonce, 0
                 FROM reserved,
                      unnest($1::TEXT[], $2::TEXT[], $3::BIGINT[], $4::TEXT[], $5::TEXT[])
                          WITH ORDINALITY AS r(room, author, author_id, value, nonce, place)
                 RETURNING id",
            )
            .await?;
        let mut ids: Vec<u64> = client
            .query(
                &insert,
                &[
                    &rooms,
                    &authors,
                    &author_ids,
                    &values,
                    &nonces,
                    &timestamp,
                    &count,
                ],
            )
            .await?
            .iter()
            .map(|row| row.get::<_, i64>(0) as u64)
            .collect();
        // Ids follow the places; RETURNING's order is not promised.
        ids.sort_unstable();
        for (index, id) in self.indices.iter().zip(ids) {
            let message = &batch[*index].message;
            if let Some(nonce) = &message.nonce {
                earlier.insert(
                    (message.author_id.0, nonce.clone()),
                    (id, message.room.clone(), KIND_MESSAGE, None),
                );
            }
            outcomes[*index] = Some(Outcome::Stored(Entry::Message(
                message.stored_as(id, timestamp),
            )));
        }
        self.indices.clear();
        self.keys.clear();
        Ok(())
    }
}

/// What a stored change's nonce is recorded as, for a retry later in the
/// same batch.
pub(super) fn as_earlier(
    change: &NewMessage,
    target: Target,
    id: u64,
) -> (u64, String, i64, Option<i64>) {
    let kind = match change.action {
        Action::Delete(_) => KIND_DELETE,
        _ => KIND_EDIT,
    };
    (id, change.room.clone(), kind, Some(cursor(target.id)))
}

/// Checks a change against its target (locked for the rest of the
/// transaction), then applies it and records it as a row of its own.
pub(super) async fn change(
    client: &ClientWrapper,
    change: &NewMessage,
    target: Target,
) -> Result<Outcome, tokio_postgres::Error> {
    let find = client
        .prepare_cached(
            "SELECT author_id, timestamp FROM messages
             WHERE id = $1 AND room = $2 AND kind = 0 AND deleted_at IS NULL FOR UPDATE",
        )
        .await?;
    let found = client
        .query_opt(&find, &[&cursor(target.id), &change.room])
        .await?
        .map(|row| (row.get::<_, Option<i64>>(0), row.get::<_, i64>(1)));
    if let Err(refusal) = judge(found, change, target) {
        return Ok(Outcome::Refused(refusal));
    }
    let timestamp = now_ms();
    let kind = if matches!(change.action, Action::Delete(_)) {
        let delete = client
            .prepare_cached("UPDATE messages SET value = '', deleted_at = $2 WHERE id = $1")
            .await?;
        client
            .execute(&delete, &[&cursor(target.id), &timestamp])
            .await?;
        KIND_DELETE
    } else {
        let edit = client
            .prepare_cached("UPDATE messages SET value = $2, edited_at = $3 WHERE id = $1")
            .await?;
        client
            .execute(&edit, &[&cursor(target.id), &change.value, &timestamp])
            .await?;
        KIND_EDIT
    };
    // A change's own row keeps no text.
    let record = client
        .prepare_cached(
            "INSERT INTO messages (room, author, author_id, value, timestamp, nonce, kind, target)
             VALUES ($1, $2, $3, '', $4, $5, $6, $7) RETURNING id",
        )
        .await?;
    // The column is a SMALLINT; the kinds are 0 to 2.
    let kind_column = kind as i16;
    let id = client
        .query_one(
            &record,
            &[
                &change.room,
                &change.author,
                &change.author_id.0,
                &timestamp,
                &change.nonce,
                &kind_column,
                &cursor(target.id),
            ],
        )
        .await?
        .get::<_, i64>(0) as u64;
    Ok(Outcome::Stored(Entry::from_change(
        change, target.id, id, timestamp,
    )))
}
