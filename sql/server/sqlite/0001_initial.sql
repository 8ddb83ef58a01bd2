-- hall-server schema, SQLite flavour. Times are milliseconds since the epoch (UTC); days are
-- 'yyyy-MM-dd' in the hall's local time. Personal identities are stored only as keyed hashes.

CREATE TABLE halls (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    config TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE businesses (
    id INTEGER PRIMARY KEY,
    hall_id INTEGER NOT NULL REFERENCES halls(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (hall_id, code)
);

CREATE TABLE windows (
    id INTEGER PRIMARY KEY,
    hall_id INTEGER NOT NULL REFERENCES halls(id),
    number TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (hall_id, number)
);

CREATE TABLE window_runtime (
    window_id INTEGER PRIMARY KEY REFERENCES windows(id),
    state TEXT NOT NULL,
    officer_id INTEGER NOT NULL DEFAULT 0,
    current_ticket_id INTEGER NOT NULL DEFAULT 0,
    pause_type TEXT NOT NULL DEFAULT '',
    pause_reason TEXT NOT NULL DEFAULT '',
    since INTEGER
);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    hall_id INTEGER NOT NULL REFERENCES halls(id),
    business_id INTEGER NOT NULL REFERENCES businesses(id),
    day TEXT NOT NULL,
    prefix TEXT NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    priority INTEGER NOT NULL,
    green INTEGER NOT NULL,
    identity_hash BLOB,
    issued_at INTEGER NOT NULL,
    appointment_at INTEGER,
    appointment_code TEXT NOT NULL DEFAULT '',
    order_key INTEGER NOT NULL,
    window_id INTEGER NOT NULL DEFAULT 0,
    target_window_id INTEGER NOT NULL DEFAULT 0,
    called_at INTEGER,
    callable_after INTEGER,
    finished_at INTEGER,
    call_count INTEGER NOT NULL DEFAULT 0,
    missed_count INTEGER NOT NULL DEFAULT 0,
    print_count INTEGER NOT NULL DEFAULT 0,
    master_id INTEGER NOT NULL DEFAULT 0,
    officer_id INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tickets_hall_day ON tickets (hall_id, day);
CREATE INDEX tickets_hall_status ON tickets (hall_id, status);

CREATE TABLE calls (
    id INTEGER PRIMARY KEY,
    hall_id INTEGER NOT NULL REFERENCES halls(id),
    ticket_id INTEGER NOT NULL,
    window_id INTEGER NOT NULL,
    officer_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX calls_hall_at ON calls (hall_id, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    hall_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    actor INTEGER NOT NULL,
    action TEXT NOT NULL,
    ticket_id INTEGER NOT NULL,
    window_id INTEGER NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_hall_at ON audit_log (hall_id, at);

CREATE TABLE appointments (
    id INTEGER PRIMARY KEY,
    hall_id INTEGER NOT NULL REFERENCES halls(id),
    code TEXT NOT NULL,
    business_id INTEGER NOT NULL REFERENCES businesses(id),
    identity_hash BLOB,
    slot_start INTEGER NOT NULL,
    slot_end INTEGER NOT NULL,
    ticket_id INTEGER NOT NULL DEFAULT 0,
    UNIQUE (hall_id, code)
);

CREATE TABLE blacklist (
    hall_id INTEGER NOT NULL REFERENCES halls(id),
    identity_hash BLOB NOT NULL,
    until TEXT NOT NULL,
    reason TEXT NOT NULL,
    by_account INTEGER NOT NULL,
    PRIMARY KEY (hall_id, identity_hash)
);

CREATE TABLE release_passwords (
    id INTEGER PRIMARY KEY,
    hall_id INTEGER NOT NULL REFERENCES halls(id),
    business_id INTEGER NOT NULL REFERENCES businesses(id),
    password_hash BLOB NOT NULL,
    day TEXT NOT NULL,
    created_by INTEGER NOT NULL,
    used_by INTEGER NOT NULL DEFAULT 0,
    ticket_id INTEGER NOT NULL DEFAULT 0,
    used_at INTEGER
);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    hall_id INTEGER REFERENCES halls(id),
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE tokens (
    token_hash BLOB PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

CREATE TABLE id_blocks (
    name TEXT PRIMARY KEY,
    next_value INTEGER NOT NULL
);
INSERT INTO id_blocks (name, next_value) VALUES ('queue', 1);
