#include "audit.h"

#include "commit.h"

#include <core/logging.h>
#include <storage/database.h>
#include <security/crypto.h>

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QSet>
#include <QSqlQuery>

namespace hall::server {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(AuditTrail)
};

QByteArray hex(const QByteArray &b) { return b.toHex(); }

} // namespace

// ---------------------------------------------------------------------------------------
// records and heads

QByteArray AuditRecord::content() const
{
    // QJsonObject orders its keys, so the same record always gives the same bytes.
    return QJsonDocument(QJsonObject{{QStringLiteral("hall"), hallId}, {QStringLiteral("at"), at.toMSecsSinceEpoch()},
                                     {QStringLiteral("actor"), actor}, {QStringLiteral("login"), login},
                                     {QStringLiteral("role"), role}, {QStringLiteral("peer"), peer},
                                     {QStringLiteral("action"), action}, {QStringLiteral("target"), target},
                                     {QStringLiteral("status"), status}, {QStringLiteral("detail"), detail}})
        .toJson(QJsonDocument::Compact);
}

QByteArray AuditRecord::computeHash() const
{
    return hex(security::crypto::sm3(prevHash + '|' + content()));
}

QString AuditRecord::describe() const
{
    return Tr::tr("entry %1 (%2, %3, %4 %5)")
        .arg(seq)
        .arg(at.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")), login.isEmpty() ? Tr::tr("not signed in") : login, action)
        .arg(status);
}

QByteArray AuditHead::signedText() const
{
    return "hallsuite-audit-head/1|" + QByteArray::number(hallId) + '|' + QByteArray::number(seq) + '|' + hash + '|'
        + QByteArray::number(at.toMSecsSinceEpoch());
}

QByteArray auditKeyId(const QByteArray &publicPem)
{
    return hex(security::crypto::sm3(publicPem)).left(16);
}

QByteArray auditPublicKey(const QByteArray &privatePem)
{
    return security::crypto::sm2PublicKey(privatePem);
}

bool writeAuditKey(const QString &path, QString *error)
{
    if (QFile::exists(path)) {
        *error = Tr::tr("%1 exists already; an audit key is never overwritten (heads signed with it would no longer verify).").arg(path);
        return false;
    }
    const QByteArray key = security::crypto::sm2GenerateKey();
    const QByteArray pub = security::crypto::sm2PublicKey(key);
    QFile f(path), p(path + QStringLiteral(".pub"));
    if (key.isEmpty() || pub.isEmpty()) {
        *error = Tr::tr("OpenSSL could not make an SM2 key.");
        return false;
    }
    // Owner-only from the first byte: created with those permissions, then written.
    if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || f.write(key) != key.size() || !f.flush()) {
        *error = Tr::tr("Cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    if (!p.open(QIODevice::WriteOnly | QIODevice::Truncate) || p.write(pub) != pub.size()) {
        *error = Tr::tr("Cannot write %1: %2").arg(p.fileName(), p.errorString());
        return false;
    }
    return true;
}

bool readAuditKey(const QString &path, QByteArray *pem, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = Tr::tr("Cannot read the audit key %1: %2").arg(path, f.errorString());
        return false;
    }
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther | QFileDevice::WriteOther;
    if (f.permissions() & others) {
        *error = Tr::tr("The audit key %1 can be read by others; allow its owner only (chmod 600).").arg(path);
        return false;
    }
    *pem = f.readAll();
    if (security::crypto::sm2PublicKey(*pem).isEmpty()) {
        *error = Tr::tr("%1 is not an SM2 private key in PEM (make one with: hall-server audit keygen FILE).").arg(path);
        return false;
    }
    return true;
}

// ---------------------------------------------------------------------------------------
// store

namespace {

const QString recordColumns = QStringLiteral(
    "SELECT hall_id, seq, at, actor, login, role, peer, action, target, status, detail, prev_hash, hash FROM audit_chain ");

AuditRecord recordFrom(const QSqlQuery &q)
{
    AuditRecord r;
    r.hallId = q.value(0).toLongLong();
    r.seq = q.value(1).toLongLong();
    r.at = QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong());
    r.actor = q.value(3).toLongLong();
    r.login = q.value(4).toString();
    r.role = q.value(5).toString();
    r.peer = q.value(6).toString();
    r.action = q.value(7).toString();
    r.target = q.value(8).toString();
    r.status = q.value(9).toInt();
    r.detail = q.value(10).toString();
    r.prevHash = q.value(11).toString().toLatin1();
    r.hash = q.value(12).toString().toLatin1();
    return r;
}

} // namespace

bool AuditStore::last(qint64 hallId, AuditRecord *out, QString *error)
{
    QSqlQuery &q = cached(recordColumns + QStringLiteral("WHERE hall_id = ? ORDER BY seq DESC LIMIT 1"));
    q.bindValue(0, hallId);
    const auto done = qScopeGuard([&q] { q.finish(); });
    if (!exec(q, error))
        return false;
    *out = q.next() ? recordFrom(q) : AuditRecord{};
    return true;
}

bool AuditStore::lastSignedSeq(qint64 hallId, qint64 *seq, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral("SELECT max(seq) FROM audit_heads WHERE hall_id = ?"));
    q.bindValue(0, hallId);
    const auto done = qScopeGuard([&q] { q.finish(); });
    if (!exec(q, error))
        return false;
    *seq = q.next() ? q.value(0).toLongLong() : 0;
    return true;
}

bool AuditStore::insert(const AuditRecord &r, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral("INSERT INTO audit_chain (hall_id, seq, at, actor, login, role, peer, action, target, status, "
                                         "detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    const QVariantList values{r.hallId, r.seq, r.at.toMSecsSinceEpoch(), r.actor, text(r.login), text(r.role), text(r.peer),
                              text(r.action), text(r.target), r.status, text(r.detail), text(QString::fromLatin1(r.prevHash)),
                              QString::fromLatin1(r.hash)};
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, values.at(i));
    return exec(q, error);
}

bool AuditStore::insert(const AuditHead &h, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral("INSERT INTO audit_heads (hall_id, seq, hash, at, key_id, signature) VALUES (?,?,?,?,?,?)"));
    q.bindValue(0, h.hallId);
    q.bindValue(1, h.seq);
    q.bindValue(2, QString::fromLatin1(h.hash));
    q.bindValue(3, h.at.toMSecsSinceEpoch());
    q.bindValue(4, QString::fromLatin1(h.keyId));
    q.bindValue(5, QString::fromLatin1(h.signature.toBase64()));
    return exec(q, error);
}

bool AuditStore::halls(QList<qint64> *out, QString *error)
{
    QSqlQuery q = query(QStringLiteral("SELECT hall_id FROM audit_chain UNION SELECT hall_id FROM audit_heads ORDER BY 1"));
    if (!exec(q, error))
        return false;
    while (q.next())
        out->append(q.value(0).toLongLong());
    return true;
}

bool AuditStore::chain(qint64 hallId, QList<AuditRecord> *out, QString *error)
{
    QSqlQuery q = query(recordColumns + QStringLiteral("WHERE hall_id = ? ORDER BY seq"));
    q.setForwardOnly(true);
    q.addBindValue(hallId);
    if (!exec(q, error))
        return false;
    while (q.next())
        out->append(recordFrom(q));
    return true;
}

bool AuditStore::heads(qint64 hallId, QList<AuditHead> *out, QString *error)
{
    QSqlQuery q = query(QStringLiteral("SELECT seq, hash, at, key_id, signature FROM audit_heads WHERE hall_id = ? ORDER BY seq"));
    q.addBindValue(hallId);
    if (!exec(q, error))
        return false;
    while (q.next()) {
        out->append(AuditHead{hallId, q.value(0).toLongLong(), q.value(1).toString().toLatin1(),
                              QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong()), q.value(3).toString().toLatin1(),
                              QByteArray::fromBase64(q.value(4).toString().toLatin1())});
    }
    return true;
}

// ---------------------------------------------------------------------------------------
// the trail of a running server

// What the requests of one turn add to the trail. Hashes are made in write(), inside the
// transaction, from the committed tips: the order of the chain is the order of commit.
class AuditWrite final : public PendingWrite
{
public:
    explicit AuditWrite(AuditTrail *t) : m_trail(t) {}

    bool write(QString *error) override
    {
        m_tips.clear();
        for (AuditRecord &r : m_records) {
            AuditTrail::Tip *tip = tipFor(r.hallId, error);
            if (!tip)
                return false;
            r.seq = tip->seq + 1;
            r.prevHash = tip->hash;
            r.hash = r.computeHash();
            if (!m_trail->m_store.insert(r, error))
                return false;
            tip->seq = r.seq;
            tip->hash = r.hash;
        }
        if (m_sign && m_trail->isSigning()) {
            QList<qint64> halls = m_trail->m_tips.keys();
            for (auto it = m_tips.cbegin(); it != m_tips.cend(); ++it) {
                if (!halls.contains(it.key()))
                    halls.append(it.key());
            }
            for (qint64 hallId : std::as_const(halls)) {
                AuditTrail::Tip *tip = tipFor(hallId, error);
                if (!tip)
                    return false;
                if (tip->seq <= tip->signedSeq)
                    continue;
                AuditHead h{hallId, tip->seq, tip->hash, m_signedAt, m_trail->m_keyId, {}};
                h.signature = security::crypto::sm2Sign(m_trail->m_key, h.signedText());
                if (h.signature.isEmpty()) {
                    *error = Tr::tr("The audit head could not be signed with the SM2 key.");
                    return false;
                }
                if (!m_trail->m_store.insert(h, error))
                    return false;
                tip->signedSeq = tip->seq;
            }
        }
        return true;
    }
    void committed() override
    {
        for (auto it = m_tips.cbegin(); it != m_tips.cend(); ++it)
            m_trail->m_tips.insert(it.key(), it.value());
    }
    void rolledBack() override { m_trail->m_tips.clear(); }

    QList<AuditRecord> m_records;
    bool m_sign = false;
    QDateTime m_signedAt;

private:
    AuditTrail::Tip *tipFor(qint64 hallId, QString *error)
    {
        auto it = m_tips.find(hallId);
        if (it != m_tips.end())
            return &*it;
        AuditTrail::Tip t;
        if (!m_trail->tip(hallId, &t, error))
            return nullptr;
        return &*m_tips.insert(hallId, t);
    }

    AuditTrail *m_trail;
    QHash<qint64, AuditTrail::Tip> m_tips; // this batch's view, adopted on commit
};

AuditTrail::AuditTrail(storage::Database *db) : m_store(db) {}

bool AuditTrail::setSigningKey(const QByteArray &privatePem, QString *error)
{
    const QByteArray pub = security::crypto::sm2PublicKey(privatePem);
    if (pub.isEmpty()) {
        *error = Tr::tr("The audit key is not an SM2 private key in PEM (make one with: hall-server audit keygen FILE).");
        return false;
    }
    m_key = privatePem;
    m_keyId = auditKeyId(pub);
    return true;
}

bool AuditTrail::tip(qint64 hallId, Tip *out, QString *error)
{
    if (const auto it = m_tips.constFind(hallId); it != m_tips.constEnd()) {
        *out = *it;
        return true;
    }
    AuditRecord last;
    if (!m_store.last(hallId, &last, error) || !m_store.lastSignedSeq(hallId, &out->signedSeq, error))
        return false;
    out->seq = last.seq;
    out->hash = last.hash;
    return true;
}

void AuditTrail::record(CommitBatch &batch, AuditRecord r)
{
    auto &w = batch.slot<AuditWrite>(QStringLiteral("audit"), [this] { return std::make_unique<AuditWrite>(this); });
    w.m_records.append(std::move(r));
    batch.touch();
}

void AuditTrail::signHeads(CommitBatch &batch)
{
    if (!isSigning())
        return;
    auto &w = batch.slot<AuditWrite>(QStringLiteral("audit"), [this] { return std::make_unique<AuditWrite>(this); });
    w.m_sign = true;
    w.m_signedAt = QDateTime::currentDateTime();
    batch.touch();
}

// ---------------------------------------------------------------------------------------
// verification

AuditReport verifyAudit(storage::Database *db, const QByteArray &publicPem, QString *error)
{
    AuditReport report;
    AuditStore store(db);
    QList<qint64> halls;
    if (!store.halls(&halls, error))
        return report;
    const QByteArray keyId = publicPem.isEmpty() ? QByteArray() : auditKeyId(publicPem);
    QHash<qint64, QString> codes;
    QSqlQuery q(db->connection());
    if (q.exec(QStringLiteral("SELECT id, code FROM halls"))) {
        while (q.next())
            codes.insert(q.value(0).toLongLong(), q.value(1).toString());
    }
    for (qint64 hallId : std::as_const(halls)) {
        QList<AuditRecord> chain;
        QList<AuditHead> heads;
        if (!store.chain(hallId, &chain, error) || !store.heads(hallId, &heads, error))
            return report;
        const QString where = hallId ? Tr::tr("hall %1").arg(codes.value(hallId, QString::number(hallId))) : Tr::tr("server");
        report.entries += chain.size();
        QHash<QByteArray, qint64> seqOfHash; // hash → seq, to name where a moved entry belongs
        for (const AuditRecord &r : std::as_const(chain))
            seqOfHash.insert(r.hash, r.seq);
        QHash<qint64, QByteArray> hashAt;
        QByteArray expectedPrev;
        qint64 expectedSeq = 1;
        for (const AuditRecord &r : std::as_const(chain)) {
            hashAt.insert(r.seq, r.hash);
            if (r.seq > expectedSeq) {
                report.problems << (r.seq == expectedSeq + 1 ? Tr::tr("%1: entry %2 was removed.").arg(where).arg(expectedSeq)
                                                              : Tr::tr("%1: entries %2 to %3 were removed.").arg(where).arg(expectedSeq).arg(r.seq - 1));
            }
            expectedSeq = r.seq + 1;
            if (r.computeHash() != r.hash) {
                report.problems << Tr::tr("%1: %2 was changed: its content does not match its hash.").arg(where, r.describe());
            } else if (r.prevHash != expectedPrev) {
                const auto from = seqOfHash.constFind(r.prevHash);
                if (from != seqOfHash.constEnd())
                    report.problems << Tr::tr("%1: %2 is out of order: it was written after entry %3.").arg(where, r.describe()).arg(*from);
                else if (r.prevHash.isEmpty())
                    report.problems << Tr::tr("%1: %2 starts a new chain: the entries before it were replaced.").arg(where, r.describe());
                else
                    report.problems << Tr::tr("%1: the entry written before %2 is missing.").arg(where, r.describe());
            }
            expectedPrev = r.hash;
        }
        qint64 lastSigned = 0;
        for (const AuditHead &h : std::as_const(heads)) {
            ++report.heads;
            lastSigned = std::max(lastSigned, h.seq);
            if (!publicPem.isEmpty() && (h.keyId != keyId || !security::crypto::sm2Verify(publicPem, h.signedText(), h.signature))) {
                report.problems << Tr::tr("%1: the signed head at entry %2 (%3) is not signed by this key.")
                                       .arg(where).arg(h.seq).arg(h.at.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
                continue;
            }
            const auto at = hashAt.constFind(h.seq);
            if (at == hashAt.constEnd())
                report.problems << Tr::tr("%1: entry %2, whose head was signed at %3, is gone: the chain was cut.")
                                       .arg(where).arg(h.seq).arg(h.at.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
            else if (*at != h.hash)
                report.problems << Tr::tr("%1: the chain up to entry %2 was rewritten: it no longer matches the head signed at %3.")
                                       .arg(where).arg(h.seq).arg(h.at.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
        }
        const qint64 lastSeq = chain.isEmpty() ? 0 : chain.last().seq;
        report.unsignedTail += std::max<qint64>(0, lastSeq - lastSigned);
    }
    return report;
}

} // namespace hall::server
