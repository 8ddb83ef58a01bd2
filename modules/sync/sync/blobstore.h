#pragma once

#include <sync/blobfile.h>
#include <sync/cache.h>
#include <sync/sync_export.h>

#include <security/crypto.h>

#include <QCoreApplication>
#include <QJsonObject>

#include <memory>

namespace hall::security {
class FieldCipher;
}

namespace hall::sync {

// A blob as the sync protocol names it: digest algorithm, lower-case hex hash, size.
struct HALL_SYNC_EXPORT BlobRef
{
    QString algorithm; // "sha256" or "sm3"
    QString hash;
    qint64 size = 0;
    QJsonObject toJson() const;
};

// The cache's blobs (docs/sync.md, "Blobs"): files in the cache's blob folder, encrypted at rest
// (blobfile), named by a random id, queued in the cache database for upload. It needs the cache's
// cipher, so it exists only when the key was fetched; without one nothing personal is stored.
class HALL_SYNC_EXPORT BlobStore
{
    Q_DECLARE_TR_FUNCTIONS(BlobStore)
public:
    // The files go to the cache's blob folder (SyncCache::blobFolder).
    BlobStore(SyncCache *cache, std::shared_ptr<const security::FieldCipher> cipher,
              security::crypto::Digest::Algorithm algorithm);

    QString folder() const { return m_folder; }

    // Encrypts the file at `path` into the blob folder, hashing its plain bytes on the way.
    // Nothing is queued yet: queue() does that inside the caller's transaction.
    bool import(const QString &path, BlobRef *ref, QString *fileId, QString *error);
    // Inside the caller's transaction: the blob joins the upload queue; if the cache holds it
    // already, the new file is not needed and is removed after the commit (see discard()).
    bool queue(const BlobRef &ref, const QString &fileId, bool *duplicate, QString *error);
    void discard(const QString &fileId);

    // A material (scanned pages attached to a ticket number): each file imported, then the blobs
    // and the "material" outbox entry in one transaction. Returns the material's key in `made`.
    bool addMaterial(const QString &ticket, const QString &type, const QStringList &files, OutboxEntry *made, QString *error);

    // The blobs of an export (SyncCache::exportUnsent: `exportPath` + ".blobs/") back into this
    // cache: each file must open with this cache's key and hash to its name, then it is copied
    // into the blob folder and queued for upload — new, or in place of one whose file was lost.
    // Blobs the cache holds with their file are left alone. `imported` counts what was queued.
    bool importExported(const QString &folder, int *imported, QString *error);

    // The plain bytes [from, from + length) of a queued or uploaded blob.
    std::unique_ptr<BlobReader> reader(const BlobRef &ref, qint64 from, qint64 length, QString *error) const;

private:
    SyncCache *m_cache;
    std::shared_ptr<const security::FieldCipher> m_cipher;
    security::crypto::Digest::Algorithm m_algorithm;
    QString m_folder;
};

} // namespace hall::sync
