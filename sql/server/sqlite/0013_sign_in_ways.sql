-- Sign-in ways per hall, and which certificate a session was signed in with (SEC1, issue 11).
--
-- halls.password_sign_in: whether the hall's people may sign in with a password (1) or only by
-- certificate (0); devices keep their passwords either way, and hall-server's
-- --no-password-sign-in turns passwords off for every hall whatever this says. Changed with
-- `hall-server hall password-sign-in` or POST /api/v1/admin/halls/{hall}/password-sign-in.
-- tokens.certificate_*: the certificate (issuer and subject as RFC 2253 names, as in
-- account_certificates, and its serial in hex) a session was signed in with; NULL for a password.
-- Removing the mapping, or the hall CA revoking the serial, ends those sessions at once.
-- No min-compatible marker: an older build would ignore a hall's "certificates only".

ALTER TABLE halls ADD COLUMN password_sign_in INTEGER NOT NULL DEFAULT 1;
ALTER TABLE tokens ADD COLUMN certificate_issuer TEXT;
ALTER TABLE tokens ADD COLUMN certificate_subject TEXT;
ALTER TABLE tokens ADD COLUMN certificate_serial TEXT;
CREATE INDEX tokens_certificate ON tokens (certificate_issuer, certificate_subject);
