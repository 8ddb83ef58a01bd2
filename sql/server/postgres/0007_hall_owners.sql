-- Who serves each hall (issue 11). hall_id 0 stands for the database as a whole. A hall-server
-- that holds the advisory locks writes its own token and a new epoch here; every commit of the
-- owner locks its rows FOR SHARE inside its transaction and checks they still carry its token, so
-- an owner whose lock session ended cannot write once another process has claimed the halls.
-- Builds without this table ignore it.

CREATE TABLE hall_owners (
    hall_id BIGINT PRIMARY KEY,
    owner TEXT NOT NULL,
    epoch BIGINT NOT NULL,
    host TEXT NOT NULL,
    pid BIGINT NOT NULL,
    since BIGINT NOT NULL
);
