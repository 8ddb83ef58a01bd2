#include "halls.h"

#include "commit.h"
#include "hallstore.h"
#include "queuestore.h"

#include <queue/json.h>

#include <QCryptographicHash>
#include <QJsonArray>
#include <QMessageAuthenticationCode>

namespace hall::server {

// One hall's queue changes in the group commit; later requests of the same turn merge into it.
class QueueWrite final : public PendingWrite
{
public:
    QueueWrite(Halls *halls, qint64 hallId) : m_halls(halls), m_hallId(hallId) {}

    bool write(QString *error) override { return m_halls->m_queueStore->write(m_hallId, changes, error); }
    void committed() override
    {
        if (m_halls->m_publish && !changes.events.isEmpty())
            m_halls->m_publish(m_hallId, changes.events);
    }
    void rolledBack() override { m_halls->markStale(); }

    queue::ChangeSet changes;

private:
    Halls *m_halls;
    qint64 m_hallId;
};

Halls::Halls(HallStore *halls, QueueStore *queue, core::Clock *clock, QByteArray secret)
    : m_hallStore(halls), m_queueStore(queue), m_clock(clock), m_secret(std::move(secret))
{
}

Halls::~Halls() = default;

bool Halls::load(CommitBatch &batch, QString *error)
{
    QList<core::HallConfig> halls;
    if (!m_hallStore->loadHalls(&halls, error))
        return false;
    m_engines.clear();
    m_ids.clear();
    m_stale = false;
    const QByteArray secret = m_secret;
    for (const core::HallConfig &cfg : std::as_const(halls)) {
        auto hasher = [secret](const QString &s) {
            return QMessageAuthenticationCode::hash(s.toUtf8(), secret, QCryptographicHash::Sha256);
        };
        QueueStore *store = m_queueStore;
        auto engine = std::make_shared<queue::Engine>(cfg, m_clock, hasher, [store] { return store->allocateId(); });
        queue::Snapshot snap;
        if (!m_queueStore->loadSnapshot(cfg, m_clock->now().date(), &snap, error))
            return false;
        engine->restore(snap);
        m_engines.insert(cfg.id, engine);
        m_ids.insert(cfg.code, cfg.id);
        // restore() may have cleared tickets left open from an earlier day: persist that.
        collect(cfg.id, batch);
    }
    return true;
}

queue::Engine *Halls::engineFor(const QString &code, qint64 *hallId) const
{
    const auto it = m_ids.constFind(code);
    if (it == m_ids.constEnd())
        return nullptr;
    *hallId = *it;
    return m_engines.value(*it).get();
}

QString Halls::codeOf(qint64 hallId) const
{
    for (auto it = m_ids.cbegin(); it != m_ids.cend(); ++it) {
        if (it.value() == hallId)
            return it.key();
    }
    return {};
}

void Halls::collect(qint64 hallId, CommitBatch &batch)
{
    queue::Engine *engine = this->engine(hallId);
    if (!engine)
        return;
    queue::ChangeSet c = engine->takeChanges();
    if (c.isEmpty())
        return;
    if (m_observe)
        m_observe(hallId, *engine, c, batch);
    auto &w = batch.slot<QueueWrite>(QStringLiteral("queue/%1").arg(hallId),
                                     [&] { return std::make_unique<QueueWrite>(this, hallId); });
    w.changes.merge(std::move(c));
    batch.touch();
}

void Halls::tickAll(CommitBatch &batch)
{
    for (auto it = m_engines.cbegin(); it != m_engines.cend(); ++it) {
        it.value()->tick();
        collect(it.key(), batch);
    }
}

QJsonObject Halls::summary(qint64 hallId) const
{
    const queue::Engine *engine = this->engine(hallId);
    if (!engine)
        return {};
    QJsonArray businesses;
    for (const queue::BusinessStatus &s : engine->businessStatus())
        businesses.append(queue::businessJson(s));
    QJsonArray windows;
    for (const queue::WindowStatus &s : engine->windowStatus())
        windows.append(queue::windowJson(*engine, s));
    return QJsonObject{{QStringLiteral("hall"), engine->config().code},
                       {QStringLiteral("name"), engine->config().name},
                       {QStringLiteral("businesses"), businesses},
                       {QStringLiteral("windows"), windows}};
}

} // namespace hall::server
