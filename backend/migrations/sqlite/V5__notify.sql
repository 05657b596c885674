-- What each member wants to be notified of in each room; NULL is
-- the default for its kind (everything in a direct conversation,
-- mentions in a public room).
ALTER TABLE memberships ADD COLUMN notify TEXT
    CHECK (notify IS NULL OR notify IN ('all', 'mentions', 'nothing'));
