#pragma once

#include <imaging/imaging_export.h>

#include <QByteArray>
#include <QCoreApplication>
#include <QImage>
#include <QList>

namespace hall::imaging {

enum class ImageFormat { Jpeg, Png };

struct EncodeOptions
{
    ImageFormat format = ImageFormat::Jpeg;
    int quality = 90;
    // The size cap may lower the JPEG quality down to this and no further: below it small
    // characters of a scanned document smear.
    int minQuality = 30;
    int dpi = 0;          // 0: the image's own
    qint64 maxBytes = 0;  // size cap of the material, 0: none
};

struct Encoded
{
    QByteArray data;
    int quality = -1; // the JPEG quality used, -1 for PNG
    int dpi = 0;
};

// JPEG or PNG with the DPI recorded in the file. Under a size cap a JPEG gets the highest
// quality that fits (each step re-encodes); when even minQuality is too big, or a PNG is, it
// fails with a message saying how big the page came out and what to do.
HALL_IMAGING_EXPORT bool encodeImage(const QImage &image, const EncodeOptions &options,
                                     Encoded *out, QString *error);

struct PdfOptions
{
    QString title;
    qint64 maxBytes = 0; // size cap of the whole material, 0: none
};

// One PDF page per image, each page as large as the image at its own DPI (a 300 dpi A4 scan
// and a 150 dpi one both give A4 pages). Black-and-white pages are stored as 1-bit images.
HALL_IMAGING_EXPORT bool writePdf(const QList<QImage> &pages, const PdfOptions &options,
                                  QByteArray *out, QString *error);

} // namespace hall::imaging
