// Capture-to-processed-page time for a 13 MP document-camera frame (4208 × 3120: auto-crop
// with perspective correction, text-line deskew, black and white, JPEG encode), median of
// several runs; and the auto-crop accuracy over the synthetic set of photographed pages.
// Usage: bench-page-processing [runs] (default 7). Results: docs/performance.md.

#include <imaging/output.h>
#include <imaging/pageprocessing.h>
#include <imaging/synthetic.h>

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QLineF>
#include <QTextStream>

#include <algorithm>
#include <cmath>

using namespace hall::imaging;

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double angleBetween(const QPointF &a, const QPointF &b)
{
    double d = std::abs(std::atan2(a.y(), a.x()) - std::atan2(b.y(), b.x())) * 180 / M_PI;
    return d > 180 ? 360 - d : d;
}

} // namespace

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QTextStream out(stdout);
    const int runs = argc > 1 ? std::max(1, QByteArray(argv[1]).toInt()) : 7;

    SyntheticSpec spec;
    spec.frame = QSize(4208, 3120);
    spec.pageHeight = 0.9; // a document camera frames A4 tightly
    spec.rotation = 3;
    spec.tilt = 10;
    spec.tiltDirection = 20;
    spec.shadow = 0.35;
    spec.noise = 5;
    const SyntheticPhoto photo = photographPage(spec);

    std::vector<double> total, crop, deskew, bw, encode;
    qint64 bytes = 0;
    QSize pageSize;
    int dpi = 0;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        const AutoCrop c = autoCrop(photo.image);
        const double t1 = t.nsecsElapsed() / 1e6;
        const QImage straight = deskewed(c.page);
        const double t2 = t.nsecsElapsed() / 1e6;
        const QImage text = blackAndWhite(straight);
        const double t3 = t.nsecsElapsed() / 1e6;
        Encoded encoded;
        QString error;
        if (!c.found || !encodeImage(text, {}, &encoded, &error)) {
            out << "failed: " << (c.found ? error : QStringLiteral("no page found")) << Qt::endl;
            return 1;
        }
        const double t4 = t.nsecsElapsed() / 1e6;
        total.push_back(t4);
        crop.push_back(t1);
        deskew.push_back(t2 - t1);
        bw.push_back(t3 - t2);
        encode.push_back(t4 - t3);
        bytes = encoded.data.size();
        pageSize = text.size();
        dpi = encoded.dpi;
    }
    out << "13 MP frame " << spec.frame.width() << "x" << spec.frame.height() << ", " << runs
        << " runs, page " << pageSize.width() << "x" << pageSize.height() << " at " << dpi
        << " dpi, JPEG " << bytes / 1024 << " KB\n";
    out << QStringLiteral("median ms: total %1 (auto-crop %2, deskew %3, black and white %4, JPEG %5)\n")
               .arg(median(total), 0, 'f', 0)
               .arg(median(crop), 0, 'f', 0)
               .arg(median(deskew), 0, 'f', 0)
               .arg(median(bw), 0, 'f', 0)
               .arg(median(encode), 0, 'f', 0);

    // The capture widget outlines the page on live preview frames (800 × 600) on the UI thread.
    {
        SyntheticSpec small = spec;
        small.frame = QSize(800, 600);
        const SyntheticPhoto preview = photographPage(small);
        std::vector<double> outline;
        for (int i = 0; i < runs * 5; ++i) {
            QElapsedTimer t;
            t.start();
            if (!findPage(preview.image)) {
                out << "failed: no page found in the preview frame" << Qt::endl;
                return 1;
            }
            outline.push_back(t.nsecsElapsed() / 1e6);
        }
        out << QStringLiteral("preview frame 800x600: page outline found in %1 ms (median of %2)\n")
                   .arg(median(outline), 0, 'f', 1)
                   .arg(outline.size());
    }

    // Accuracy over the synthetic set: every background, tilts to 35°, turns to ±33°, light
    // falling off by up to 60 %, noise up to σ 14, at 1600 × 1200.
    struct Case { double rotation, tilt, direction; Background bg; double shadow, noise; };
    const Case cases[] = {
        {0, 0, 0, Background::Wood, 0.2, 3},          {4, 0, 0, Background::DarkDesk, 0.3, 4},
        {-12, 5, 0, Background::GreyFabric, 0.2, 4},  {25, 8, 45, Background::CuttingMat, 0.3, 5},
        {-33, 0, 0, Background::Wood, 0.25, 4},       {0, 20, 0, Background::DarkDesk, 0.3, 4},
        {3, 30, 90, Background::Wood, 0.3, 5},        {-7, 35, 220, Background::GreyFabric, 0.2, 4},
        {10, 12, 180, Background::CuttingMat, 0.2, 3}, {-6, 15, 30, Background::Wood, 0.55, 4},
        {15, 10, 300, Background::DarkDesk, 0.6, 5},  {2, 10, 0, Background::GreyFabric, 0.3, 12},
        {-18, 22, 135, Background::CuttingMat, 0.3, 14}, {1, 6, 0, Background::Wood, 0.2, 4},
        {30, 25, 60, Background::DarkDesk, 0.4, 8},   {-25, 28, 250, Background::GreyFabric, 0.45, 10},
    };
    double sumCorner = 0, maxCorner = 0, sumAngle = 0, maxAngle = 0;
    int found = 0, n = 0;
    for (const Case &k : cases) {
        for (quint32 seed = 1; seed <= 3; ++seed) {
            SyntheticSpec s;
            s.rotation = k.rotation;
            s.tilt = k.tilt;
            s.tiltDirection = k.direction;
            s.background = k.bg;
            s.shadow = k.shadow;
            s.noise = k.noise;
            s.seed = seed * 7919 + quint32(n);
            const SyntheticPhoto p = photographPage(s);
            ++n;
            const auto q = findPage(p.image);
            if (!q)
                continue;
            ++found;
            const Quad &t = p.corners;
            const double size = (QLineF(t[0], t[1]).length() + QLineF(t[3], t[2]).length()) / 2;
            double corner = 0, angle = 0;
            for (int i = 0; i < 4; ++i) {
                const int j = (i + 1) % 4;
                corner = std::max(corner, QLineF((*q)[size_t(i)], t[size_t(i)]).length() / size * 100);
                angle = std::max(angle, angleBetween((*q)[size_t(j)] - (*q)[size_t(i)], t[size_t(j)] - t[size_t(i)]));
            }
            sumCorner += corner, sumAngle += angle;
            maxCorner = std::max(maxCorner, corner), maxAngle = std::max(maxAngle, angle);
        }
    }
    out << QStringLiteral("auto-crop over %1 synthetic photos: found %2; worst corner per photo, "
                          "% of page width: mean %3, max %4; worst edge angle: mean %5°, max %6°\n")
               .arg(n)
               .arg(found)
               .arg(sumCorner / std::max(found, 1), 0, 'f', 3)
               .arg(maxCorner, 0, 'f', 3)
               .arg(sumAngle / std::max(found, 1), 0, 'f', 3)
               .arg(maxAngle, 0, 'f', 3);
    return found == n ? 0 : 1;
}
