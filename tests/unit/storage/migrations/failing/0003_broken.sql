-- Test schema 3 that fails half-way: everything before the bad statement must be rolled back.
CREATE TABLE broken_new (id INTEGER PRIMARY KEY);
INSERT INTO broken_new (id) VALUES (1);
INSERT INTO migration_log (name) VALUES ('0003');
INSERT INTO no_such_table (id) VALUES (1);
