//! [`AccountStore`] for [`PgStore`]: accounts and sessions, shared by every
//! process, so a session made on one works on all.

use std::collections::HashSet;

use futures_util::future::BoxFuture;
use natter_shared::LOBBY;
use tokio_postgres::Row;
use tokio_postgres::error::SqlState;

use crate::process::clock::now_ms;
use crate::store::StoreError;
use crate::store::accounts::{
    AccountStore, CreateError, NameKey, TokenHash, User, UserId, UserSummary,
};
use crate::store::database;
use crate::store::postgres::PgStore;

/// A session is renewed only when it would end this much sooner than a
/// renewal would make it: at most one write a day per session.
const RENEW_STEP_MS: i64 = 24 * 60 * 60 * 1000;

/// Sessions checked in one statement by [`AccountStore::live_sessions`].
const LIVE_SESSIONS_PER_QUERY: usize = 4096;

fn user(row: &Row) -> User {
    User {
        id: UserId(row.get(0)),
        name: row.get(1),
        password_hash: row.get(2),
        preferences: row.get(3),
    }
}

/// Adds a membership whose marker starts at the room's newest message.
pub(super) async fn add_member(
    client: &tokio_postgres::Transaction<'_>,
    room: &str,
    user: UserId,
) -> Result<(), tokio_postgres::Error> {
    client
        .execute(
            "INSERT INTO memberships (room, user_id, last_read, joined_at)
             VALUES ($1, $2, (SELECT COALESCE(MAX(id), 0) FROM messages WHERE room = $1), $3)
             ON CONFLICT DO NOTHING",
            &[&room, &user.0, &now_ms()],
        )
        .await
        .map(drop)
}

impl AccountStore for PgStore {
    fn create_user<'a>(
        &'a self,
        name: &'a str,
        name_key: &'a str,
        password_hash: &'a str,
    ) -> BoxFuture<'a, Result<UserId, CreateError>> {
        Box::pin(self.answered(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await.map_err(database)?;
            let inserted = transaction
                .query_one(
                    "INSERT INTO users (name, name_key, password_hash, created_at)
                     VALUES ($1, $2, $3, $4) RETURNING id",
                    &[&name, &name_key, &password_hash, &now_ms()],
                )
                .await;
            let user = match inserted {
                Ok(row) => UserId(row.get(0)),
                Err(error) if error.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                    return Err(CreateError::NameTaken);
                }
                Err(error) => return Err(database(error).into()),
            };
            add_member(&transaction, LOBBY, user)
                .await
                .map_err(database)?;
            transaction.commit().await.map_err(database)?;
            Ok(user)
        }))
    }

    fn user_by_key<'a>(
        &'a self,
        name_key: &'a str,
    ) -> BoxFuture<'a, Result<Option<User>, StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    "SELECT id, name, password_hash, preferences FROM users
                     WHERE name_key = $1 AND removed_at IS NULL",
                    &[&name_key],
                )
                .await
                .map_err(database)?;
            Ok(row.as_ref().map(user))
        }))
    }

    fn set_preferences<'a>(
        &'a self,
        user: UserId,
        preferences: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            client
                .execute(
                    "UPDATE users SET preferences = $2 WHERE id = $1",
                    &[&user.0, &preferences],
                )
                .await
                .map(drop)
                .map_err(database)
        }))
    }

    fn set_password<'a>(
        &'a self,
        user: UserId,
        password_hash: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            client
                .execute(
                    "UPDATE users SET password_hash = $2 WHERE id = $1",
                    &[&user.0, &password_hash],
                )
                .await
                .map(drop)
                .map_err(database)
        }))
    }

    fn name_taken<'a>(&'a self, name_key: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            let row = client
                .query_opt("SELECT 1 FROM users WHERE name_key = $1", &[&name_key])
                .await
                .map_err(database)?;
            Ok(row.is_some())
        }))
    }

    fn remove_user<'a>(&'a self, name_key: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(self.answered(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await.map_err(database)?;
            for owned in ["sessions", "memberships"] {
                transaction
                    .execute(
                        &format!(
                            "DELETE FROM {owned} WHERE user_id IN
                             (SELECT id FROM users WHERE name_key = $1 AND removed_at IS NULL)"
                        ),
                        &[&name_key],
                    )
                    .await
                    .map_err(database)?;
            }
            let removed = transaction
                .execute(
                    "UPDATE users SET password_hash = '', removed_at = $2
                     WHERE name_key = $1 AND removed_at IS NULL",
                    &[&name_key, &now_ms()],
                )
                .await
                .map_err(database)?;
            transaction.commit().await.map_err(database)?;
            Ok(removed > 0)
        }))
    }

    fn name_keys(&self) -> BoxFuture<'_, Result<Vec<NameKey>, StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            let rows = client
                .query("SELECT id, name, name_key FROM users", &[])
                .await
                .map_err(database)?;
            Ok(rows
                .iter()
                .map(|row| (UserId(row.get(0)), row.get(1), row.get(2)))
                .collect())
        }))
    }

    fn set_name_key<'a>(
        &'a self,
        user: UserId,
        name_key: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            match client
                .execute(
                    "UPDATE users SET name_key = $2 WHERE id = $1",
                    &[&user.0, &name_key],
                )
                .await
            {
                Ok(_) => Ok(true),
                Err(error) if error.code() == Some(&SqlState::UNIQUE_VIOLATION) => Ok(false),
                Err(error) => Err(database(error)),
            }
        }))
    }

    fn list_users(&self, now: i64) -> BoxFuture<'_, Result<Vec<UserSummary>, StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT name, created_at,
                        (SELECT COUNT(*) FROM sessions s WHERE s.user_id = users.id AND s.expires_at > $1)
                     FROM users WHERE removed_at IS NULL ORDER BY name_key",
                    &[&now],
                )
                .await
                .map_err(database)?;
            Ok(rows
                .iter()
                .map(|row| UserSummary {
                    name: row.get(0),
                    created_at: row.get(1),
                    sessions: row.get::<_, i64>(2) as u64,
                })
                .collect())
        }))
    }

    fn create_session(
        &self,
        token_hash: TokenHash,
        user: UserId,
        expires_at: i64,
    ) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            client
                .execute(
                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
                     VALUES ($1, $2, $3, $4)",
                    &[&token_hash.as_slice(), &user.0, &now_ms(), &expires_at],
                )
                .await
                .map(drop)
                .map_err(database)
        }))
    }

    fn session_user(
        &self,
        token_hash: TokenHash,
        now: i64,
        renew_to: i64,
    ) -> BoxFuture<'_, Result<Option<User>, StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            let found = client
                .query_opt(
                    "SELECT users.id, users.name, users.password_hash, users.preferences, sessions.expires_at
                     FROM sessions JOIN users ON users.id = sessions.user_id
                     WHERE sessions.token_hash = $1 AND sessions.expires_at > $2
                       AND users.removed_at IS NULL",
                    &[&token_hash.as_slice(), &now],
                )
                .await
                .map_err(database)?;
            let Some(row) = found else {
                return Ok(None);
            };
            let expires_at: i64 = row.get(4);
            if expires_at < renew_to - RENEW_STEP_MS {
                client
                    .execute(
                        "UPDATE sessions SET expires_at = $2 WHERE token_hash = $1",
                        &[&token_hash.as_slice(), &renew_to],
                    )
                    .await
                    .map_err(database)?;
            }
            Ok(Some(user(&row)))
        }))
    }

    fn live_sessions(
        &self,
        token_hashes: Vec<TokenHash>,
        now: i64,
    ) -> BoxFuture<'_, Result<HashSet<TokenHash>, StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            let mut found = HashSet::new();
            // Bounded statements: a few thousand sessions a round trip.
            for chunk in token_hashes.chunks(LIVE_SESSIONS_PER_QUERY) {
                let hashes: Vec<&[u8]> = chunk.iter().map(|hash| hash.as_slice()).collect();
                let rows = client
                    .query(
                        "SELECT token_hash FROM sessions
                         WHERE token_hash = ANY($1) AND expires_at > $2",
                        &[&hashes, &now],
                    )
                    .await
                    .map_err(database)?;
                for row in rows {
                    let hash: &[u8] = row.get(0);
                    if let Ok(hash) = TokenHash::try_from(hash) {
                        found.insert(hash);
                    }
                }
            }
            Ok(found)
        }))
    }

    fn accounts_after(&self, after: i64) -> BoxFuture<'_, Result<Vec<(i64, String)>, StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT id, name_key FROM users WHERE id > $1 ORDER BY id",
                    &[&after],
                )
                .await
                .map_err(database)?;
            Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
        }))
    }

    fn delete_session(
        &self,
        token_hash: TokenHash,
    ) -> BoxFuture<'_, Result<Option<UserId>, StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    "DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id",
                    &[&token_hash.as_slice()],
                )
                .await
                .map_err(database)?;
            Ok(row.map(|row| UserId(row.get(0))))
        }))
    }

    fn delete_other_sessions(
        &self,
        user: UserId,
        keep: Option<TokenHash>,
    ) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            let keep = keep.map(|hash| hash.to_vec()).unwrap_or_default();
            client
                .execute(
                    "DELETE FROM sessions WHERE user_id = $1 AND token_hash != $2",
                    &[&user.0, &keep],
                )
                .await
                .map(drop)
                .map_err(database)
        }))
    }
}
