#include "queuestore.h"

#include <QJsonObject>
#include <QScopeGuard>

namespace hall::server {

using core::Ticket;

namespace {

constexpr int idBlockSize = 1000;

} // namespace

bool QueueStore::loadSnapshot(const core::HallConfig &cfg, const QDate &today, queue::Snapshot *out, QString *error)
{
    QSqlQuery q = query(QStringLiteral(
        "SELECT id, business_id, day, prefix, seq, number, source, status, priority, green, identity_hash, "
        "issued_at, appointment_at, appointment_code, order_key, window_id, target_window_id, called_at, "
        "callable_after, finished_at, call_count, missed_count, print_count, master_id, officer_id "
        "FROM tickets WHERE hall_id = ? AND (day = ? OR status IN ('waiting','called','serving','missed','hung'))"));
    q.addBindValue(cfg.id);
    q.addBindValue(today.toString(Qt::ISODate));
    if (!exec(q, error))
        return false;
    while (q.next()) {
        Ticket t;
        int i = 0;
        t.id = q.value(i++).toLongLong();
        t.hallId = cfg.id;
        t.businessId = q.value(i++).toLongLong();
        t.day = QDate::fromString(q.value(i++).toString(), Qt::ISODate);
        t.prefix = q.value(i++).toString();
        t.seq = q.value(i++).toInt();
        t.number = q.value(i++).toString();
        core::ticketSourceFromName(q.value(i++).toString(), &t.source);
        core::ticketStatusFromName(q.value(i++).toString(), &t.status);
        t.priority = q.value(i++).toInt();
        t.green = q.value(i++).toInt() != 0;
        t.identityHash = q.value(i++).toByteArray();
        t.issuedAt = fromMs(q.value(i++));
        t.appointmentAt = fromMs(q.value(i++));
        t.appointmentCode = q.value(i++).toString();
        t.orderKey = q.value(i++).toLongLong();
        t.windowId = q.value(i++).toLongLong();
        t.targetWindowId = q.value(i++).toLongLong();
        t.calledAt = fromMs(q.value(i++));
        t.callableAfter = fromMs(q.value(i++));
        t.finishedAt = fromMs(q.value(i++));
        t.callCount = q.value(i++).toInt();
        t.missedCount = q.value(i++).toInt();
        t.printCount = q.value(i++).toInt();
        t.masterId = q.value(i++).toLongLong();
        t.officerId = q.value(i++).toLongLong();
        out->tickets.append(t);
    }

    QSqlQuery w = query(QStringLiteral(
        "SELECT r.window_id, r.state, r.officer_id, r.current_ticket_id, r.pause_type, r.pause_reason, r.since "
        "FROM window_runtime r JOIN windows w ON w.id = r.window_id WHERE w.hall_id = ?"));
    w.addBindValue(cfg.id);
    if (!exec(w, error))
        return false;
    while (w.next()) {
        queue::WindowRuntime rt;
        rt.windowId = w.value(0).toLongLong();
        core::windowStateFromName(w.value(1).toString(), &rt.state);
        rt.officerId = w.value(2).toLongLong();
        rt.currentTicketId = w.value(3).toLongLong();
        rt.pauseType = w.value(4).toString();
        rt.pauseReason = w.value(5).toString();
        rt.since = fromMs(w.value(6));
        out->windows.append(rt);
    }

    QSqlQuery a = query(QStringLiteral(
        "SELECT id, code, business_id, identity_hash, slot_start, slot_end, ticket_id FROM appointments "
        "WHERE hall_id = ? AND slot_end >= ?"));
    a.addBindValue(cfg.id);
    a.addBindValue(QDateTime(today, QTime(0, 0)).toMSecsSinceEpoch());
    if (!exec(a, error))
        return false;
    while (a.next()) {
        queue::Appointment ap;
        ap.id = a.value(0).toLongLong();
        ap.code = a.value(1).toString();
        ap.businessId = a.value(2).toLongLong();
        ap.identityHash = a.value(3).toByteArray();
        ap.slotStart = fromMs(a.value(4));
        ap.slotEnd = fromMs(a.value(5));
        ap.ticketId = a.value(6).toLongLong();
        out->appointments.append(ap);
    }

    QSqlQuery b = query(QStringLiteral("SELECT identity_hash, until, reason, by_account FROM blacklist WHERE hall_id = ? AND until >= ?"));
    b.addBindValue(cfg.id);
    b.addBindValue(today.toString(Qt::ISODate));
    if (!exec(b, error))
        return false;
    while (b.next()) {
        out->blacklist.append(queue::BlacklistEntry{b.value(0).toByteArray(),
                                                    QDate::fromString(b.value(1).toString(), Qt::ISODate),
                                                    b.value(2).toString(), b.value(3).toLongLong()});
    }

    QSqlQuery p = query(QStringLiteral(
        "SELECT id, business_id, password_hash, day, created_by, used_by, ticket_id, used_at FROM release_passwords "
        "WHERE hall_id = ? AND day = ?"));
    p.addBindValue(cfg.id);
    p.addBindValue(today.toString(Qt::ISODate));
    if (!exec(p, error))
        return false;
    while (p.next()) {
        queue::ReleasePassword rp;
        rp.id = p.value(0).toLongLong();
        rp.businessId = p.value(1).toLongLong();
        rp.passwordHash = p.value(2).toByteArray();
        rp.day = QDate::fromString(p.value(3).toString(), Qt::ISODate);
        rp.createdBy = p.value(4).toLongLong();
        rp.usedBy = p.value(5).toLongLong();
        rp.ticketId = p.value(6).toLongLong();
        rp.usedAt = fromMs(p.value(7));
        out->passwords.append(rp);
    }

    QSqlQuery l = query(QStringLiteral(
        "SELECT id, business_id, prefix, from_seq, to_seq, half, granted_at, until_at, device, account_id, returned_from, returned_at FROM leases "
        "WHERE hall_id = ? AND day = ?"));
    l.addBindValue(cfg.id);
    l.addBindValue(today.toString(Qt::ISODate));
    if (!exec(l, error))
        return false;
    while (l.next()) {
        queue::Lease lease;
        lease.id = l.value(0).toLongLong();
        lease.businessId = l.value(1).toLongLong();
        lease.prefix = l.value(2).toString();
        lease.from = l.value(3).toInt();
        lease.to = l.value(4).toInt();
        lease.day = today;
        lease.half = l.value(5).toString();
        lease.grantedAt = fromMs(l.value(6));
        lease.until = fromMs(l.value(7));
        lease.device = l.value(8).toString();
        lease.accountId = l.value(9).toLongLong();
        lease.returnedFrom = l.value(10).toInt();
        lease.returnedAt = fromMs(l.value(11));
        out->leases.append(lease);
    }
    return true;
}

// On PostgreSQL every statement is a network round trip, so a group-committed batch goes in
// as one multi-row INSERT per table. SQLite runs in-process: there one prepared single-row
// statement executed per row is cheaper than parsing a statement of thousands of parameters.
bool QueueStore::insertRows(const QString &head, int columns, const QString &tail, const QList<QVariantList> &rows, QString *error)
{
    const QString group = QStringLiteral("(?") + QStringLiteral(",?").repeated(columns - 1) + u')';
    if (m_db->backend() == storage::Backend::Sqlite) {
        QSqlQuery q = query(head + QStringLiteral(" VALUES ") + group + u' ' + tail);
        for (const QVariantList &row : rows) {
            for (int i = 0; i < row.size(); ++i)
                q.bindValue(i, row.at(i));
            if (!exec(q, error))
                return false;
        }
        return true;
    }
    constexpr int maxRows = 400; // far below PostgreSQL's limit of 65535 bound parameters
    for (qsizetype at = 0; at < rows.size(); at += maxRows) {
        const qsizetype n = std::min<qsizetype>(maxRows, rows.size() - at);
        QStringList groups(n, group);
        QSqlQuery q = query(head + QStringLiteral(" VALUES ") + groups.join(u',') + u' ' + tail);
        int i = 0;
        for (qsizetype r = at; r < at + n; ++r) {
            for (const QVariant &v : rows.at(r))
                q.bindValue(i++, v);
        }
        if (!exec(q, error))
            return false;
    }
    return true;
}

bool QueueStore::write(qint64 hallId, const queue::ChangeSet &c, QString *error)
{
    if (!c.tickets.isEmpty()) {
        QList<QVariantList> rows;
        rows.reserve(c.tickets.size());
        for (const Ticket &t : c.tickets) {
            rows.append({t.id, hallId, t.businessId, t.day.toString(Qt::ISODate), t.prefix, t.seq, t.number,
                         core::ticketSourceName(t.source), core::ticketStatusName(t.status), t.priority, t.green ? 1 : 0,
                         blob(t.identityHash), ms(t.issuedAt), ms(t.appointmentAt), text(t.appointmentCode), t.orderKey,
                         t.windowId, t.targetWindowId, ms(t.calledAt), ms(t.callableAfter), ms(t.finishedAt), t.callCount,
                         t.missedCount, t.printCount, t.masterId, t.officerId});
        }
        if (!insertRows(QStringLiteral(
                "INSERT INTO tickets (id, hall_id, business_id, day, prefix, seq, number, source, status, priority, green, "
                "identity_hash, issued_at, appointment_at, appointment_code, order_key, window_id, target_window_id, "
                "called_at, callable_after, finished_at, call_count, missed_count, print_count, master_id, officer_id)"),
                26, QStringLiteral(
                "ON CONFLICT (id) DO UPDATE SET business_id = excluded.business_id, status = excluded.status, "
                "priority = excluded.priority, window_id = excluded.window_id, target_window_id = excluded.target_window_id, "
                "called_at = excluded.called_at, callable_after = excluded.callable_after, finished_at = excluded.finished_at, "
                "call_count = excluded.call_count, missed_count = excluded.missed_count, print_count = excluded.print_count, "
                "master_id = excluded.master_id, officer_id = excluded.officer_id"), rows, error))
            return false;
    }
    if (!c.windows.isEmpty()) {
        QList<QVariantList> rows;
        for (const queue::WindowRuntime &rt : c.windows) {
            rows.append({rt.windowId, core::windowStateName(rt.state), rt.officerId, rt.currentTicketId,
                         text(rt.pauseType), text(rt.pauseReason), ms(rt.since)});
        }
        if (!insertRows(QStringLiteral(
                "INSERT INTO window_runtime (window_id, state, officer_id, current_ticket_id, pause_type, pause_reason, since)"),
                7, QStringLiteral(
                "ON CONFLICT (window_id) DO UPDATE SET state = excluded.state, officer_id = excluded.officer_id, "
                "current_ticket_id = excluded.current_ticket_id, pause_type = excluded.pause_type, "
                "pause_reason = excluded.pause_reason, since = excluded.since"), rows, error))
            return false;
    }
    if (!c.calls.isEmpty()) {
        QList<QVariantList> rows;
        for (const queue::CallRecord &r : c.calls)
            rows.append({hallId, r.ticketId, r.windowId, r.officerId, queue::callKindName(r.kind), ms(r.at)});
        if (!insertRows(QStringLiteral("INSERT INTO calls (hall_id, ticket_id, window_id, officer_id, kind, at)"), 6, {}, rows, error))
            return false;
    }
    if (!c.audit.isEmpty()) {
        QList<QVariantList> rows;
        for (const queue::AuditEntry &e : c.audit)
            rows.append({hallId, ms(e.at), e.actor, e.action, e.ticketId, e.windowId, text(e.detail)});
        if (!insertRows(QStringLiteral("INSERT INTO audit_log (hall_id, at, actor, action, ticket_id, window_id, detail)"), 7, {}, rows, error))
            return false;
    }
    if (!c.appointments.isEmpty()) {
        QSqlQuery q = query(QStringLiteral(
            "INSERT INTO appointments (id, hall_id, code, business_id, identity_hash, slot_start, slot_end, ticket_id) "
            "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET ticket_id = excluded.ticket_id"));
        for (const queue::Appointment &a : c.appointments) {
            q.bindValue(0, a.id);
            q.bindValue(1, hallId);
            q.bindValue(2, a.code);
            q.bindValue(3, a.businessId);
            q.bindValue(4, blob(a.identityHash));
            q.bindValue(5, ms(a.slotStart));
            q.bindValue(6, ms(a.slotEnd));
            q.bindValue(7, a.ticketId);
            if (!exec(q, error))
                return false;
        }
    }
    for (const queue::BlacklistEntry &b : c.blacklist) {
        QSqlQuery q = query(QStringLiteral(
            "INSERT INTO blacklist (hall_id, identity_hash, until, reason, by_account) VALUES (?,?,?,?,?) "
            "ON CONFLICT (hall_id, identity_hash) DO UPDATE SET until = excluded.until, reason = excluded.reason, "
            "by_account = excluded.by_account"));
        q.addBindValue(hallId);
        q.addBindValue(b.identityHash);
        q.addBindValue(b.until.toString(Qt::ISODate));
        q.addBindValue(text(b.reason));
        q.addBindValue(b.byAccount);
        if (!exec(q, error))
            return false;
    }
    for (const QByteArray &h : c.unblacklisted) {
        QSqlQuery q = query(QStringLiteral("DELETE FROM blacklist WHERE hall_id = ? AND identity_hash = ?"));
        q.addBindValue(hallId);
        q.addBindValue(h);
        if (!exec(q, error))
            return false;
    }
    if (!c.leases.isEmpty()) {
        QList<QVariantList> rows;
        for (const queue::Lease &l : c.leases) {
            rows.append({l.id, hallId, l.businessId, l.prefix, l.from, l.to, l.day.toString(Qt::ISODate), l.half,
                         ms(l.grantedAt), ms(l.until), l.device, l.accountId,
                         l.returnedFrom ? QVariant(l.returnedFrom) : QVariant(QMetaType::fromType<int>()), ms(l.returnedAt)});
        }
        // A lease's block never changes; only its hand-back is written again.
        if (!insertRows(QStringLiteral(
                "INSERT INTO leases (id, hall_id, business_id, prefix, from_seq, to_seq, day, half, granted_at, until_at, "
                "device, account_id, returned_from, returned_at)"), 14,
                QStringLiteral("ON CONFLICT (id) DO UPDATE SET returned_from = excluded.returned_from, returned_at = excluded.returned_at"), rows, error))
            return false;
    }
    for (const queue::ReleasePassword &p : c.passwords) {
        QSqlQuery q = query(QStringLiteral(
            "INSERT INTO release_passwords (id, hall_id, business_id, password_hash, day, created_by, used_by, ticket_id, used_at) "
            "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET used_by = excluded.used_by, "
            "ticket_id = excluded.ticket_id, used_at = excluded.used_at"));
        q.addBindValue(p.id);
        q.addBindValue(hallId);
        q.addBindValue(p.businessId);
        q.addBindValue(p.passwordHash);
        q.addBindValue(p.day.toString(Qt::ISODate));
        q.addBindValue(p.createdBy);
        q.addBindValue(p.usedBy);
        q.addBindValue(p.ticketId);
        q.addBindValue(ms(p.usedAt));
        if (!exec(q, error))
            return false;
    }
    return true;
}

qint64 QueueStore::allocateId()
{
    if (m_nextId >= m_idLimit) {
        // Its own short transaction: the block must be durable before any id from it is used.
        QSqlQuery q = query(QStringLiteral(
            "UPDATE id_blocks SET next_value = next_value + ? WHERE name = 'queue' RETURNING next_value"));
        q.addBindValue(idBlockSize);
        if (!exec(q, nullptr) || !q.next())
            qFatal("hall-server: cannot reserve ids in the database");
        m_idLimit = q.value(0).toLongLong();
        q.finish();
        m_nextId = m_idLimit - idBlockSize;
    }
    return m_nextId++;
}

std::optional<core::Ticket> QueueStore::ticket(qint64 id, QString *error)
{
    QSqlQuery &q = cached(QStringLiteral("SELECT hall_id, number, status, window_id, officer_id FROM tickets WHERE id = ?"));
    q.bindValue(0, id);
    const auto done = qScopeGuard([&q] { q.finish(); }); // a cached SELECT must not hold the commit back
    if (!exec(q, error) || !q.next())
        return std::nullopt;
    core::Ticket t;
    t.id = id;
    t.hallId = q.value(0).toLongLong();
    t.number = q.value(1).toString();
    core::ticketStatusFromName(q.value(2).toString(), &t.status);
    t.windowId = q.value(3).toLongLong();
    t.officerId = q.value(4).toLongLong();
    return t;
}

QJsonArray QueueStore::calls(qint64 hallId, const QDate &day, int limit)
{
    QSqlQuery q = query(QStringLiteral(
        "SELECT c.at, c.kind, t.number, w.number, c.officer_id, t.status, t.call_count, t.id "
        "FROM calls c JOIN tickets t ON t.id = c.ticket_id JOIN windows w ON w.id = c.window_id "
        "WHERE c.hall_id = ? AND c.at >= ? ORDER BY c.at DESC, c.id DESC LIMIT ?"));
    q.addBindValue(hallId);
    q.addBindValue(QDateTime(day, QTime(0, 0)).toMSecsSinceEpoch());
    q.addBindValue(limit);
    QJsonArray out;
    if (!exec(q, nullptr))
        return out;
    while (q.next()) {
        out.append(QJsonObject{{QStringLiteral("at"), fromMs(q.value(0)).toString(Qt::ISODateWithMs)},
                               {QStringLiteral("kind"), q.value(1).toString()},
                               {QStringLiteral("number"), q.value(2).toString()},
                               {QStringLiteral("window"), q.value(3).toString()},
                               {QStringLiteral("officerId"), q.value(4).toLongLong()},
                               {QStringLiteral("status"), q.value(5).toString()},
                               {QStringLiteral("callCount"), q.value(6).toInt()},
                               {QStringLiteral("ticketId"), q.value(7).toLongLong()}});
    }
    return out;
}

} // namespace hall::server
