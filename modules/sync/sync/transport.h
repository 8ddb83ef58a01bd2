#pragma once

#include <sync/sync_export.h>

#include <QJsonObject>
#include <QUrlQuery>

#include <functional>

QT_BEGIN_NAMESPACE
class QIODevice;
QT_END_NAMESPACE

namespace hall::sync {

// How an answer of the server is to be taken.
struct HALL_SYNC_EXPORT TransportResult
{
    enum class Kind {
        Ok,
        Transient,     // network, timeout, 5xx, 429, an expired sign-in: keep everything, try later
        SequenceGap,   // 409 sequence_gap: resend from body.error.expectedSeq
        ResetRequired, // 409 stale_epoch / reset_required
        UpgradeRequired, // 409 upgrade_required: this build cannot read the server's feed
        Refused,       // any other 4xx: a request this client should not have sent
    };
    Kind kind = Kind::Ok;
    int status = 0;
    QString code;
    QString message;
    QJsonObject body;

    // From an HTTP status and JSON body, as hall-server answers (docs/api.md, docs/sync.md).
    static TransportResult fromHttp(int status, const QJsonObject &body, const QString &transportError = {});
};

// The calls the sync engine makes. HallClient provides them in the apps; tests may use a
// plain HTTP implementation against a real server.
class HALL_SYNC_EXPORT SyncTransport
{
public:
    using Done = std::function<void(const TransportResult &)>;
    virtual ~SyncTransport();
    virtual void push(const QJsonObject &body, Done done) = 0;
    virtual void pull(const QUrlQuery &query, Done done) = 0;
    // Blobs (docs/sync.md): ask for the upload of `blob` ({algorithm, hash, size}) and its
    // offset, and send `length` bytes of it read from `source` at `offset` (the first chunk
    // starts the upload). `source` stays open until `done` runs. A transport without blobs
    // refuses both.
    virtual void blobStart(const QJsonObject &blob, Done done);
    virtual void blobChunk(const QJsonObject &blob, qint64 offset, QIODevice *source, qint64 length, Done done);
};

} // namespace hall::sync
