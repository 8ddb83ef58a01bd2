-- Officer sign-in by certificate (SEC1, issue 11): which certificate subject, as issued by which
-- CA, signs in as which account. The subject and the issuer are distinguished names in RFC 2253
-- form with UTF-8 kept (CN=张三,OU=...); mapping by name rather than by fingerprint lets the hall
-- CA renew a certificate without an administrator remapping it, while a lost key is revoked
-- through the CA's CRL. `hall-server account certificate add|remove|list` administers them.
-- Builds without the table just do not offer the certificate sign-in.
-- min-compatible: 7

CREATE TABLE account_certificates (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    UNIQUE (issuer, subject)
);
CREATE INDEX account_certificates_account ON account_certificates (account_id);
