-- Blobs (docs/sync.md, "Blobs"): scanned materials and photos, content-addressed per hall by
-- SHA-256 or SM3. The bytes live in files in the server's blob folder, never in the database;
-- this table says which blobs exist and which are still being uploaded (state 'uploading', at
-- most one upload per blob), and blob_refs says which records reference them: a download is
-- allowed only through one of those. Materials are the first records that reference blobs.

CREATE TABLE blobs (
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    algorithm TEXT NOT NULL,
    hash TEXT NOT NULL,
    size BIGINT NOT NULL,
    state TEXT NOT NULL,
    upload_id TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    completed_at BIGINT,
    PRIMARY KEY (hall_id, algorithm, hash)
);

CREATE TABLE blob_refs (
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    algorithm TEXT NOT NULL,
    hash TEXT NOT NULL,
    kind TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    PRIMARY KEY (hall_id, algorithm, hash, kind, entity_key)
);

CREATE TABLE materials (
    id BIGSERIAL PRIMARY KEY,
    hall_id BIGINT NOT NULL REFERENCES halls(id),
    material_key TEXT NOT NULL,
    ticket_number TEXT NOT NULL,
    type TEXT NOT NULL,
    pages BIGINT NOT NULL,
    blobs TEXT NOT NULL,
    device TEXT NOT NULL,
    made_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    UNIQUE (hall_id, material_key)
);
CREATE INDEX materials_ticket ON materials (hall_id, ticket_number);
