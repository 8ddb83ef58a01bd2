-- Placeholder for client migration 0002, which another branch brings; it exists here only so
-- that 0003 follows without a gap. At the merge the real 0002 replaces this file.
SELECT 1;
