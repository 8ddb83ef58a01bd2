-- The sync domain (docs/sync.md): devices with their epoch and last applied sequence, the
-- outcome of every pushed entry, the change feed (latest row per entity, moved to a new
-- sequence on each change), and the first kind of pushed entry: ratings.

CREATE TABLE sync_devices (
    device TEXT PRIMARY KEY,
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    account_id BIGINT NOT NULL,
    epoch BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    last_push BIGINT
);

CREATE TABLE sync_outcomes (
    device TEXT NOT NULL,
    epoch BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    idem_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    result TEXT NOT NULL,
    current TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (device, epoch, seq)
);

CREATE TABLE sync_changes (
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    seq BIGINT NOT NULL,
    scope TEXT NOT NULL,
    kind TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    version BIGINT NOT NULL,
    deleted BIGINT NOT NULL,
    data TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (hall_id, scope, kind, entity_key)
);
CREATE UNIQUE INDEX sync_changes_seq ON sync_changes (hall_id, seq);

CREATE TABLE ratings (
    id BIGSERIAL PRIMARY KEY,
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    ticket_id BIGINT NOT NULL UNIQUE,
    level BIGINT NOT NULL,
    source TEXT NOT NULL,
    window_id BIGINT NOT NULL,
    officer_id BIGINT NOT NULL,
    device TEXT NOT NULL,
    rated_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX ratings_hall_at ON ratings (hall_id, rated_at);
