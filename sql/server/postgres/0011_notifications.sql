-- Reminders (issue 10, Q8, Q14). A citizen who leaves a mobile number at issue time is told when
-- few people are ahead, when called, and when a missed ticket can be called again.
--
-- ticket_phones holds the number only while its ticket is open, sealed by the server's
-- personal-data key (FieldCipher, bound to table/column/ticket id); the row is deleted in the
-- commit that closes the ticket. masked (138****8000) is what supervisors see.
-- notifications: one row per ticket and trigger (at most one text each, across restarts);
-- status pending → sent | failed (gave up after the gateway's attempts) | dropped (the ticket
-- closed before it went out). No phone in it.

CREATE TABLE ticket_phones (
    ticket_id BIGINT PRIMARY KEY,
    hall_id BIGINT NOT NULL,
    phone BYTEA NOT NULL,
    masked TEXT NOT NULL,
    ahead_armed BIGINT NOT NULL
);

CREATE TABLE notifications (
    ticket_id BIGINT NOT NULL,
    trigger_name TEXT NOT NULL,
    hall_id BIGINT NOT NULL,
    number TEXT NOT NULL,
    business TEXT NOT NULL,
    window_number TEXT NOT NULL,
    ahead BIGINT NOT NULL,
    masked TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_at BIGINT NOT NULL,
    last_error TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    PRIMARY KEY (ticket_id, trigger_name)
);
CREATE INDEX notifications_hall_status ON notifications (hall_id, status);

-- PersonalData's key check value (security module), so a server started with another key is
-- refused instead of sealing under two keys.
CREATE TABLE IF NOT EXISTS hall_key_check (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    key_id BYTEA NOT NULL,
    check_blob BYTEA NOT NULL
);
