#pragma once

#include <server/server_export.h>
#include <server/sqlstore.h>

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace hall::core {
class Clock;
}

namespace hall::server {

class CommitBatch;

// One audited operation: who (account, role), what (method and route, the path it named, the
// answer), when, and from where. Never a request body: personal data stays out of the trail.
struct HALL_SERVER_EXPORT AuditRecord
{
    qint64 hallId = 0; // 0: server-wide (sign-in, accounts)
    qint64 seq = 0;
    QDateTime at;
    qint64 actor = 0;
    QString login;
    QString role;
    QString peer;
    QString action; // "POST /api/v1/halls/{}/tickets"
    QString target; // the path as requested
    int status = 0;
    QString detail;
    QByteArray prevHash; // hex
    QByteArray hash;     // hex

    // What the hash covers besides the previous hash (not seq: order is the chain's links).
    QByteArray content() const;
    QByteArray computeHash() const;
    QString describe() const; // for people: "entry 57 (2026-11-23 09:01, officer01, POST …)"
    // As the auditor's API and an export show it: every field the hash covers, the hall's code
    // besides its id, and the time in UTC to the millisecond (so the hash can be checked again).
    QJsonObject toJson(const QString &hallCode) const;
    static bool fromJson(const QJsonObject &o, AuditRecord *out);
};

struct HALL_SERVER_EXPORT AuditHead
{
    qint64 hallId = 0;
    qint64 seq = 0;
    QByteArray hash;
    QDateTime at;
    QByteArray keyId;
    QByteArray signature; // DER
    // The bytes the SM2 signature covers.
    QByteArray signedText() const;
};

class HALL_SERVER_EXPORT AuditStore : public SqlStore
{
public:
    using SqlStore::SqlStore;
    bool last(qint64 hallId, AuditRecord *out, QString *error);
    bool lastSignedSeq(qint64 hallId, qint64 *seq, QString *error);
    bool insert(const AuditRecord &r, QString *error);
    bool insert(const AuditHead &h, QString *error);
    bool halls(QList<qint64> *out, QString *error);
    bool chain(qint64 hallId, QList<AuditRecord> *out, QString *error);
    // The entries of one chain written in [fromMs, toMs), after `afterSeq`, at most `limit`.
    bool entries(qint64 hallId, qint64 fromMs, qint64 toMs, qint64 afterSeq, int limit, QList<AuditRecord> *out, QString *error);
    // id → code of every hall (0: "server").
    QHash<qint64, QString> hallCodes();
    bool heads(qint64 hallId, QList<AuditHead> *out, QString *error);
};

// The audit trail of a running server: records go into the group commit with the operation
// they describe (no reply leaves before its entry is durable), are chained with SM3 in commit
// order, and from time to time the head of each hall's chain is signed with the server's SM2
// key. A failed commit drops what was assumed and reads the heads again.
class HALL_SERVER_EXPORT AuditTrail
{
public:
    explicit AuditTrail(storage::Database *db);

    // The SM2 private key (PEM) that signs heads; without one heads are not signed (a warning
    // at start, and `audit verify` says so).
    bool setSigningKey(const QByteArray &privatePem, QString *error);
    bool isSigning() const { return !m_key.isEmpty(); }
    // The same key signs what the server hands out (reports, receipts): SM2 with SM3 over
    // `bytes`, DER; empty without a key. `keyId()` names its public key (auditKeyId).
    QByteArray sign(const QByteArray &bytes) const;
    const QByteArray &keyId() const { return m_keyId; }

    void record(CommitBatch &batch, AuditRecord r);
    // Signs the head of every chain that grew since its last signed head (in the next commit).
    void signHeads(CommitBatch &batch);

    AuditStore &store() { return m_store; }

private:
    friend class AuditWrite;
    struct Tip
    {
        qint64 seq = 0;
        QByteArray hash;
        qint64 signedSeq = 0;
    };
    bool tip(qint64 hallId, Tip *out, QString *error);

    AuditStore m_store;
    QByteArray m_key;
    QByteArray m_keyId;
    QHash<qint64, Tip> m_tips; // committed state per hall, read lazily
};

// `hall-server audit verify`: walks every chain and its signed heads and names each entry that
// was changed, removed or moved, and each head that does not match or is not signed by `publicPem`.
struct AuditReport
{
    qint64 entries = 0;
    qint64 heads = 0;
    qint64 unsignedTail = 0; // entries after the last signed head of their chain
    QStringList problems;
    bool ok() const { return problems.isEmpty(); }
};
HALL_SERVER_EXPORT AuditReport verifyAudit(storage::Database *db, const QByteArray &publicPem, QString *error);

// `hall-server audit export`: the entries written in [from, to) of every chain, as JSON lines
// (a header line, then one entry per line) in `file`, and `file`.sig: the SM2 signature (DER)
// of the file's bytes with SM3, as `openssl dgst -sm3 -verify KEY.pub -signature FILE.sig FILE`
// checks it. Never overwrites a file.
HALL_SERVER_EXPORT bool exportAudit(storage::Database *db, const QByteArray &privatePem, const QDateTime &from, const QDateTime &to,
                                    const QString &file, qint64 *entries, QString *error);
// `hall-server audit verify-export`: the signature of `file` by `publicPem`, then each entry's
// hash and its link to the entry before it in the file.
HALL_SERVER_EXPORT AuditReport verifyAuditExport(const QString &file, const QByteArray &publicPem, QString *error);

// A file and its detached signature `file`.sig (SM2 with SM3 over the file's bytes, DER), as
// `openssl dgst -sm3 -verify KEY.pub -signature FILE.sig FILE` checks it: audit exports and
// hall reports. Neither file is ever overwritten.
HALL_SERVER_EXPORT bool writeSignedFile(const QString &file, const QByteArray &bytes, const QByteArray &privatePem, QString *error);
// Reads `file` into `bytes` and says whether `file`.sig is its signature by `publicPem`;
// false with `error` when either cannot be read.
HALL_SERVER_EXPORT bool readSignedFile(const QString &file, const QByteArray &publicPem, QByteArray *bytes, bool *signatureOk, QString *error);

// The audit key in the OS keychain instead of a file (service "HallSuite/hall-server", entry
// `entry`, by default "audit-sm2"): made there by `audit keygen --keychain`, or moved there
// from a file by `audit import-key`. Never overwritten.
HALL_SERVER_EXPORT extern const QString auditKeychainEntry;
HALL_SERVER_EXPORT bool storeAuditKeyInKeychain(const QByteArray &privatePem, const QString &entry, QString *error);
HALL_SERVER_EXPORT bool readAuditKeyFromKeychain(const QString &entry, QByteArray *pem, QString *error);
// A new SM2 key straight into the keychain; its public key into `publicFile` (never overwritten).
HALL_SERVER_EXPORT bool writeAuditKeyToKeychain(const QString &entry, const QString &publicFile, QString *error);

// 16 hex digits naming a public key: SM3 of its PEM.
HALL_SERVER_EXPORT QByteArray auditKeyId(const QByteArray &publicPem);
HALL_SERVER_EXPORT QByteArray auditPublicKey(const QByteArray &privatePem);
// A new SM2 key in `path` (owner-only) and its public key in `path`.pub; never overwrites.
HALL_SERVER_EXPORT bool writeAuditKey(const QString &path, QString *error);
// Reads the key, refusing a file others can read (a signing key anyone can copy proves nothing).
HALL_SERVER_EXPORT bool readAuditKey(const QString &path, QByteArray *pem, QString *error);

} // namespace hall::server
