-- Accounts and sessions; messages keyed by who wrote them (an
-- account, or a guest's session), not by the name they showed. Rows
-- from before keep their name-keyed nonces, and a NULL author_id.
CREATE TABLE users (
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
    ON messages (author_id, nonce) WHERE nonce IS NOT NULL AND author_id IS NOT NULL;
