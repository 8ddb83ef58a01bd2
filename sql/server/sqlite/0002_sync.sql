-- The sync domain (docs/sync.md): devices with their epoch and last applied sequence, the
-- outcome of every pushed entry, the change feed (latest row per entity, moved to a new
-- sequence on each change), and the first kind of pushed entry: ratings.

CREATE TABLE sync_devices (
    device TEXT PRIMARY KEY,
    hall_id INTEGER NOT NULL REFERENCES halls(id),
    account_id INTEGER NOT NULL,
    epoch INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    last_push INTEGER
);

CREATE TABLE sync_outcomes (
    device TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    idem_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    result TEXT NOT NULL,
    current TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (device, epoch, seq)
);

CREATE TABLE sync_changes (
    hall_id INTEGER NOT NULL REFERENCES halls(id),
    seq INTEGER NOT NULL,
    scope TEXT NOT NULL,
    kind TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    version INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    data TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (hall_id, scope, kind, entity_key)
);
CREATE UNIQUE INDEX sync_changes_seq ON sync_changes (hall_id, seq);

CREATE TABLE ratings (
    id INTEGER PRIMARY KEY,
    hall_id INTEGER NOT NULL REFERENCES halls(id),
    ticket_id INTEGER NOT NULL UNIQUE,
    level INTEGER NOT NULL,
    source TEXT NOT NULL,
    window_id INTEGER NOT NULL,
    officer_id INTEGER NOT NULL,
    device TEXT NOT NULL,
    rated_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX ratings_hall_at ON ratings (hall_id, rated_at);
