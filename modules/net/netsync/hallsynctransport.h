#pragma once

#include <netsync/netsync_export.h>

#include <net/hallclient.h>
#include <sync/transport.h>

#include <QObject>
#include <QPointer>

namespace hall::net {

// sync::SyncTransport over the app's HallClient: push and pull go to the same server, with the
// same TLS settings, token and connection status as everything else the app does. Answers are
// handed to TransportResult::fromHttp as the server gave them; a transport failure (or an
// unreadable reply) is transient, so the engine keeps its entries and tries again.
class HALL_NETSYNC_EXPORT HallSyncTransport : public QObject, public sync::SyncTransport
{
    Q_OBJECT
public:
    explicit HallSyncTransport(HallClient *client, QObject *parent = nullptr);

    void push(const QJsonObject &body, Done done) override;
    void pull(const QUrlQuery &query, Done done) override;
    void blobStart(const QJsonObject &blob, Done done) override;
    void blobChunk(const QJsonObject &blob, qint64 offset, QIODevice *source, qint64 length, Done done) override;

    static sync::TransportResult toTransport(const Result<QJsonObject> &result);

private:
    QPointer<HallClient> m_client;
};

} // namespace hall::net
