-- Placeholder for migration 0003, which another branch (offline tickets) brings; it exists here
-- only so that 0004 follows without a gap. At the merge the real 0003 replaces this file.
SELECT 1;
