-- Number leases (docs/sync.md, "Offline tickets"): blocks of walk-in numbers a kiosk issues from
-- while it cannot reach the server. Kept after their day, so no number of a day is ever handed
-- out twice, whatever a client forgets; an offline ticket is an ordinary row of tickets whose
-- number lies inside a lease.

CREATE TABLE leases (
    id INTEGER PRIMARY KEY,
    hall_id INTEGER NOT NULL REFERENCES halls(id),
    business_id INTEGER NOT NULL REFERENCES businesses(id),
    prefix TEXT NOT NULL,
    from_seq INTEGER NOT NULL,
    to_seq INTEGER NOT NULL,
    day TEXT NOT NULL,
    half TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    until_at INTEGER NOT NULL,
    device TEXT NOT NULL,
    account_id INTEGER NOT NULL
);
CREATE INDEX leases_hall_day ON leases (hall_id, day);
