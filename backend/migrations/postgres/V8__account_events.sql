-- 8. What happened to an account that its connections on every process
-- must act on (joined or left a room, a setting changed, sessions ended),
-- in one id order: each process reads what it has not seen, so an event
-- reaches every process whether Redis carried it or not. Kept for minutes,
-- not forever: a process that starts reads the store's state afresh.
CREATE TABLE account_events (
    id BIGSERIAL PRIMARY KEY,
    node TEXT NOT NULL,
    account_id BIGINT NOT NULL,
    event TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX account_events_at ON account_events (at);
