#include "controllers.h"

#include "commit.h"
#include "halls.h"
#include "hallstore.h"

#include <queue/engine.h>

#include <QJsonArray>

namespace hall::server {

namespace {

// A new configuration: its rows are written (and new businesses and windows get their ids)
// in the group commit; the engine takes it only once that is durable.
class ConfigWrite final : public PendingWrite
{
public:
    ConfigWrite(Halls *halls, qint64 hallId, core::HallConfig cfg) : m_halls(halls), m_hallId(hallId), m_cfg(std::move(cfg)) {}
    bool write(QString *error) override { return m_halls->hallStore()->writeHall(&m_cfg, error); }
    void committed() override
    {
        if (queue::Engine *e = m_halls->engine(m_hallId))
            e->setConfig(m_cfg);
    }

private:
    Halls *m_halls;
    qint64 m_hallId;
    core::HallConfig m_cfg;
};

} // namespace

void HallController::registerRoutes(RouteScope &routes)
{
    routes.get(QString(), [this](RequestContext &c) {
        QJsonArray out;
        for (qint64 id : m_halls->ids()) {
            if (c.session.account.hallId && c.session.account.hallId != id)
                continue;
            const core::HallConfig &cfg = m_halls->engine(id)->config();
            out.append(QJsonObject{{QStringLiteral("code"), cfg.code}, {QStringLiteral("name"), cfg.name},
                                   {QStringLiteral("windows"), cfg.windows.size()}, {QStringLiteral("businesses"), cfg.businesses.size()}});
        }
        return ok({{QStringLiteral("halls"), out}});
    });
    // The configuration names the hall's staff: reading it is audited.
    routes.get(QStringLiteral("{}/config"), [](RequestContext &c) { return ok(c.engine->config().toJson()); }).auditRead = true;
    routes.put(QStringLiteral("{}/config"), [this](RequestContext &c) { return putConfig(c); });
}

Reply HallController::putConfig(RequestContext &c)
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
    const QJsonObject reply = cfg.toJson();
    if (m_configured && !m_configured(c.hallId, cfg, *c.batch, &err))
        return errorReply(503, QStringLiteral("storage_unavailable"), tr("The configuration could not be saved: %1").arg(err));
    c.batch->add(std::make_unique<ConfigWrite>(m_halls, c.hallId, std::move(cfg)));
    return ok(reply);
}

} // namespace hall::server
