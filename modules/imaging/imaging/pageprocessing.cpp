#include "pageprocessing.h"

#include "cvimage_p.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace hall::imaging {

using namespace Internal;

namespace {

constexpr double a4Ratio = 1.41421356; // 297 / 210
constexpr double a4WidthInches = 210.0 / 25.4;
// Page detection runs on a copy this size (longest side); corners are refined at full size.
constexpr int workSize = 1000;

double lengthOf(const QPointF &p) { return std::hypot(p.x(), p.y()); }

// Corners in work coordinates back to full-size pixel coordinates (pixel centres).
QPointF toFull(const cv::Point2f &p, double scale)
{
    return {(p.x + 0.5) / scale - 0.5, (p.y + 0.5) / scale - 0.5};
}

float sampleAt(const cv::Mat &gray, double x, double y)
{
    x = std::clamp(x, 0.0, gray.cols - 1.001);
    y = std::clamp(y, 0.0, gray.rows - 1.001);
    const int x0 = int(x), y0 = int(y);
    const double fx = x - x0, fy = y - y0;
    const uchar *r0 = gray.ptr<uchar>(y0);
    const uchar *r1 = gray.ptr<uchar>(y0 + 1);
    return float((r0[x0] * (1 - fx) + r0[x0 + 1] * fx) * (1 - fy)
                 + (r1[x0] * (1 - fx) + r1[x0 + 1] * fx) * fy);
}

// Brightness profile across the side a→b at fraction t, from `reach` pixels outside to `reach`
// inside the page, averaged over a few pixels along the side against noise and texture.
std::vector<float> profileAcross(const cv::Mat &gray, QPointF a, QPointF b, double t, int reach,
                                 QPointF *origin, QPointF *inward)
{
    const QPointF along = (b - a) / lengthOf(b - a);
    // Corners run clockwise on screen (y down), so the inside is to the right of a→b.
    const QPointF in(-along.y(), along.x());
    const QPointF p = a + (b - a) * t;
    std::vector<float> profile;
    profile.reserve(size_t(2 * reach + 1));
    for (int k = -reach; k <= reach; ++k) {
        float sum = 0;
        for (int s = -2; s <= 2; ++s) {
            const QPointF q = p + in * k + along * s;
            sum += sampleAt(gray, q.x(), q.y());
        }
        profile.push_back(sum / 5);
    }
    *origin = p;
    *inward = in;
    return profile;
}

// Fraction of points along the sides where the image gets clearly brighter going inwards:
// the page's own edge, not a fold, a table line or a texture stripe.
double edgeSupport(const cv::Mat &gray, const Quad &q)
{
    int supported = 0, total = 0;
    for (int i = 0; i < 4; ++i) {
        for (int s = 1; s < 20; ++s) {
            QPointF origin, in;
            const auto prof = profileAcross(gray, q[i], q[(i + 1) % 4], s / 20.0, 4, &origin, &in);
            const float outside = (prof[0] + prof[1] + prof[2]) / 3;
            const float inside = (prof[6] + prof[7] + prof[8]) / 3;
            supported += inside - outside > 12 ? 1 : 0;
            ++total;
        }
    }
    return double(supported) / total;
}

// Where the side a→b really is, to a fraction of a pixel: the strongest rise in brightness
// across it at many places along it, then a robust straight line through those edge points.
bool refineSide(const cv::Mat &gray, const QPointF &a, const QPointF &b, int reach, cv::Vec4f *line)
{
    std::vector<cv::Point2f> points;
    for (int s = 2; s <= 38; ++s) {
        QPointF origin, in;
        const auto prof = profileAcross(gray, a, b, s / 40.0, reach, &origin, &in);
        int best = -1;
        float bestRise = 0;
        for (int k = 1; k + 1 < int(prof.size()); ++k) {
            const float rise = prof[size_t(k + 1)] - prof[size_t(k - 1)];
            if (rise > bestRise) {
                bestRise = rise;
                best = k;
            }
        }
        if (best < 2 || best + 2 >= int(prof.size()) || bestRise < 8)
            continue;
        // Parabola through the rises around the peak.
        const float r0 = prof[size_t(best)] - prof[size_t(best - 2)];
        const float r2 = prof[size_t(best + 2)] - prof[size_t(best)];
        const float denom = r0 - 2 * bestRise + r2;
        const double offset = std::abs(denom) > 1e-3 ? std::clamp(0.5 * (r0 - r2) / denom, -0.5, 0.5) : 0;
        const QPointF e = origin + in * (best - reach + offset);
        points.emplace_back(float(e.x()), float(e.y()));
    }
    if (points.size() < 8)
        return false;
    cv::fitLine(points, *line, cv::DIST_HUBER, 0, 0.01, 0.01);
    return true;
}

std::optional<QPointF> intersect(const cv::Vec4f &l1, const cv::Vec4f &l2)
{
    const double d = l1[0] * l2[1] - l1[1] * l2[0];
    if (std::abs(d) < 1e-6)
        return std::nullopt;
    const double t = ((l2[2] - l1[2]) * l2[1] - (l2[3] - l1[3]) * l2[0]) / d;
    return QPointF(l1[2] + t * l1[0], l1[3] + t * l1[1]);
}

void collectQuads(const std::vector<std::vector<cv::Point>> &contours, double minArea,
                  double maxArea, std::vector<std::vector<cv::Point>> *quads)
{
    for (const auto &c : contours) {
        if (std::abs(cv::contourArea(c)) < minArea)
            continue;
        std::vector<cv::Point> hull, approx;
        cv::convexHull(c, hull);
        cv::approxPolyDP(hull, approx, 0.02 * cv::arcLength(hull, true), true);
        const double area = cv::contourArea(approx);
        if (approx.size() == 4 && cv::isContourConvex(approx) && area >= minArea && area <= maxArea)
            quads->push_back(approx);
    }
}

// Height ÷ width of the flat rectangle a camera saw as `q`, from the perspective itself
// (Zhang & He, "Whiteboard scanning and image enhancement", 2007); side lengths alone make a
// tilted page look shorter than it is. The two vanishing points of the quadrilateral fix the
// focal length when the camera looks through the frame's centre. When one of them is (nearly)
// at infinity — a camera tilted straight along one page axis, the common case — they do not,
// and a typical document-camera lens is assumed: focal length ≈ the frame's longer side.
double aspectOf(const Quad &q, QSizeF frame)
{
    const QPointF c(frame.width() / 2 - 0.5, frame.height() / 2 - 0.5);
    auto h = [&](const QPointF &p) { return cv::Vec3d(p.x() - c.x(), p.y() - c.y(), 1); };
    // Zhang & He's numbering: m1 top-left, m2 top-right, m3 bottom-left, m4 bottom-right.
    const cv::Vec3d m1 = h(q[0]), m2 = h(q[1]), m3 = h(q[3]), m4 = h(q[2]);
    const double k2 = m1.cross(m4).dot(m3) / m2.cross(m4).dot(m3);
    const double k3 = m1.cross(m4).dot(m2) / m3.cross(m4).dot(m2);
    const cv::Vec3d n2 = k2 * m2 - m1, n3 = k3 * m3 - m1;
    const double longer = std::max(frame.width(), frame.height());
    // How far from parallel each pair of opposite sides is (0: parallel).
    const double e2 = std::abs(n2[2]) * longer / std::hypot(n2[0], n2[1]);
    const double e3 = std::abs(n3[2]) * longer / std::hypot(n3[0], n3[1]);
    double f2 = longer * longer;
    if (std::min(e2, e3) > 0.15) {
        const double measured = -(n2[0] * n3[0] + n2[1] * n3[1]) / (n2[2] * n3[2]);
        if (measured > 0.25 * longer * longer && measured < 16 * longer * longer)
            f2 = measured;
    }
    const double w2 = (n2[0] * n2[0] + n2[1] * n2[1]) / f2 + n2[2] * n2[2];
    const double h2 = (n3[0] * n3[0] + n3[1] * n3[1]) / f2 + n3[2] * n3[2];
    return std::sqrt(h2 / w2);
}

} // namespace

Quad orderedCorners(const Quad &corners)
{
    QPointF centre;
    for (const auto &p : corners)
        centre += p / 4;
    Quad sorted = corners;
    // Ascending angle about the centre is clockwise on screen (y grows downwards).
    std::sort(sorted.begin(), sorted.end(), [&](const QPointF &a, const QPointF &b) {
        return std::atan2(a.y() - centre.y(), a.x() - centre.x())
               < std::atan2(b.y() - centre.y(), b.x() - centre.x());
    });
    int start = 0;
    double bestTilt = 1e9;
    for (int i = 0; i < 4; ++i) {
        const QPointF d = sorted[size_t((i + 1) % 4)] - sorted[size_t(i)];
        const double tilt = std::abs(std::atan2(d.y(), d.x()));
        if (tilt < bestTilt) {
            bestTilt = tilt;
            start = i;
        }
    }
    Quad out;
    for (int i = 0; i < 4; ++i)
        out[size_t(i)] = sorted[size_t((start + i) % 4)];
    return out;
}

std::optional<Quad> findPage(const QImage &photo)
{
    const cv::Mat gray = toGray(photo);
    if (gray.empty())
        return std::nullopt;
    const double scale = std::min(1.0, double(workSize) / std::max(gray.cols, gray.rows));
    cv::Mat small;
    cv::resize(gray, small, cv::Size(), scale, scale, cv::INTER_AREA);
    cv::GaussianBlur(small, small, cv::Size(5, 5), 0);
    const double frameArea = double(small.cols) * small.rows;
    const double minArea = 0.10 * frameArea, maxArea = 0.98 * frameArea;

    // Candidates from two views of the frame: edges (survive uneven light and a background
    // almost as light as the paper) and a global threshold (survives busy textures that
    // break the edge ring). Holes of the edge map count too: the inside of the page's edge
    // ring stays clean when the background's texture joins the ring from outside.
    std::vector<std::vector<cv::Point>> quads, contours;
    cv::Mat binary;
    const double otsu = cv::threshold(small, binary, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    cv::morphologyEx(binary, binary, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {5, 5}));
    cv::findContours(binary, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    collectQuads(contours, minArea, maxArea, &quads);
    for (const double high : {otsu * 0.5, otsu * 0.25}) {
        cv::Mat edges;
        cv::Canny(small, edges, high / 2, high);
        cv::dilate(edges, edges, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
        cv::findContours(edges, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
        collectQuads(contours, minArea, maxArea, &quads);
    }

    std::optional<Quad> best;
    double bestScore = 0;
    for (const auto &q : quads) {
        Quad corners;
        for (int i = 0; i < 4; ++i)
            corners[size_t(i)] = QPointF(q[size_t(i)].x, q[size_t(i)].y);
        corners = orderedCorners(corners);
        const double support = edgeSupport(small, corners);
        const double score = cv::contourArea(q) * support * support;
        if (support >= 0.6 && score > bestScore) {
            bestScore = score;
            best = corners;
        }
    }
    if (!best)
        return std::nullopt;

    Quad full;
    for (int i = 0; i < 4; ++i)
        full[size_t(i)] = toFull(cv::Point2f(float((*best)[size_t(i)].x()), float((*best)[size_t(i)].y())), scale);
    // The work copy is coarse (and the edge ring's hole sits a pixel or two inside): search a
    // few work pixels either side of each side at full size.
    const int reach = int(std::ceil(4 / scale)) + 2;
    std::array<cv::Vec4f, 4> lines;
    for (int i = 0; i < 4; ++i) {
        if (!refineSide(gray, full[size_t(i)], full[size_t((i + 1) % 4)], reach, &lines[size_t(i)]))
            return full; // a side without a clear edge: keep the coarse corners
    }
    Quad refined;
    for (int i = 0; i < 4; ++i) {
        const auto p = intersect(lines[size_t((i + 3) % 4)], lines[size_t(i)]);
        if (!p || lengthOf(*p - full[size_t(i)]) > 2 * reach)
            return full;
        refined[size_t(i)] = *p;
    }
    return refined;
}

QImage warpPage(const QImage &image, const Quad &corners, const WarpOptions &options)
{
    const cv::Mat src = toMat(image);
    if (src.empty())
        return {};
    const Quad q = orderedCorners(corners);
    double width = std::max(lengthOf(q[1] - q[0]), lengthOf(q[2] - q[3]));
    double height = std::max(lengthOf(q[3] - q[0]), lengthOf(q[2] - q[1]));
    if (width < 2 || height < 2)
        return {};
    int dpi = 0;
    const double aspect = aspectOf(q, QSizeF(image.size()));
    const bool portrait = aspect >= 1;
    const double ratio = portrait ? aspect : 1 / aspect;
    // The longer measured side is the least foreshortened one: keep it, derive the other.
    double longSide = std::max(width, height);
    (portrait ? height : width) = longSide;
    (portrait ? width : height) = longSide / ratio;
    if (options.keepA4 && std::abs(ratio / a4Ratio - 1) <= options.a4Tolerance) {
        dpi = int(std::lround(longSide / a4Ratio / a4WidthInches));
        if (options.dpi > 0) {
            dpi = options.dpi;
            longSide = a4WidthInches * a4Ratio * dpi;
        }
        (portrait ? height : width) = longSide;
        (portrait ? width : height) = longSide / a4Ratio;
    }
    const int w = int(std::lround(width)), h = int(std::lround(height));
    // Pixel edges, not centres, of the output map to the quadrilateral's outline.
    const cv::Point2f from[4] = {{float(q[0].x()), float(q[0].y())}, {float(q[1].x()), float(q[1].y())},
                                 {float(q[2].x()), float(q[2].y())}, {float(q[3].x()), float(q[3].y())}};
    const cv::Point2f to[4] = {{-0.5f, -0.5f}, {w - 0.5f, -0.5f}, {w - 0.5f, h - 0.5f}, {-0.5f, h - 0.5f}};
    cv::Mat out;
    cv::warpPerspective(src, out, cv::getPerspectiveTransform(from, to), cv::Size(w, h),
                        cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    QImage page = toImage(out);
    if (dpi > 0) {
        setDpi(&page, dpi);
    } else {
        // The long side keeps its pixel scale, so the photo's or scan's own DPI still holds.
        page.setDotsPerMeterX(image.dotsPerMeterX());
        page.setDotsPerMeterY(image.dotsPerMeterY());
    }
    return page;
}

AutoCrop autoCrop(const QImage &photo, const WarpOptions &options)
{
    AutoCrop result;
    const auto corners = findPage(photo);
    if (!corners) {
        result.page = photo;
        return result;
    }
    result.found = true;
    result.corners = *corners;
    result.page = warpPage(photo, *corners, options);
    return result;
}

double skewAngle(const QImage &scan, double maxDegrees)
{
    cv::Mat gray = toGray(scan);
    if (gray.empty())
        return 0;
    // Projection profiles: at the right angle the dark pixels of each text line fall into few
    // rows, so the sum of squared row counts peaks. Works on a copy about 1200 pixels wide.
    const double scale = std::min(1.0, 1200.0 / gray.cols);
    if (scale < 1)
        cv::resize(gray, gray, cv::Size(), scale, scale, cv::INTER_AREA);
    cv::Mat ink;
    cv::adaptiveThreshold(gray, ink, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, 31, 20);
    std::vector<cv::Point> all;
    cv::findNonZero(ink, all);
    if (all.size() < 100)
        return 0;
    const size_t step = std::max<size_t>(1, all.size() / 80000);
    std::vector<cv::Point2f> points;
    for (size_t i = 0; i < all.size(); i += step)
        points.emplace_back(float(all[i].x - gray.cols / 2.0), float(all[i].y - gray.rows / 2.0));
    const int span = int(std::hypot(gray.cols, gray.rows)) + 2;
    std::vector<int> rows(static_cast<size_t>(span));
    auto score = [&](double degrees) {
        const double r = degrees * CV_PI / 180, s = std::sin(r), c = std::cos(r);
        std::fill(rows.begin(), rows.end(), 0);
        for (const auto &p : points) {
            const int y = int(std::lround(p.y * c - p.x * s)) + span / 2;
            if (y >= 0 && y < span)
                ++rows[size_t(y)];
        }
        double sum = 0;
        for (const int n : rows)
            sum += double(n) * n;
        return sum;
    };
    auto search = [&](double from, double to, double stepDegrees) {
        double best = 0, bestScore = -1;
        for (double a = from; a <= to + 1e-9; a += stepDegrees) {
            const double sc = score(a);
            if (sc > bestScore) {
                bestScore = sc;
                best = a;
            }
        }
        return best;
    };
    const double coarse = search(-maxDegrees, maxDegrees, 0.25);
    const double fine = search(coarse - 0.3, coarse + 0.3, 0.025);
    return std::abs(fine) < 0.025 ? 0 : fine;
}

QImage rotatedBy(const QImage &image, double degrees)
{
    const cv::Mat src = toMat(image);
    if (src.empty())
        return {};
    // OpenCV counts anticlockwise.
    const cv::Mat m = cv::getRotationMatrix2D(cv::Point2f((src.cols - 1) / 2.0f, (src.rows - 1) / 2.0f),
                                              -degrees, 1.0);
    cv::Mat out;
    cv::warpAffine(src, out, m, src.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                   cv::Scalar(255, 255, 255));
    return withDpiOf(toImage(out), image);
}

QImage deskewed(const QImage &scan, double *angle, double maxDegrees)
{
    const double a = skewAngle(scan, maxDegrees);
    if (angle)
        *angle = a;
    // Below a tenth of a degree a rotation only blurs.
    return std::abs(a) < 0.1 ? scan : rotatedBy(scan, -a);
}

QImage rotated(const QImage &image, int degrees)
{
    if (degrees % 90)
        return rotatedBy(image, degrees);
    const int turns = ((degrees / 90) % 4 + 4) % 4;
    if (turns == 0)
        return image;
    const cv::Mat src = toMat(image);
    if (src.empty())
        return {};
    cv::Mat out;
    cv::rotate(src, out, turns == 1 ? cv::ROTATE_90_CLOCKWISE
                         : turns == 2 ? cv::ROTATE_180 : cv::ROTATE_90_COUNTERCLOCKWISE);
    return withDpiOf(toImage(out), image, turns != 2);
}

QImage flipped(const QImage &image, Qt::Orientations orientations)
{
    const cv::Mat src = toMat(image);
    if (src.empty() || !orientations)
        return image;
    // cv::flip: 1 mirrors left-right, 0 top-bottom, -1 both.
    const int code = orientations == (Qt::Horizontal | Qt::Vertical) ? -1
                     : orientations & Qt::Horizontal                ? 1 : 0;
    cv::Mat out;
    cv::flip(src, out, code);
    return withDpiOf(toImage(out), image);
}

QImage adjusted(const QImage &image, int brightness, double contrast)
{
    const cv::Mat src = toMat(image);
    if (src.empty())
        return {};
    cv::Mat out;
    src.convertTo(out, -1, contrast, 128 * (1 - contrast) + brightness);
    return withDpiOf(toImage(out), image);
}

QImage blackAndWhite(const QImage &image, int blockSize, int offset)
{
    const cv::Mat gray = toGray(image);
    if (gray.empty())
        return {};
    if (blockSize <= 0)
        blockSize = std::max(15, gray.cols / 40); // a few text lines tall at any resolution
    blockSize |= 1;
    // The mean filter (box filter) costs the same for any block size; the Gaussian does not.
    cv::Mat out;
    cv::adaptiveThreshold(gray, out, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY, blockSize, offset);
    return withDpiOf(toImage(out), image);
}

int dpiOf(const QImage &image)
{
    return int(std::lround(image.dotsPerMeterX() * 0.0254));
}

void setDpi(QImage *image, int dpi)
{
    const int dpm = int(std::lround(dpi / 0.0254));
    image->setDotsPerMeterX(dpm);
    image->setDotsPerMeterY(dpm);
}

} // namespace hall::imaging
