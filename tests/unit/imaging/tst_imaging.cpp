// Page processing: auto-crop and deskew over synthetic photographed documents (rendered Chinese
// forms warped in perspective onto desks, with shadow and noise, corners known exactly), the
// editing operations, and the files that come out (JPEG/PNG with DPI, PDF pages, size caps).

#include <imaging/output.h>
#include <imaging/pageprocessing.h>
#include <imaging/synthetic.h>

#include <QFontDatabase>
#include <QGuiApplication>
#include <QRegularExpression>
#include <QTest>

#include <cmath>

using namespace hall::imaging;

namespace {

double angleOf(const QPointF &d) { return std::atan2(d.y(), d.x()) * 180 / M_PI; }

double angleBetween(const QPointF &a, const QPointF &b)
{
    double d = std::abs(angleOf(a) - angleOf(b));
    return d > 180 ? 360 - d : d;
}

// Pearson correlation of two images compared at a small common size in grey.
double similarity(const QImage &a, const QImage &b)
{
    const QSize size(120, 170);
    const QImage x = a.convertToFormat(QImage::Format_Grayscale8).scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    const QImage y = b.convertToFormat(QImage::Format_Grayscale8).scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    const double n = double(size.width()) * size.height();
    for (int r = 0; r < size.height(); ++r) {
        const uchar *px = x.constScanLine(r), *py = y.constScanLine(r);
        for (int c = 0; c < size.width(); ++c) {
            sx += px[c], sy += py[c], sxx += px[c] * px[c], syy += py[c] * py[c], sxy += px[c] * py[c];
        }
    }
    const double cov = sxy / n - sx / n * sy / n;
    return cov / std::sqrt((sxx / n - sx / n * sx / n) * (syy / n - sy / n * sy / n));
}

// Four coloured quadrants, so every turn and flip puts a different colour top-left.
QImage quadrants()
{
    QImage image(40, 20, QImage::Format_RGB888);
    for (int y = 0; y < 20; ++y)
        for (int x = 0; x < 40; ++x)
            image.setPixelColor(x, y, y < 10 ? (x < 20 ? Qt::red : Qt::green) : (x < 20 ? Qt::blue : Qt::yellow));
    image.setDotsPerMeterX(11811); // 300 dpi across
    image.setDotsPerMeterY(5906);  // 150 dpi down
    return image;
}

QList<QSizeF> mediaBoxes(const QByteArray &pdf)
{
    QList<QSizeF> boxes;
    static const QRegularExpression re(QStringLiteral(R"(/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\])"));
    auto it = re.globalMatch(QString::fromLatin1(pdf));
    while (it.hasNext()) {
        const auto m = it.next();
        boxes.append(QSizeF(m.captured(1).toDouble(), m.captured(2).toDouble()));
    }
    return boxes;
}

int pageCount(const QByteArray &pdf)
{
    static const QRegularExpression re(QStringLiteral(R"(/Type\s*/Page(?![s\w]))"));
    int n = 0;
    auto it = re.globalMatch(QString::fromLatin1(pdf));
    while (it.hasNext()) {
        it.next();
        ++n;
    }
    return n;
}

} // namespace

class TestImaging : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFontDatabase::families().contains(QStringLiteral("Noto Sans CJK SC")),
                 "fonts-noto-cjk is needed for the synthetic documents");
    }

    void syntheticPageHasChineseText()
    {
        // Text is drawn: a blank page would make every test below meaningless.
        const QImage page = renderA4Page(600);
        QCOMPARE(page.height(), 849);
        QCOMPARE(dpiOf(page), 73);
        int ink = 0;
        for (int y = 0; y < page.height(); ++y)
            for (int x = 0; x < page.width(); ++x)
                ink += qGray(page.pixel(x, y)) < 128;
        QVERIFY2(ink > page.width() * page.height() / 50, qPrintable(QString::number(ink)));
    }

    void autoCrop_data()
    {
        QTest::addColumn<double>("rotation");
        QTest::addColumn<double>("tilt");
        QTest::addColumn<double>("tiltDirection");
        QTest::addColumn<int>("background");
        QTest::addColumn<double>("shadow");
        QTest::addColumn<double>("noise");
        QTest::addColumn<QPointF>("offset");
        QTest::addColumn<double>("pageHeight");

        const int wood = int(Background::Wood), dark = int(Background::DarkDesk),
                  fabric = int(Background::GreyFabric), mat = int(Background::CuttingMat);
        QTest::newRow("straight, wood") << 0.0 << 0.0 << 0.0 << wood << 0.2 << 3.0 << QPointF() << 0.8;
        QTest::newRow("turned 4°, dark desk") << 4.0 << 0.0 << 0.0 << dark << 0.3 << 4.0 << QPointF() << 0.85;
        QTest::newRow("turned -12°, fabric") << -12.0 << 5.0 << 0.0 << fabric << 0.2 << 4.0 << QPointF(0.05, 0) << 0.8;
        QTest::newRow("turned 25°, cutting mat") << 25.0 << 8.0 << 45.0 << mat << 0.3 << 5.0 << QPointF() << 0.7;
        QTest::newRow("turned -33°, wood") << -33.0 << 0.0 << 0.0 << wood << 0.25 << 4.0 << QPointF() << 0.75;
        QTest::newRow("keystone 20°, dark desk") << 0.0 << 20.0 << 0.0 << dark << 0.3 << 4.0 << QPointF() << 0.85;
        QTest::newRow("keystone 30° sideways, wood") << 3.0 << 30.0 << 90.0 << wood << 0.3 << 5.0 << QPointF() << 0.8;
        QTest::newRow("keystone 35° corner, fabric") << -7.0 << 35.0 << 220.0 << fabric << 0.2 << 4.0 << QPointF() << 0.8;
        QTest::newRow("off centre small, cutting mat") << 10.0 << 12.0 << 180.0 << mat << 0.2 << 3.0 << QPointF(-0.15, 0.08) << 0.55;
        QTest::newRow("deep shadow, wood") << -6.0 << 15.0 << 30.0 << wood << 0.55 << 4.0 << QPointF() << 0.8;
        QTest::newRow("deep shadow, dark desk") << 15.0 << 10.0 << 300.0 << dark << 0.6 << 5.0 << QPointF() << 0.8;
        QTest::newRow("heavy noise, fabric") << 2.0 << 10.0 << 0.0 << fabric << 0.3 << 12.0 << QPointF() << 0.8;
        QTest::newRow("heavy noise, cutting mat") << -18.0 << 22.0 << 135.0 << mat << 0.3 << 14.0 << QPointF() << 0.75;
        QTest::newRow("nearly fills the frame, wood") << 1.0 << 6.0 << 0.0 << wood << 0.2 << 4.0 << QPointF() << 0.93;
    }

    void autoCrop()
    {
        QFETCH(double, rotation);
        QFETCH(double, tilt);
        QFETCH(double, tiltDirection);
        QFETCH(int, background);
        QFETCH(double, shadow);
        QFETCH(double, noise);
        QFETCH(QPointF, offset);
        QFETCH(double, pageHeight);
        SyntheticSpec spec;
        spec.rotation = rotation;
        spec.tilt = tilt;
        spec.tiltDirection = tiltDirection;
        spec.background = Background(background);
        spec.shadow = shadow;
        spec.noise = noise;
        spec.offset = offset;
        spec.pageHeight = pageHeight;
        spec.seed = quint32(qHash(QString::fromUtf8(QTest::currentDataTag())));
        const SyntheticPhoto photo = photographPage(spec);
        const Quad &truth = photo.corners;

        const AutoCrop crop = hall::imaging::autoCrop(photo.image);
        QVERIFY2(crop.found, "no page found");
        // "Page size": the page's shorter side as it appears in the photo (mean of top and bottom).
        const double pageSize = (QLineF(truth[0], truth[1]).length() + QLineF(truth[3], truth[2]).length()) / 2;
        double worstCorner = 0, worstAngle = 0;
        for (int i = 0; i < 4; ++i) {
            worstCorner = std::max(worstCorner, QLineF(crop.corners[size_t(i)], truth[size_t(i)]).length() / pageSize);
            const int j = (i + 1) % 4;
            worstAngle = std::max(worstAngle, angleBetween(crop.corners[size_t(j)] - crop.corners[size_t(i)],
                                                           truth[size_t(j)] - truth[size_t(i)]));
        }
        qInfo("corner error %.3f %% of the page, edge angle error %.3f°", worstCorner * 100, worstAngle);
        QVERIFY2(worstCorner <= 0.01, qPrintable(QStringLiteral("corner off by %1 % of the page").arg(worstCorner * 100)));
        QVERIFY2(worstAngle <= 0.5, qPrintable(QStringLiteral("edge angle off by %1°").arg(worstAngle)));

        // The result is the upright page: A4, with its DPI, and looking like what was photographed
        // (under the photo's uneven light), the right way up.
        const QImage &page = crop.page;
        QVERIFY(std::abs(double(page.height()) / page.width() - M_SQRT2) < 0.01);
        QCOMPARE(dpiOf(page), int(std::lround(page.width() / (210 / 25.4))));
        const double same = similarity(page, photo.page);
        QVERIFY2(same > 0.6, qPrintable(QString::number(same)));
        QVERIFY2(same > similarity(rotated(page, 180), photo.page) + 0.2, "page upside down");
    }

    void noPageInAnEmptyFrame()
    {
        QImage desk(800, 600, QImage::Format_RGB888);
        desk.fill(QColor(90, 70, 50));
        const AutoCrop crop = hall::imaging::autoCrop(desk);
        QVERIFY(!crop.found);
        QCOMPARE(crop.page, desk);
    }

    void orderedCornersFromAnyOrder()
    {
        const Quad truth{QPointF(110, 95), QPointF(520, 130), QPointF(490, 700), QPointF(70, 660)};
        const Quad shuffled{truth[2], truth[0], truth[3], truth[1]};
        const Quad ordered = orderedCorners(shuffled);
        for (int i = 0; i < 4; ++i)
            QCOMPARE(ordered[size_t(i)], truth[size_t(i)]);
    }

    void deskewScan_data()
    {
        QTest::addColumn<double>("angle");
        for (const double a : {-7.0, -3.2, -0.8, 0.0, 0.4, 1.7, 4.5, 8.0})
            QTest::addRow("%+.1f°", a) << a;
    }

    void deskewScan()
    {
        QFETCH(double, angle);
        static const QImage page = renderA4Page(1240, 7); // 150 dpi
        const QImage scan = rotatedBy(page, angle);
        const double found = skewAngle(scan);
        QVERIFY2(std::abs(found - angle) <= 0.5, qPrintable(QStringLiteral("found %1°").arg(found)));
        double corrected = 0;
        const QImage straight = deskewed(scan, &corrected);
        QCOMPARE(corrected, found);
        QCOMPARE(straight.size(), scan.size());
        QCOMPARE(dpiOf(straight), 150);
        const double left = skewAngle(straight);
        QVERIFY2(std::abs(left) <= 0.5, qPrintable(QStringLiteral("still %1° after deskew").arg(left)));
    }

    void rotateAndFlip()
    {
        const QImage image = quadrants();
        auto corner = [](const QImage &i) { return i.pixelColor(0, 0); };
        const QImage cw = rotated(image, 90);
        QCOMPARE(cw.size(), QSize(20, 40));
        QCOMPARE(corner(cw), QColor(Qt::blue)); // the bottom-left comes up top-left
        QCOMPARE(cw.dotsPerMeterX(), 5906);      // across is what was down
        QCOMPARE(cw.dotsPerMeterY(), 11811);
        QCOMPARE(corner(rotated(image, 180)), QColor(Qt::yellow));
        QCOMPARE(corner(rotated(image, 270)), QColor(Qt::green));
        QCOMPARE(rotated(image, -90), rotated(image, 270));
        QCOMPARE(rotated(image, 360), image);
        QCOMPARE(corner(flipped(image, Qt::Horizontal)), QColor(Qt::green));
        QCOMPARE(corner(flipped(image, Qt::Vertical)), QColor(Qt::blue));
        QCOMPARE(corner(flipped(image, Qt::Horizontal | Qt::Vertical)), QColor(Qt::yellow));
        QCOMPARE(flipped(image, Qt::Horizontal).dotsPerMeterX(), 11811);
    }

    void manualCrop()
    {
        // A known rectangle cut out, corners given in any order.
        QImage image(300, 200, QImage::Format_RGB888);
        image.fill(Qt::white);
        for (int y = 50; y < 150; ++y)
            for (int x = 100; x < 160; ++x)
                image.setPixelColor(x, y, x < 130 ? Qt::black : Qt::red);
        WarpOptions plain;
        plain.keepA4 = false;
        const QImage cut = warpPage(image, {QPointF(159.5, 149.5), QPointF(99.5, 49.5), QPointF(99.5, 149.5), QPointF(159.5, 49.5)}, plain);
        QCOMPARE(cut.size(), QSize(60, 100));
        QCOMPARE(cut.pixelColor(5, 5), QColor(Qt::black));
        QCOMPARE(cut.pixelColor(54, 94), QColor(Qt::red));

        // A perspective quadrilateral given by hand (the true corners) is straightened, and an
        // A4 page can be asked for at 300 dpi.
        SyntheticSpec spec;
        spec.tilt = 25;
        spec.rotation = 8;
        const SyntheticPhoto photo = photographPage(spec);
        WarpOptions at300;
        at300.dpi = 300;
        const QImage page = warpPage(photo.image, photo.corners, at300);
        QCOMPARE(page.size(), QSize(2480, 3508));
        QCOMPARE(dpiOf(page), 300);
        QVERIFY(similarity(page, photo.page) > 0.8);
    }

    void brightnessContrast()
    {
        QImage grey(10, 10, QImage::Format_Grayscale8);
        grey.fill(100);
        QCOMPARE(qGray(adjusted(grey, 20, 1.0).pixel(3, 3)), 120);
        QCOMPARE(qGray(adjusted(grey, 0, 2.0).pixel(3, 3)), 72); // (100 - 128) × 2 + 128
        QCOMPARE(qGray(adjusted(grey, 0, 0.5).pixel(3, 3)), 114);
        QCOMPARE(qGray(adjusted(grey, 200, 1.0).pixel(3, 3)), 255);
        QImage colour(4, 4, QImage::Format_RGB888);
        colour.fill(QColor(10, 128, 250));
        QCOMPARE(adjusted(colour, -20, 1.0).pixelColor(0, 0), QColor(0, 108, 230));
    }

    void blackAndWhiteFollowsUnevenLight()
    {
        // The page lit from the left: its right side is darker than the ink on the left, which
        // defeats any global threshold.
        const QImage page = renderA4Page(800, 3);
        QImage lit = page.convertToFormat(QImage::Format_Grayscale8);
        for (int y = 0; y < lit.height(); ++y) {
            uchar *line = lit.scanLine(y);
            for (int x = 0; x < lit.width(); ++x)
                line[x] = uchar(line[x] * (1.0 - 0.6 * x / lit.width()));
        }
        const QImage bw = blackAndWhite(lit);
        QCOMPARE(bw.format(), QImage::Format_Grayscale8);
        QCOMPARE(bw.size(), lit.size());
        int black = 0, inkFound = 0, ink = 0, paperRight = 0, paperRightBlack = 0;
        for (int y = 0; y < bw.height(); ++y) {
            const uchar *out = bw.constScanLine(y);
            const QRgb *orig = reinterpret_cast<const QRgb *>(page.convertToFormat(QImage::Format_RGB32).constScanLine(y));
            for (int x = 0; x < bw.width(); ++x) {
                QVERIFY(out[x] == 0 || out[x] == 255);
                black += out[x] == 0;
                const int g = qGray(orig[x]);
                if (g < 80) {
                    ++ink;
                    inkFound += out[x] == 0;
                } else if (g > 240 && x > bw.width() * 3 / 4) {
                    ++paperRight;
                    paperRightBlack += out[x] == 0;
                }
            }
        }
        QVERIFY2(inkFound > ink * 0.85, qPrintable(QStringLiteral("%1 of %2 ink pixels black").arg(inkFound).arg(ink)));
        QVERIFY2(paperRightBlack < paperRight / 50, qPrintable(QStringLiteral("%1 of %2 paper pixels black").arg(paperRightBlack).arg(paperRight)));
        QVERIFY(black < bw.width() * bw.height() / 4);
    }

    void imageFilesCarryTheDpi_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("optionDpi");
        QTest::addColumn<int>("expected");
        QTest::newRow("jpeg, the image's") << int(ImageFormat::Jpeg) << 0 << 300;
        QTest::newRow("jpeg, given") << int(ImageFormat::Jpeg) << 200 << 200;
        QTest::newRow("png, the image's") << int(ImageFormat::Png) << 0 << 300;
        QTest::newRow("png, given") << int(ImageFormat::Png) << 600 << 600;
    }

    void imageFilesCarryTheDpi()
    {
        QFETCH(int, format);
        QFETCH(int, optionDpi);
        QFETCH(int, expected);
        QImage page = renderA4Page(400);
        setDpi(&page, 300);
        EncodeOptions options;
        options.format = ImageFormat(format);
        options.dpi = optionDpi;
        Encoded encoded;
        QString error;
        QVERIFY2(encodeImage(page, options, &encoded, &error), qPrintable(error));
        QCOMPARE(encoded.dpi, expected);
        const QImage back = QImage::fromData(encoded.data, format == int(ImageFormat::Jpeg) ? "JPEG" : "PNG");
        QCOMPARE(back.size(), page.size());
        QCOMPARE(dpiOf(back), expected);
        QCOMPARE(int(std::lround(back.dotsPerMeterY() * 0.0254)), expected);
    }

    void blackAndWhitePngIsOneBit()
    {
        const QImage bw = blackAndWhite(renderA4Page(600));
        EncodeOptions png;
        png.format = ImageFormat::Png;
        Encoded encoded;
        QString error;
        QVERIFY2(encodeImage(bw, png, &encoded, &error), qPrintable(error));
        const QImage back = QImage::fromData(encoded.data, "PNG");
        QCOMPARE(back.depth(), 1);
        QCOMPARE(back.convertToFormat(QImage::Format_Grayscale8), bw);
    }

    void pdfPagesAtTheirDpi()
    {
        QImage a4at100 = renderA4Page(827);
        setDpi(&a4at100, 100);
        QImage a4at50 = blackAndWhite(renderA4Page(413));
        setDpi(&a4at50, 50);
        QImage card(600, 400, QImage::Format_RGB888); // 6 × 4 inches at 100 dpi
        card.fill(Qt::darkCyan);
        setDpi(&card, 100);
        QByteArray pdf;
        QString error;
        QVERIFY2(writePdf({a4at100, a4at50, card}, {QStringLiteral("材料"), 0}, &pdf, &error), qPrintable(error));
        QVERIFY(pdf.startsWith("%PDF-"));
        QCOMPARE(pageCount(pdf), 3);
        const QList<QSizeF> boxes = mediaBoxes(pdf);
        QCOMPARE(boxes.size(), 3);
        const QSizeF a4(595.28, 841.89), card6x4(432, 288);
        for (int i = 0; i < 3; ++i) {
            const QSizeF want = i < 2 ? a4 : card6x4;
            QVERIFY2(std::abs(boxes[i].width() - want.width()) < 2 && std::abs(boxes[i].height() - want.height()) < 2,
                     qPrintable(QStringLiteral("page %1 is %2 × %3 pt").arg(i + 1).arg(boxes[i].width()).arg(boxes[i].height())));
        }

        QByteArray one;
        QVERIFY2(writePdf({card}, {}, &one, &error), qPrintable(error));
        QCOMPARE(pageCount(one), 1);
        QVERIFY(!writePdf({}, {}, &one, &error));
        QVERIFY(!error.isEmpty());
    }

    void sizeCap()
    {
        SyntheticSpec spec;
        spec.noise = 8;
        const QImage page = hall::imaging::autoCrop(photographPage(spec).image).page;
        EncodeOptions options;
        Encoded full;
        QString error;
        QVERIFY2(encodeImage(page, options, &full, &error), qPrintable(error));
        QCOMPARE(full.quality, 90);

        // A cap the first encoding misses: a lower quality that fits, as high as fits.
        options.maxBytes = full.data.size() * 6 / 10;
        Encoded capped;
        QVERIFY2(encodeImage(page, options, &capped, &error), qPrintable(error));
        QVERIFY(capped.data.size() <= options.maxBytes);
        QVERIFY(capped.quality < 90 && capped.quality >= options.minQuality);
        EncodeOptions oneUp = options;
        oneUp.maxBytes = 0;
        oneUp.quality = capped.quality + 1;
        Encoded higher;
        QVERIFY(encodeImage(page, oneUp, &higher, &error));
        QVERIFY2(higher.data.size() > options.maxBytes, "a higher quality would have fitted");
        QCOMPARE(QImage::fromData(capped.data, "JPEG").size(), page.size());

        // A cap nothing can meet is refused, saying by how much.
        options.maxBytes = 2048;
        error.clear();
        Encoded impossible;
        QVERIFY(!encodeImage(page, options, &impossible, &error));
        QVERIFY2(error.contains(QStringLiteral("2 KB")) && error.contains(QStringLiteral("(30)")), qPrintable(error));

        EncodeOptions png;
        png.format = ImageFormat::Png;
        png.maxBytes = 10000;
        error.clear();
        QVERIFY(!encodeImage(page, png, &impossible, &error));
        QVERIFY(error.contains(QStringLiteral("PNG")));

        QByteArray pdf;
        error.clear();
        QVERIFY(!writePdf({page}, {QString(), 5000}, &pdf, &error));
        QVERIFY2(error.contains(QStringLiteral("PDF")), qPrintable(error));
        QVERIFY2(writePdf({page}, {QString(), pdf.size()}, &pdf, &error), qPrintable(error));
    }
};

QTEST_MAIN(TestImaging)
#include "tst_imaging.moc"
