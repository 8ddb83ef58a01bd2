#include "leasekeeper.h"

#include <memory>

namespace hall::net {

LeaseKeeper::LeaseKeeper(HallClient *client, sync::SyncCache *cache, QObject *parent)
    : QObject(parent), m_client(client), m_cache(cache), m_issuer(cache)
{
}

void LeaseKeeper::request(const QString &business, int size, Done done)
{
    sync::SyncState st;
    QString err;
    if (!m_client || !m_cache->state(&st, &err))
        return done({err.isEmpty() ? ApiError::transport(ApiError::Kind::Canceled).message : err});
    m_client->requestLease(business, size, st.device, this, [this, done](const Result<Lease> &r) {
        if (!r)
            return done({r.error().message});
        sync::LocalLease l;
        l.id = r->id;
        l.business = r->business;
        l.prefix = r->prefix;
        l.digits = r->digits;
        l.from = r->from;
        l.to = r->to;
        l.day = r->day;
        l.grantedAt = r->grantedAt;
        l.until = r->until;
        QString error;
        if (!m_issuer.addLease(l, &error))
            return done({error});
        done({});
    });
}

namespace {

// One callback per request of a batch; `done` with every error once the last has answered.
std::function<void(const QString &)> gather(qsizetype requests, LeaseKeeper::Done done)
{
    auto errors = std::make_shared<QStringList>();
    auto waiting = std::make_shared<qsizetype>(requests);
    return [errors, waiting, done](const QString &error) {
        if (!error.isEmpty())
            errors->append(error);
        if (--*waiting == 0)
            done(*errors);
    };
}

} // namespace

void LeaseKeeper::returnAll(Done done)
{
    sync::SyncState st;
    QString err;
    if (!m_client || !m_cache->state(&st, &err))
        return done({err.isEmpty() ? ApiError::transport(ApiError::Kind::Canceled).message : err});
    m_client->leases(this, [this, done, device = st.device](const Result<QList<Lease>> &r) {
        if (!r)
            return done({r.error().message});
        QList<Lease> held;
        for (const Lease &l : *r) {
            if (l.device == device && !l.returnedFrom)
                held.append(l);
        }
        if (held.isEmpty())
            return done({});
        const auto answered = gather(held.size(), done);
        for (const Lease &l : std::as_const(held)) {
            int used = 0;
            QString error;
            if (!m_issuer.closeLease(l.id, &used, &error)) {
                answered(l.fromNumber + QStringLiteral(": ") + error);
                continue;
            }
            m_client->returnLease(l.id, device, used, this, [answered, l](const Result<Lease> &back) {
                answered(back ? QString() : l.fromNumber + QStringLiteral(": ") + back.error().message);
            });
        }
    });
}

void LeaseKeeper::topUp(const QStringList &businesses, const QDateTime &now, Done done)
{
    QStringList wanted;
    for (const QString &b : businesses) {
        if (m_issuer.needsLease(b, m_lowWater, now))
            wanted.append(b);
    }
    if (wanted.isEmpty())
        return done({});
    const auto answered = gather(wanted.size(), done);
    for (const QString &b : std::as_const(wanted)) {
        request(b, m_size, [answered, b](const QStringList &e) {
            answered(e.isEmpty() ? QString() : b + QStringLiteral(": ") + e.join(QStringLiteral("; ")));
        });
    }
}

} // namespace hall::net
