-- min-compatible: 2
-- Test schema 3, additive only: builds that know 0001-0002 may still use the database.
ALTER TABLE tickets ADD COLUMN note TEXT;
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL
);
INSERT INTO migration_log (name) VALUES ('0003');
