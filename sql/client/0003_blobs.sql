-- Blobs waiting to go up (docs/sync.md, "Blobs"): scanned materials and photos, content-addressed
-- by SHA-256 or SM3 of their plain bytes. The bytes are encrypted files in the cache's blob folder
-- (`file` names one; the name says nothing about the content); this table is the upload queue.
-- state: queued (to upload; `sent` bytes the server has confirmed), uploaded (complete on the
-- server). An outbox entry references blobs through its data's "blobs" array and is pushed only
-- once all of them are uploaded.

CREATE TABLE blobs (
    algorithm TEXT NOT NULL,
    hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    file TEXT NOT NULL,
    state TEXT NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    added_at INTEGER NOT NULL,
    uploaded_at INTEGER,
    PRIMARY KEY (algorithm, hash)
);
CREATE INDEX blobs_state ON blobs (state, added_at);
