-- How each account likes the page (theme, message order), as the JSON the
-- web client reads; an empty object is every default.
ALTER TABLE users ADD COLUMN preferences TEXT NOT NULL DEFAULT '{}';
