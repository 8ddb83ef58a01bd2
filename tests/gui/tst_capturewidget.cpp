// The capture widget and its page list: what an officer does with the pages of a material.
// PageList rules are checked directly on synthetic photos; the widget is driven with clicks
// and keys against the real virtual camera and scanner plugins on their device threads.

#include "virtualdevices.h"
#include <ui/capturecontroller.h>
#include <ui/captureview.h>
#include <ui/capturewidget.h>
#include <ui/pagelist.h>
#include <ui/pageview.h>

#include <devices/devicemanager.h>
#include <devices/documentcamera.h>
#include <devices/scanner.h>
#include <imaging/pageprocessing.h>
#include <imaging/output.h>
#include <imaging/synthetic.h>

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace hall;
using ui::PageEdit;
using ui::PageList;

namespace {

// A flat image whose colour identifies it, for order checks.
QImage marked(QRgb colour, QSize size = {120, 170})
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(colour);
    return image;
}

imaging::SyntheticPhoto photo(quint32 seed)
{
    imaging::SyntheticSpec spec;
    spec.frame = {1200, 900};
    spec.rotation = 4;
    spec.tilt = 8;
    spec.seed = seed;
    return imaging::photographPage(spec);
}

QList<QRgb> order(const PageList &pages)
{
    QList<QRgb> out;
    for (int i = 0; i < pages.count(); ++i)
        out.append(pages.page(i).original.pixel(0, 0));
    return out;
}

int pdfPages(const QByteArray &pdf)
{
    return int(pdf.count("/Type /Page\n") + pdf.count("/Type /Page "));
}

} // namespace

class TestCapture : public QObject
{
    Q_OBJECT

    test::VirtualDevices m_devices;

    template<typename T>
    T *device(const QString &role, const QVariantMap &options) { return m_devices.device<T>(role, options); }

    template<typename T>
    static T *child(QWidget *w, const char *name)
    {
        return w->findChild<T *>(QLatin1String(name));
    }

private Q_SLOTS:
    void cleanup()
    {
        m_devices.reset();
    }

    // ---- PageList ----

    void photoIsAutoCroppedToTheSheet()
    {
        const imaging::SyntheticPhoto shot = photo(3);
        PageList pages;
        pages.addPhoto(shot.image, true);
        const ui::Page &page = pages.page(0);
        QVERIFY(page.pageFound);
        QVERIFY(page.edit.crop.has_value());
        const double tolerance = 0.01 * shot.image.height();
        for (int i = 0; i < 4; ++i) {
            const QPointF d = (*page.edit.crop)[i] - shot.corners[i];
            QVERIFY2(std::hypot(d.x(), d.y()) < tolerance, qPrintable(QStringLiteral("corner %1 off by %2 px").arg(i).arg(std::hypot(d.x(), d.y()))));
        }
        // An upright A4 page with its DPI, and the original kept untouched for later edits.
        QVERIFY(qAbs(double(page.result.height()) / page.result.width() - M_SQRT2) < 0.01);
        QCOMPARE(imaging::dpiOf(page.result), int(std::lround(page.result.height() / (297 / 25.4))));
        QCOMPARE(page.original, shot.image);
        QCOMPARE(page.thumbnail.height(), PageList::ThumbnailHeight);
    }

    void photoWithoutAPageIsKeptWhole()
    {
        PageList pages;
        pages.addPhoto(marked(qRgb(90, 60, 40), {640, 480}), true);
        QVERIFY(!pages.page(0).pageFound);
        QVERIFY(!pages.page(0).edit.crop);
        QCOMPARE(pages.page(0).result.size(), QSize(640, 480));
        QVERIFY(pages.data(pages.index(0), Qt::ToolTipRole).toString().contains(QLatin1String("crop")));
    }

    void quarterTurnsAddUpAndComeBack()
    {
        PageList pages;
        pages.addScan(marked(qRgb(200, 10, 10), {100, 200}), false);
        QSignalSpy changed(&pages, &QAbstractItemModel::dataChanged);
        pages.rotate(0, 90);
        QCOMPARE(pages.page(0).result.size(), QSize(200, 100));
        QCOMPARE(changed.size(), 1);
        pages.rotate(0, -180);
        QCOMPARE(pages.page(0).edit.rotation, 270);
        pages.rotate(0, 90);
        QCOMPARE(pages.page(0).edit.rotation, 0);
        QCOMPARE(pages.page(0).result.size(), QSize(100, 200));
    }

    void manualCropReplacesTheAutoCropAndCanBeUndone()
    {
        const imaging::SyntheticPhoto shot = photo(5);
        QImage image = shot.image;
        imaging::setDpi(&image, 150); // what the camera says of its frames
        PageList pages;
        pages.addPhoto(image, true);
        const QSize auto_ = pages.page(0).result.size();
        pages.setCrop(0, imaging::Quad{QPointF(100, 100), QPointF(500, 100), QPointF(500, 400), QPointF(100, 400)});
        const QSize cropped = pages.page(0).result.size();
        QVERIFY2(qAbs(double(cropped.width()) / cropped.height() - 4.0 / 3) < 0.02, qPrintable(QStringLiteral("crop of 400 × 300 gave %1 × %2").arg(cropped.width()).arg(cropped.height())));
        QVERIFY(cropped != auto_);
        QCOMPARE(imaging::dpiOf(pages.page(0).result), 150);
        pages.setCrop(0, std::nullopt);
        QCOMPARE(pages.page(0).result.size(), shot.image.size());
    }

    void tonesKeepTheDpi()
    {
        QImage scan = VirtualA4();
        imaging::setDpi(&scan, 200);
        PageList pages;
        pages.addScan(scan, false, PageEdit::Tone::Gray);
        QCOMPARE(pages.page(0).result.format(), QImage::Format_Grayscale8);
        QCOMPARE(imaging::dpiOf(pages.page(0).result), 200);
        pages.setTone(0, PageEdit::Tone::BlackWhite);
        const QImage bw = pages.page(0).result;
        QCOMPARE(imaging::dpiOf(bw), 200);
        for (int y = 0; y < bw.height(); y += 7)
            for (int x = 0; x < bw.width(); x += 7) {
                const int v = qGray(bw.pixel(x, y));
                QVERIFY2(v == 0 || v == 255, "black and white holds only black and white");
            }
        pages.setTone(0, PageEdit::Tone::Colour);
        QCOMPARE(pages.page(0).result.size(), scan.size());
        QVERIFY(pages.page(0).result.format() != QImage::Format_Grayscale8);
    }

    void mirrorFlipsLeftToRightAndBack()
    {
        QImage halves(100, 50, QImage::Format_RGB32);
        halves.fill(qRgb(255, 0, 0));
        for (int y = 0; y < 50; ++y)
            for (int x = 50; x < 100; ++x)
                halves.setPixel(x, y, qRgb(0, 0, 255));
        PageList pages;
        pages.addScan(halves, false);
        pages.mirror(0);
        QCOMPARE(pages.page(0).result.pixel(0, 0), qRgb(0, 0, 255));
        QCOMPARE(pages.page(0).result.pixel(99, 0), qRgb(255, 0, 0));
        QCOMPARE(pages.page(0).original, halves);
        pages.mirror(0);
        QCOMPARE(pages.page(0).result.pixel(0, 0), qRgb(255, 0, 0));
    }

    void pagesMoveAndNothingIsLostOnABadMove()
    {
        PageList pages;
        const QList<QRgb> colours{qRgb(255, 0, 0), qRgb(0, 255, 0), qRgb(0, 0, 255), qRgb(255, 255, 0)};
        for (QRgb c : colours)
            pages.addScan(marked(c), false);
        QVERIFY(pages.move(0, 2)); // first page down to third place
        QCOMPARE(order(pages), (QList<QRgb>{colours[1], colours[2], colours[0], colours[3]}));
        QVERIFY(pages.move(3, 0)); // last to first
        QCOMPARE(order(pages), (QList<QRgb>{colours[3], colours[1], colours[2], colours[0]}));
        QVERIFY(!pages.move(0, 4));
        QVERIFY(!pages.move(-1, 0));
        QVERIFY(!pages.moveRows({}, 1, 2, {}, 2)); // into itself
        QVERIFY(!pages.dropMimeData(pages.mimeData({pages.index(0)}), Qt::MoveAction, 3, 0, {}));
        QCOMPARE(pages.count(), 4);
        pages.remove(1);
        QCOMPARE(order(pages), (QList<QRgb>{colours[3], colours[2], colours[0]}));
    }

    // ---- The widget with the virtual document camera ----

    void shootingAddsAnUprightCroppedPage()
    {
        auto *camera = device<devices::DocumentCamera>(QStringLiteral("camera"),
            {{QStringLiteral("delayMs"), 10}, {QStringLiteral("resolution"), QStringLiteral("1600x1200")}});
        QVERIFY(camera);
        ui::CaptureWidget w;
        w.setCamera(camera);
        w.setPhotoRotation(-90); // this camera sees the sheet lying on its side
        w.resize(1200, 800);
        w.show();
        auto *view = w.findChild<ui::PageView *>();
        QTRY_VERIFY2(!view->image().isNull(), "live preview frames are shown");
        QVERIFY(w.isLive());
        QTest::mouseClick(child<QPushButton>(&w, "shoot"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(w.pages()->count(), 1, 10000);
        QVERIFY(!w.isBusy());
        const ui::Page &page = w.pages()->page(0);
        QVERIFY2(page.pageFound, "auto-crop finds the sheet in the camera's photo");
        QCOMPARE(page.edit.rotation, 270);
        QVERIFY2(page.result.height() > page.result.width(), "the page comes out upright");
        QVERIFY(qAbs(double(page.result.height()) / page.result.width() - M_SQRT2) < 0.01);
        QVERIFY(w.isLive()); // officers shoot page after page without leaving the preview
        QCOMPARE(w.currentPage(), 0);
    }

    void theShootKeyShootsLikeAFootPedal()
    {
        auto *camera = device<devices::DocumentCamera>(QStringLiteral("camera"),
            {{QStringLiteral("delayMs"), 10}, {QStringLiteral("resolution"), QStringLiteral("1600x1200")}});
        QVERIFY(camera);
        ui::CaptureWidget w;
        w.setCamera(camera);
        w.setShootKey(QKeySequence(Qt::Key_F9));
        w.show();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QTest::keyClick(&w, Qt::Key_F12); // no longer the shoot key
        QTest::qWait(300);
        QCOMPARE(w.pages()->count(), 0);
        QTest::keyClick(&w, Qt::Key_F9);
        QTRY_COMPARE_WITH_TIMEOUT(w.pages()->count(), 1, 10000);
    }

    void aFailedPhotoSaysWhyAndAddsNothing()
    {
        auto *camera = device<devices::DocumentCamera>(QStringLiteral("camera"),
            {{QStringLiteral("delayMs"), 10}, {QStringLiteral("resolution"), QStringLiteral("1600x1200")}});
        QVERIFY(camera);
        QMetaObject::invokeMethod(camera, "failNext", Qt::QueuedConnection, Q_ARG(QString, QStringLiteral("lens covered")));
        ui::CaptureWidget w;
        w.setCamera(camera);
        w.show();
        QSignalSpy messages(&w, &ui::CaptureWidget::message);
        w.shoot();
        QTRY_VERIFY(!w.isBusy());
        QCOMPARE(w.pages()->count(), 0);
        QVERIFY(messages.last().at(1).toBool());
        QVERIFY(messages.last().at(0).toString().contains(QLatin1String("lens covered")));
        // The camera stays usable.
        w.shoot();
        QTRY_COMPARE_WITH_TIMEOUT(w.pages()->count(), 1, 10000);
    }

    void aCameraThatIsNotReadyIsNotAsked()
    {
        auto *camera = device<devices::DocumentCamera>(QStringLiteral("camera"), {{QStringLiteral("delayMs"), 10}});
        QVERIFY(camera);
        ui::CaptureWidget w;
        w.setCamera(camera);
        w.show();
        QMetaObject::invokeMethod(camera, &devices::Device::close, Qt::QueuedConnection);
        QTRY_COMPARE(camera->state(), devices::Device::State::Closed);
        QSignalSpy busy(&w, &ui::CaptureWidget::busyChanged);
        QSignalSpy messages(&w, &ui::CaptureWidget::message);
        w.shoot();
        QCOMPARE(busy.size(), 0);
        QVERIFY(messages.last().at(1).toBool());
        QTest::qWait(200);
        QCOMPARE(w.pages()->count(), 0);
    }

    void anotherWidgetsPhotoStaysInItsOwnMaterial()
    {
        auto *camera = device<devices::DocumentCamera>(QStringLiteral("camera"),
            {{QStringLiteral("delayMs"), 10}, {QStringLiteral("resolution"), QStringLiteral("1600x1200")}});
        QVERIFY(camera);
        ui::CaptureWidget a;
        ui::CaptureWidget b;
        a.setCamera(camera);
        b.setCamera(camera);
        a.show();
        b.show();
        QSignalSpy stills(camera, &devices::DocumentCamera::captured);
        b.shoot();
        QTRY_COMPARE_WITH_TIMEOUT(b.pages()->count(), 1, 10000);
        a.shoot();
        QTRY_COMPARE_WITH_TIMEOUT(a.pages()->count(), 1, 10000);
        QTest::qWait(100);
        QCOMPARE(b.pages()->count(), 1);
        QCOMPARE(stills.size(), 2);
        QVERIFY2(stills.at(0).at(0).toString() != stills.at(1).at(0).toString(), "job ids are unique per widget");
    }

    void swappingTheCameraMidShotLeavesTheWidgetUsable()
    {
        auto *camera = device<devices::DocumentCamera>(QStringLiteral("camera"),
            {{QStringLiteral("delayMs"), 2000}, {QStringLiteral("resolution"), QStringLiteral("1600x1200")}});
        QVERIFY(camera);
        ui::CaptureWidget w;
        w.setCamera(camera);
        w.show();
        w.shoot();
        QVERIFY(w.isBusy());
        w.setCamera(nullptr);
        QVERIFY2(!w.isBusy(), "a photo the old camera will never bring is not waited for");
        QTest::qWait(2300);
        QCOMPARE(w.pages()->count(), 0);
    }

    void aCropStaysOnItsPageWhileTheFeederAddsPages()
    {
        auto *scanner = device<devices::Scanner>(QStringLiteral("docscanner"), {{QStringLiteral("pages"), 3}, {QStringLiteral("delayMs"), 150}});
        QVERIFY(scanner);
        ui::CaptureWidget w;
        w.setScanner(scanner);
        w.resize(1200, 800);
        w.show();
        auto *paper = child<QComboBox>(&w, "paper");
        paper->setCurrentIndex(paper->findData(int(devices::ScanSettings::Source::Adf)));
        w.scan();
        QTRY_COMPARE_WITH_TIMEOUT(w.pages()->count(), 1, 10000);
        w.selectPage(0);
        w.beginCrop();
        QVERIFY(w.isCropping());
        auto *view = w.findChild<ui::PageView *>();
        const QImage cropping = view->image();
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 10000);
        QCOMPARE(w.pages()->count(), 3);
        QVERIFY2(w.isCropping() && view->image() == cropping, "new pages do not take the view from the crop");
        w.applyCrop();
        QVERIFY(w.pages()->page(0).edit.crop.has_value());
        QVERIFY(!w.pages()->page(1).edit.crop.has_value());
        QVERIFY(!w.pages()->page(2).edit.crop.has_value());
        QCOMPARE(w.currentPage(), 0);
    }

    void filesAreAddedInOrderAndABadOneIsNamed()
    {
        QTemporaryDir dir;
        QImage red = marked(qRgb(255, 0, 0), {200, 280});
        imaging::setDpi(&red, 200);
        QVERIFY(red.save(dir.filePath(QStringLiteral("a.png"))));
        QVERIFY(marked(qRgb(0, 0, 255), {200, 280}).save(dir.filePath(QStringLiteral("c.jpg"))));
        QFile broken(dir.filePath(QStringLiteral("b-broken.jpg")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("not a picture at all");
        broken.close();

        ui::CaptureWidget w;
        w.show();
        QSignalSpy messages(&w, &ui::CaptureWidget::message);
        w.addFiles({dir.filePath(QStringLiteral("a.png")), broken.fileName(), dir.filePath(QStringLiteral("c.jpg")),
                    dir.filePath(QStringLiteral("missing.png"))});
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 10000);
        QCOMPARE(w.pages()->count(), 2);
        QCOMPARE(w.pages()->page(0).original.pixel(10, 10), qRgb(255, 0, 0));
        QVERIFY(qBlue(w.pages()->page(1).original.pixel(10, 10)) > 200);
        QCOMPARE(w.pages()->page(0).origin, ui::Page::Origin::File);
        QCOMPARE(imaging::dpiOf(w.pages()->page(0).result), 200);
        QStringList errors;
        for (const auto &m : messages)
            if (m.at(1).toBool())
                errors.append(m.at(0).toString());
        QCOMPARE(errors.size(), 2);
        QVERIFY2(errors.at(0).contains(QLatin1String("b-broken.jpg")), qPrintable(errors.at(0)));
        QVERIFY2(errors.at(1).contains(QLatin1String("missing.png")), qPrintable(errors.at(1)));
        QCOMPARE(w.currentPage(), 1);
    }

    void aPdfFileBringsAllItsPages()
    {
        QTemporaryDir dir;
        QImage first = VirtualA4();
        imaging::setDpi(&first, 72); // a page as large as 600 px at 72 dpi
        QImage second = marked(qRgb(0, 0, 255), first.size());
        imaging::setDpi(&second, 72);
        QByteArray pdf;
        QString error;
        QVERIFY2(imaging::writePdf({first, second}, {}, &pdf, &error), qPrintable(error));
        QFile file(dir.filePath(QStringLiteral("材料.pdf")));
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write(pdf) == pdf.size());
        file.close();
        QFile fake(dir.filePath(QStringLiteral("fake.pdf")));
        QVERIFY(fake.open(QIODevice::WriteOnly));
        fake.write("%PDF-1.4 and then nothing");
        fake.close();

        ui::CaptureWidget w;
        w.show();
        QSignalSpy messages(&w, &ui::CaptureWidget::message);
        w.addFiles({fake.fileName(), file.fileName()});
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 10000);
        QCOMPARE(w.pages()->count(), 2);
        for (int i = 0; i < 2; ++i) {
            const QImage page = w.pages()->page(i).result;
            QCOMPARE(imaging::dpiOf(page), PageList::PdfDpi);
            // The page's size in the PDF, rendered at PdfDpi.
            QVERIFY2(qAbs(page.width() - first.width() / 72.0 * PageList::PdfDpi) < 3, qPrintable(QString::number(page.width())));
        }
        const QImage blue = w.pages()->page(1).result;
        QVERIFY(qBlue(blue.pixel(blue.width() / 2, blue.height() / 2)) > 200 && qRed(blue.pixel(blue.width() / 2, blue.height() / 2)) < 60);
        QVERIFY(messages.first().at(1).toBool());
        QVERIFY2(messages.first().at(0).toString().contains(QLatin1String("fake.pdf")), qPrintable(messages.first().at(0).toString()));
    }

    // ---- The widget with the virtual scanner ----

    void scansAFeederJobIntoPages()
    {
        auto *scanner = device<devices::Scanner>(QStringLiteral("docscanner"), {{QStringLiteral("pages"), 3}, {QStringLiteral("delayMs"), 20}});
        QVERIFY(scanner);
        ui::CaptureWidget w;
        w.setScanner(scanner);
        w.resize(1200, 800);
        w.show();
        QCOMPARE(w.source(), ui::CaptureWidget::Source::Scanner);
        auto *paper = child<QComboBox>(&w, "paper");
        const int feeder = paper->findData(int(devices::ScanSettings::Source::Adf));
        QVERIFY(feeder >= 0);
        paper->setCurrentIndex(feeder);
        QSignalSpy busy(&w, &ui::CaptureWidget::busyChanged);
        QTest::mouseClick(child<QPushButton>(&w, "scan"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(w.pages()->count(), 3, 10000);
        QTRY_VERIFY(!w.isBusy());
        QCOMPARE(busy.size(), 2);
        QCOMPARE(imaging::dpiOf(w.pages()->page(0).result), 300);
        QCOMPARE(w.currentPage(), 2);
        QVERIFY(child<QLabel>(&w, "message")->text().contains(QLatin1String("3")));
        QByteArray pdf;
        QString error;
        QVERIFY2(w.exportPdf(&pdf, &error), qPrintable(error));
        QCOMPARE(pdfPages(pdf), 3);
    }

    void cancelledScanKeepsTheEarlierPages()
    {
        auto *scanner = device<devices::Scanner>(QStringLiteral("docscanner"), {{QStringLiteral("pages"), 10}, {QStringLiteral("delayMs"), 150}});
        QVERIFY(scanner);
        ui::CaptureWidget w;
        w.setScanner(scanner);
        w.show();
        auto *paper = child<QComboBox>(&w, "paper");
        paper->setCurrentIndex(paper->findData(int(devices::ScanSettings::Source::Adf)));
        w.scan();
        QTRY_COMPARE_WITH_TIMEOUT(w.pages()->count(), 1, 5000);
        QVERIFY(child<QPushButton>(&w, "cancelScan")->isVisible());
        QTest::mouseClick(child<QPushButton>(&w, "cancelScan"), Qt::LeftButton);
        QTRY_VERIFY(!w.isBusy());
        QVERIFY(w.pages()->count() >= 1 && w.pages()->count() < 10);
        QVERIFY(child<QLabel>(&w, "message")->text().contains(QCoreApplication::translate("hall::ui::CaptureController", "Scan cancelled; the pages scanned before are kept.")));
    }

    void failedScanSaysWhy()
    {
        auto *scanner = device<devices::Scanner>(QStringLiteral("docscanner"), {{QStringLiteral("delayMs"), 10}});
        QVERIFY(scanner);
        QMetaObject::invokeMethod(scanner, "failNext", Qt::QueuedConnection, Q_ARG(QString, QStringLiteral("paper jam")));
        ui::CaptureWidget w;
        w.setScanner(scanner);
        w.show();
        QSignalSpy messages(&w, &ui::CaptureWidget::message);
        w.scan();
        QTRY_VERIFY(!w.isBusy());
        QCOMPARE(w.pages()->count(), 0);
        QVERIFY(messages.last().at(1).toBool());
        QVERIFY(messages.last().at(0).toString().contains(QLatin1String("paper jam")));
    }

    void pageToolsActOnTheCurrentPage()
    {
        ui::CaptureWidget w;
        w.resize(1200, 800);
        w.show();
        for (QRgb c : {qRgb(255, 0, 0), qRgb(0, 255, 0), qRgb(0, 0, 255)})
            w.pages()->addScan(marked(c, {100, 200}), false);
        w.selectPage(1);
        QVERIFY(child<QToolButton>(&w, "rotateRight")->isVisible());
        QTest::mouseClick(child<QToolButton>(&w, "rotateRight"), Qt::LeftButton);
        QCOMPARE(w.pages()->page(1).result.size(), QSize(200, 100));
        QCOMPARE(w.pages()->page(0).result.size(), QSize(100, 200));
        QTest::mouseClick(child<QToolButton>(&w, "moveEarlier"), Qt::LeftButton);
        QCOMPARE(w.currentPage(), 0);
        QCOMPARE(w.pages()->page(0).original.pixel(0, 0), qRgb(0, 255, 0));
        QVERIFY(!child<QToolButton>(&w, "moveEarlier")->isEnabled());
        QTest::mouseClick(child<QToolButton>(&w, "deletePage"), Qt::LeftButton);
        QCOMPARE(w.pages()->count(), 2);
        QCOMPARE(w.pages()->page(0).original.pixel(0, 0), qRgb(255, 0, 0));
        QCOMPARE(w.currentPage(), 0);
    }

    void cropByDraggingTheCorners()
    {
        ui::CaptureWidget w;
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.pages()->addScan(VirtualA4(), false);
        w.selectPage(0);
        QTest::mouseClick(child<QToolButton>(&w, "crop"), Qt::LeftButton);
        QVERIFY(w.isCropping());
        QVERIFY(!child<QToolButton>(&w, "rotateRight")->isVisible());
        auto *view = w.findChild<ui::PageView *>();
        QVERIFY(view);
        // Drag the two top handles a quarter of the way down the page.
        const QSize size = w.pages()->page(0).original.size();
        const double quarter = size.height() / 4.0;
        auto drag = [view](QPointF fromScene, QPointF toScene) {
            const QPoint from = view->mapFromScene(fromScene);
            const QPoint to = view->mapFromScene(toScene);
            QTest::mousePress(view->viewport(), Qt::LeftButton, {}, from);
            QMouseEvent move(QEvent::MouseMove, to, view->viewport()->mapToGlobal(to), Qt::LeftButton, Qt::LeftButton, {});
            QApplication::sendEvent(view->viewport(), &move);
            QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, to);
        };
        drag(view->cropQuad()[0], QPointF(0, quarter));
        drag(view->cropQuad()[1], QPointF(size.width() - 1, quarter));
        QVERIFY2(qAbs(view->cropQuad()[0].y() - quarter) < size.height() / 50.0, "the handle follows the mouse");
        QVERIFY2(qAbs(view->cropQuad()[1].y() - quarter) < size.height() / 50.0, "the handle follows the mouse");
        QTest::mouseClick(child<QToolButton>(&w, "applyCrop"), Qt::LeftButton);
        QVERIFY(!w.isCropping());
        QVERIFY(w.pages()->page(0).edit.crop.has_value());
        const QImage result = w.pages()->page(0).result;
        QVERIFY2(qAbs(double(result.height()) / result.width() - 0.75 * size.height() / size.width()) < 0.03,
                 "three quarters of the page are kept");
        // Cancel leaves the crop as it was.
        const ui::PageEdit before = w.pages()->page(0).edit;
        w.beginCrop();
        w.cancelCrop();
        QCOMPARE(w.pages()->page(0).edit, before);
    }

    void sizeCapIsCheckedOnExport()
    {
        ui::CaptureWidget w;
        QByteArray pdf;
        QString error;
        QVERIFY(!w.exportPdf(&pdf, &error));
        QVERIFY(!error.isEmpty());
        w.pages()->addScan(VirtualA4(), false);
        w.setMaterial(QStringLiteral("营业执照"), 2 * 1024);
        error.clear();
        QVERIFY(!w.exportPdf(&pdf, &error));
        QVERIFY2(!error.isEmpty(), "a material over its cap is refused with a reason");
        w.setMaterial(QStringLiteral("营业执照"), 0);
        QVERIFY2(w.exportPdf(&pdf, &error), qPrintable(error));
        QCOMPARE(pdfPages(pdf), 1);
        // The same off the UI thread.
        QSignalSpy made(&w, &ui::CaptureWidget::pdfMade);
        QSignalSpy failed(&w, &ui::CaptureWidget::pdfFailed);
        w.makePdf();
        QVERIFY(w.isBusy());
        QTRY_COMPARE(made.size(), 1);
        QVERIFY(!w.isBusy());
        QCOMPARE(pdfPages(made.first().at(0).toByteArray()), 1);
        w.setMaterial(QStringLiteral("营业执照"), 2 * 1024);
        w.makePdf();
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY(!failed.first().at(0).toString().isEmpty());
        QCOMPARE(made.size(), 1);
    }

    void touchModeKeepsOnlyTheLargeControls()
    {
        ui::CaptureWidget w;
        w.setTouchMode(true);
        w.show();
        w.pages()->addScan(marked(qRgb(1, 2, 3)), false);
        w.selectPage(0);
        QVERIFY(child<QToolButton>(&w, "rotateRight")->isVisible());
        QVERIFY(child<QToolButton>(&w, "deletePage")->isVisible());
        // The touch view has no crop or zoom at all; absent or hidden, the user cannot see them.
        auto *crop = child<QToolButton>(&w, "crop");
        auto *zoomIn = child<QToolButton>(&w, "zoomIn");
        QVERIFY(!crop || !crop->isVisible());
        QVERIFY(!zoomIn || !zoomIn->isVisible());
        QVERIFY(child<QToolButton>(&w, "rotateRight")->height() >= 48);
    }

    // ---- Two views over one controller ----

    void twoViewsShowOneController()
    {
        ui::CaptureController controller;
        ui::CaptureDeskView desk(&controller);
        ui::CaptureTouchView touch(&controller);
        desk.show();
        touch.show();
        for (QRgb c : {qRgb(255, 0, 0), qRgb(0, 255, 0), qRgb(0, 0, 255)})
            controller.pages()->addScan(marked(c, {100, 200}), false);
        controller.selectPage(1);
        auto *deskStrip = child<QListView>(&desk, "pageStrip");
        auto *touchStrip = child<QListView>(&touch, "pageStrip");
        QCOMPARE(deskStrip->currentIndex().row(), 1);
        QCOMPARE(touchStrip->currentIndex().row(), 1);
        // A page chosen in one view is the page of both; a tool in the other acts on it.
        deskStrip->setCurrentIndex(controller.pages()->index(2));
        QCOMPARE(controller.currentPage(), 2);
        QCOMPARE(touchStrip->currentIndex().row(), 2);
        QTest::mouseClick(child<QToolButton>(&touch, "deletePage"), Qt::LeftButton);
        QCOMPARE(controller.pages()->count(), 2);
        QCOMPARE(deskStrip->model()->rowCount(), 2);
        QCOMPARE(deskStrip->currentIndex().row(), 1);
        QCOMPARE(desk.pageView()->image(), controller.pages()->page(1).result);
        QCOMPARE(touch.pageView()->image(), controller.pages()->page(1).result);
    }

private:
    static QImage VirtualA4()
    {
        return imaging::renderA4Page(600, 7);
    }
};

QTEST_MAIN(TestCapture)
#include "tst_capturewidget.moc"
