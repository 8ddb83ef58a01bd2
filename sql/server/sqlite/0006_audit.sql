-- The audit trail (issue 11, SEC4): every operation and every read of personal data — who, what,
-- when, from where — in one hash chain per hall (hall 0: server-wide operations such as sign-in).
-- Each entry's hash is SM3 over the previous entry's hash and its own content, so a changed,
-- removed or reordered entry breaks the chain; heads signed with the server's SM2 key from time
-- to time show a rewrite of the whole chain. No foreign keys: the trail outlives what it names.

CREATE TABLE audit_chain (
    hall_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    actor INTEGER NOT NULL,
    login TEXT NOT NULL,
    role TEXT NOT NULL,
    peer TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    status INTEGER NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (hall_id, seq)
);

CREATE TABLE audit_heads (
    hall_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    at INTEGER NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (hall_id, seq)
);
