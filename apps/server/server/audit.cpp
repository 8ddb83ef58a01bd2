#include "audit.h"

#include "commit.h"
#include "secrets.h"

#include <core/logging.h>
#include <storage/database.h>
#include <security/crypto.h>
#include <security/keychain.h>

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
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

QJsonObject AuditRecord::toJson(const QString &hallCode) const
{
    return {{QStringLiteral("hallId"), hallId}, {QStringLiteral("hall"), hallCode}, {QStringLiteral("seq"), seq},
            {QStringLiteral("at"), at.toUTC().toString(Qt::ISODateWithMs)}, {QStringLiteral("actor"), actor},
            {QStringLiteral("login"), login}, {QStringLiteral("role"), role}, {QStringLiteral("peer"), peer},
            {QStringLiteral("action"), action}, {QStringLiteral("target"), target}, {QStringLiteral("status"), status},
            {QStringLiteral("detail"), detail}, {QStringLiteral("prevHash"), QString::fromLatin1(prevHash)},
            {QStringLiteral("hash"), QString::fromLatin1(hash)}};
}

bool AuditRecord::fromJson(const QJsonObject &o, AuditRecord *out)
{
    AuditRecord r;
    r.hallId = o.value(QStringLiteral("hallId")).toInteger(-1);
    r.seq = o.value(QStringLiteral("seq")).toInteger();
    r.at = QDateTime::fromString(o.value(QStringLiteral("at")).toString(), Qt::ISODateWithMs);
    r.actor = o.value(QStringLiteral("actor")).toInteger();
    r.login = o.value(QStringLiteral("login")).toString();
    r.role = o.value(QStringLiteral("role")).toString();
    r.peer = o.value(QStringLiteral("peer")).toString();
    r.action = o.value(QStringLiteral("action")).toString();
    r.target = o.value(QStringLiteral("target")).toString();
    r.status = o.value(QStringLiteral("status")).toInt();
    r.detail = o.value(QStringLiteral("detail")).toString();
    r.prevHash = o.value(QStringLiteral("prevHash")).toString().toLatin1();
    r.hash = o.value(QStringLiteral("hash")).toString().toLatin1();
    if (r.hallId < 0 || r.seq < 1 || !r.at.isValid() || r.hash.isEmpty())
        return false;
    *out = r;
    return true;
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
    if (!openSecretFile(f, Tr::tr("audit key"), error))
        return false;
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

bool AuditStore::entries(qint64 hallId, qint64 fromMs, qint64 toMs, qint64 afterSeq, int limit, QList<AuditRecord> *out, QString *error)
{
    QSqlQuery q = query(recordColumns + QStringLiteral("WHERE hall_id = ? AND at >= ? AND at < ? AND seq > ? ORDER BY seq LIMIT ?"));
    q.setForwardOnly(true);
    for (const QVariant &v : {QVariant(hallId), QVariant(fromMs), QVariant(toMs), QVariant(afterSeq), QVariant(limit)})
        q.addBindValue(v);
    if (!exec(q, error))
        return false;
    while (q.next())
        out->append(recordFrom(q));
    return true;
}

QHash<qint64, QString> AuditStore::hallCodes()
{
    QHash<qint64, QString> codes{{0, QStringLiteral("server")}};
    QSqlQuery q = query(QStringLiteral("SELECT id, code FROM halls"));
    QString error;
    if (exec(q, &error)) {
        while (q.next())
            codes.insert(q.value(0).toLongLong(), q.value(1).toString());
    }
    return codes;
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

QByteArray AuditTrail::sign(const QByteArray &bytes) const
{
    return m_key.isEmpty() ? QByteArray() : security::crypto::sm2Sign(m_key, bytes);
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
    const QHash<qint64, QString> codes = store.hallCodes();
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

// ---------------------------------------------------------------------------------------
// signed exports

namespace {

const QByteArray exportFormat = "hallsuite-audit-export/1";

} // namespace

bool exportAudit(storage::Database *db, const QByteArray &privatePem, const QDateTime &from, const QDateTime &to, const QString &file,
                 qint64 *entries, QString *error)
{
    const QByteArray pub = security::crypto::sm2PublicKey(privatePem);
    if (pub.isEmpty()) {
        *error = Tr::tr("An export is signed: give the audit key (--audit-key FILE or --audit-keychain).");
        return false;
    }
    if (!from.isValid() || !to.isValid() || from >= to) {
        *error = Tr::tr("--from and --to need two times, the first before the second (e.g. --from 2026-11-01 --to 2026-12-01).");
        return false;
    }
    // Refused before the entries are read; writeSignedFile checks again when it writes.
    const QString sigFile = file + QStringLiteral(".sig");
    if (QFile::exists(file) || QFile::exists(sigFile)) {
        *error = Tr::tr("%1 exists already; an export is never overwritten.").arg(QFile::exists(file) ? file : sigFile);
        return false;
    }
    AuditStore store(db);
    QList<qint64> halls;
    if (!store.halls(&halls, error))
        return false;
    const QHash<qint64, QString> codes = store.hallCodes();
    // The header says what the file holds; the signature covers it with the entries.
    QByteArray out = QJsonDocument(QJsonObject{{QStringLiteral("format"), QString::fromLatin1(exportFormat)},
                                               {QStringLiteral("from"), from.toUTC().toString(Qt::ISODateWithMs)},
                                               {QStringLiteral("to"), to.toUTC().toString(Qt::ISODateWithMs)},
                                               {QStringLiteral("exportedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                                               {QStringLiteral("keyId"), QString::fromLatin1(auditKeyId(pub))}})
                         .toJson(QJsonDocument::Compact)
        + '\n';
    *entries = 0;
    for (qint64 hallId : std::as_const(halls)) {
        QList<AuditRecord> chain;
        if (!store.entries(hallId, from.toMSecsSinceEpoch(), to.toMSecsSinceEpoch(), 0, std::numeric_limits<int>::max(), &chain, error))
            return false;
        for (const AuditRecord &r : std::as_const(chain))
            out += QJsonDocument(r.toJson(codes.value(hallId, QString::number(hallId)))).toJson(QJsonDocument::Compact) + '\n';
        *entries += chain.size();
    }
    return writeSignedFile(file, out, privatePem, error);
}

AuditReport verifyAuditExport(const QString &file, const QByteArray &publicPem, QString *error)
{
    AuditReport report;
    if (publicPem.isEmpty()) {
        *error = Tr::tr("verify-export needs the public key the export was signed with: --audit-public-key FILE.");
        return report;
    }
    QByteArray bytes;
    bool signatureOk = false;
    if (!readSignedFile(file, publicPem, &bytes, &signatureOk, error))
        return report;
    if (!signatureOk)
        report.problems << Tr::tr("The signature does not match: the file was changed after it was signed, or another key signed it.");
    const QList<QByteArray> lines = bytes.split('\n');
    const QJsonObject header = QJsonDocument::fromJson(lines.value(0)).object();
    if (header.value(QStringLiteral("format")).toString().toLatin1() != exportFormat) {
        report.problems << Tr::tr("Line 1 is not the header of an audit export.");
        return report;
    }
    QHash<qint64, AuditRecord> previous; // per hall, the entry on the line before
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (lines.at(i).isEmpty())
            continue;
        AuditRecord r;
        if (!AuditRecord::fromJson(QJsonDocument::fromJson(lines.at(i)).object(), &r)) {
            report.problems << Tr::tr("Line %1 is not an audit entry.").arg(i + 1);
            continue;
        }
        ++report.entries;
        if (r.computeHash() != r.hash)
            report.problems << Tr::tr("Line %1: %2 was changed: its content does not match its hash.").arg(i + 1).arg(r.describe());
        const auto prev = previous.constFind(r.hallId);
        if (prev != previous.constEnd() && (r.seq != prev->seq + 1 || r.prevHash != prev->hash))
            report.problems << Tr::tr("Line %1: %2 does not follow entry %3 of its chain.").arg(i + 1).arg(r.describe()).arg(prev->seq);
        previous.insert(r.hallId, r);
    }
    return report;
}

bool writeSignedFile(const QString &file, const QByteArray &bytes, const QByteArray &privatePem, QString *error)
{
    const QString sigFile = file + QStringLiteral(".sig");
    if (QFile::exists(file) || QFile::exists(sigFile)) {
        *error = Tr::tr("%1 exists already; a signed file is never overwritten.").arg(QFile::exists(file) ? file : sigFile);
        return false;
    }
    const QByteArray signature = security::crypto::sm2Sign(privatePem, bytes);
    if (signature.isEmpty()) {
        *error = Tr::tr("The file could not be signed: give the SM2 key (--audit-key FILE or --audit-keychain).");
        return false;
    }
    for (const auto &[name, content] : {std::pair{file, bytes}, std::pair{sigFile, signature}}) {
        QFile f(name);
        if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly) || f.write(content) != content.size() || !f.flush()) {
            *error = Tr::tr("Cannot write %1: %2").arg(name, f.errorString());
            return false;
        }
    }
    return true;
}

bool readSignedFile(const QString &file, const QByteArray &publicPem, QByteArray *bytes, bool *signatureOk, QString *error)
{
    QFile f(file), s(file + QStringLiteral(".sig"));
    if (!f.open(QIODevice::ReadOnly) || !s.open(QIODevice::ReadOnly)) {
        *error = Tr::tr("Cannot read %1: %2").arg(f.isOpen() ? s.fileName() : file, f.isOpen() ? s.errorString() : f.errorString());
        return false;
    }
    *bytes = f.readAll();
    *signatureOk = security::crypto::sm2Verify(publicPem, *bytes, s.readAll());
    return true;
}

// ---------------------------------------------------------------------------------------
// the key in the keychain

const QString auditKeychainEntry = QStringLiteral("audit-sm2");

namespace {

security::Keychain serverKeychain() { return security::Keychain(QStringLiteral("HallSuite/hall-server")); }

} // namespace

bool storeAuditKeyInKeychain(const QByteArray &privatePem, const QString &entry, QString *error)
{
    const security::Keychain keychain = serverKeychain();
    const security::KeychainResult existing = keychain.readNow(entry);
    if (existing.ok()) {
        *error = Tr::tr("The keychain holds an audit key \"%1\" already; an audit key is never overwritten (heads signed with it would no longer verify).").arg(entry);
        return false;
    }
    if (existing.status != security::KeychainStatus::NotFound) {
        *error = existing.message;
        return false;
    }
    const security::KeychainResult written = keychain.writeNow(entry, privatePem);
    if (!written.ok()) {
        *error = written.message;
        return false;
    }
    return true;
}

bool writeAuditKeyToKeychain(const QString &entry, const QString &publicFile, QString *error)
{
    QByteArray key = security::crypto::sm2GenerateKey();
    const QByteArray pub = security::crypto::sm2PublicKey(key);
    if (key.isEmpty() || pub.isEmpty()) {
        *error = Tr::tr("OpenSSL could not make an SM2 key.");
        return false;
    }
    QFile p(publicFile);
    if (!p.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
        *error = Tr::tr("Cannot write %1: %2").arg(publicFile, p.exists() ? Tr::tr("it exists already") : p.errorString());
        return false;
    }
    const bool stored = storeAuditKeyInKeychain(key, entry, error);
    security::crypto::cleanse(key);
    if (!stored || p.write(pub) != pub.size() || !p.flush()) {
        if (stored)
            *error = Tr::tr("Cannot write %1: %2").arg(publicFile, p.errorString());
        p.remove();
        return false;
    }
    return true;
}

bool readAuditKeyFromKeychain(const QString &entry, QByteArray *pem, QString *error)
{
    const security::KeychainResult r = serverKeychain().readNow(entry);
    if (!r.ok()) {
        *error = r.status == security::KeychainStatus::NotFound
            ? Tr::tr("The keychain holds no audit key \"%1\" (make one with: hall-server audit keygen --keychain FILE.pub).").arg(entry)
            : r.message;
        return false;
    }
    if (security::crypto::sm2PublicKey(r.data).isEmpty()) {
        *error = Tr::tr("The keychain's entry \"%1\" is not an SM2 private key.").arg(entry);
        return false;
    }
    *pem = r.data;
    return true;
}

} // namespace hall::server
