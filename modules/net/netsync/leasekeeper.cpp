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

void LeaseKeeper::topUp(const QStringList &businesses, const QDateTime &now, Done done)
{
    QStringList wanted;
    for (const QString &b : businesses) {
        if (m_issuer.needsLease(b, m_lowWater, now))
            wanted.append(b);
    }
    if (wanted.isEmpty())
        return done({});
    auto errors = std::make_shared<QStringList>();
    auto waiting = std::make_shared<qsizetype>(wanted.size());
    for (const QString &b : std::as_const(wanted)) {
        request(b, m_size, [errors, waiting, done, b](const QStringList &e) {
            for (const QString &x : e)
                errors->append(b + QStringLiteral(": ") + x);
            if (--*waiting == 0)
                done(*errors);
        });
    }
}

} // namespace hall::net
