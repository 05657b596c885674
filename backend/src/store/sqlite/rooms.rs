//! [`RoomStore`] for [`SqliteStore`]. Room and membership writes are rare,
//! so, like account writes, they run on the pooled connections; SQLite's busy
//! timeout orders them with the message writer.

use deadpool_sqlite::rusqlite::{Connection, ErrorCode, OptionalExtension, Row, params};
use futures_util::future::BoxFuture;
use natter_shared::{LOBBY, Notify, RoomInfo, mentions};

use crate::process::clock::now_ms;
use crate::store::accounts::UserId;
use crate::store::rooms::{
    PublicRoom, RoomError, RoomRow, RoomStore, direct_key, in_welcome_order, lobby_info, notify_to,
};
use crate::store::{SqliteStore, StoreError};

/// A room as member `?1` sees it: its kind, the member's marker, the member
/// count, the newest message and when it was sent, how many messages by
/// others are newer than the marker (messages only: changes and deleted
/// messages are not news), and (for a direct conversation) the
/// other member's name. One statement, so the counts agree with each other.
const ROOM_INFO: &str = "
    SELECT r.name, r.kind, m.last_read,
        (SELECT COUNT(*) FROM memberships e WHERE e.room = r.name),
        n.id, n.timestamp,
        (SELECT COUNT(*) FROM messages u
            WHERE u.room = r.name AND u.id > m.last_read AND u.id <= COALESCE(n.id, 0)
              AND u.kind = 0 AND u.deleted_at IS NULL
              AND (u.author_id IS NULL OR u.author_id != ?1)),
        (SELECT users.name FROM memberships o JOIN users ON users.id = o.user_id
            WHERE r.kind = 'direct' AND o.room = r.name AND o.user_id != ?1),
        COALESCE(m.notify, CASE r.kind WHEN 'direct' THEN 'all' ELSE 'mentions' END)
    FROM memberships m
    JOIN rooms r ON r.name = m.room
    LEFT JOIN messages n ON n.id = (SELECT MAX(id) FROM messages
        WHERE room = r.name AND kind = 0 AND deleted_at IS NULL)
    WHERE m.user_id = ?1";

fn room_info(row: &Row<'_>) -> deadpool_sqlite::rusqlite::Result<RoomInfo> {
    Ok(RoomRow {
        room: row.get(0)?,
        kind: row.get(1)?,
        last_read: row.get(2)?,
        members: row.get(3)?,
        newest_id: row.get(4)?,
        newest_at: row.get(5)?,
        unread: row.get(6)?,
        with: row.get(7)?,
        notify: row.get(8)?,
    }
    .into())
}

/// The unread messages (as [`ROOM_INFO`] counts them) in room `?2` that
/// could mention member `?1`: they hold an `@`. The newest first, and at
/// most a few thousand: a count beyond that is not worth reading.
const MENTION_CANDIDATES: &str = "
    SELECT u.value FROM messages u
    JOIN memberships m ON m.room = u.room AND m.user_id = ?1
    WHERE u.room = ?2 AND u.id > m.last_read AND u.id <= ?3
      AND u.kind = 0 AND u.deleted_at IS NULL
      AND (u.author_id IS NULL OR u.author_id != ?1)
      AND instr(u.value, '@') > 0
    ORDER BY u.id DESC LIMIT 5000";

/// Fills in how many of each room's unread messages mention `user`, by
/// the same rule the web client highlights with.
fn count_mentions(
    connection: &Connection,
    user: UserId,
    rooms: &mut [RoomInfo],
) -> deadpool_sqlite::rusqlite::Result<()> {
    if rooms.iter().all(|room| room.unread == 0) {
        return Ok(());
    }
    let name: String = connection
        .prepare_cached("SELECT name FROM users WHERE id = ?1")?
        .query_row(params![user.0], |row| row.get(0))?;
    let mut candidates = connection.prepare_cached(MENTION_CANDIDATES)?;
    for room in rooms.iter_mut().filter(|room| room.unread > 0) {
        let newest = i64::try_from(room.newest_id).unwrap_or(i64::MAX);
        let mut count = 0;
        let mut texts = candidates.query(params![user.0, room.room, newest])?;
        while let Some(row) = texts.next()? {
            if mentions(row.get_ref(0)?.as_str()?, &name) {
                count += 1;
            }
        }
        room.mentions = count;
    }
    Ok(())
}

/// Adds a membership whose marker starts at the room's newest message.
pub(super) fn add_member(
    connection: &Connection,
    room: &str,
    user: UserId,
) -> deadpool_sqlite::rusqlite::Result<()> {
    connection
        .prepare_cached(
            "INSERT OR IGNORE INTO memberships (room, user_id, last_read, joined_at)
             VALUES (?1, ?2, (SELECT COALESCE(MAX(id), 0) FROM messages WHERE room = ?1), ?3)",
        )?
        .execute(params![room, user.0, now_ms()])
        .map(drop)
}

impl RoomStore for SqliteStore {
    fn create_room<'a>(
        &'a self,
        room: &'a str,
        creator: UserId,
    ) -> BoxFuture<'a, Result<(), RoomError>> {
        let room = room.to_owned();
        Box::pin(async move {
            let created = self
                .on_pool(move |connection| {
                    let transaction = connection.transaction()?;
                    let inserted = transaction.execute(
                        "INSERT INTO rooms (name, kind, created_by, created_at)
                         VALUES (?1, 'public', ?2, ?3)",
                        params![room, creator.0, now_ms()],
                    );
                    match inserted {
                        Ok(_) => {}
                        Err(error)
                            if error.sqlite_error_code()
                                == Some(ErrorCode::ConstraintViolation) =>
                        {
                            return Ok(false);
                        }
                        Err(error) => return Err(error),
                    }
                    add_member(&transaction, &room, creator)?;
                    transaction.commit()?;
                    Ok(true)
                })
                .await?;
            if created {
                Ok(())
            } else {
                Err(RoomError::Taken)
            }
        })
    }

    fn public_rooms(&self, reader: UserId) -> BoxFuture<'_, Result<Vec<PublicRoom>, StoreError>> {
        Box::pin(self.on_pool(move |connection| {
            connection
                .prepare_cached(
                    "SELECT r.name,
                        (SELECT COUNT(*) FROM memberships e WHERE e.room = r.name),
                        (SELECT timestamp FROM messages
                            WHERE room = r.name AND kind = 0 AND deleted_at IS NULL
                            ORDER BY id DESC LIMIT 1),
                        EXISTS (SELECT 1 FROM memberships m WHERE m.room = r.name AND m.user_id = ?1)
                     FROM rooms r WHERE r.kind = 'public' ORDER BY r.name",
                )?
                .query_map(params![reader.0], |row| {
                    Ok(PublicRoom {
                        room: row.get(0)?,
                        members: row.get::<_, i64>(1)? as u64,
                        newest_at: row.get(2)?,
                        joined: row.get(3)?,
                    })
                })?
                .collect()
        }))
    }

    fn join<'a>(&'a self, room: &'a str, user: UserId) -> BoxFuture<'a, Result<(), RoomError>> {
        let room = room.to_owned();
        Box::pin(async move {
            let joined = self
                .on_pool(move |connection| {
                    let transaction = connection.transaction()?;
                    let public: bool = transaction
                        .prepare_cached(
                            "SELECT EXISTS (SELECT 1 FROM rooms WHERE name = ?1 AND kind = 'public')",
                        )?
                        .query_row(params![room], |row| row.get(0))?;
                    if public {
                        add_member(&transaction, &room, user)?;
                    }
                    transaction.commit()?;
                    Ok(public)
                })
                .await?;
            if joined {
                Ok(())
            } else {
                Err(RoomError::Unknown)
            }
        })
    }

    fn leave<'a>(&'a self, room: &'a str, user: UserId) -> BoxFuture<'a, Result<bool, StoreError>> {
        let room = room.to_owned();
        Box::pin(self.on_pool(move |connection| {
            connection
                .prepare_cached("DELETE FROM memberships WHERE room = ?1 AND user_id = ?2")?
                .execute(params![room, user.0])
                .map(|removed| removed > 0)
        }))
    }

    fn open_direct(&self, a: UserId, b: UserId) -> BoxFuture<'_, Result<String, StoreError>> {
        let key = direct_key(a, b);
        Box::pin(self.on_pool(move |connection| {
            let transaction = connection.transaction()?;
            transaction.execute(
                "INSERT OR IGNORE INTO rooms (name, kind, created_by, created_at)
                 VALUES (?1, 'direct', ?2, ?3)",
                params![key, a.0, now_ms()],
            )?;
            add_member(&transaction, &key, a)?;
            add_member(&transaction, &key, b)?;
            transaction.commit()?;
            Ok(key)
        }))
    }

    fn rooms_of(&self, user: UserId) -> BoxFuture<'_, Result<Vec<RoomInfo>, StoreError>> {
        Box::pin(self.on_pool(move |connection| {
            let mut rooms: Vec<RoomInfo> = connection
                .prepare_cached(ROOM_INFO)?
                .query_map(params![user.0], room_info)?
                .collect::<Result<_, _>>()?;
            in_welcome_order(&mut rooms);
            count_mentions(connection, user, &mut rooms)?;
            Ok(rooms)
        }))
    }

    fn room_of<'a>(
        &'a self,
        room: &'a str,
        user: UserId,
    ) -> BoxFuture<'a, Result<Option<RoomInfo>, StoreError>> {
        let room = room.to_owned();
        Box::pin(self.on_pool(move |connection| {
            let info = connection
                .prepare_cached(&format!("{ROOM_INFO} AND m.room = ?2"))?
                .query_row(params![user.0, room], room_info)
                .optional()?;
            let mut found: Vec<RoomInfo> = info.into_iter().collect();
            count_mentions(connection, user, &mut found)?;
            Ok(found.pop())
        }))
    }

    fn set_notify<'a>(
        &'a self,
        room: &'a str,
        user: UserId,
        notify: Notify,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let room = room.to_owned();
        Box::pin(self.on_pool(move |connection| {
            connection
                .prepare_cached(
                    "UPDATE memberships SET notify = ?3 WHERE room = ?1 AND user_id = ?2",
                )?
                .execute(params![room, user.0, notify_to(notify)])
                .map(|changed| changed == 1)
        }))
    }

    fn members<'a>(
        &'a self,
        room: &'a str,
        reader: UserId,
        limit: usize,
    ) -> BoxFuture<'a, Result<Option<Vec<String>>, StoreError>> {
        let room = room.to_owned();
        Box::pin(self.on_pool(move |connection| {
            let member: bool = connection
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM memberships WHERE room = ?1 AND user_id = ?2)",
                )?
                .query_row(params![room, reader.0], |row| row.get(0))?;
            if !member {
                return Ok(None);
            }
            connection
                .prepare_cached(
                    "SELECT u.name FROM memberships m JOIN users u ON u.id = m.user_id
                     WHERE m.room = ?1 ORDER BY u.name_key LIMIT ?2",
                )?
                .query_map(params![room, limit as i64], |row| row.get(0))?
                .collect::<Result<Vec<String>, _>>()
                .map(Some)
        }))
    }

    fn lobby(&self) -> BoxFuture<'_, Result<RoomInfo, StoreError>> {
        Box::pin(self.on_pool(move |connection| {
            connection
                .prepare_cached(
                    "SELECT (SELECT COUNT(*) FROM memberships WHERE room = ?1), n.id, n.timestamp
                     FROM (SELECT 1) LEFT JOIN messages n
                        ON n.id = (SELECT MAX(id) FROM messages
                            WHERE room = ?1 AND kind = 0 AND deleted_at IS NULL)",
                )?
                .query_row(params![LOBBY], |row| {
                    Ok(lobby_info(row.get(0)?, row.get(1)?, row.get(2)?))
                })
        }))
    }

    fn is_public<'a>(&'a self, room: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        let room = room.to_owned();
        Box::pin(self.on_pool(move |connection| {
            connection
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM rooms WHERE name = ?1 AND kind = 'public')",
                )?
                .query_row(params![room], |row| row.get(0))
        }))
    }

    fn mark_read<'a>(
        &'a self,
        room: &'a str,
        user: UserId,
        id: u64,
    ) -> BoxFuture<'a, Result<Option<u64>, StoreError>> {
        let room = room.to_owned();
        let id = i64::try_from(id).unwrap_or(i64::MAX);
        Box::pin(self.on_pool(move |connection| {
            connection
                .prepare_cached(
                    "UPDATE memberships SET last_read = MAX(last_read, ?3)
                     WHERE room = ?1 AND user_id = ?2 RETURNING last_read",
                )?
                .query_row(params![room, user.0, id], |row| row.get::<_, i64>(0))
                .optional()
                .map(|marker| marker.map(|marker| marker as u64))
        }))
    }
}
