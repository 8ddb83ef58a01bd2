#include "controllers.h"

#include "audit.h"

#include <QJsonArray>

namespace hall::server {

void AuditController::registerRoutes(RouteScope &routes)
{
    routes.get(QStringLiteral("audit"), [this](RequestContext &c) { return entries(c); }).auditRead = true;
}

// GET /api/v1/audit?hall=CODE|server[&from=ISO][&to=ISO][&after=SEQ][&limit=N]: one chain's
// entries in order, a page at a time.
Reply AuditController::entries(RequestContext &c)
{
    const QString code = c.query.queryItemValue(QStringLiteral("hall"));
    const QHash<qint64, QString> codes = m_store->hallCodes();
    const qint64 hallId = codes.key(code, -1);
    if (code.isEmpty() || hallId < 0)
        return invalid(tr("hall: give a hall's code, or \"server\" for sign-ins and other server-wide operations."));
    const auto time = [&c](const char *name, qint64 otherwise, bool *ok) {
        const QString v = c.query.queryItemValue(QString::fromLatin1(name));
        const QDateTime t = QDateTime::fromString(v, Qt::ISODateWithMs);
        *ok = v.isEmpty() || t.isValid();
        return v.isEmpty() ? otherwise : t.toMSecsSinceEpoch();
    };
    bool fromOk = false, toOk = false, afterOk = true, limitOk = true;
    const qint64 from = time("from", 0, &fromOk);
    const qint64 to = time("to", std::numeric_limits<qint64>::max(), &toOk);
    if (!fromOk || !toOk)
        return invalid(tr("from, to: ISO 8601 times, e.g. 2026-11-23T08:00:00+08:00."));
    const QString afterText = c.query.queryItemValue(QStringLiteral("after"));
    const QString limitText = c.query.queryItemValue(QStringLiteral("limit"));
    const qint64 after = afterText.isEmpty() ? 0 : afterText.toLongLong(&afterOk);
    const int limit = limitText.isEmpty() ? 100 : limitText.toInt(&limitOk);
    if (!afterOk || after < 0 || !limitOk || limit < 1 || limit > 500)
        return invalid(tr("after: an entry number; limit: 1 to 500."));
    QList<AuditRecord> page;
    QString err;
    if (!m_store->entries(hallId, from, to, after, limit + 1, &page, &err))
        return errorReply(503, QStringLiteral("storage_unavailable"), tr("The audit trail could not be read: %1").arg(err));
    QJsonObject body;
    if (page.size() > limit) {
        page.removeLast();
        body.insert(QStringLiteral("next"), page.last().seq);
    }
    QJsonArray out;
    for (const AuditRecord &r : std::as_const(page))
        out.append(r.toJson(code));
    body.insert(QStringLiteral("entries"), out);
    // What was read goes into the trail with the read.
    Reply reply = ok(body);
    reply.auditDetail = QStringLiteral("read %1 %2").arg(code, c.query.toString(QUrl::FullyDecoded));
    return reply;
}

} // namespace hall::server
