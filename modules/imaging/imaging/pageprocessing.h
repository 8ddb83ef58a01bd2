#pragma once

#include <imaging/imaging_export.h>

#include <QImage>
#include <QPointF>

#include <array>
#include <optional>

namespace hall::imaging {

// A page outline in image pixel coordinates (pixel centres at integer positions, as OpenCV
// counts them), in the order top-left, top-right, bottom-right, bottom-left.
using Quad = std::array<QPointF, 4>;

// Orders four corners of a convex quadrilateral as top-left, top-right, bottom-right,
// bottom-left. The "top" edge is the one closest to horizontal, so a page turned by less than
// 45° keeps its content orientation; beyond that only the user can tell (rotate afterwards).
HALL_IMAGING_EXPORT Quad orderedCorners(const Quad &corners);

// Finds the outline of a photographed page (a light sheet on a darker or textured background).
// Empty when no convex quadrilateral covering a reasonable part of the frame is found.
HALL_IMAGING_EXPORT std::optional<Quad> findPage(const QImage &photo);

struct WarpOptions
{
    // A4 paper is √2 tall; a page measured within this relative distance of it is made exactly
    // A4 (perspective makes the measured sides a little off) and gets the DPI of an A4 page.
    bool keepA4 = true;
    double a4Tolerance = 0.06;
    // With an A4 page: scale to this resolution instead of keeping the photo's own (0).
    int dpi = 0;
};

// The quadrilateral `corners` of `image` warped to an upright rectangle: the manual crop, and
// the second half of auto-crop. The DPI (dots per metre) is that of an A4 page when the page is
// A4, else the image's own.
HALL_IMAGING_EXPORT QImage warpPage(const QImage &image, const Quad &corners,
                                    const WarpOptions &options = {});

struct AutoCrop
{
    bool found = false;
    Quad corners{};
    QImage page; // the whole photo, unchanged, when no page was found
};
HALL_IMAGING_EXPORT AutoCrop autoCrop(const QImage &photo, const WarpOptions &options = {});

// Skew of text lines in a flatbed scan, in degrees (positive: lines fall to the right, i.e. the
// page is turned clockwise), searched within ±maxDegrees. 0 for a page without text lines.
HALL_IMAGING_EXPORT double skewAngle(const QImage &scan, double maxDegrees = 10);
// Turns the page back by its skew angle, keeping its size and DPI (corners fill with white).
HALL_IMAGING_EXPORT QImage deskewed(const QImage &scan, double *angle = nullptr,
                                    double maxDegrees = 10);
// Rotation about the centre by any angle, clockwise positive, same size, white corners.
HALL_IMAGING_EXPORT QImage rotatedBy(const QImage &image, double degrees);

// Quarter turns clockwise (90, 180, 270; any multiple of 90, negative is anticlockwise).
HALL_IMAGING_EXPORT QImage rotated(const QImage &image, int degrees);
HALL_IMAGING_EXPORT QImage flipped(const QImage &image, Qt::Orientations orientations);

// value' = (value - 128) × contrast + 128 + brightness, per channel, saturated.
HALL_IMAGING_EXPORT QImage adjusted(const QImage &image, int brightness, double contrast);

// Black and white for text: an adaptive threshold that follows uneven lighting. Returns a
// Grayscale8 image holding only 0 and 255. blockSize 0 picks one from the image width.
HALL_IMAGING_EXPORT QImage blackAndWhite(const QImage &image, int blockSize = 0, int offset = 12);

// DPI as recorded in an image (Qt gives a new QImage 96) and the setter that records it in
// both directions; encoders write it to JPEG (JFIF density) and PNG (pHYs).
HALL_IMAGING_EXPORT int dpiOf(const QImage &image);
HALL_IMAGING_EXPORT void setDpi(QImage *image, int dpi);

} // namespace hall::imaging
