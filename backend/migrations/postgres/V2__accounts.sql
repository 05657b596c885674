-- 2. Accounts and sessions; messages keyed by who wrote them (an account,
--    or a guest's session), not by the name they showed.
CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT   NOT NULL,
    name_key      TEXT   NOT NULL UNIQUE,
    password_hash TEXT   NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE TABLE sessions (
    token_hash BYTEA  PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
ALTER TABLE messages ADD COLUMN author_id BIGINT;
CREATE UNIQUE INDEX messages_by_name_and_nonce
    ON messages (room, author, nonce) WHERE nonce IS NOT NULL AND author_id IS NULL;
CREATE UNIQUE INDEX messages_by_author_and_nonce
    ON messages (author_id, nonce) WHERE nonce IS NOT NULL AND author_id IS NOT NULL;
