-- 4. Edits and deletes: a change is a row of its own in the id sequence
--    (`kind` 1 for an edit, 2 for a delete, naming its `target`); the
--    target row holds the current text and when it last changed.
ALTER TABLE messages ADD COLUMN kind SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN target BIGINT;
ALTER TABLE messages ADD COLUMN edited_at BIGINT;
ALTER TABLE messages ADD COLUMN deleted_at BIGINT;
