#pragma once

#include <server/blobstore.h>
#include <server/http.h>
#include <server/server_export.h>

#include <QCoreApplication>
#include <QHash>
#include <QSet>
#include <QThreadPool>

#include <memory>

namespace hall::security::crypto {
class Digest;
}

namespace hall::server {

class BlobWrite;

// The blob domain (docs/sync.md, "Blobs"): content-addressed files of a hall (SHA-256, or SM3
// in 国密 mode), uploaded in chunks of at most MaxChunk bytes to an upload session that tells
// its offset, so a client resumes after a broken connection. The bytes go to a file in the
// server's blob folder as they come and through a running digest; a verified blob's file and
// folder are made durable on a worker thread before the commit that records it complete; the blob counts as complete only when the digest matches the claimed hash,
// otherwise the partial upload is discarded. A download is a streamed file, allowed only through
// a record of the caller's hall that references the blob (a material, pushed by sync).
class HALL_SERVER_EXPORT BlobController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(BlobController)
public:
    BlobController(BlobStore *store, QString folder);
    ~BlobController() override;
    QString scope() const override { return QStringLiteral("/api/v1/halls/{}/blobs"); }
    void registerRoutes(RouteScope &routes) override;

    // For the domains whose records reference blobs: which of `ids` are not complete in the
    // hall, counting completions that wait in the current batch. nullopt: storage failed.
    std::optional<QList<BlobId>> missing(qint64 hallId, const QList<BlobId> &ids);

    static bool validId(const BlobId &id);

    static constexpr qint64 MaxChunk = 1024 * 1024;
    static constexpr qint64 MaxBlob = 512LL * 1024 * 1024;

private:
    friend class BlobWrite;
    struct Upload;

    Reply start(RequestContext &c);
    Reply chunk(RequestContext &c);
    Reply put(RequestContext &c);
    Reply append(RequestContext &c, const BlobRecord &record);
    Reply completed(CommitBatch &batch, BlobRecord done, const QString &syncFailed);
    BlobRecord newUpload(RequestContext &c, const BlobId &id, qint64 size);
    std::optional<BlobRecord> current(qint64 hallId, const BlobId &id, bool *failed);
    static Reply wrongOffset(qint64 received, qint64 offset);
    static Reply sizeMismatch(qint64 size, qint64 asked);
    Reply download(RequestContext &c);
    QString pathOf(qint64 hallId, const BlobId &id) const;
    QStringList makeFolders(const QString &folder);
    Upload *session(const BlobRecord &record, QString *error);
    BlobWrite &write(CommitBatch &batch);
    static QJsonObject state(const BlobRecord &record, qint64 offset);

    BlobStore *m_store;
    QString m_folder;
    QHash<QString, std::shared_ptr<Upload>> m_uploads; // upload id → bytes received and running digest
    QHash<QString, BlobRecord> m_pending;               // "hall/alg/hash" → row waiting in the batch
    QHash<QString, QStringList> m_unsyncedFolders;      // upload id → folders made for its file (synced with its completion)
    std::unique_ptr<QThreadPool> m_syncers;             // make completed blobs durable off the server's thread
};

} // namespace hall::server
