#include "output.h"

#include "pageprocessing.h"

#include <QBuffer>
#include <QImageWriter>
#include <QLocale>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>

#include <algorithm>

namespace hall::imaging {

namespace {
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(Imaging)
};

// A grey page holding only black and white (blackAndWhite()) compresses far better as 1 bit.
QImage compact(const QImage &image)
{
    if (image.format() != QImage::Format_Grayscale8)
        return image;
    for (int y = 0; y < image.height(); ++y) {
        const uchar *line = image.constScanLine(y);
        for (int x = 0; x < image.width(); ++x) {
            if (line[x] != 0 && line[x] != 255)
                return image;
        }
    }
    QImage mono = image.convertToFormat(QImage::Format_Mono, Qt::ThresholdDither);
    mono.setDotsPerMeterX(image.dotsPerMeterX());
    mono.setDotsPerMeterY(image.dotsPerMeterY());
    return mono;
}

QByteArray write(const QImage &image, ImageFormat format, int quality)
{
    QByteArray data;
    QBuffer buffer(&data);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, format == ImageFormat::Jpeg ? "jpeg" : "png");
    if (format == ImageFormat::Jpeg) {
        writer.setQuality(quality);
        writer.setOptimizedWrite(true);
    } else {
        writer.setCompression(9);
    }
    if (!writer.write(image))
        return {};
    return data;
}

QString kilobytes(qint64 bytes)
{
    return QLocale().toString(double(bytes) / 1024, 'f', 0);
}
} // namespace

bool encodeImage(const QImage &source, const EncodeOptions &options, Encoded *out, QString *error)
{
    if (source.isNull()) {
        *error = Text::tr("There is no page image to save.");
        return false;
    }
    QImage image = options.format == ImageFormat::Png ? compact(source) : source;
    if (options.dpi > 0)
        setDpi(&image, options.dpi);
    out->dpi = dpiOf(image);
    const qint64 cap = options.maxBytes;
    if (options.format == ImageFormat::Png) {
        out->quality = -1;
        out->data = write(image, ImageFormat::Png, 0);
        if (out->data.isEmpty()) {
            *error = Text::tr("The page could not be encoded as PNG.");
            return false;
        }
        if (cap > 0 && out->data.size() > cap) {
            *error = Text::tr("The page is %1 KB as PNG, over the %2 KB allowed for this material. "
                              "Save it as JPEG, in black and white, or at a lower resolution.")
                         .arg(kilobytes(out->data.size()), kilobytes(cap));
            return false;
        }
        return true;
    }

    const int top = std::clamp(options.quality, 1, 100);
    const int bottom = std::clamp(options.minQuality, 1, top);
    QByteArray data = write(image, ImageFormat::Jpeg, top);
    if (data.isEmpty()) {
        *error = Text::tr("The page could not be encoded as JPEG.");
        return false;
    }
    int quality = top;
    if (cap > 0 && data.size() > cap) {
        // JPEG size grows with quality: find the highest quality that fits by bisection.
        QByteArray smallest = write(image, ImageFormat::Jpeg, bottom);
        if (smallest.size() > cap) {
            *error = Text::tr("The page is still %1 KB as JPEG at the lowest quality allowed (%2), "
                              "over the %3 KB allowed for this material. Scan it in black and "
                              "white or at a lower resolution.")
                         .arg(kilobytes(smallest.size()))
                         .arg(bottom)
                         .arg(kilobytes(cap));
            return false;
        }
        int lo = bottom, hi = top - 1;
        data = smallest;
        quality = bottom;
        while (lo < hi) {
            const int mid = (lo + hi + 1) / 2;
            QByteArray attempt = write(image, ImageFormat::Jpeg, mid);
            if (attempt.size() <= cap) {
                lo = mid;
                data = attempt;
                quality = mid;
            } else {
                hi = mid - 1;
            }
        }
    }
    out->data = data;
    out->quality = quality;
    return true;
}

bool writePdf(const QList<QImage> &pages, const PdfOptions &options, QByteArray *out, QString *error)
{
    if (pages.isEmpty()) {
        *error = Text::tr("There are no pages to put into the PDF.");
        return false;
    }
    out->clear();
    QBuffer buffer(out);
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter writer(&buffer);
    writer.setTitle(options.title);
    writer.setCreator(QStringLiteral("HallSuite"));
    // Fine device units so every page's image fills its page exactly.
    writer.setResolution(1200);
    writer.setPageMargins(QMarginsF(0, 0, 0, 0));
    auto pageSizeOf = [](const QImage &image) {
        const double dpi = std::max(1, dpiOf(image));
        // Fuzzy matching snaps a page within a millimetre or so of A4 to exactly A4.
        return QPageSize(QSizeF(image.width() / dpi, image.height() / dpi), QPageSize::Inch);
    };
    writer.setPageSize(pageSizeOf(pages.first()));
    QPainter painter;
    for (qsizetype i = 0; i < pages.size(); ++i) {
        const QImage page = compact(pages.at(i));
        if (page.isNull()) {
            *error = Text::tr("Page %1 has no image.").arg(i + 1);
            return false;
        }
        if (i == 0) {
            if (!painter.begin(&writer)) {
                *error = Text::tr("The PDF could not be started.");
                return false;
            }
        } else {
            writer.setPageSize(pageSizeOf(page));
            writer.newPage();
        }
        painter.drawImage(QRectF(0, 0, writer.width(), writer.height()), page);
    }
    painter.end();
    if (options.maxBytes > 0 && out->size() > options.maxBytes) {
        *error = Text::tr("The PDF is %1 KB, over the %2 KB allowed for this material. Save the "
                          "pages in black and white, at a lower resolution, or fewer of them.")
                     .arg(kilobytes(out->size()), kilobytes(options.maxBytes));
        return false;
    }
    return true;
}

} // namespace hall::imaging
