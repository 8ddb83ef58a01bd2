#include "blobfile.h"

#include <security/fieldcipher.h>

#include <QSaveFile>
#include <QtEndian>

namespace hall::sync {

namespace {

constexpr char Magic[] = "HALLBLOB";
constexpr int HeaderSize = 8 + 1 + 4 + 8;
constexpr quint8 Version = 1;

QByteArray chunkAd(const QString &fileId, qint64 size, qint64 index)
{
    return security::FieldCipher::associatedData(QStringLiteral("blob:") + fileId, QString::number(size), QString::number(index));
}

} // namespace

bool blobfile::copyDurably(const QString &from, const QString &to, QString *error)
{
    QFile in(from);
    QSaveFile out(to);
    if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly)) {
        *error = in.isOpen() ? out.errorString()
                             : QCoreApplication::translate("hall::sync::BlobStore", "Cannot read %1: %2").arg(from, in.errorString());
        return false;
    }
    QByteArray piece;
    while (!(piece = in.read(1024 * 1024)).isEmpty()) {
        if (out.write(piece) != piece.size())
            break;
    }
    if (!in.atEnd() || !out.commit()) {
        *error = out.errorString();
        return false;
    }
    return true;
}

bool blobfile::write(QIODevice *source, qint64 size, const QString &path, const QString &fileId,
                     const security::FieldCipher &cipher, security::crypto::Digest *digest, QString *error)
{
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly)) {
        *error = out.errorString();
        return false;
    }
    QByteArray header(HeaderSize, '\0');
    memcpy(header.data(), Magic, 8);
    header[8] = char(Version);
    qToBigEndian<quint32>(quint32(ChunkSize), header.data() + 9);
    qToBigEndian<quint64>(quint64(size), header.data() + 13);
    out.write(header);
    qint64 done = 0;
    for (qint64 index = 0; done < size; ++index) {
        const QByteArray plain = source->read(std::min(ChunkSize, size - done));
        if (plain.isEmpty()) {
            *error = QCoreApplication::translate("hall::sync::BlobStore", "The file ended after %1 of %2 bytes.").arg(done).arg(size);
            out.cancelWriting();
            return false;
        }
        digest->addData(plain);
        const QByteArray sealed = cipher.seal(plain, chunkAd(fileId, size, index));
        if (sealed.isEmpty()) {
            *error = QCoreApplication::translate("hall::sync::BlobStore", "The blob could not be encrypted; nothing was stored.");
            out.cancelWriting();
            return false;
        }
        char len[4];
        qToBigEndian<quint32>(quint32(sealed.size()), len);
        out.write(len, 4);
        out.write(sealed);
        done += plain.size();
    }
    if (!out.commit()) {
        *error = out.errorString();
        return false;
    }
    return true;
}

BlobReader::BlobReader(const QString &path, const QString &fileId, std::shared_ptr<const security::FieldCipher> cipher, QObject *parent)
    : QIODevice(parent), m_file(path), m_fileId(fileId), m_cipher(std::move(cipher))
{
}

bool BlobReader::readHeader()
{
    const QByteArray h = m_file.read(HeaderSize);
    if (h.size() != HeaderSize || !h.startsWith(Magic) || quint8(h.at(8)) != Version) {
        setErrorString(tr("%1 is not an encrypted blob of this HallSuite version.").arg(m_file.fileName()));
        return false;
    }
    m_chunkSize = qFromBigEndian<quint32>(h.constData() + 9);
    m_plainSize = qint64(qFromBigEndian<quint64>(h.constData() + 13));
    if (m_chunkSize <= 0 || m_plainSize < 0) {
        setErrorString(tr("The blob file %1 is damaged.").arg(m_file.fileName()));
        return false;
    }
    return true;
}

bool BlobReader::open(OpenMode mode)
{
    if (mode != ReadOnly)
        return false;
    return openRange(0, -1);
}

bool BlobReader::openRange(qint64 from, qint64 length)
{
    if (!m_cipher || !m_file.open(QIODevice::ReadOnly)) {
        setErrorString(m_cipher ? m_file.errorString() : tr("No key: the blob cannot be read."));
        return false;
    }
    if (!readHeader()) {
        m_file.close();
        return false;
    }
    if (from < 0 || from > m_plainSize || (length >= 0 && from + length > m_plainSize)) {
        setErrorString(tr("Bytes %1 to %2 are outside the blob.").arg(from).arg(from + length));
        m_file.close();
        return false;
    }
    m_from = from;
    m_length = length < 0 ? m_plainSize - from : length;
    m_chunk = -1;
    m_walked = -1;
    m_nextOffset = HeaderSize;
    QIODevice::open(ReadOnly | Unbuffered);
    return true;
}

void BlobReader::close()
{
    m_file.close();
    m_plain.clear();
    m_chunk = -1;
    QIODevice::close();
}

bool BlobReader::seek(qint64 pos)
{
    if (pos < 0 || pos > m_length)
        return false;
    return QIODevice::seek(pos);
}

// Chunk `index` into m_plain: from the next one on, or by walking the length prefixes from the start.
bool BlobReader::loadChunk(qint64 index)
{
    m_chunk = -1;
    if (index <= m_walked) {
        m_walked = -1;
        m_nextOffset = HeaderSize;
    }
    while (m_walked < index) {
        char len[4];
        if (!m_file.seek(m_nextOffset) || m_file.read(len, 4) != 4) {
            setErrorString(tr("The blob file %1 is cut short.").arg(m_file.fileName()));
            return false;
        }
        const qint64 sealedSize = qFromBigEndian<quint32>(len);
        ++m_walked;
        m_nextOffset += 4 + sealedSize;
    }
    // The file stands right after chunk `index`'s length prefix.
    const QByteArray sealed = m_file.read(m_nextOffset - m_file.pos());
    const auto opened = m_cipher->open(sealed, chunkAd(m_fileId, m_plainSize, index));
    const qint64 expected = std::min(m_chunkSize, m_plainSize - index * m_chunkSize);
    if (!opened.ok() || opened.data.size() != expected) {
        setErrorString(opened.ok() ? tr("The blob file %1 is damaged.").arg(m_file.fileName()) : opened.message);
        return false;
    }
    m_plain = opened.data;
    m_chunk = index;
    return true;
}

qint64 BlobReader::readData(char *data, qint64 maxSize)
{
    qint64 done = 0;
    while (done < maxSize && pos() + done < m_length) {
        const qint64 at = m_from + pos() + done;
        const qint64 index = at / m_chunkSize;
        if (index != m_chunk && !loadChunk(index))
            return done > 0 ? done : -1;
        const qint64 inChunk = at - index * m_chunkSize;
        const qint64 n = std::min({maxSize - done, qint64(m_plain.size()) - inChunk, m_length - pos() - done});
        memcpy(data + done, m_plain.constData() + inChunk, size_t(n));
        done += n;
    }
    return done;
}

} // namespace hall::sync
