#include "blobstore.h"

#include <security/fieldcipher.h>
#include <storage/transaction.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUuid>

namespace hall::sync {

QJsonObject BlobRef::toJson() const
{
    return {{QStringLiteral("algorithm"), algorithm}, {QStringLiteral("hash"), hash}, {QStringLiteral("size"), size}};
}

BlobStore::BlobStore(SyncCache *cache, std::shared_ptr<const security::FieldCipher> cipher, security::crypto::Digest::Algorithm algorithm)
    : m_cache(cache), m_cipher(std::move(cipher)), m_algorithm(algorithm), m_folder(cache->blobFolder())
{
}

bool BlobStore::import(const QString &path, BlobRef *ref, QString *fileId, QString *error)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read %1: %2").arg(path, in.errorString());
        return false;
    }
    if (in.size() == 0) {
        *error = tr("%1 is empty.").arg(path);
        return false;
    }
    if (!m_cipher) {
        *error = tr("No key for the cache: the blob is not stored (never in clear).");
        return false;
    }
    if (!QDir().mkpath(m_folder)) {
        *error = tr("Cannot make the blob folder %1.").arg(m_folder);
        return false;
    }
    *fileId = QUuid::createUuid().toString(QUuid::Id128);
    security::crypto::Digest digest(m_algorithm);
    if (!blobfile::write(&in, in.size(), m_folder + u'/' + *fileId, *fileId, *m_cipher, &digest, error))
        return false;
    const QByteArray hash = digest.result();
    if (hash.isEmpty()) {
        discard(*fileId);
        *error = tr("The %1 digest is not available.").arg(security::crypto::Digest::name(m_algorithm));
        return false;
    }
    *ref = BlobRef{security::crypto::Digest::name(m_algorithm), QString::fromLatin1(hash.toHex()), in.size()};
    return true;
}

bool BlobStore::queue(const BlobRef &ref, const QString &fileId, bool *duplicate, QString *error)
{
    return m_cache->queueBlob(ref.algorithm, ref.hash, ref.size, fileId, duplicate, error);
}

void BlobStore::discard(const QString &fileId)
{
    QFile::remove(m_folder + u'/' + fileId);
}

bool BlobStore::addMaterial(const QString &ticket, const QString &type, const QStringList &files, OutboxEntry *made, QString *error)
{
    QList<std::pair<BlobRef, QString>> imported;
    const auto dropAll = [&] {
        for (const auto &[ref, id] : std::as_const(imported))
            discard(id);
    };
    for (const QString &path : files) {
        BlobRef ref;
        QString id;
        if (!import(path, &ref, &id, error)) {
            dropAll();
            return false;
        }
        imported.append({ref, id});
    }
    QJsonArray blobs;
    QStringList unneeded;
    storage::Transaction tx(m_cache->connection());
    bool ok = tx.isActive();
    for (qsizetype i = 0; ok && i < imported.size(); ++i) {
        bool duplicate = false;
        ok = queue(imported.at(i).first, imported.at(i).second, &duplicate, error);
        if (duplicate)
            unneeded.append(imported.at(i).second);
        blobs.append(imported.at(i).first.toJson());
    }
    const QString key = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QJsonObject data{{QStringLiteral("material"), key}, {QStringLiteral("ticket"), ticket}, {QStringLiteral("type"), type},
                           {QStringLiteral("pages"), int(files.size())}, {QStringLiteral("blobs"), blobs}};
    ok = ok && m_cache->enqueue(QStringLiteral("material"), data, QStringLiteral("material/") + key, made, error);
    if (!ok || !tx.commit()) {
        if (error->isEmpty())
            *error = tx.error();
        tx.rollback();
        dropAll();
        return false;
    }
    for (const QString &id : std::as_const(unneeded))
        discard(id);
    return true;
}

bool BlobStore::importExported(const QString &folder, int *imported, QString *error)
{
    *imported = 0;
    QFile list(folder + QStringLiteral("/blobs.jsonl"));
    if (!list.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read the list of exported blobs %1: %2").arg(list.fileName(), list.errorString());
        return false;
    }
    static const QRegularExpression fileName(QStringLiteral("^[0-9a-f]{32}$"));
    if (!m_cipher) {
        *error = tr("No key for the cache: exported blobs cannot be checked.");
        return false;
    }
    if (!QDir().mkpath(m_folder)) {
        *error = tr("Cannot make the blob folder %1.").arg(m_folder);
        return false;
    }
    while (!list.atEnd()) {
        const QByteArray line = list.readLine().trimmed();
        if (line.isEmpty())
            continue;
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        const BlobRef ref{o.value(QStringLiteral("algorithm")).toString(), o.value(QStringLiteral("hash")).toString(),
                          o.value(QStringLiteral("size")).toInteger()};
        const QString file = o.value(QStringLiteral("file")).toString();
        const auto algorithm = security::crypto::Digest::fromName(ref.algorithm);
        if (!fileName.match(file).hasMatch() || !algorithm || ref.size < 1) {
            *error = tr("Not a line of an export's blob list: %1").arg(QString::fromUtf8(line.left(200)));
            return false;
        }
        QString have;
        QString ignored;
        if (m_cache->blobFile(ref.algorithm, ref.hash, &have, &ignored) && QFile::exists(m_folder + u'/' + have))
            continue;
        // Only what opens with this cache's key and is the blob its name says.
        BlobReader reader(folder + u'/' + file, file, m_cipher);
        security::crypto::Digest digest(*algorithm);
        qint64 read = 0;
        if (reader.openRange(0, -1)) {
            QByteArray piece;
            while (!(piece = reader.read(blobfile::ChunkSize)).isEmpty()) {
                digest.addData(piece);
                read += piece.size();
            }
        }
        if (read != ref.size || reader.plainSize() != ref.size || QString::fromLatin1(digest.result().toHex()) != ref.hash) {
            *error = tr("The exported blob %1 does not open with this cache's key or is damaged; nothing of it was imported.").arg(file);
            return false;
        }
        if (!blobfile::copyDurably(folder + u'/' + file, m_folder + u'/' + file, error))
            return false;
        if (!m_cache->restoreBlob(ref.algorithm, ref.hash, ref.size, file, error)) {
            discard(file);
            return false;
        }
        ++*imported;
    }
    return true;
}

std::unique_ptr<BlobReader> BlobStore::reader(const BlobRef &ref, qint64 from, qint64 length, QString *error) const
{
    QString file;
    if (!m_cache->blobFile(ref.algorithm, ref.hash, &file, error))
        return nullptr;
    auto r = std::make_unique<BlobReader>(m_folder + u'/' + file, file, m_cipher);
    if (!r->openRange(from, length)) {
        *error = r->errorString();
        return nullptr;
    }
    return r;
}

} // namespace hall::sync
