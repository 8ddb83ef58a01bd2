-- Test schema 1: a log of applied migrations and the businesses table.
-- Every migration appends its number to migration_log, so a test sees the order they ran
-- in and that none ran twice.
CREATE TABLE migration_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL
);
INSERT INTO migration_log (name) VALUES ('0001');

CREATE TABLE businesses (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

-- A semicolon inside a string, even at the end of a line, does not end the statement.
INSERT INTO businesses (id, code, name) VALUES (1, 'shebao', '社保; 医保');
INSERT INTO businesses (id, code, name) VALUES (2, 'huji', '户籍;
业务');
