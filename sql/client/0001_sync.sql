-- A PC's local cache: its place in the sync protocol (docs/sync.md), the outbox, and the
-- reference data it keeps for working offline. Times are milliseconds since the epoch.

CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    device TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    next_seq INTEGER NOT NULL,
    checkpoint INTEGER NOT NULL,
    outcomes_after INTEGER NOT NULL,
    last_push INTEGER,
    last_pull INTEGER
);

-- One row per local write. state: pending (no outcome yet), done (outcome known), parked
-- (exported at a reset; kept until an engineer re-queues or drops it).
CREATE TABLE outbox (
    epoch INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    idem_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    entity TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL,
    made_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT '',
    code TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '',
    current TEXT NOT NULL DEFAULT '',
    decided INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (epoch, seq)
);
CREATE INDEX outbox_state ON outbox (state, epoch, seq);
CREATE INDEX outbox_entity ON outbox (entity, state);

-- The change feed's entities as last pulled (scope ref: hall, businesses, windows).
CREATE TABLE reference (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);

-- Pulled changes of entities that still have local writes waiting: applied once those have
-- their outcome, so a pull never overwrites a local write it has not seen.
CREATE TABLE held_changes (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
