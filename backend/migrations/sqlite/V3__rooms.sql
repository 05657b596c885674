-- Rooms (public ones and direct conversations), who is in which, and
-- how far each has read. The lobby exists from here on, and every
-- account is in it, having read what was there when it arrived.
CREATE TABLE rooms (
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
    SELECT 'lobby', id, (SELECT COALESCE(MAX(id), 0) FROM messages), created_at FROM users;
