-- Offline tickets (docs/sync.md): the number leases this PC holds and the tickets it issued
-- from them while hall-server could not be reached. A ticket, its lease's used counter and its
-- outbox entry commit in one transaction. Personal fields never appear in clear: an outbox
-- entry keeps them sealed by security::PersonalData in `sealed`, opened only to push.

ALTER TABLE outbox ADD COLUMN sealed BLOB;

CREATE TABLE leases (
    id INTEGER PRIMARY KEY,     -- the server's lease id
    business TEXT NOT NULL,
    prefix TEXT NOT NULL,
    digits INTEGER NOT NULL,
    from_seq INTEGER NOT NULL,
    to_seq INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0, -- numbers issued from it here, from from_seq up
    day TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    until_at INTEGER NOT NULL
);

-- entity of the ticket's outbox entry: 'ticket.offline/' || local_id. identity: a blind index
-- of the ID number or phone (PersonalData::index), for one ticket per person and business.
CREATE TABLE offline_tickets (
    local_id TEXT PRIMARY KEY,
    lease_id INTEGER NOT NULL REFERENCES leases(id),
    business TEXT NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL,
    source TEXT NOT NULL,
    priority TEXT NOT NULL DEFAULT '',
    identity BLOB,
    issued_at INTEGER NOT NULL,
    UNIQUE (lease_id, seq)
);
CREATE INDEX offline_tickets_identity ON offline_tickets (identity, business);
