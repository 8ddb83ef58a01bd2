#include "previewframe.h"

#include <QVideoFrameFormat>

#include <algorithm>
#include <vector>

namespace hall::drivers::camerauvc {

namespace {

// Where the samples of one pixel are: Y, U and V each at base + row * stride + column * step,
// the chroma rows and columns halved `shiftX`/`shiftY` times. No U/V: grey.
struct YuvLayout
{
    const uchar *y = nullptr, *u = nullptr, *v = nullptr;
    int yStride = 0, uvStride = 0;
    int yStep = 1, uvStep = 1;
    int shiftX = 0, shiftY = 0;
};

bool yuvLayout(const QVideoFrame &f, YuvLayout *l)
{
    using F = QVideoFrameFormat;
    l->y = f.bits(0);
    l->yStride = f.bytesPerLine(0);
    switch (f.pixelFormat()) {
    case F::Format_YUV420P:
    case F::Format_YV12: {
        const bool yv12 = f.pixelFormat() == F::Format_YV12;
        l->u = f.bits(yv12 ? 2 : 1);
        l->v = f.bits(yv12 ? 1 : 2);
        l->uvStride = f.bytesPerLine(1);
        l->shiftX = l->shiftY = 1;
        return f.planeCount() == 3;
    }
    case F::Format_NV12:
    case F::Format_NV21: {
        const uchar *uv = f.bits(1);
        const bool nv21 = f.pixelFormat() == F::Format_NV21;
        l->u = uv + (nv21 ? 1 : 0);
        l->v = uv + (nv21 ? 0 : 1);
        l->uvStride = f.bytesPerLine(1);
        l->uvStep = 2;
        l->shiftX = l->shiftY = 1;
        return f.planeCount() == 2;
    }
    case F::Format_YUYV:
    case F::Format_UYVY: {
        // Two pixels in four bytes: Y0 U Y1 V (YUYV) or U Y0 V Y1 (UYVY).
        const uchar *p = f.bits(0);
        const bool yuyv = f.pixelFormat() == F::Format_YUYV;
        l->y = p + (yuyv ? 0 : 1);
        l->u = p + (yuyv ? 1 : 0);
        l->v = p + (yuyv ? 3 : 2);
        l->yStep = 2;
        l->uvStride = l->yStride;
        l->uvStep = 4;
        l->shiftX = 1;
        return true;
    }
    case F::Format_Y8:
        return true;
    default:
        return false;
    }
}

// Fixed-point (×1024) YUV → RGB of the frame's colour space and range; BT.601 with video range
// unless the frame says otherwise, as Qt's own software conversion assumes.
struct YuvMatrix
{
    int yOffset, yScale, rv, gu, gv, bu;
};

YuvMatrix yuvMatrix(const QVideoFrameFormat &format)
{
    const bool full = format.colorRange() == QVideoFrameFormat::ColorRange_Full;
    if (format.colorSpace() == QVideoFrameFormat::ColorSpace_BT709)
        return full ? YuvMatrix{0, 1024, 1613, 192, 479, 1900} : YuvMatrix{16, 1192, 1836, 218, 546, 2163};
    return full ? YuvMatrix{0, 1024, 1436, 352, 731, 1815} : YuvMatrix{16, 1192, 1634, 401, 832, 2066};
}

inline uchar clamp8(int v)
{
    return uchar(std::clamp(v, 0, 255));
}

// The source column of each column of a picture `out` wide, and the source row of a row.
std::vector<int> sourceIndex(int out, int in)
{
    std::vector<int> at(size_t(std::max(out, 0)));
    for (int i = 0; i < out; ++i)
        at[size_t(i)] = int(qint64(i) * in / out);
    return at;
}

QImage sampleYuv(const QVideoFrame &f, const YuvLayout &l, const QSize &out)
{
    QImage image(out, QImage::Format_RGB32);
    const YuvMatrix m = yuvMatrix(f.surfaceFormat());
    const std::vector<int> xs = sourceIndex(out.width(), f.width());
    for (int row = 0; row < out.height(); ++row) {
        const int sy = int(qint64(row) * f.height() / out.height());
        const uchar *yRow = l.y + qsizetype(sy) * l.yStride;
        const qsizetype uvRow = qsizetype(sy >> l.shiftY) * l.uvStride;
        auto *dst = reinterpret_cast<QRgb *>(image.scanLine(row));
        for (int col = 0; col < out.width(); ++col) {
            const int sx = xs[size_t(col)];
            const int y = (int(yRow[qsizetype(sx) * l.yStep]) - m.yOffset) * m.yScale;
            int u = 0, v = 0;
            if (l.u) {
                const qsizetype at = uvRow + qsizetype(sx >> l.shiftX) * l.uvStep;
                u = int(l.u[at]) - 128;
                v = int(l.v[at]) - 128;
            }
            dst[col] = qRgb(clamp8((y + m.rv * v + 512) >> 10), clamp8((y - m.gu * u - m.gv * v + 512) >> 10),
                            clamp8((y + m.bu * u + 512) >> 10));
        }
    }
    return image;
}

// Where red, green and blue are in the four bytes of a pixel of the 32-bit RGB formats (a
// camera's frames are opaque: alpha is left out).
bool rgbOffsets(QVideoFrameFormat::PixelFormat format, int *r, int *g, int *b)
{
    using F = QVideoFrameFormat;
    switch (format) {
    case F::Format_ARGB8888:
    case F::Format_ARGB8888_Premultiplied:
    case F::Format_XRGB8888:
        *r = 1, *g = 2, *b = 3;
        return true;
    case F::Format_BGRA8888:
    case F::Format_BGRA8888_Premultiplied:
    case F::Format_BGRX8888:
        *r = 2, *g = 1, *b = 0;
        return true;
    case F::Format_ABGR8888:
    case F::Format_XBGR8888:
        *r = 3, *g = 2, *b = 1;
        return true;
    case F::Format_RGBA8888:
    case F::Format_RGBX8888:
        *r = 0, *g = 1, *b = 2;
        return true;
    default:
        return false;
    }
}

QImage sampleRgb32(const QVideoFrame &f, int r, int g, int b, const QSize &out)
{
    QImage image(out, QImage::Format_RGB32);
    const uchar *bits = f.bits(0);
    const int stride = f.bytesPerLine(0);
    const std::vector<int> xs = sourceIndex(out.width(), f.width());
    for (int row = 0; row < out.height(); ++row) {
        const uchar *src = bits + qsizetype(int(qint64(row) * f.height() / out.height())) * stride;
        auto *dst = reinterpret_cast<QRgb *>(image.scanLine(row));
        for (int col = 0; col < out.width(); ++col) {
            const uchar *p = src + qsizetype(xs[size_t(col)]) * 4;
            dst[col] = qRgb(p[r], p[g], p[b]);
        }
    }
    return image;
}

} // namespace

QImage previewImage(const QVideoFrame &input, int maxWidth)
{
    QVideoFrame frame = input; // a shallow copy: map() is not const
    if (!frame.isValid() || frame.width() <= 0 || frame.height() <= 0 || maxWidth <= 0)
        return {};
    const QSize size = frame.size();
    if (size.width() > maxWidth && frame.handleType() == QVideoFrame::NoHandle && frame.map(QVideoFrame::ReadOnly)) {
        // Nearest pixel, as the fast transformation would scale the converted frame: only the
        // pixels of the preview are converted.
        const QSize out = size.scaled(maxWidth, size.height(), Qt::KeepAspectRatio);
        QImage image;
        YuvLayout layout;
        int r, g, b;
        if (yuvLayout(frame, &layout))
            image = sampleYuv(frame, layout, out);
        else if (rgbOffsets(frame.pixelFormat(), &r, &g, &b))
            image = sampleRgb32(frame, r, g, b, out);
        frame.unmap();
        if (!image.isNull())
            return image;
    }
    // Other formats (MJPEG, 10-bit …) and frames in GPU memory: converted whole, then scaled.
    QImage image = frame.toImage();
    return image.width() > maxWidth ? image.scaledToWidth(maxWidth, Qt::FastTransformation) : image;
}

} // namespace hall::drivers::camerauvc
