-- Test schema 2: depends on 0001 (foreign key to businesses, row in migration_log).
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    business_id INTEGER NOT NULL REFERENCES businesses (id),
    number TEXT NOT NULL
);
INSERT INTO migration_log (name) VALUES ('0002');
