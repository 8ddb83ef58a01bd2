#include "wltdecoder.h"

namespace hall::devices {

bool WltDecoder::load(const QString &library, const QString &symbol, QString *error)
{
    m_library.setFileName(library);
    if (!m_library.load()) {
        *error = tr("Cannot load the photo decoder library %1: %2").arg(library, m_library.errorString());
        return false;
    }
    m_unpack = reinterpret_cast<Unpack>(m_library.resolve(symbol.toLatin1().constData()));
    if (!m_unpack) {
        *error = tr("The photo decoder library %1 has no function %2.").arg(library, symbol);
        m_library.unload();
        return false;
    }
    return true;
}

QByteArray WltDecoder::decode(const QByteArray &wlt, QString *error) const
{
    if (!m_unpack) {
        *error = tr("No photo decoder library is configured.");
        return {};
    }
    if (wlt.size() != 1024) {
        *error = tr("The photo has %1 bytes instead of 1024.").arg(wlt.size());
        return {};
    }
    QByteArray in = wlt;
    // Vendor libraries write a whole BMP file and trust the buffer; give them room to spare.
    QByteArray out(BmpSize + 4096, '\0');
    const int r = m_unpack(in.data(), out.data(), 0);
    if (r != 1 || !out.startsWith("BM")) {
        *error = tr("The photo decoder library could not decode the photo (result %1).").arg(r);
        return {};
    }
    const quint32 size = quint8(out.at(2)) | quint8(out.at(3)) << 8 | quint8(out.at(4)) << 16 | quint32(quint8(out.at(5))) << 24;
    out.truncate(size > 54 && size <= quint32(out.size()) ? int(size) : BmpSize);
    return out;
}

} // namespace hall::devices
