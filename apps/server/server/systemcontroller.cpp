#include "controllers.h"

#include "commit.h"
#include "halls.h"

#include <core/clock.h>
#include <core/jsonreader.h>

#include <QJsonArray>

namespace hall::server {

void SystemController::registerRoutes(RouteScope &routes)
{
    routes.get(QStringLiteral("health"), [this](RequestContext &) {
        const QJsonObject owner = m_owner();
        return ok({{QStringLiteral("status"), QStringLiteral("ok")},
                   {QStringLiteral("version"), QStringLiteral(HALL_VERSION)},
                   {QStringLiteral("database"), m_database},
                   {QStringLiteral("role"), owner.value(QStringLiteral("role"))},
                   {QStringLiteral("owner"), owner},
                   {QStringLiteral("time"), m_clock->now().toString(Qt::ISODateWithMs)},
                   {QStringLiteral("halls"), QJsonArray::fromStringList(m_halls->codes())}});
    });
    routes.post(QStringLiteral("admin/clock"), [this](RequestContext &c) { return setClock(c); });
}

Reply SystemController::setClock(RequestContext &c)
{
    auto *manual = dynamic_cast<core::ManualClock *>(m_clock);
    if (!m_fakeClock || !manual)
        return errorReply(404, QStringLiteral("no_such_endpoint"), tr("The clock can only be set when hall-server runs with --fake-clock."));
    core::JsonReader r(c.body);
    const QString set = r.string(QStringLiteral("set"));
    const qint64 advance = r.int64(QStringLiteral("advanceSeconds"), 0);
    if (!r.finish())
        return invalid(r.error());
    if (!set.isEmpty()) {
        const QDateTime t = QDateTime::fromString(set, Qt::ISODate);
        if (!t.isValid())
            return invalid(tr("set: must be an ISO 8601 time."));
        manual->set(t);
    }
    manual->advanceSecs(advance);
    m_halls->tickAll(*c.batch);
    return ok({{QStringLiteral("time"), m_clock->now().toString(Qt::ISODateWithMs)}});
}

} // namespace hall::server
