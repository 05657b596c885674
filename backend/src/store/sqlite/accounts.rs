//! [`AccountStore`] for [`SqliteStore`]. Account writes are rare, so they run
//! on the pooled connections rather than through the message writer's
//! group commit; SQLite's busy timeout orders them with it.

use std::collections::HashSet;

use deadpool_sqlite::rusqlite::{ErrorCode, OptionalExtension, Row, params};
use futures_util::future::BoxFuture;

use natter_shared::LOBBY;

use crate::process::clock::now_ms;
use crate::store::accounts::{
    AccountStore, CreateError, NameKey, TokenHash, User, UserId, UserSummary,
};
use crate::store::sqlite::rooms::add_member;
use crate::store::{SqliteStore, StoreError};

/// A session is renewed only when it would end this much sooner than a
/// renewal would make it: at most one write a day per session.
const RENEW_STEP_MS: i64 = 24 * 60 * 60 * 1000;

fn user(row: &Row<'_>) -> deadpool_sqlite::rusqlite::Result<User> {
    Ok(User {
        id: UserId(row.get(0)?),
        name: row.get(1)?,
        password_hash: row.get(2)?,
        preferences: row.get(3)?,
    })
}

impl AccountStore for SqliteStore {
    fn create_user<'a>(
        &'a self,
        name: &'a str,
        name_key: &'a str,
        password_hash: &'a str,
    ) -> BoxFuture<'a, Result<UserId, CreateError>> {
        let (name, name_key, password_hash) = (
            name.to_owned(),
            name_key.to_owned(),
            password_hash.to_owned(),
        );
        Box::pin(async move {
            let inserted = self
                .on_pool(move |connection| {
                    let transaction = connection.transaction()?;
                    let result = transaction.execute(
                        "INSERT INTO users (name, name_key, password_hash, created_at)
                         VALUES (?1, ?2, ?3, ?4)",
                        params![name, name_key, password_hash, now_ms()],
                    );
                    match result {
                        Ok(_) => {}
                        Err(error)
                            if error.sqlite_error_code()
                                == Some(ErrorCode::ConstraintViolation) =>
                        {
                            return Ok(None);
                        }
                        Err(error) => return Err(error),
                    }
                    let user = UserId(transaction.last_insert_rowid());
                    add_member(&transaction, LOBBY, user)?;
                    transaction.commit()?;
                    Ok(Some(user))
                })
                .await?;
            inserted.ok_or(CreateError::NameTaken)
        })
    }

    fn user_by_key<'a>(
        &'a self,
        name_key: &'a str,
    ) -> BoxFuture<'a, Result<Option<User>, StoreError>> {
        let name_key = name_key.to_owned();
        Box::pin(self.on_pool(move |connection| {
            connection
                .prepare_cached(
                    "SELECT id, name, password_hash, preferences FROM users
                     WHERE name_key = ?1 AND removed_at IS NULL",
                )?
                .query_row(params![name_key], user)
                .optional()
        }))
    }

    fn set_preferences<'a>(
        &'a self,
        user: UserId,
        preferences: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let preferences = preferences.to_owned();
        Box::pin(self.on_pool(move |connection| {
            connection
                .execute(
                    "UPDATE users SET preferences = ?2 WHERE id = ?1",
                    params![user.0, preferences],
                )
                .map(drop)
        }))
    }

    fn set_password<'a>(
        &'a self,
        user: UserId,
        password_hash: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let password_hash = password_hash.to_owned();
        Box::pin(self.on_pool(move |connection| {
            connection
                .execute(
                    "UPDATE users SET password_hash = ?2 WHERE id = ?1",
                    params![user.0, password_hash],
                )
                .map(drop)
        }))
    }

    fn name_taken<'a>(&'a self, name_key: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        let name_key = name_key.to_owned();
        Box::pin(self.on_pool(move |connection| {
            connection
                .prepare_cached("SELECT 1 FROM users WHERE name_key = ?1")?
                .exists(params![name_key])
        }))
    }

    fn remove_user<'a>(&'a self, name_key: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        let name_key = name_key.to_owned();
        Box::pin(self.on_pool(move |connection| {
            let transaction = connection.transaction()?;
            for owned in ["sessions", "memberships"] {
                transaction.execute(
                    &format!(
                        "DELETE FROM {owned} WHERE user_id IN
                         (SELECT id FROM users WHERE name_key = ?1 AND removed_at IS NULL)"
                    ),
                    params![name_key],
                )?;
            }
            let removed = transaction.execute(
                "UPDATE users SET password_hash = '', removed_at = ?2
                 WHERE name_key = ?1 AND removed_at IS NULL",
                params![name_key, now_ms()],
            )?;
            transaction.commit()?;
            Ok(removed > 0)
        }))
    }

    fn name_keys(&self) -> BoxFuture<'_, Result<Vec<NameKey>, StoreError>> {
        Box::pin(self.on_pool(|connection| {
            connection
                .prepare_cached("SELECT id, name, name_key FROM users")?
                .query_map([], |row| {
                    Ok((UserId(row.get(0)?), row.get(1)?, row.get(2)?))
                })?
                .collect()
        }))
    }

    fn set_name_key<'a>(
        &'a self,
        user: UserId,
        name_key: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let name_key = name_key.to_owned();
        Box::pin(self.on_pool(move |connection| {
            match connection.execute(
                "UPDATE users SET name_key = ?2 WHERE id = ?1",
                params![user.0, name_key],
            ) {
                Ok(_) => Ok(true),
                Err(error) if error.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
                    Ok(false)
                }
                Err(error) => Err(error),
            }
        }))
    }

    fn list_users(&self, now: i64) -> BoxFuture<'_, Result<Vec<UserSummary>, StoreError>> {
        Box::pin(self.on_pool(move |connection| {
            connection
                .prepare_cached(
                    "SELECT name, created_at,
                        (SELECT COUNT(*) FROM sessions s WHERE s.user_id = users.id AND s.expires_at > ?1)
                     FROM users WHERE removed_at IS NULL ORDER BY name_key",
                )?
                .query_map(params![now], |row| {
                    Ok(UserSummary {
                        name: row.get(0)?,
                        created_at: row.get(1)?,
                        sessions: row.get::<_, i64>(2)? as u64,
                    })
                })?
                .collect()
        }))
    }

    fn create_session(
        &self,
        token_hash: TokenHash,
        user: UserId,
        expires_at: i64,
    ) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(self.on_pool(move |connection| {
            connection
                .execute(
                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![token_hash.as_slice(), user.0, now_ms(), expires_at],
                )
                .map(drop)
        }))
    }

    fn session_user(
        &self,
        token_hash: TokenHash,
        now: i64,
        renew_to: i64,
    ) -> BoxFuture<'_, Result<Option<User>, StoreError>> {
        Box::pin(self.on_pool(move |connection| {
            let found = connection
                .prepare_cached(
                    "SELECT users.id, users.name, users.password_hash, users.preferences, sessions.expires_at
                     FROM sessions JOIN users ON users.id = sessions.user_id
                     WHERE sessions.token_hash = ?1 AND sessions.expires_at > ?2
                       AND users.removed_at IS NULL",
                )?
                .query_row(params![token_hash.as_slice(), now], |row| {
                    Ok((user(row)?, row.get::<_, i64>(4)?))
                })
                .optional()?;
            let Some((user, expires_at)) = found else {
                return Ok(None);
            };
            if expires_at < renew_to - RENEW_STEP_MS {
                connection.execute(
                    "UPDATE sessions SET expires_at = ?2 WHERE token_hash = ?1",
                    params![token_hash.as_slice(), renew_to],
                )?;
            }
            Ok(Some(user))
        }))
    }

    fn live_sessions(
        &self,
        token_hashes: Vec<TokenHash>,
        now: i64,
    ) -> BoxFuture<'_, Result<HashSet<TokenHash>, StoreError>> {
        Box::pin(self.on_pool(move |connection| {
            // One indexed look-up each, on one pooled connection: thousands
            // take a few milliseconds, and no statement grows with the count.
            let mut live = connection.prepare_cached(
                "SELECT 1 FROM sessions WHERE token_hash = ?1 AND expires_at > ?2",
            )?;
            let mut found = HashSet::new();
            for hash in token_hashes {
                if live.exists(params![hash.as_slice(), now])? {
                    found.insert(hash);
                }
            }
            Ok(found)
        }))
    }

    fn accounts_after(&self, after: i64) -> BoxFuture<'_, Result<Vec<(i64, String)>, StoreError>> {
        Box::pin(self.on_pool(move |connection| {
            connection
                .prepare_cached("SELECT id, name_key FROM users WHERE id > ?1 ORDER BY id")?
                .query_map(params![after], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect()
        }))
    }

    fn delete_session(
        &self,
        token_hash: TokenHash,
    ) -> BoxFuture<'_, Result<Option<UserId>, StoreError>> {
        Box::pin(self.on_pool(move |connection| {
            connection
                .prepare_cached("DELETE FROM sessions WHERE token_hash = ?1 RETURNING user_id")?
                .query_row(params![token_hash.as_slice()], |row| {
                    Ok(UserId(row.get(0)?))
                })
                .optional()
        }))
    }

    fn delete_other_sessions(
        &self,
        user: UserId,
        keep: Option<TokenHash>,
    ) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(self.on_pool(move |connection| {
            let keep = keep.map(|hash| hash.to_vec()).unwrap_or_default();
            connection
                .execute(
                    "DELETE FROM sessions WHERE user_id = ?1 AND token_hash != ?2",
                    params![user.0, keep],
                )
                .map(drop)
        }))
    }
}
