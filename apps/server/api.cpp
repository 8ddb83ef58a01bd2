// The routes of the HTTP API (docs/api.md) and their handlers.

#include "server.h"

#include <core/jsonreader.h>
#include <core/logging.h>
#include <queue/json.h>

#include <QCryptographicHash>
#include <QJsonArray>
#include <QRandomGenerator>

namespace hall::server {

Reply errorReply(int status, const QString &code, const QString &message, qint64 ticketId = 0);

namespace {

const QString Admin = QStringLiteral("admin");
const QString Supervisor = QStringLiteral("supervisor");
const QString Officer = QStringLiteral("officer");
const QString Kiosk = QStringLiteral("kiosk");
const QString Display = QStringLiteral("display");
const QString Caller = QStringLiteral("caller");
const QString Public = QStringLiteral("*public");

int statusFor(queue::ErrorCode code)
{
    switch (code) {
    case queue::ErrorCode::NotFound: return 404;
    case queue::ErrorCode::InvalidInput: return 400;
    case queue::ErrorCode::BadPassword: return 403;
    default: return 409; // a valid request the queue cannot carry out now
    }
}

Reply fail(const queue::Error &e)
{
    return errorReply(statusFor(e.code), queue::errorCodeName(e.code), e.message, e.ticketId);
}

Reply invalid(const QString &message)
{
    return errorReply(400, QStringLiteral("invalid_input"), message);
}

Reply ok(QJsonObject body, int status = 200)
{
    return Reply{status, std::move(body)};
}

template<typename T, typename F>
Reply reply(const queue::Result<T> &r, F toJson, int status = 200)
{
    if (!r)
        return fail(r.error());
    return ok(toJson(r.value()), status);
}

bool parseId(const QString &s, qint64 *out)
{
    bool okNum = false;
    *out = s.toLongLong(&okNum);
    return okNum && *out > 0;
}

} // namespace

void HallServer::registerRoutes()
{
    const QStringList staff{Supervisor, Officer};
    const QStringList issuers{Kiosk, Officer, Supervisor};
    const QStringList readers{Supervisor, Officer, Kiosk, Display, Caller};
    const QStringList windowActors{Officer, Supervisor, Caller};
    const QString h = QStringLiteral("/api/v1/halls/{}");

    route("GET", QStringLiteral("/api/v1/health"), {Public}, [this](RequestContext &) {
        QJsonArray halls;
        for (auto it = m_hallIds.cbegin(); it != m_hallIds.cend(); ++it)
            halls.append(it.key());
        return ok({{QStringLiteral("status"), QStringLiteral("ok")},
                   {QStringLiteral("version"), QStringLiteral(HALL_VERSION)},
                   {QStringLiteral("database"), m_store->database()->backend() == storage::Backend::Sqlite
                        ? QStringLiteral("sqlite") : QStringLiteral("postgres")},
                   {QStringLiteral("time"), m_clock->now().toString(Qt::ISODateWithMs)},
                   {QStringLiteral("halls"), halls}});
    });
    route("POST", QStringLiteral("/api/v1/auth/login"), {Public}, [this](RequestContext &c) { return login(c); });
    route("POST", QStringLiteral("/api/v1/auth/logout"), {}, [this](RequestContext &c) { return logout(c); });
    route("GET", QStringLiteral("/api/v1/me"), {}, [](RequestContext &c) {
        const AccountRecord &a = c.session.account;
        return ok({{QStringLiteral("id"), a.id}, {QStringLiteral("login"), a.login}, {QStringLiteral("name"), a.name},
                   {QStringLiteral("role"), a.role}, {QStringLiteral("expiresAt"), c.session.expiresAt.toString(Qt::ISODate)}});
    });
    route("GET", QStringLiteral("/api/v1/halls"), {}, [this](RequestContext &c) { return halls(c); });
    route("POST", QStringLiteral("/api/v1/admin/clock"), {Admin}, [this](RequestContext &c) { return setClock(c); });

    route("GET", h + QStringLiteral("/config"), {Supervisor}, [](RequestContext &c) {
        return ok(c.engine->config().toJson());
    });
    route("PUT", h + QStringLiteral("/config"), {Admin}, [this](RequestContext &c) { return putConfig(c); });
    route("GET", h + QStringLiteral("/businesses"), readers, [](RequestContext &c) {
        QJsonArray out;
        for (const queue::BusinessStatus &s : c.engine->businessStatus())
            out.append(queue::businessJson(s));
        return ok({{QStringLiteral("businesses"), out}});
    });
    route("GET", h + QStringLiteral("/windows"), readers, [](RequestContext &c) {
        QJsonArray out;
        for (const queue::WindowStatus &s : c.engine->windowStatus())
            out.append(queue::windowJson(*c.engine, s));
        return ok({{QStringLiteral("windows"), out}});
    });
    route("GET", h + QStringLiteral("/tickets"), {Supervisor, Officer, Display, Caller}, [](RequestContext &c) {
        const QString status = c.query.queryItemValue(QStringLiteral("status"));
        const QString business = c.query.queryItemValue(QStringLiteral("business"));
        core::TicketStatus st{};
        if (!status.isEmpty() && !core::ticketStatusFromName(status, &st))
            return invalid(HallServer::tr("Unknown ticket status \"%1\".").arg(status));
        const core::Business *b = business.isEmpty() ? nullptr : c.engine->config().business(business);
        if (!business.isEmpty() && !b)
            return errorReply(404, QStringLiteral("not_found"), HallServer::tr("There is no business \"%1\".").arg(business));
        const QDate day = c.engine->day();
        QJsonArray out;
        for (const core::Ticket &t : c.engine->tickets([&](const core::Ticket &t) {
                 return t.day == day && (status.isEmpty() || t.status == st) && (!b || t.businessId == b->id);
             }))
            out.append(queue::ticketJson(*c.engine, t));
        return ok({{QStringLiteral("tickets"), out}});
    });
    route("POST", h + QStringLiteral("/tickets"), issuers, [](RequestContext &c) {
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
            return invalid(HallServer::tr("source must be touch, idcard or phone."));
        if (req.green && c.role() == Kiosk)
            return errorReply(403, QStringLiteral("forbidden"), HallServer::tr("Green-channel tickets are issued by staff."));
        auto res = c.engine->issue(req);
        return reply(res, [&](const core::Ticket &t) { return QJsonObject{{QStringLiteral("ticket"), queue::ticketJson(*c.engine, t)}}; }, 201);
    });
    route("GET", h + QStringLiteral("/tickets/{}"), readers, [](RequestContext &c) {
        qint64 id = 0;
        const core::Ticket *t = parseId(c.params.at(1), &id) ? c.engine->ticket(id) : nullptr;
        if (!t)
            return errorReply(404, QStringLiteral("not_found"), HallServer::tr("There is no ticket %1 today.").arg(c.params.at(1)));
        return ok({{QStringLiteral("ticket"), queue::ticketJson(*c.engine, *t)}});
    });
    route("POST", h + QStringLiteral("/tickets/{}/reprint"), issuers, [](RequestContext &c) {
        qint64 id = 0;
        if (!parseId(c.params.at(1), &id))
            return invalid(HallServer::tr("Not a ticket id: %1").arg(c.params.at(1)));
        if (!c.body.isEmpty())
            return invalid(HallServer::tr("This request takes no body."));
        return reply(c.engine->reprint(id, c.actor()), [&](const core::Ticket &t) { return QJsonObject{{QStringLiteral("ticket"), queue::ticketJson(*c.engine, t)}}; });
    });
    route("POST", h + QStringLiteral("/tickets/{}/subs"), staff, [](RequestContext &c) {
        qint64 id = 0;
        if (!parseId(c.params.at(1), &id))
            return invalid(HallServer::tr("Not a ticket id: %1").arg(c.params.at(1)));
        core::JsonReader r(c.body);
        const QString business = r.string(QStringLiteral("business"), true);
        if (!r.finish())
            return invalid(r.error());
        return reply(c.engine->issueSub(id, business, c.actor()), [&](const core::Ticket &t) { return QJsonObject{{QStringLiteral("ticket"), queue::ticketJson(*c.engine, t)}}; }, 201);
    });
    route("POST", h + QStringLiteral("/appointments"), {Supervisor}, [](RequestContext &c) {
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
            return invalid(HallServer::tr("slotStart and slotEnd must be ISO 8601 times like 2026-11-23T09:00:00."));
        return reply(c.engine->book(code, business, id, phone, start, end, c.actor()), [](const queue::Appointment &a) {
            return QJsonObject{{QStringLiteral("appointment"), QJsonObject{{QStringLiteral("id"), a.id}, {QStringLiteral("code"), a.code},
                                {QStringLiteral("slotStart"), a.slotStart.toString(Qt::ISODate)}, {QStringLiteral("slotEnd"), a.slotEnd.toString(Qt::ISODate)}}}};
        }, 201);
    });
    route("POST", h + QStringLiteral("/appointments/checkin"), issuers, [](RequestContext &c) {
        core::JsonReader r(c.body);
        const QString code = r.string(QStringLiteral("code"));
        const QString id = r.string(QStringLiteral("idNumber"));
        if (!r.finish())
            return invalid(r.error());
        if (code.isEmpty() == id.isEmpty())
            return invalid(HallServer::tr("Give either the appointment code or the ID number."));
        auto res = code.isEmpty() ? c.engine->checkInByIdNumber(id, c.actor()) : c.engine->checkIn(code, c.actor());
        return reply(res, [&](const core::Ticket &t) { return QJsonObject{{QStringLiteral("ticket"), queue::ticketJson(*c.engine, t)}}; }, 201);
    });
    route("POST", h + QStringLiteral("/release-passwords"), {Supervisor}, [](RequestContext &c) {
        core::JsonReader r(c.body);
        const QString business = r.string(QStringLiteral("business"), true);
        const int count = r.integer(QStringLiteral("count"), 1, 1, 100);
        if (!r.finish())
            return invalid(r.error());
        return reply(c.engine->createReleasePasswords(business, count, c.actor()), [](const QStringList &pw) {
            return QJsonObject{{QStringLiteral("passwords"), QJsonArray::fromStringList(pw)}};
        }, 201);
    });
    route("POST", h + QStringLiteral("/special-tickets"), issuers, [](RequestContext &c) {
        core::JsonReader r(c.body);
        const QString pw = r.string(QStringLiteral("password"), true);
        if (!r.finish())
            return invalid(r.error());
        return reply(c.engine->issueSpecial(pw, c.actor()), [&](const core::Ticket &t) { return QJsonObject{{QStringLiteral("ticket"), queue::ticketJson(*c.engine, t)}}; }, 201);
    });
    route("POST", h + QStringLiteral("/blacklist"), {Supervisor}, [](RequestContext &c) {
        core::JsonReader r(c.body);
        const QString who = r.string(QStringLiteral("idNumber"), false, r.string(QStringLiteral("phone")));
        const QDate until = QDate::fromString(r.string(QStringLiteral("until"), true), Qt::ISODate);
        const QString reason = r.string(QStringLiteral("reason"), true);
        if (!r.finish())
            return invalid(r.error());
        return reply(c.engine->blacklist(who, until, reason, c.actor()), [](const queue::BlacklistEntry &e) {
            return QJsonObject{{QStringLiteral("until"), e.until.toString(Qt::ISODate)}, {QStringLiteral("reason"), e.reason}};
        }, 201);
    });
    route("POST", h + QStringLiteral("/blacklist/remove"), {Supervisor}, [](RequestContext &c) {
        core::JsonReader r(c.body);
        const QString who = r.string(QStringLiteral("idNumber"), false, r.string(QStringLiteral("phone")));
        if (!r.finish())
            return invalid(r.error());
        return reply(c.engine->unblacklist(who, c.actor()), [](bool) { return QJsonObject{{QStringLiteral("removed"), true}}; });
    });
    route("POST", h + QStringLiteral("/clear"), {Supervisor}, [](RequestContext &c) {
        core::JsonReader r(c.body);
        const QString reason = r.string(QStringLiteral("reason"), false, QStringLiteral("manual clearing"));
        if (!r.finish())
            return invalid(r.error());
        return ok({{QStringLiteral("cleared"), c.engine->clearOpenTickets(c.actor(), reason)}});
    });
    route("GET", h + QStringLiteral("/calls"), {Supervisor, Officer}, [this](RequestContext &c) {
        const int limit = std::clamp(c.query.queryItemValue(QStringLiteral("limit")).toInt(), 0, 1000);
        return ok({{QStringLiteral("calls"), m_store->calls(c.hallId, c.engine->day(), limit ? limit : 100)}});
    });

    for (const char *op : {"login", "logout", "pause", "resume", "call-next", "recall", "special-call", "call-back",
                           "start", "finish", "miss", "transfer", "hang", "virtual"}) {
        const QString name = QLatin1String(op);
        route("POST", h + QStringLiteral("/windows/{}/") + name, windowActors,
              [this, name](RequestContext &c) { return windowOp(c, name); });
    }
}

Reply HallServer::windowOp(RequestContext &c, const QString &op)
{
    const QString window = c.params.at(1);
    queue::Engine &e = *c.engine;
    const core::Window *w = e.config().window(window);
    if (!w)
        return errorReply(404, QStringLiteral("not_found"), tr("There is no window \"%1\" in this hall.").arg(window));
    // An officer works only at the window they are logged in to; supervisors and the caller
    // bus (which carries the officer's own keys) may act on any window.
    const queue::WindowStatus st = e.windowStatus(window);
    if (c.role() == QLatin1String("officer") && op != QLatin1String("login") && st.runtime.officerId != c.actor())
        return errorReply(403, QStringLiteral("forbidden"), tr("You are not logged in at window %1.").arg(window));

    core::JsonReader r(c.body);
    auto ticketOf = [&] { return r.int64(QStringLiteral("ticket"), 0, true); };
    auto windowReply = [&](const queue::WindowRuntime &) {
        return QJsonObject{{QStringLiteral("window"), queue::windowJson(e, e.windowStatus(window))}};
    };
    auto ticketReply = [&](const core::Ticket &t) { return QJsonObject{{QStringLiteral("ticket"), queue::ticketJson(e, t)}}; };
    auto callReply = [&](const queue::CallResult &res) { return queue::callResultJson(e, res); };

    if (op == QLatin1String("login")) {
        qint64 officer = c.actor();
        const QString login = r.string(QStringLiteral("officer"));
        if (!r.finish())
            return invalid(r.error());
        if (!login.isEmpty() && c.role() != QLatin1String("officer")) {
            const auto a = m_store->account(login);
            if (!a || a->role != QLatin1String("officer") || (a->hallId && a->hallId != c.hallId))
                return errorReply(404, QStringLiteral("not_found"), tr("There is no officer \"%1\" in this hall.").arg(login));
            officer = a->id;
        }
        return reply(e.login(window, officer), windowReply);
    }
    if (op == QLatin1String("pause")) {
        const QString type = r.string(QStringLiteral("type"), true);
        const QString reason = r.string(QStringLiteral("reason"));
        if (!r.finish())
            return invalid(r.error());
        return reply(e.pause(window, type, reason, c.actor()), windowReply);
    }
    if (op == QLatin1String("special-call") || op == QLatin1String("call-back")) {
        const qint64 id = ticketOf();
        if (!r.finish())
            return invalid(r.error());
        return reply(op == QLatin1String("special-call") ? e.specialCall(window, id, c.actor()) : e.callBack(window, id, c.actor()), callReply);
    }
    if (op == QLatin1String("transfer")) {
        const qint64 id = r.int64(QStringLiteral("ticket"), 0);
        const QString toWindow = r.string(QStringLiteral("window"));
        const QString toBusiness = r.string(QStringLiteral("business"));
        if (!r.finish())
            return invalid(r.error());
        return reply(e.transfer(window, id, toWindow, toBusiness, c.actor()), ticketReply);
    }
    if (op == QLatin1String("virtual")) {
        const QString business = r.string(QStringLiteral("business"), true);
        if (!r.finish())
            return invalid(r.error());
        return reply(e.issueVirtual(window, business, c.actor()), ticketReply, 201);
    }
    if (!r.finish())
        return invalid(r.error());
    if (op == QLatin1String("logout"))
        return reply(e.logout(window, c.actor()), windowReply);
    if (op == QLatin1String("resume"))
        return reply(e.resume(window, c.actor()), windowReply);
    if (op == QLatin1String("call-next"))
        return reply(e.callNext(window, c.actor()), callReply);
    if (op == QLatin1String("recall"))
        return reply(e.recall(window, c.actor()), callReply);
    if (op == QLatin1String("start"))
        return reply(e.start(window, c.actor()), ticketReply);
    if (op == QLatin1String("finish"))
        return reply(e.finish(window, c.actor()), ticketReply);
    if (op == QLatin1String("miss"))
        return reply(e.miss(window, c.actor()), ticketReply);
    if (op == QLatin1String("hang"))
        return reply(e.hang(window, c.actor()), ticketReply);
    return errorReply(404, QStringLiteral("no_such_endpoint"), tr("Unknown window operation %1.").arg(op));
}

Reply HallServer::login(RequestContext &c)
{
    core::JsonReader r(c.body);
    const QString login = r.string(QStringLiteral("login"), true);
    const QString password = r.string(QStringLiteral("password"), true);
    if (!r.finish())
        return invalid(r.error());
    const auto a = m_store->account(login);
    if (!a || a->disabled || !Store::verifyPassword(password, a->passwordHash)) {
        qCInfo(lcServerAuth) << "failed sign-in for" << login;
        return errorReply(401, QStringLiteral("bad_credentials"), tr("The login or password is wrong."));
    }
    QByteArray raw(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(raw.data()), reinterpret_cast<quint32 *>(raw.data() + raw.size()));
    const QByteArray token = raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    // Devices stay signed in for a month; people for a working day.
    const bool device = a->role == Kiosk || a->role == Display || a->role == Caller;
    const QDateTime expires = QDateTime::currentDateTime().addSecs(device ? 30 * 86400 : 12 * 3600);
    QString err;
    if (!m_store->saveToken(QCryptographicHash::hash(token, QCryptographicHash::Sha256), a->id, expires, &err))
        return errorReply(503, QStringLiteral("storage_unavailable"), tr("The sign-in could not be saved; try again."));
    qCInfo(lcServerAuth) << "signed in" << login << "as" << a->role;
    QString hall;
    for (auto it = m_hallIds.cbegin(); it != m_hallIds.cend(); ++it) {
        if (it.value() == a->hallId)
            hall = it.key();
    }
    return ok({{QStringLiteral("token"), QString::fromLatin1(token)},
               {QStringLiteral("expiresAt"), expires.toString(Qt::ISODate)},
               {QStringLiteral("role"), a->role},
               {QStringLiteral("name"), a->name},
               {QStringLiteral("hall"), hall.isEmpty() ? QJsonValue() : QJsonValue(hall)}});
}

Reply HallServer::logout(RequestContext &c)
{
    m_sessions.remove(c.session.tokenHash);
    if (!m_store->deleteToken(c.session.tokenHash))
        return errorReply(503, QStringLiteral("storage_unavailable"), tr("The sign-out could not be saved; try again."));
    return ok({{QStringLiteral("signedOut"), true}});
}

Reply HallServer::halls(RequestContext &c)
{
    QJsonArray out;
    for (auto it = m_engines.cbegin(); it != m_engines.cend(); ++it) {
        if (c.role() != Admin && c.session.account.hallId != it.key())
            continue;
        const core::HallConfig &cfg = it.value()->config();
        out.append(QJsonObject{{QStringLiteral("code"), cfg.code}, {QStringLiteral("name"), cfg.name},
                               {QStringLiteral("windows"), cfg.windows.size()}, {QStringLiteral("businesses"), cfg.businesses.size()}});
    }
    return ok({{QStringLiteral("halls"), out}});
}

Reply HallServer::putConfig(RequestContext &c)
{
    core::HallConfig cfg;
    QString err;
    if (!core::HallConfig::fromJson(c.body, &cfg, &err))
        return invalid(err);
    if (cfg.code != c.engine->config().code)
        return invalid(tr("code: the configuration is for hall \"%1\", not \"%2\".").arg(cfg.code, c.engine->config().code));
    if (!cfg.accounts.isEmpty())
        return invalid(tr("accounts: accounts are managed with hall-server account, not through the configuration."));
    // Nothing may vanish that the day's queue still refers to.
    for (const core::Business &b : c.engine->config().businesses) {
        if (!cfg.business(b.code))
            return errorReply(409, QStringLiteral("invalid_state"), tr("Business %1 cannot be removed while the hall is running; pause it instead.").arg(b.code));
    }
    for (const core::Window &w : c.engine->config().windows) {
        if (!cfg.window(w.number))
            return errorReply(409, QStringLiteral("invalid_state"), tr("Window %1 cannot be removed while the hall is running.").arg(w.number));
    }
    if (!m_store->saveHall(&cfg, &err))
        return errorReply(503, QStringLiteral("storage_unavailable"), tr("The configuration could not be saved: %1").arg(err));
    c.engine->setConfig(cfg);
    return ok(cfg.toJson());
}

Reply HallServer::setClock(RequestContext &c)
{
    auto *manual = dynamic_cast<core::ManualClock *>(m_clock);
    if (!m_options.fakeClock || !manual)
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
    tick();
    return ok({{QStringLiteral("time"), m_clock->now().toString(Qt::ISODateWithMs)}});
}

} // namespace hall::server
