#include "controllers.h"

#include "queuereply.h"
#include "sessions.h"

#include <core/jsonreader.h>
#include <queue/engine.h>
#include <queue/json.h>

namespace hall::server {

namespace {

// One window operation in progress: the window, its engine, the body reader and the reply forms.
struct WindowCall
{
    RequestContext &c;
    queue::Engine &e;
    QString window;
    core::JsonReader r;

    QJsonObject windowJson(const queue::WindowRuntime &) const
    {
        return {{QStringLiteral("window"), queue::windowJson(e, e.windowStatus(window))}};
    }
    QJsonObject ticketJson(const core::Ticket &t) const { return {{QStringLiteral("ticket"), queue::ticketJson(e, t)}}; }
    QJsonObject callJson(const queue::CallResult &res) const { return queue::callResultJson(e, res); }

    Reply windowReply(const queue::Result<queue::WindowRuntime> &res) { return queueReply(res, [this](const auto &w) { return windowJson(w); }); }
    Reply ticketReply(const queue::Result<core::Ticket> &res, int status = 200)
    {
        return queueReply(res, [this](const auto &t) { return ticketJson(t); }, status);
    }
    Reply callReply(const queue::Result<queue::CallResult> &res) { return queueReply(res, [this](const auto &x) { return callJson(x); }); }
    // For operations without a body: refuse any field.
    bool noFields() { return r.finish(); }
};

using WindowOp = Reply (*)(WindowCall &w, AccountStore *accounts);

Reply bodyError(WindowCall &w) { return invalid(w.r.error()); }

// The operations, one entry each: the route is /api/v1/halls/{hall}/windows/{window}/<name>.
const std::pair<const char *, WindowOp> windowOps[] = {
    {"login", [](WindowCall &w, AccountStore *accounts) {
         qint64 officer = w.c.actor();
         const QString login = w.r.string(QStringLiteral("officer"));
         if (!w.r.finish())
             return bodyError(w);
         // Supervisors and the caller bus may sign an officer in by login name; the caller bus
         // only so (it is no officer: signed in itself, its window would belong to nobody).
         if (login.isEmpty() && w.c.role() == roles::Caller)
             return invalid(WindowController::tr("A caller signs an officer in: give \"officer\" (their login)."));
         if (!login.isEmpty() && w.c.role() != roles::Officer) {
             const auto a = accounts->account(login);
             if (!a || a->role != roles::Officer || (a->hallId && a->hallId != w.c.hallId))
                 return errorReply(404, QStringLiteral("not_found"), WindowController::tr("There is no officer \"%1\" in this hall.").arg(login));
             officer = a->id;
         }
         return w.windowReply(w.e.login(w.window, officer));
     }},
    {"logout", [](WindowCall &w, AccountStore *) { return w.noFields() ? w.windowReply(w.e.logout(w.window, w.c.actor())) : bodyError(w); }},
    {"pause", [](WindowCall &w, AccountStore *) {
         const QString type = w.r.string(QStringLiteral("type"), true);
         const QString reason = w.r.string(QStringLiteral("reason"));
         if (!w.r.finish())
             return bodyError(w);
         return w.windowReply(w.e.pause(w.window, type, reason, w.c.actor()));
     }},
    {"resume", [](WindowCall &w, AccountStore *) { return w.noFields() ? w.windowReply(w.e.resume(w.window, w.c.actor())) : bodyError(w); }},
    {"call-next", [](WindowCall &w, AccountStore *) { return w.noFields() ? w.callReply(w.e.callNext(w.window, w.c.actor())) : bodyError(w); }},
    {"recall", [](WindowCall &w, AccountStore *) { return w.noFields() ? w.callReply(w.e.recall(w.window, w.c.actor())) : bodyError(w); }},
    {"special-call", [](WindowCall &w, AccountStore *) {
         const qint64 id = w.r.int64(QStringLiteral("ticket"), 0, true);
         if (!w.r.finish())
             return bodyError(w);
         return w.callReply(w.e.specialCall(w.window, id, w.c.actor()));
     }},
    {"call-back", [](WindowCall &w, AccountStore *) {
         const qint64 id = w.r.int64(QStringLiteral("ticket"), 0, true);
         if (!w.r.finish())
             return bodyError(w);
         return w.callReply(w.e.callBack(w.window, id, w.c.actor()));
     }},
    {"start", [](WindowCall &w, AccountStore *) { return w.noFields() ? w.ticketReply(w.e.start(w.window, w.c.actor())) : bodyError(w); }},
    {"finish", [](WindowCall &w, AccountStore *) { return w.noFields() ? w.ticketReply(w.e.finish(w.window, w.c.actor())) : bodyError(w); }},
    {"miss", [](WindowCall &w, AccountStore *) { return w.noFields() ? w.ticketReply(w.e.miss(w.window, w.c.actor())) : bodyError(w); }},
    {"transfer", [](WindowCall &w, AccountStore *) {
         const qint64 id = w.r.int64(QStringLiteral("ticket"), 0);
         const QString toWindow = w.r.string(QStringLiteral("window"));
         const QString toBusiness = w.r.string(QStringLiteral("business"));
         if (!w.r.finish())
             return bodyError(w);
         return w.ticketReply(w.e.transfer(w.window, id, toWindow, toBusiness, w.c.actor()));
     }},
    {"hang", [](WindowCall &w, AccountStore *) { return w.noFields() ? w.ticketReply(w.e.hang(w.window, w.c.actor())) : bodyError(w); }},
    {"virtual", [](WindowCall &w, AccountStore *) {
         const QString business = w.r.string(QStringLiteral("business"), true);
         if (!w.r.finish())
             return bodyError(w);
         return w.ticketReply(w.e.issueVirtual(w.window, business, w.c.actor()), 201);
     }},
};

} // namespace

void WindowController::registerRoutes(RouteScope &routes)
{
    for (const auto &[name, op] : windowOps) {
        // Who may act on which window is the access table's (an officer only at their own).
        routes.post(QLatin1String(name), [this, op = op](RequestContext &c) {
            const QString window = c.params.at(1);
            queue::Engine &e = *c.engine;
            if (!e.config().window(window))
                return errorReply(404, QStringLiteral("not_found"), tr("There is no window \"%1\" in this hall.").arg(window));
            WindowCall call{c, e, window, core::JsonReader(c.body)};
            return op(call, m_sessions->accounts());
        });
    }
}

} // namespace hall::server
