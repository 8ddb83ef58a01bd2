#include "controllers.h"

#include "queuereply.h"
#include "queuestore.h"

#include <core/idnumber.h>
#include <core/jsonreader.h>
#include <queue/engine.h>
#include <queue/json.h>

#include <QJsonArray>

namespace hall::server {

void QueueController::registerRoutes(RouteScope &routes)
{
    routes.get(QStringLiteral("businesses"), [](RequestContext &c) {
        QJsonArray out;
        for (const queue::BusinessStatus &s : c.engine->businessStatus())
            out.append(queue::businessJson(s));
        return ok({{QStringLiteral("businesses"), out}});
    });
    routes.get(QStringLiteral("windows"), [](RequestContext &c) {
        QJsonArray out;
        for (const queue::WindowStatus &s : c.engine->windowStatus())
            out.append(queue::windowJson(*c.engine, s));
        return ok({{QStringLiteral("windows"), out}});
    });
    routes.get(QStringLiteral("tickets"), [](RequestContext &c) {
        const QString status = c.query.queryItemValue(QStringLiteral("status"));
        const QString business = c.query.queryItemValue(QStringLiteral("business"));
        core::TicketStatus st{};
        if (!status.isEmpty() && !core::ticketStatusFromName(status, &st))
            return invalid(tr("Unknown ticket status \"%1\".").arg(status));
        const core::Business *b = business.isEmpty() ? nullptr : c.engine->config().business(business);
        if (!business.isEmpty() && !b)
            return errorReply(404, QStringLiteral("not_found"), tr("There is no business \"%1\".").arg(business));
        const QDate day = c.engine->day();
        QJsonArray out;
        for (const core::Ticket &t : c.engine->tickets([&](const core::Ticket &t) {
                 return t.day == day && (status.isEmpty() || t.status == st) && (!b || t.businessId == b->id);
             }))
            out.append(queue::ticketJson(*c.engine, t));
        return ok({{QStringLiteral("tickets"), out}});
    });
    routes.post(QStringLiteral("tickets"), [this](RequestContext &c) {
        core::JsonReader r(c.body);
        queue::IssueRequest req;
        req.businessCode = r.string(QStringLiteral("business"), true);
        const QString source = r.string(QStringLiteral("source"), false, QStringLiteral("touch"));
        req.idNumber = r.string(QStringLiteral("idNumber"));
        req.phone = r.string(QStringLiteral("phone"));
        req.priorityName = r.string(QStringLiteral("priority"));
        req.green = r.boolean(QStringLiteral("green"), false);
        req.actor = c.actor();
        if (!r.finish())
            return invalid(r.error());
        if (!core::ticketSourceFromName(source, &req.source))
            return invalid(tr("source must be touch, idcard or phone."));
        // A phone with another source is for reminders only; the engine checks an identifying one.
        if (req.source != core::TicketSource::Phone && !req.phone.isEmpty() && !core::isValidMobile(req.phone))
            return invalid(tr("The mobile number for reminders is not valid."));
        if (req.green && c.role() == roles::Kiosk)
            return errorReply(403, QStringLiteral("forbidden"), tr("Green-channel tickets are issued by staff."));
        auto res = c.engine->issue(req);
        if (res && !req.phone.isEmpty() && m_issued)
            m_issued(c.hallId, *c.engine, res.value(), req.phone, *c.batch);
        return queueReply(res, [&](const core::Ticket &t) { return QJsonObject{{QStringLiteral("ticket"), queue::ticketJson(*c.engine, t)}}; }, 201);
    });
    routes.get(QStringLiteral("tickets/{}"), [](RequestContext &c) {
        qint64 id = 0;
        const core::Ticket *t = parseId(c.params.at(1), &id) ? c.engine->ticket(id) : nullptr;
        if (!t)
            return errorReply(404, QStringLiteral("not_found"), tr("There is no ticket %1 today.").arg(c.params.at(1)));
        return ok({{QStringLiteral("ticket"), queue::ticketJson(*c.engine, *t)}});
    });
    routes.post(QStringLiteral("tickets/{}/reprint"), [](RequestContext &c) {
        qint64 id = 0;
        if (!parseId(c.params.at(1), &id))
            return invalid(tr("Not a ticket id: %1").arg(c.params.at(1)));
        if (!c.body.isEmpty())
            return invalid(tr("This request takes no body."));
        return queueReply(c.engine->reprint(id, c.actor()), [&](const core::Ticket &t) { return QJsonObject{{QStringLiteral("ticket"), queue::ticketJson(*c.engine, t)}}; });
    });
    routes.post(QStringLiteral("tickets/{}/void"), [](RequestContext &c) {
        qint64 id = 0;
        if (!parseId(c.params.at(1), &id))
            return invalid(tr("Not a ticket id: %1").arg(c.params.at(1)));
        core::JsonReader r(c.body);
        const QString reason = r.string(QStringLiteral("reason"), true).trimmed();
        if (!r.finish())
            return invalid(r.error());
        if (reason.isEmpty() || reason.size() > 200)
            return invalid(tr("reason: 1 to 200 characters saying why the ticket is voided."));
        return queueReply(c.engine->voidTicket(id, reason, c.actor()), [&](const core::Ticket &t) { return QJsonObject{{QStringLiteral("ticket"), queue::ticketJson(*c.engine, t)}}; });
    });
    routes.post(QStringLiteral("tickets/{}/subs"), [](RequestContext &c) {
        qint64 id = 0;
        if (!parseId(c.params.at(1), &id))
            return invalid(tr("Not a ticket id: %1").arg(c.params.at(1)));
        core::JsonReader r(c.body);
        const QString business = r.string(QStringLiteral("business"), true);
        if (!r.finish())
            return invalid(r.error());
        return queueReply(c.engine->issueSub(id, business, c.actor()), [&](const core::Ticket &t) { return QJsonObject{{QStringLiteral("ticket"), queue::ticketJson(*c.engine, t)}}; }, 201);
    });
    routes.post(QStringLiteral("appointments"), [](RequestContext &c) {
        core::JsonReader r(c.body);
        const QString code = r.string(QStringLiteral("code"), true);
        const QString business = r.string(QStringLiteral("business"), true);
        const QString id = r.string(QStringLiteral("idNumber"));
        const QString phone = r.string(QStringLiteral("phone"));
        const QDateTime start = QDateTime::fromString(r.string(QStringLiteral("slotStart"), true), Qt::ISODate);
        const QDateTime end = QDateTime::fromString(r.string(QStringLiteral("slotEnd"), true), Qt::ISODate);
        if (!r.finish())
            return invalid(r.error());
        if (!start.isValid() || !end.isValid())
            return invalid(tr("slotStart and slotEnd must be ISO 8601 times like 2026-11-23T09:00:00."));
        return queueReply(c.engine->book(code, business, id, phone, start, end, c.actor()), [](const queue::Appointment &a) {
            return QJsonObject{{QStringLiteral("appointment"), QJsonObject{{QStringLiteral("id"), a.id}, {QStringLiteral("code"), a.code},
                                {QStringLiteral("slotStart"), a.slotStart.toString(Qt::ISODate)}, {QStringLiteral("slotEnd"), a.slotEnd.toString(Qt::ISODate)}}}};
        }, 201);
    });
    routes.post(QStringLiteral("appointments/checkin"), [](RequestContext &c) {
        core::JsonReader r(c.body);
        const QString code = r.string(QStringLiteral("code"));
        const QString id = r.string(QStringLiteral("idNumber"));
        if (!r.finish())
            return invalid(r.error());
        if (code.isEmpty() == id.isEmpty())
            return invalid(tr("Give either the appointment code or the ID number."));
        auto res = code.isEmpty() ? c.engine->checkInByIdNumber(id, c.actor()) : c.engine->checkIn(code, c.actor());
        return queueReply(res, [&](const core::Ticket &t) { return QJsonObject{{QStringLiteral("ticket"), queue::ticketJson(*c.engine, t)}}; }, 201);
    });
    routes.post(QStringLiteral("release-passwords"), [](RequestContext &c) {
        core::JsonReader r(c.body);
        const QString business = r.string(QStringLiteral("business"), true);
        const int count = r.integer(QStringLiteral("count"), 1, 1, 100);
        if (!r.finish())
            return invalid(r.error());
        return queueReply(c.engine->createReleasePasswords(business, count, c.actor()), [](const QStringList &pw) {
            return QJsonObject{{QStringLiteral("passwords"), QJsonArray::fromStringList(pw)}};
        }, 201);
    });
    routes.post(QStringLiteral("special-tickets"), [](RequestContext &c) {
        core::JsonReader r(c.body);
        const QString pw = r.string(QStringLiteral("password"), true);
        if (!r.finish())
            return invalid(r.error());
        return queueReply(c.engine->issueSpecial(pw, c.actor()), [&](const core::Ticket &t) { return QJsonObject{{QStringLiteral("ticket"), queue::ticketJson(*c.engine, t)}}; }, 201);
    });
    routes.post(QStringLiteral("blacklist"), [](RequestContext &c) {
        core::JsonReader r(c.body);
        const QString who = r.string(QStringLiteral("idNumber"), false, r.string(QStringLiteral("phone")));
        const QDate until = QDate::fromString(r.string(QStringLiteral("until"), true), Qt::ISODate);
        const QString reason = r.string(QStringLiteral("reason"), true);
        if (!r.finish())
            return invalid(r.error());
        return queueReply(c.engine->blacklist(who, until, reason, c.actor()), [](const queue::BlacklistEntry &e) {
            return QJsonObject{{QStringLiteral("until"), e.until.toString(Qt::ISODate)}, {QStringLiteral("reason"), e.reason}};
        }, 201);
    });
    routes.post(QStringLiteral("blacklist/remove"), [](RequestContext &c) {
        core::JsonReader r(c.body);
        const QString who = r.string(QStringLiteral("idNumber"), false, r.string(QStringLiteral("phone")));
        if (!r.finish())
            return invalid(r.error());
        return queueReply(c.engine->unblacklist(who, c.actor()), [](bool) { return QJsonObject{{QStringLiteral("removed"), true}}; });
    });
    routes.post(QStringLiteral("clear"), [](RequestContext &c) {
        core::JsonReader r(c.body);
        const QString reason = r.string(QStringLiteral("reason"), false, QStringLiteral("manual clearing"));
        if (!r.finish())
            return invalid(r.error());
        return ok({{QStringLiteral("cleared"), c.engine->clearOpenTickets(c.actor(), reason)}});
    });
    routes.get(QStringLiteral("calls"), [this](RequestContext &c) {
        const int limit = std::clamp(c.query.queryItemValue(QStringLiteral("limit")).toInt(), 0, 1000);
        return ok({{QStringLiteral("calls"), m_store->calls(c.hallId, c.engine->day(), limit ? limit : 100)}});
    });

}

} // namespace hall::server
