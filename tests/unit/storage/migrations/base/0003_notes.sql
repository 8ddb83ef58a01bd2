-- Test schema 3: changes a table of 0002. No min-compatible marker, so a build that
-- knows only 0001-0002 must refuse a database at version 3.
ALTER TABLE tickets ADD COLUMN note TEXT;
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL
);
INSERT INTO migration_log (name) VALUES ('0003');
