-- The first release: messages, all in the lobby, keyed by display name.
CREATE TABLE IF NOT EXISTS messages (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    room      TEXT    NOT NULL DEFAULT 'lobby',
    author    TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    timestamp INTEGER NOT NULL,
    nonce     TEXT
);
CREATE INDEX IF NOT EXISTS messages_by_room ON messages (room, id);
CREATE UNIQUE INDEX IF NOT EXISTS messages_by_nonce
    ON messages (room, author, nonce) WHERE nonce IS NOT NULL;
