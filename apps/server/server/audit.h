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

// 16 hex digits naming a public key: SM3 of its PEM.
HALL_SERVER_EXPORT QByteArray auditKeyId(const QByteArray &publicPem);
HALL_SERVER_EXPORT QByteArray auditPublicKey(const QByteArray &privatePem);
// A new SM2 key in `path` (owner-only) and its public key in `path`.pub; never overwrites.
HALL_SERVER_EXPORT bool writeAuditKey(const QString &path, QString *error);
// Reads the key, refusing a file others can read (a signing key anyone can copy proves nothing).
HALL_SERVER_EXPORT bool readAuditKey(const QString &path, QByteArray *pem, QString *error);

} // namespace hall::server
