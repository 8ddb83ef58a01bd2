-- Passwords per 等保三级 (docs/security.md): when each password was set (NULL: set by someone
-- else, a seed file or an administrator, so its person changes it at the next sign-in), and the
-- hashes of the passwords it replaced, so that the last ones are not used again.

ALTER TABLE accounts ADD COLUMN password_changed_at INTEGER;
UPDATE accounts SET password_changed_at = created_at;

CREATE TABLE password_history (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    password_hash TEXT NOT NULL,
    replaced_at INTEGER NOT NULL
);
CREATE INDEX password_history_account ON password_history (account_id, id);
