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

namespace {

Result<QJsonObject> asJson(const Result<BlobUpload> &r)
{
    if (!r)
        return r.error();
    QJsonObject o{{QStringLiteral("offset"), r->offset}, {QStringLiteral("size"), r->size}, {QStringLiteral("complete"), r->complete},
                  {QStringLiteral("chunkBytes"), r->chunkBytes}};
    if (!r->upload.isEmpty())
        o.insert(QStringLiteral("upload"), r->upload);
    return o;
}

BlobUploadRequest blobOf(const QJsonObject &o)
{
    return {o.value(QStringLiteral("algorithm")).toString(), o.value(QStringLiteral("hash")).toString(), o.value(QStringLiteral("size")).toInteger()};
}

} // namespace

void HallSyncTransport::blobStart(const QJsonObject &blob, Done done)
{
    if (!m_client)
        return done(sync::TransportResult::fromHttp(0, {}, ApiError::transport(ApiError::Kind::Canceled).message));
    m_client->blobUploadStart(blobOf(blob), this, [done](const Result<BlobUpload> &r) { done(toTransport(asJson(r))); });
}

void HallSyncTransport::blobChunk(const QJsonObject &blob, qint64 offset, QIODevice *source, qint64 length, Done done)
{
    if (!m_client)
        return done(sync::TransportResult::fromHttp(0, {}, ApiError::transport(ApiError::Kind::Canceled).message));
    m_client->blobUploadChunk(blobOf(blob), offset, source, length, this, [done](const Result<BlobUpload> &r) { done(toTransport(asJson(r))); });
}

} // namespace hall::net
