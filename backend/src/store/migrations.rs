//! The SQLite schema, as numbered migrations. The version lives in SQLite's
//! `user_version`, which the first release set to 1 with the schema of
//! migration 1, so a file from it continues at migration 2. Migrations only
//! ever add: a released one is never edited, and no migration drops data.

use rusqlite_migration::{M, Migrations};

const STEPS: &[M<'_>] = &[
    // 1. The first release: messages, all in the lobby, keyed by display name.
    M::up(
        "CREATE TABLE IF NOT EXISTS messages (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            room      TEXT    NOT NULL DEFAULT 'lobby',
            author    TEXT    NOT NULL,
            value     TEXT    NOT NULL,
            timestamp INTEGER NOT NULL,
            nonce     TEXT
        );
        CREATE INDEX IF NOT EXISTS messages_by_room ON messages (room, id);
        CREATE UNIQUE INDEX IF NOT EXISTS messages_by_nonce
            ON messages (room, author, nonce) WHERE nonce IS NOT NULL;",
    ),
    // 2. Accounts and sessions; messages keyed by who wrote them (an
    //    account, or a guest's session), not by the name they showed. Rows
    //    from before keep their name-keyed nonces, and a NULL author_id.
    M::up(
        "CREATE TABLE users (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            name          TEXT    NOT NULL,
            name_key      TEXT    NOT NULL UNIQUE,
            password_hash TEXT    NOT NULL,
            created_at    INTEGER NOT NULL
        );
        CREATE TABLE sessions (
            token_hash BLOB    PRIMARY KEY,
            user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE INDEX sessions_by_user ON sessions (user_id);
        ALTER TABLE messages ADD COLUMN author_id INTEGER;
        DROP INDEX messages_by_nonce;
        CREATE UNIQUE INDEX messages_by_name_and_nonce
            ON messages (room, author, nonce) WHERE nonce IS NOT NULL AND author_id IS NULL;
        CREATE UNIQUE INDEX messages_by_author_and_nonce
            ON messages (author_id, nonce) WHERE nonce IS NOT NULL AND author_id IS NOT NULL;",
    ),
    // 3. Rooms (public ones and direct conversations), who is in which, and
    //    how far each has read. The lobby exists from here on, and every
    //    account is in it, having read what was there when it arrived.
    M::up(
        "CREATE TABLE rooms (
            name       TEXT    PRIMARY KEY,
            kind       TEXT    NOT NULL CHECK (kind IN ('public', 'direct')),
            created_by INTEGER,
            created_at INTEGER NOT NULL
        );
        INSERT INTO rooms (name, kind, created_by, created_at) VALUES ('lobby', 'public', NULL, 0);
        CREATE TABLE memberships (
            room      TEXT    NOT NULL,
            user_id   INTEGER NOT NULL,
            last_read INTEGER NOT NULL DEFAULT 0,
            joined_at INTEGER NOT NULL,
            PRIMARY KEY (room, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX memberships_by_user ON memberships (user_id, room);
        INSERT INTO memberships (room, user_id, last_read, joined_at)
            SELECT 'lobby', id, (SELECT COALESCE(MAX(id), 0) FROM messages), created_at FROM users;",
    ),
    // 4. Edits and deletes. A change is a row of its own in the id sequence
    //    (`kind` 1 for an edit, 2 for a delete, naming its `target`), so it
    //    is ordered and replayed like a message; the target row holds the
    //    current text and when it last changed. A deleted message keeps its
    //    row (its id stays taken) with its text erased.
    M::up(
        "ALTER TABLE messages ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE messages ADD COLUMN target INTEGER;
        ALTER TABLE messages ADD COLUMN edited_at INTEGER;
        ALTER TABLE messages ADD COLUMN deleted_at INTEGER;",
    ),
    // 5. What each member wants to be notified of in each room; NULL is
    //    the default for its kind (everything in a direct conversation,
    //    mentions in a public room).
    M::up(
        "ALTER TABLE memberships ADD COLUMN notify TEXT
            CHECK (notify IS NULL OR notify IN ('all', 'mentions', 'nothing'));",
    ),
    // 6. A removed account keeps its row, with no password, so its name
    //    (which its messages still carry) is never given to anyone else.
    M::up("ALTER TABLE users ADD COLUMN removed_at INTEGER;"),
];

/// Every migration, in order.
pub const MIGRATIONS: Migrations<'_> = Migrations::from_slice(STEPS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok());
    }
}
