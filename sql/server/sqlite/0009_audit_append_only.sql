-- The audit trail is append-only (issue 11, 等保三级 8.1.4.3 c): hall-server only ever inserts
-- into it, and the database refuses any change or removal of an entry or a signed head, whoever
-- asks. The database's owner can drop these triggers; what then shows a change is the SM3 chain
-- and the SM2-signed heads (`hall-server audit verify`) and the signed exports kept elsewhere.

CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_heads_no_update BEFORE UPDATE ON audit_heads BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
