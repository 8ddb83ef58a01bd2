-- hall-server schema, PostgreSQL flavour. Times are milliseconds since the epoch (UTC); days are
-- 'yyyy-MM-dd' in the hall's local time. Personal identities are stored only as keyed hashes.

CREATE TABLE halls (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    config TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE businesses (
    id BIGSERIAL PRIMARY KEY,
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (hall_id, code)
);

CREATE TABLE windows (
    id BIGSERIAL PRIMARY KEY,
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    number TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (hall_id, number)
);

CREATE TABLE window_runtime (
    window_id BIGINT PRIMARY KEY REFERENCES windows(id),
    state TEXT NOT NULL,
    officer_id BIGINT NOT NULL DEFAULT 0,
    current_ticket_id BIGINT NOT NULL DEFAULT 0,
    pause_type TEXT NOT NULL DEFAULT '',
    pause_reason TEXT NOT NULL DEFAULT '',
    since BIGINT
);

CREATE TABLE tickets (
    id BIGINT PRIMARY KEY,
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    business_id BIGINT NOT NULL REFERENCES businesses(id),
    day TEXT NOT NULL,
    prefix TEXT NOT NULL,
    seq BIGINT NOT NULL,
    number TEXT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    priority BIGINT NOT NULL,
    green BIGINT NOT NULL,
    identity_hash BYTEA,
    issued_at BIGINT NOT NULL,
    appointment_at BIGINT,
    appointment_code TEXT NOT NULL DEFAULT '',
    order_key BIGINT NOT NULL,
    window_id BIGINT NOT NULL DEFAULT 0,
    target_window_id BIGINT NOT NULL DEFAULT 0,
    called_at BIGINT,
    callable_after BIGINT,
    finished_at BIGINT,
    call_count BIGINT NOT NULL DEFAULT 0,
    missed_count BIGINT NOT NULL DEFAULT 0,
    print_count BIGINT NOT NULL DEFAULT 0,
    master_id BIGINT NOT NULL DEFAULT 0,
    officer_id BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX tickets_hall_day ON tickets (hall_id, day);
CREATE INDEX tickets_hall_status ON tickets (hall_id, status);

CREATE TABLE calls (
    id BIGSERIAL PRIMARY KEY,
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    ticket_id BIGINT NOT NULL,
    window_id BIGINT NOT NULL,
    officer_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX calls_hall_at ON calls (hall_id, at);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    hall_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor BIGINT NOT NULL,
    action TEXT NOT NULL,
    ticket_id BIGINT NOT NULL,
    window_id BIGINT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_hall_at ON audit_log (hall_id, at);

CREATE TABLE appointments (
    id BIGINT PRIMARY KEY,
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    code TEXT NOT NULL,
    business_id BIGINT NOT NULL REFERENCES businesses(id),
    identity_hash BYTEA,
    slot_start BIGINT NOT NULL,
    slot_end BIGINT NOT NULL,
    ticket_id BIGINT NOT NULL DEFAULT 0,
    UNIQUE (hall_id, code)
);

CREATE TABLE blacklist (
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    identity_hash BYTEA NOT NULL,
    until TEXT NOT NULL,
    reason TEXT NOT NULL,
    by_account BIGINT NOT NULL,
    PRIMARY KEY (hall_id, identity_hash)
);

CREATE TABLE release_passwords (
    id BIGINT PRIMARY KEY,
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    business_id BIGINT NOT NULL REFERENCES businesses(id),
    password_hash BYTEA NOT NULL,
    day TEXT NOT NULL,
    created_by BIGINT NOT NULL,
    used_by BIGINT NOT NULL DEFAULT 0,
    ticket_id BIGINT NOT NULL DEFAULT 0,
    used_at BIGINT
);

CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    hall_id BIGINT REFERENCES halls(id),
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE tokens (
    token_hash BYTEA PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE TABLE id_blocks (
    name TEXT PRIMARY KEY,
    next_value BIGINT NOT NULL
);
INSERT INTO id_blocks (name, next_value) VALUES ('queue', 1);
