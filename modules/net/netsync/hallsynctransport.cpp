#include "hallsynctransport.h"

namespace hall::net {

HallSyncTransport::HallSyncTransport(HallClient *client, QObject *parent) : QObject(parent), m_client(client) {}

sync::TransportResult HallSyncTransport::toTransport(const Result<QJsonObject> &result)
{
    if (result)
        return sync::TransportResult::fromHttp(200, result.value());
    const ApiError &e = result.error();
    if (e.kind != ApiError::Kind::Http)
        return sync::TransportResult::fromHttp(0, {}, e.message);
    QJsonObject error = e.errorObject;
    if (error.isEmpty())
        error = QJsonObject{{QStringLiteral("code"), e.code}, {QStringLiteral("message"), e.message}};
    return sync::TransportResult::fromHttp(e.httpStatus, QJsonObject{{QStringLiteral("error"), error}});
}

void HallSyncTransport::push(const QJsonObject &body, Done done)
{
    if (!m_client)
        return done(sync::TransportResult::fromHttp(0, {}, ApiError::transport(ApiError::Kind::Canceled).message));
    m_client->syncPush(body, this, [done](const Result<QJsonObject> &r) { done(toTransport(r)); });
}

void HallSyncTransport::pull(const QUrlQuery &query, Done done)
{
    if (!m_client)
        return done(sync::TransportResult::fromHttp(0, {}, ApiError::transport(ApiError::Kind::Canceled).message));
    m_client->syncPull(query, this, [done](const Result<QJsonObject> &r) { done(toTransport(r)); });
}

} // namespace hall::net
