#pragma once

#include <sync/sync_export.h>

#include <security/crypto.h>

#include <QCoreApplication>
#include <QFile>
#include <QIODevice>

#include <memory>

namespace hall::security {
class FieldCipher;
}

namespace hall::sync {

// A blob at rest in a PC's cache: encrypted in chunks with the cache's FieldCipher, so neither
// `strings` nor a copied file shows anything of a scanned ID card or photo, and memory stays a
// chunk or two whatever the blob's size.
//
//   "HALLBLOB" | version(1)=1 | chunk size (u32, plain bytes) | plain size (u64)
//   then per chunk: sealed length (u32) | FieldCipher::seal(chunk, AD)
//
// Big-endian numbers. The associated data binds each chunk to its file, its index and the
// blob's size (FieldCipher::associatedData("blob:" + file id, size, index)): a chunk moved,
// dropped or taken from another blob, or a changed size in the header, fails to open.
namespace blobfile {

constexpr qint64 ChunkSize = 64 * 1024;

// Encrypts `source` (read to its end, a chunk at a time) into `path`, passing the plain bytes
// through `digest`. The file is written under a temporary name and renamed when whole.
HALL_SYNC_EXPORT bool write(QIODevice *source, qint64 size, const QString &path, const QString &fileId,
                            const security::FieldCipher &cipher, security::crypto::Digest *digest, QString *error);

// A copy of `from` at `to`, on disk when this returns (written under a temporary name): an
// export of sealed blob files, or their import back into a cache.
HALL_SYNC_EXPORT bool copyDurably(const QString &from, const QString &to, QString *error);

} // namespace blobfile

// Reads the plain bytes of an encrypted blob file, or of a window [from, from + length) of them
// (an upload chunk), decrypting one chunk at a time. Random access for what QNetworkAccessManager
// needs (size, seek back to the start of the window); a chunk that fails to open is an error
// (read returns -1, errorString says why), never wrong bytes.
class HALL_SYNC_EXPORT BlobReader final : public QIODevice
{
    Q_OBJECT
public:
    BlobReader(const QString &path, const QString &fileId, std::shared_ptr<const security::FieldCipher> cipher,
               QObject *parent = nullptr);

    // Opens read-only for the window [from, from + length) (length -1: to the end).
    bool openRange(qint64 from, qint64 length);
    bool open(OpenMode mode) override;
    bool isSequential() const override { return false; }
    qint64 size() const override { return m_length; }
    bool seek(qint64 pos) override;
    bool reset() override { return seek(0); }
    bool atEnd() const override { return pos() >= m_length; }
    void close() override;

    qint64 plainSize() const { return m_plainSize; } // of the whole blob, once open

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    bool readHeader();
    bool loadChunk(qint64 index);

    QFile m_file;
    QString m_fileId;
    std::shared_ptr<const security::FieldCipher> m_cipher;
    qint64 m_chunkSize = 0;
    qint64 m_plainSize = 0;
    qint64 m_from = 0;
    qint64 m_length = 0;
    qint64 m_chunk = -1;       // index of the chunk in m_plain
    qint64 m_walked = -1;      // the last chunk whose length prefix was read
    qint64 m_nextOffset = 0;   // file offset of chunk m_walked + 1
    QByteArray m_plain;
};

} // namespace hall::sync
