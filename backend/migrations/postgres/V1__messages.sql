-- 1. Messages, all in the lobby, keyed by display name (the first release's
--    schema, so both engines count their migrations alike).
CREATE TABLE messages (
    id        BIGSERIAL PRIMARY KEY,
    room      TEXT   NOT NULL DEFAULT 'lobby',
    author    TEXT   NOT NULL,
    value     TEXT   NOT NULL,
    timestamp BIGINT NOT NULL,
    nonce     TEXT
);
CREATE INDEX messages_by_room ON messages (room, id);
