//! The account events several processes share (see
//! [`SharedLog`](crate::store::shared_log::SharedLog)): recorded under a
//! lock of their own, so their ids become visible in increasing order and
//! a reader that has seen id N never later finds one below it.

use crate::process::clock::now_ms;
use crate::store::shared_log::LoggedEvent;
use crate::store::{StoreError, database};

use super::{PgStore, cursor};

/// The advisory lock each event's transaction takes (any constant; this
/// one spells "nattevts").
pub const EVENT_ORDER_LOCK: i64 = 0x6e61_7474_6576_7473;

impl PgStore {
    pub(super) async fn record_event_now(
        &self,
        node: &str,
        account: i64,
        event: String,
    ) -> Result<u64, StoreError> {
        self.answered(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await.map_err(database)?;
            transaction
                .execute("SELECT pg_advisory_xact_lock($1)", &[&EVENT_ORDER_LOCK])
                .await
                .map_err(database)?;
            let row = transaction
                .query_one(
                    "INSERT INTO account_events (node, account_id, event, at)
                     VALUES ($1, $2, $3, $4) RETURNING id",
                    &[&node, &account, &event, &now_ms()],
                )
                .await
                .map_err(database)?;
            transaction.commit().await.map_err(database)?;
            Ok(row.get::<_, i64>(0) as u64)
        })
        .await
    }

    pub(super) async fn events_after_now(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        self.answered(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT id, node, account_id, event FROM account_events
                     WHERE id > $1 ORDER BY id LIMIT $2",
                    &[&cursor(after), &(limit as i64)],
                )
                .await
                .map_err(database)?;
            Ok(rows
                .iter()
                .map(|row| LoggedEvent {
                    id: row.get::<_, i64>(0) as u64,
                    node: row.get(1),
                    account: row.get(2),
                    event: row.get(3),
                })
                .collect())
        })
        .await
    }

    pub(super) async fn newest_event_now(&self) -> Result<u64, StoreError> {
        self.answered(async move {
            let client = self.client().await?;
            let row = client
                .query_one("SELECT COALESCE(MAX(id), 0) FROM account_events", &[])
                .await
                .map_err(database)?;
            Ok(row.get::<_, i64>(0) as u64)
        })
        .await
    }

    pub(super) async fn forget_events_before_now(&self, at: i64) -> Result<(), StoreError> {
        self.answered(async move {
            let client = self.client().await?;
            client
                .execute("DELETE FROM account_events WHERE at < $1", &[&at])
                .await
                .map_err(database)?;
            Ok(())
        })
        .await
    }
}
