-- A removed account keeps its row, with no password, so its name
-- (which its messages still carry) is never given to anyone else.
ALTER TABLE users ADD COLUMN removed_at INTEGER;
