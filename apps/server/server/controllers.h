#pragma once

// The domains' controllers. Each owns a scope of the API and declares its routes there; the
// HttpCore does authentication, hall checks, body parsing and the commit around them.

#include <server/http.h>
#include <server/server_export.h>

#include <QCoreApplication>

namespace hall::core {
class Clock;
}

namespace hall::server {

class Halls;
class QueueStore;
class Sessions;

// /api/v1/health and the demo clock.
class HALL_SERVER_EXPORT SystemController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(SystemController)
public:
    SystemController(Halls *halls, core::Clock *clock, QString database, bool fakeClock)
        : m_halls(halls), m_clock(clock), m_database(std::move(database)), m_fakeClock(fakeClock) {}
    QString scope() const override { return QStringLiteral("/api/v1"); }
    void registerRoutes(RouteScope &routes) override;

private:
    Reply setClock(RequestContext &c);

    Halls *m_halls;
    core::Clock *m_clock;
    QString m_database;
    bool m_fakeClock;
};

// Sign-in and sign-out; tokens are written through the group commit like every other change.
class HALL_SERVER_EXPORT AuthController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(AuthController)
public:
    AuthController(Sessions *sessions, Halls *halls) : m_sessions(sessions), m_halls(halls) {}
    QString scope() const override { return QStringLiteral("/api/v1"); }
    void registerRoutes(RouteScope &routes) override;

private:
    Reply login(RequestContext &c);
    Reply logout(RequestContext &c);

    Sessions *m_sessions;
    Halls *m_halls;
};

// The halls and their configuration.
class HALL_SERVER_EXPORT HallController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(HallController)
public:
    explicit HallController(Halls *halls) : m_halls(halls) {}
    QString scope() const override { return QStringLiteral("/api/v1/halls"); }
    void registerRoutes(RouteScope &routes) override;

private:
    Reply putConfig(RequestContext &c);

    Halls *m_halls;
};

// A hall's queue: businesses, tickets, appointments, release passwords, blacklist, calls.
class HALL_SERVER_EXPORT QueueController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(QueueController)
public:
    explicit QueueController(QueueStore *store) : m_store(store) {}
    QString scope() const override { return QStringLiteral("/api/v1/halls/{}"); }
    void registerRoutes(RouteScope &routes) override;

private:
    QueueStore *m_store;
};

// What a window does: sign in and out, pause, call, serve, transfer. One route per operation,
// each from a table of operations.
class HALL_SERVER_EXPORT WindowController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(WindowController)
public:
    explicit WindowController(Sessions *sessions) : m_sessions(sessions) {}
    QString scope() const override { return QStringLiteral("/api/v1/halls/{}/windows/{}"); }
    void registerRoutes(RouteScope &routes) override;

private:
    Sessions *m_sessions;
};

} // namespace hall::server
