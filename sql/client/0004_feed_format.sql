-- The sync feed format the cached rows (reference, held_changes) were built from (docs/sync.md,
-- "Feed format"): a server that answers this cache in another one asks for a reset. Caches from
-- before this migration were built from format 1, the only one there was.
ALTER TABLE sync_state ADD COLUMN feed_format INTEGER NOT NULL DEFAULT 1;
