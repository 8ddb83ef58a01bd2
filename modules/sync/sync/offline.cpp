#include "offline.h"

#include <core/idnumber.h>
#include <storage/transaction.h>

#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace hall::sync {

namespace {

bool run(QSqlQuery &q, QString *error)
{
    if (q.exec())
        return true;
    if (error)
        *error = q.lastError().text();
    return false;
}

LocalLease leaseFrom(const QSqlQuery &q)
{
    LocalLease l;
    l.id = q.value(0).toLongLong();
    l.business = q.value(1).toString();
    l.prefix = q.value(2).toString();
    l.digits = q.value(3).toInt();
    l.from = q.value(4).toInt();
    l.to = q.value(5).toInt();
    l.used = q.value(6).toInt();
    l.day = QDate::fromString(q.value(7).toString(), Qt::ISODate);
    l.grantedAt = QDateTime::fromMSecsSinceEpoch(q.value(8).toLongLong());
    l.until = QDateTime::fromMSecsSinceEpoch(q.value(9).toLongLong());
    return l;
}

const QString leaseColumns = QStringLiteral("SELECT id, business, prefix, digits, from_seq, to_seq, used, day, granted_at, until_at FROM leases ");

} // namespace

bool OfflineIssuer::addLease(const LocalLease &l, QString *error)
{
    QSqlQuery q(m_cache->connection());
    q.prepare(QStringLiteral("INSERT INTO leases (id, business, prefix, digits, from_seq, to_seq, used, day, granted_at, until_at) "
                             "VALUES (?,?,?,?,?,?,0,?,?,?) ON CONFLICT (id) DO NOTHING"));
    q.addBindValue(l.id);
    q.addBindValue(l.business);
    q.addBindValue(l.prefix);
    q.addBindValue(l.digits);
    q.addBindValue(l.from);
    q.addBindValue(l.to);
    q.addBindValue(l.day.toString(Qt::ISODate));
    q.addBindValue(l.grantedAt.toMSecsSinceEpoch());
    q.addBindValue(l.until.toMSecsSinceEpoch());
    return run(q, error);
}

QList<LocalLease> OfflineIssuer::leases(const QString &business) const
{
    QSqlQuery q(m_cache->connection());
    q.prepare(leaseColumns + (business.isEmpty() ? QStringLiteral("ORDER BY id") : QStringLiteral("WHERE business = ? ORDER BY id")));
    if (!business.isEmpty())
        q.addBindValue(business);
    QList<LocalLease> out;
    if (run(q, nullptr)) {
        while (q.next())
            out.append(leaseFrom(q));
    }
    return out;
}

int OfflineIssuer::available(const QString &business, const QDateTime &now) const
{
    int n = 0;
    for (const LocalLease &l : leases(business)) {
        if (l.isLive(now))
            n += l.left();
    }
    return n;
}

bool OfflineIssuer::needsLease(const QString &business, int lowWater, const QDateTime &now) const
{
    int open = 0;
    int left = 0;
    for (const LocalLease &l : leases(business)) {
        if (l.isLive(now)) {
            ++open;
            left += l.left();
        }
    }
    return left < lowWater && open < 2;
}

bool OfflineIssuer::closeLease(qint64 id, int *used, QString *error)
{
    storage::Transaction tx(m_cache->connection());
    if (!tx.isActive()) {
        *error = tx.error();
        return false;
    }
    QSqlQuery q(m_cache->connection());
    q.prepare(QStringLiteral("SELECT used FROM leases WHERE id = ?"));
    q.addBindValue(id);
    if (!run(q, error))
        return false;
    *used = q.next() ? q.value(0).toInt() : 0;
    q.finish();
    QSqlQuery close(m_cache->connection());
    close.prepare(QStringLiteral("UPDATE leases SET to_seq = from_seq + used - 1 WHERE id = ?"));
    close.addBindValue(id);
    if (!run(close, error))
        return false;
    if (!tx.commit()) {
        *error = tx.error();
        return false;
    }
    return true;
}

bool OfflineIssuer::issue(const OfflineRequest &req, OfflineTicket *out, QString *error, const QDateTime &now)
{
    // What identifies the person, checked before anything is written.
    QString identityValue;
    QJsonObject personal;
    switch (req.source) {
    case core::TicketSource::IdCard:
        if (!core::isValidIdNumber(req.idNumber)) {
            *error = tr("The ID number is not valid; read the card again.");
            return false;
        }
        identityValue = req.idNumber.toUpper();
        personal.insert(QStringLiteral("idNumber"), identityValue);
        break;
    case core::TicketSource::Phone:
        if (!core::isValidMobile(req.phone)) {
            *error = tr("The mobile number is not valid.");
            return false;
        }
        identityValue = req.phone;
        personal.insert(QStringLiteral("phone"), identityValue);
        break;
    case core::TicketSource::Touch:
        break;
    default:
        *error = tr("Only walk-in tickets (touch, ID card, phone) are issued offline.");
        return false;
    }
    // With another source a phone is for reminders only: sealed the same way, no identity.
    if (req.source != core::TicketSource::Phone && !req.phone.isEmpty()) {
        if (!core::isValidMobile(req.phone)) {
            *error = tr("The mobile number for reminders is not valid.");
            return false;
        }
        personal.insert(QStringLiteral("phone"), req.phone);
    }
    const QString localId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString entity = QLatin1String(Kind) + u'/' + localId;
    std::optional<QByteArray> sealed;
    std::optional<QByteArray> identity;
    if (!personal.isEmpty()) {
        QString why;
        sealed = m_cache->seal(entity, personal, &why);
        if (!identityValue.isEmpty() && m_cache->personalData())
            identity = m_cache->personalData()->index(QStringLiteral("offline_tickets"), QStringLiteral("identity"), identityValue);
        if (!sealed || (!identityValue.isEmpty() && !identity)) {
            *error = tr("This ticket needs the ID or phone number, which cannot be stored safely now: %1 "
                        "Issue a ticket without it, or restore the keychain.").arg(why);
            return false;
        }
    }

    const QSqlDatabase db = m_cache->connection();
    storage::Transaction tx(db);
    if (!tx.isActive()) {
        *error = tx.error();
        return false;
    }
    if (identity) {
        QSqlQuery dup(db);
        dup.prepare(QStringLiteral("SELECT t.number FROM offline_tickets t JOIN leases l ON l.id = t.lease_id "
                                   "WHERE t.identity = ? AND t.business = ? AND l.day = ?"));
        dup.addBindValue(*identity);
        dup.addBindValue(req.business);
        dup.addBindValue(now.date().toString(Qt::ISODate));
        if (!run(dup, error))
            return false;
        if (dup.next()) {
            *error = tr("This person already holds ticket %1 for this business today; reprint it instead.").arg(dup.value(0).toString());
            return false;
        }
    }
    // The oldest live lease first, so leases are used up in the order they were granted.
    LocalLease lease;
    {
        QSqlQuery q(db);
        q.prepare(leaseColumns + QStringLiteral("WHERE business = ? AND day = ? AND until_at > ? AND used < to_seq - from_seq + 1 "
                                                "ORDER BY id LIMIT 1"));
        q.addBindValue(req.business);
        q.addBindValue(now.date().toString(Qt::ISODate));
        q.addBindValue(now.toMSecsSinceEpoch());
        if (!run(q, error))
            return false;
        if (!q.next()) {
            *error = tr("No numbers are left for %1 on this kiosk; tickets can be issued again when the server is reachable.").arg(req.business);
            return false;
        }
        lease = leaseFrom(q);
    }
    OfflineTicket t;
    t.localId = localId;
    t.leaseId = lease.id;
    t.business = req.business;
    t.seq = lease.from + lease.used;
    t.number = lease.number(t.seq);
    t.source = core::ticketSourceName(req.source);
    t.issuedAt = now;
    t.state = QStringLiteral("pending");

    QSqlQuery use(db);
    use.prepare(QStringLiteral("UPDATE leases SET used = used + 1 WHERE id = ? AND used = ?"));
    use.addBindValue(lease.id);
    use.addBindValue(lease.used);
    QSqlQuery ins(db);
    ins.prepare(QStringLiteral("INSERT INTO offline_tickets (local_id, lease_id, business, seq, number, source, priority, identity, issued_at) "
                               "VALUES (?,?,?,?,?,?,?,?,?)"));
    ins.addBindValue(t.localId);
    ins.addBindValue(t.leaseId);
    ins.addBindValue(t.business);
    ins.addBindValue(t.seq);
    ins.addBindValue(t.number);
    ins.addBindValue(t.source);
    ins.addBindValue(req.priority.isNull() ? QStringLiteral("") : req.priority);
    ins.addBindValue(identity ? QVariant(*identity) : QVariant(QMetaType::fromType<QByteArray>()));
    ins.addBindValue(now.toMSecsSinceEpoch());
    QJsonObject data{{QStringLiteral("business"), t.business}, {QStringLiteral("seq"), t.seq}, {QStringLiteral("number"), t.number},
                     {QStringLiteral("issuedAt"), now.toString(Qt::ISODateWithMs)}, {QStringLiteral("source"), t.source},
                     {QStringLiteral("local"), t.localId}};
    if (!req.priority.isEmpty())
        data.insert(QStringLiteral("priority"), req.priority);
    if (!run(use, error) || !run(ins, error)
        || !m_cache->enqueue(QLatin1String(Kind), data, entity, nullptr, error, sealed.value_or(QByteArray())))
        return false;
    if (use.numRowsAffected() != 1) {
        *error = tr("The lease changed while issuing; try again.");
        return false;
    }
    if (!tx.commit()) {
        *error = tx.error();
        return false;
    }
    *out = t;
    return true;
}

QList<OfflineTicket> OfflineIssuer::tickets(int limit) const
{
    // The latest outbox entry of each ticket (a re-queued one replaces the parked one).
    QSqlQuery q(m_cache->connection());
    q.prepare(QStringLiteral(
        "SELECT t.local_id, t.lease_id, t.business, t.seq, t.number, t.source, t.issued_at, o.state, o.status, o.code, o.message "
        "FROM offline_tickets t LEFT JOIN outbox o ON o.rowid = (SELECT rowid FROM outbox WHERE entity = ? || t.local_id "
        "ORDER BY epoch DESC, seq DESC LIMIT 1) ORDER BY t.issued_at, t.seq LIMIT ?"));
    q.addBindValue(QString(QLatin1String(Kind) + u'/'));
    q.addBindValue(limit);
    QList<OfflineTicket> out;
    if (!run(q, nullptr))
        return out;
    while (q.next()) {
        OfflineTicket t;
        t.localId = q.value(0).toString();
        t.leaseId = q.value(1).toLongLong();
        t.business = q.value(2).toString();
        t.seq = q.value(3).toInt();
        t.number = q.value(4).toString();
        t.source = q.value(5).toString();
        t.issuedAt = QDateTime::fromMSecsSinceEpoch(q.value(6).toLongLong());
        t.state = q.value(7).toString();
        t.status = q.value(8).toString();
        t.code = q.value(9).toString();
        t.message = q.value(10).toString();
        out.append(t);
    }
    return out;
}

} // namespace hall::sync
