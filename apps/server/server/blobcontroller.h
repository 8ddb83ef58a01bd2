#pragma once

#include <server/blobstore.h>
#include <server/http.h>
#include <server/server_export.h>

#include <QCoreApplication>
#include <QHash>
#include <QThreadPool>

#include <functional>
#include <memory>

namespace hall::security::crypto {
class Digest;
}

namespace hall::server {

class BlobWrite;

// The blob domain (docs/sync.md, "Blobs"): content-addressed files of a hall (SHA-256, or SM3
// in 国密 mode), uploaded in chunks of at most MaxChunk bytes to an upload session that tells
// its offset, so a client resumes after a broken connection. The bytes go to a file in the
// server's blob folder as they come and through a running digest; the blob counts as complete
// only when the digest matches the claimed hash (otherwise the partial upload is discarded) and
// its file and folder are on disk: the blobs verified in one turn of the server's loop are made
// durable together, on worker threads, before the commit that records them complete. A download is a streamed file, allowed only through
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

    // How a path is made durable: fdatasync (a blob's file) or fsync (a folder); an error
    // message, or empty. Runs on worker threads. Tests replace it to watch or fail it.
    using SyncPath = std::function<QString(const QString &path, bool dataOnly)>;
    void setSyncPath(SyncPath sync) { m_syncPath = std::move(sync); }

    static constexpr qint64 MaxChunk = 1024 * 1024;
    static constexpr qint64 MaxBlob = 512LL * 1024 * 1024;

private:
    friend class BlobWrite;
    struct Upload;
    struct Verified;
    struct SyncBatch;

    Reply start(RequestContext &c);
    Reply chunk(RequestContext &c);
    Reply put(RequestContext &c);
    Reply append(RequestContext &c, const BlobRecord &record);
    void makeDurable(HttpCore *core);
    void madeDurable(const std::shared_ptr<SyncBatch> &batch);
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
    QHash<QString, quint64> m_unsyncedFolders;          // folder whose entries changed (a folder made in it) → when; synced by every batch until one succeeds
    quint64 m_folderChanges = 0;
    QList<Verified> m_verified;                         // verified in this turn, made durable together at its end
    bool m_flushHooked = false;                         // makeDurable() runs before the core's commits
    SyncPath m_syncPath;
    std::unique_ptr<QThreadPool> m_syncers;             // make verified blobs durable off the server's thread
};

} // namespace hall::server
