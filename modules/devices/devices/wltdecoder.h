#pragma once

#include <devices/devices_export.h>

#include <QByteArray>
#include <QCoreApplication>
#include <QLibrary>
#include <QString>

namespace hall::devices {

// Decodes the 1024-byte WLT photo of an ID card into a BMP (102 × 126, 24-bit) through the
// reader vendor's library, loaded at run time with QLibrary only where the device
// configuration names one (option photoDecoder: path; photoDecoderSymbol: default "unpack",
// the common `int unpack(char *wlt, char *bmp, int saveFile)` entry point, returning 1 on
// success). The project never needs such a library to build or test.
class HALL_DEVICES_EXPORT WltDecoder
{
    Q_DECLARE_TR_FUNCTIONS(WltDecoder)
public:
    static constexpr int Width = 102;
    static constexpr int Height = 126;
    static constexpr int BmpSize = 54 + Width * 3 * Height + Height * 2; // rows padded to 4 bytes

    bool load(const QString &library, const QString &symbol, QString *error);
    bool isLoaded() const { return m_unpack != nullptr; }
    // The BMP file bytes, or empty with *error set.
    QByteArray decode(const QByteArray &wlt, QString *error) const;

private:
    using Unpack = int (*)(char *wlt, char *bmp, int saveFile);
    QLibrary m_library;
    Unpack m_unpack = nullptr;
};

} // namespace hall::devices
