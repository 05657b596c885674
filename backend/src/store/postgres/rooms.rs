//! [`RoomStore`] for [`PgStore`]: rooms, memberships, read markers, unread
//! and mention counts, members and notification settings, shared by every
//! process. The same queries as the SQLite engine's, in PostgreSQL's
//! dialect.

use futures_util::future::BoxFuture;
use natter_shared::{LOBBY, Notify, RoomInfo, mentions};
use tokio_postgres::Row;
use tokio_postgres::error::SqlState;

use crate::process::clock::now_ms;
use crate::store::StoreError;
use crate::store::accounts::UserId;
use crate::store::database;
use crate::store::postgres::PgStore;
use crate::store::postgres::accounts::add_member;
use crate::store::rooms::{
    PublicRoom, RoomError, RoomRow, RoomStore, direct_key, in_welcome_order, lobby_info, notify_to,
};

/// A room as member `$1` sees it (see the SQLite engine's `ROOM_INFO`).
const ROOM_INFO: &str = "
    SELECT r.name, r.kind, m.last_read,
        (SELECT COUNT(*) FROM memberships e WHERE e.room = r.name),
        n.id, n.timestamp,
        (SELECT COUNT(*) FROM messages u
            WHERE u.room = r.name AND u.id > m.last_read AND u.id <= COALESCE(n.id, 0)
              AND u.kind = 0 AND u.deleted_at IS NULL
              AND (u.author_id IS NULL OR u.author_id != $1)),
        (SELECT users.name FROM memberships o JOIN users ON users.id = o.user_id
            WHERE r.kind = 'direct' AND o.room = r.name AND o.user_id != $1),
        COALESCE(m.notify, CASE r.kind WHEN 'direct' THEN 'all' ELSE 'mentions' END)
    FROM memberships m
    JOIN rooms r ON r.name = m.room
    LEFT JOIN messages n ON n.id = (SELECT MAX(id) FROM messages
        WHERE room = r.name AND kind = 0 AND deleted_at IS NULL)
    WHERE m.user_id = $1";

fn room_info(row: &Row) -> RoomInfo {
    RoomRow {
        room: row.get(0),
        kind: row.get(1),
        last_read: row.get(2),
        members: row.get(3),
        newest_id: row.get(4),
        newest_at: row.get(5),
        unread: row.get(6),
        with: row.get(7),
        notify: row.get(8),
    }
    .into()
}

/// The unread messages in room `$2` that could mention member `$1`.
const MENTION_CANDIDATES: &str = "
    SELECT u.value FROM messages u
    JOIN memberships m ON m.room = u.room AND m.user_id = $1
    WHERE u.room = $2 AND u.id > m.last_read AND u.id <= $3
      AND u.kind = 0 AND u.deleted_at IS NULL
      AND (u.author_id IS NULL OR u.author_id != $1)
      AND strpos(u.value, '@') > 0
    ORDER BY u.id DESC LIMIT 5000";

impl PgStore {
    /// Fills in how many of each room's unread messages mention `user`.
    async fn count_mentions(&self, user: UserId, rooms: &mut [RoomInfo]) -> Result<(), StoreError> {
        if rooms.iter().all(|room| room.unread == 0) {
            return Ok(());
        }
        let client = self.client().await?;
        let name: String = client
            .query_one("SELECT name FROM users WHERE id = $1", &[&user.0])
            .await
            .map_err(database)?
            .get(0);
        for room in rooms.iter_mut().filter(|room| room.unread > 0) {
            let newest = i64::try_from(room.newest_id).unwrap_or(i64::MAX);
            let texts = client
                .query(MENTION_CANDIDATES, &[&user.0, &room.room, &newest])
                .await
                .map_err(database)?;
            room.mentions = texts
                .iter()
                .filter(|row| mentions(row.get(0), &name))
                .count() as u64;
        }
        Ok(())
    }
}

impl RoomStore for PgStore {
    fn create_room<'a>(
        &'a self,
        room: &'a str,
        creator: UserId,
    ) -> BoxFuture<'a, Result<(), RoomError>> {
        Box::pin(self.answered(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await.map_err(database)?;
            let inserted = transaction
                .execute(
                    "INSERT INTO rooms (name, kind, created_by, created_at)
                     VALUES ($1, 'public', $2, $3)",
                    &[&room, &creator.0, &now_ms()],
                )
                .await;
            match inserted {
                Ok(_) => {}
                Err(error) if error.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                    return Err(RoomError::Taken);
                }
                Err(error) => return Err(database(error).into()),
            }
            add_member(&transaction, room, creator)
                .await
                .map_err(database)?;
            transaction.commit().await.map_err(database)?;
            Ok(())
        }))
    }

    fn public_rooms(&self, reader: UserId) -> BoxFuture<'_, Result<Vec<PublicRoom>, StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT r.name,
                        (SELECT COUNT(*) FROM memberships e WHERE e.room = r.name),
                        (SELECT timestamp FROM messages
                            WHERE room = r.name AND kind = 0 AND deleted_at IS NULL
                            ORDER BY id DESC LIMIT 1),
                        EXISTS (SELECT 1 FROM memberships m WHERE m.room = r.name AND m.user_id = $1)
                     FROM rooms r WHERE r.kind = 'public' ORDER BY r.name",
                    &[&reader.0],
                )
                .await
                .map_err(database)?;
            Ok(rows
                .iter()
                .map(|row| PublicRoom {
                    room: row.get(0),
                    members: row.get::<_, i64>(1) as u64,
                    newest_at: row.get(2),
                    joined: row.get(3),
                })
                .collect())
        }))
    }

    fn join<'a>(&'a self, room: &'a str, user: UserId) -> BoxFuture<'a, Result<(), RoomError>> {
        Box::pin(self.answered(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await.map_err(database)?;
            let public: bool = transaction
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM rooms WHERE name = $1 AND kind = 'public')",
                    &[&room],
                )
                .await
                .map_err(database)?
                .get(0);
            if !public {
                return Err(RoomError::Unknown);
            }
            add_member(&transaction, room, user)
                .await
                .map_err(database)?;
            transaction.commit().await.map_err(database)?;
            Ok(())
        }))
    }

    fn leave<'a>(&'a self, room: &'a str, user: UserId) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            client
                .execute(
                    "DELETE FROM memberships WHERE room = $1 AND user_id = $2",
                    &[&room, &user.0],
                )
                .await
                .map(|removed| removed > 0)
                .map_err(database)
        }))
    }

    fn open_direct(&self, a: UserId, b: UserId) -> BoxFuture<'_, Result<String, StoreError>> {
        let key = direct_key(a, b);
        Box::pin(self.answered(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await.map_err(database)?;
            transaction
                .execute(
                    "INSERT INTO rooms (name, kind, created_by, created_at)
                     VALUES ($1, 'direct', $2, $3) ON CONFLICT DO NOTHING",
                    &[&key, &a.0, &now_ms()],
                )
                .await
                .map_err(database)?;
            for member in [a, b] {
                add_member(&transaction, &key, member)
                    .await
                    .map_err(database)?;
            }
            transaction.commit().await.map_err(database)?;
            Ok(key)
        }))
    }

    fn rooms_of(&self, user: UserId) -> BoxFuture<'_, Result<Vec<RoomInfo>, StoreError>> {
        Box::pin(self.answered(async move {
            let rows = self
                .client()
                .await?
                .query(ROOM_INFO, &[&user.0])
                .await
                .map_err(database)?;
            let mut rooms: Vec<RoomInfo> = rows.iter().map(room_info).collect();
            in_welcome_order(&mut rooms);
            self.count_mentions(user, &mut rooms).await?;
            Ok(rooms)
        }))
    }

    fn room_of<'a>(
        &'a self,
        room: &'a str,
        user: UserId,
    ) -> BoxFuture<'a, Result<Option<RoomInfo>, StoreError>> {
        Box::pin(self.answered(async move {
            let row = self
                .client()
                .await?
                .query_opt(&format!("{ROOM_INFO} AND m.room = $2"), &[&user.0, &room])
                .await
                .map_err(database)?;
            let mut found: Vec<RoomInfo> = row.iter().map(room_info).collect();
            self.count_mentions(user, &mut found).await?;
            Ok(found.pop())
        }))
    }

    fn set_notify<'a>(
        &'a self,
        room: &'a str,
        user: UserId,
        notify: Notify,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(self.answered(async move {
            self.client()
                .await?
                .execute(
                    "UPDATE memberships SET notify = $3 WHERE room = $1 AND user_id = $2",
                    &[&room, &user.0, &notify_to(notify)],
                )
                .await
                .map(|changed| changed == 1)
                .map_err(database)
        }))
    }

    fn members<'a>(
        &'a self,
        room: &'a str,
        reader: UserId,
        limit: usize,
    ) -> BoxFuture<'a, Result<Option<Vec<String>>, StoreError>> {
        Box::pin(self.answered(async move {
            let client = self.client().await?;
            let member: bool = client
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM memberships WHERE room = $1 AND user_id = $2)",
                    &[&room, &reader.0],
                )
                .await
                .map_err(database)?
                .get(0);
            if !member {
                return Ok(None);
            }
            let rows = client
                .query(
                    "SELECT u.name FROM memberships m JOIN users u ON u.id = m.user_id
                     WHERE m.room = $1 ORDER BY u.name_key LIMIT $2",
                    &[&room, &(limit as i64)],
                )
                .await
                .map_err(database)?;
            Ok(Some(rows.iter().map(|row| row.get(0)).collect()))
        }))
    }

    fn lobby(&self) -> BoxFuture<'_, Result<RoomInfo, StoreError>> {
        Box::pin(self.answered(async move {
            let row = self
                .client()
                .await?
                .query_one(
                    "SELECT (SELECT COUNT(*) FROM memberships WHERE room = $1), n.id, n.timestamp
                     FROM (SELECT 1) AS one LEFT JOIN messages n
                        ON n.id = (SELECT MAX(id) FROM messages
                            WHERE room = $1 AND kind = 0 AND deleted_at IS NULL)",
                    &[&LOBBY],
                )
                .await
                .map_err(database)?;
            Ok(lobby_info(row.get(0), row.get(1), row.get(2)))
        }))
    }

    fn is_public<'a>(&'a self, room: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(self.answered(async move {
            Ok(self
                .client()
                .await?
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM rooms WHERE name = $1 AND kind = 'public')",
                    &[&room],
                )
                .await
                .map_err(database)?
                .get(0))
        }))
    }

    fn mark_read<'a>(
        &'a self,
        room: &'a str,
        user: UserId,
        id: u64,
    ) -> BoxFuture<'a, Result<Option<u64>, StoreError>> {
        let id = i64::try_from(id).unwrap_or(i64::MAX);
        Box::pin(self.answered(async move {
            let row = self
                .client()
                .await?
                .query_opt(
                    "UPDATE memberships SET last_read = GREATEST(last_read, $3)
                     WHERE room = $1 AND user_id = $2 RETURNING last_read",
                    &[&room, &user.0, &id],
                )
                .await
                .map_err(database)?;
            Ok(row.map(|row| row.get::<_, i64>(0) as u64))
        }))
    }
}
