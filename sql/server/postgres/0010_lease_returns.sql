-- A kiosk being retired or reset hands back the unused rest of a lease (docs/sync.md, "Offline
-- tickets"): the numbers from returned_from on are never issued by anyone, and no longer hold
-- quota. The block itself (from_seq, to_seq) never changes, so online numbering stays after it.

ALTER TABLE leases ADD COLUMN returned_from BIGINT;
ALTER TABLE leases ADD COLUMN returned_at BIGINT;
