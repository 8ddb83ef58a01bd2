-- Who serves each hall (issue 11). hall_id 0 stands for the database as a whole. A hall-server
-- that takes the lock writes its own token and a new epoch here; every commit of the owner
-- checks, inside its transaction, that the rows still carry its token, so an owner that lost its
-- lock to another process cannot write any more. Builds without it would serve beside an owner,
-- so they may not open a database that has it.

CREATE TABLE hall_owners (
    hall_id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    since INTEGER NOT NULL
);
