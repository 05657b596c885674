-- Edits and deletes. A change is a row of its own in the id sequence
-- (`kind` 1 for an edit, 2 for a delete, naming its `target`), so it
-- is ordered and replayed like a message; the target row holds the
-- current text and when it last changed. A deleted message keeps its
-- row (its id stays taken) with its text erased.
ALTER TABLE messages ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN target INTEGER;
ALTER TABLE messages ADD COLUMN edited_at INTEGER;
ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
