#include "controllers.h"

#include "queuereply.h"
#include "synccontroller.h"

#include <core/jsonreader.h>
#include <queue/engine.h>
#include <queue/json.h>

#include <QJsonArray>

namespace hall::server {

void LeaseController::registerRoutes(RouteScope &routes)
{
    routes.post(QStringLiteral("leases"), [this](RequestContext &c) {
        core::JsonReader r(c.body);
        const QString business = r.string(QStringLiteral("business"), true);
        const int size = r.integer(QStringLiteral("size"), 30, 1, queue::Engine::MaxLeaseSize);
        const QString device = r.string(QStringLiteral("device"), true);
        if (!r.finish())
            return invalid(r.error());
        if (!SyncController::validDeviceId(device))
            return invalid(tr("device: 8 to 64 letters, digits, - or _."));
        switch (m_sync->ownerOf(device, c.hallId, c.actor())) {
        case SyncController::Owner::Unreadable:
            return errorReply(503, QStringLiteral("storage_unavailable"), tr("The sync state could not be read; try again."));
        case SyncController::Owner::Other:
            return errorReply(403, QStringLiteral("wrong_device"), tr("Device %1 belongs to another account; a lease is for the caller's own device.").arg(device));
        case SyncController::Owner::Nobody:
        case SyncController::Owner::Caller:
            break;
        }
        return queueReply(c.engine->lease(business, size, device, c.actor()), [&](const queue::Lease &l) {
            return QJsonObject{{QStringLiteral("lease"), queue::leaseJson(*c.engine, l)}};
        }, 201);
    });
    // A kiosk being retired or reset hands back what it will not issue: {"device", "used"}.
    // A kiosk returns only its own account's leases; an admin any.
    routes.post(QStringLiteral("leases/{}/return"), [](RequestContext &c) {
        qint64 id = 0;
        if (!parseId(c.params.at(1), &id))
            return invalid(tr("Not a lease id: %1").arg(c.params.at(1)));
        core::JsonReader r(c.body);
        const QString device = r.string(QStringLiteral("device"), true);
        const int used = r.integer(QStringLiteral("used"), -1, 0, queue::Engine::MaxLeaseSize, true);
        if (!r.finish())
            return invalid(r.error());
        const auto mine = [&] {
            const QList<queue::Lease> all = c.engine->leases();
            return std::any_of(all.cbegin(), all.cend(), [&](const queue::Lease &l) { return l.id == id && l.accountId == c.actor(); });
        };
        if (c.role() != roles::Admin && !mine())
            return errorReply(404, QStringLiteral("not_found"), tr("You hold no lease %1 today.").arg(id));
        return queueReply(c.engine->returnLease(id, used, device, c.actor()), [&](const queue::Lease &l) {
            return QJsonObject{{QStringLiteral("lease"), queue::leaseJson(*c.engine, l)}};
        });
    });
    // Today's leases with how many of their numbers were taken in: a kiosk sees its own, the
    // supervisor every one.
    routes.get(QStringLiteral("leases"), [](RequestContext &c) {
        const QString device = c.query.queryItemValue(QStringLiteral("device"));
        const bool own = c.role() == roles::Kiosk;
        QJsonArray out;
        for (const queue::Lease &l : c.engine->leases()) {
            if ((own && l.accountId != c.actor()) || (!device.isEmpty() && l.device != device))
                continue;
            out.append(queue::leaseJson(*c.engine, l));
        }
        return ok({{QStringLiteral("leases"), out}});
    });
}

} // namespace hall::server
