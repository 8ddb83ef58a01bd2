// The capture controller without a window: device wiring against the real virtual camera and
// scanner plugins, the commands it enables, the shoot command by id and by foot pedal, the
// photo rotation setting, crop and export.

#include "../../gui/virtualdevices.h"
#include <ui/capturecontroller.h>

#include <app/aspects.h>
#include <app/commands.h>
#include <app/settingspage.h>
#include <devices/devicemanager.h>
#include <devices/documentcamera.h>
#include <devices/scanner.h>
#include <imaging/output.h>
#include <imaging/synthetic.h>

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace hall;
using ui::CaptureController;

namespace {

class FakePedal : public QObject
{
    Q_OBJECT
Q_SIGNALS:
    void pedalPressed(const QString &jobId);
};

QImage photo(quint32 seed)
{
    imaging::SyntheticSpec spec;
    spec.frame = {1200, 900};
    spec.seed = seed;
    return imaging::photographPage(spec).image;
}

} // namespace

class TestCaptureController : public QObject
{
    Q_OBJECT

    test::VirtualDevices m_devices;

    template<typename T>
    T *device(const QString &role, const QVariantMap &options) { return m_devices.device<T>(role, options); }

    devices::DocumentCamera *camera()
    {
        return device<devices::DocumentCamera>(QStringLiteral("camera"),
            {{QStringLiteral("delayMs"), 10}, {QStringLiteral("resolution"), QStringLiteral("1600x1200")}});
    }

    static bool enabled(const CaptureController &c, const char *id) { return c.action(id)->isEnabled(); }

private Q_SLOTS:
    void cleanup()
    {
        m_devices.reset();
    }

    void theShootCommandIsEnabledOnlyWhenItCanWork()
    {
        CaptureController c;
        QVERIFY2(!enabled(c, CaptureController::Shoot), "no device: nothing to shoot with");
        devices::DocumentCamera *cam = camera();
        QVERIFY(cam);
        c.setCamera(cam);
        QVERIFY(enabled(c, CaptureController::Shoot));
        c.shoot();
        QVERIFY(c.isBusy());
        QVERIFY2(!enabled(c, CaptureController::Shoot), "one job at a time");
        QTRY_COMPARE_WITH_TIMEOUT(c.pages()->count(), 1, 10000);
        QTRY_VERIFY(!c.isBusy());
        QVERIFY(enabled(c, CaptureController::Shoot));
        QVERIFY2(c.isLive() && c.currentPage() == 0, "the new photo is current, the preview stays");
        QVERIFY2(!enabled(c, CaptureController::Crop), "page tools wait until a page is shown");
        c.selectPage(0);
        QVERIFY(enabled(c, CaptureController::Crop));
        c.beginCrop();
        QVERIFY2(!enabled(c, CaptureController::Shoot), "no photo while cropping");
        QVERIFY(enabled(c, CaptureController::ApplyCrop));
        c.cancelCrop();
        QVERIFY(enabled(c, CaptureController::Shoot));
    }

    void photoRotationIsATypedSettingThatTurnsNewPhotos()
    {
        QTemporaryDir dir;
        app::SettingsStore store(dir.filePath(QStringLiteral("settings.ini")));
        store.setValue(QStringLiteral("capture/photoRotation"), 270); // as an earlier hall-capture stored it
        CaptureController c;
        c.settings()->bind(&store);
        QCOMPARE(c.photoRotation(), 270);
        QSignalSpy changed(&c, &CaptureController::photoRotationChanged);
        c.setPhotoRotation(-270); // any multiple of 90, normalised
        QCOMPARE(c.photoRotation(), 90);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(app::SettingsStore(store.fileName()).value(QStringLiteral("capture/photoRotation")).toInt(), 90);
        QString error;
        QVERIFY(!c.settings()->photoRotation.setVariant(45, &error));
        QCOMPARE(c.photoRotation(), 90);

        c.setCamera(camera());
        c.shoot();
        QTRY_COMPARE_WITH_TIMEOUT(c.pages()->count(), 1, 10000);
        QCOMPARE(c.pages()->page(0).edit.rotation, 90);
    }

    void theCaptureSettingsPageSetsRotationAndAutoCrop()
    {
        CaptureController c;
        std::unique_ptr<app::SettingsPage> page(c.settings()->createPage());
        auto *turn = qobject_cast<QComboBox *>(page->editor(QStringLiteral("photoRotation")));
        auto *autoCrop = qobject_cast<QCheckBox *>(page->editor(QStringLiteral("autoCrop")));
        QVERIFY(turn && autoCrop);
        QCOMPARE(turn->count(), 4);
        QVERIFY(autoCrop->isChecked());
        turn->setCurrentIndex(turn->findData(180));
        autoCrop->setChecked(false);
        QCOMPARE(c.photoRotation(), 0); // nothing before apply
        QVERIFY(page->apply());
        QCOMPARE(c.photoRotation(), 180);
        QVERIFY(!c.autoCrop());
    }

    void theShootCommandRunsByIdAndByItsRemappedKey()
    {
        app::Commands commands;
        commands.setKeymap({{QStringLiteral("capture.shoot"), QKeySequence(Qt::Key_F9)}});
        CaptureController c;
        c.registerCommands(&commands);
        c.setCamera(camera());
        app::Command *shoot = commands.command(QLatin1String(CaptureController::Shoot));
        QVERIFY(shoot);
        QCOMPARE(shoot->defaultKey(), QKeySequence(Qt::Key_F12));
        QCOMPARE(shoot->key(), QKeySequence(Qt::Key_F9));
        QVERIFY2(!commands.trigger(QLatin1String(CaptureController::Shoot)), "not in front: its context is not active");
        commands.setContextActive(c.context(), true);
        QVERIFY(commands.trigger(QLatin1String(CaptureController::Shoot)));
        QTRY_COMPARE_WITH_TIMEOUT(c.pages()->count(), 1, 10000);
    }

    void theShootCommandScansWhenTheScannerIsTheSource()
    {
        app::Commands commands;
        CaptureController c;
        c.registerCommands(&commands);
        commands.setContextActive(c.context(), true);
        c.setScanner(device<devices::Scanner>(QStringLiteral("docscanner"), {{QStringLiteral("pages"), 3}, {QStringLiteral("delayMs"), 20}}));
        QCOMPARE(c.source(), CaptureController::Source::Scanner);
        QVERIFY(c.scanSources().contains(devices::ScanSettings::Source::Adf));
        c.setScanSource(devices::ScanSettings::Source::Adf);
        QSignalSpy messages(&c, &CaptureController::message);
        QVERIFY(commands.trigger(QLatin1String(CaptureController::Shoot)));
        QVERIFY(enabled(c, CaptureController::CancelScan));
        QTRY_COMPARE_WITH_TIMEOUT(c.pages()->count(), 3, 10000);
        QTRY_VERIFY(!c.isBusy());
        QVERIFY(!enabled(c, CaptureController::CancelScan));
        QCOMPARE(c.currentPage(), 2);
        QVERIFY(!c.isLive());
        QCOMPARE(imaging::dpiOf(c.pages()->page(0).result), 300);
        QVERIFY2(messages.last().at(0).toString().contains(QLatin1String("3")), qPrintable(messages.last().at(0).toString()));
    }

    void aPedalPhotoGoesToTheMaterialInFrontOnly()
    {
        devices::DocumentCamera *cam = camera();
        QVERIFY(cam);
        app::Commands commands;
        CaptureController front;
        CaptureController behind;
        front.registerCommands(&commands);
        behind.registerCommands(&commands);
        front.setCamera(cam);
        behind.setCamera(cam);
        FakePedal pedal; // the camera driver's pedal signal; its photo comes as captured("pedal-N")
        QString error;
        QVERIFY2(commands.bindHardwareKey(&pedal, "pedalPressed", QLatin1String(CaptureController::Shoot), &error), qPrintable(error));
        QSignalSpy stills(cam, &devices::DocumentCamera::captured);

        commands.setContextActive(front.context(), true);
        Q_EMIT pedal.pedalPressed(QStringLiteral("pedal-1"));
        QVERIFY2(stills.isEmpty() && !front.isBusy(), "the pedal's still is the camera's own; no second photo is asked for");
        Q_EMIT cam->captured(QStringLiteral("pedal-1"), photo(1));
        QTRY_COMPARE_WITH_TIMEOUT(front.pages()->count(), 1, 10000);
        QCOMPARE(behind.pages()->count(), 0);

        commands.setContextActive(front.context(), false);
        Q_EMIT pedal.pedalPressed(QStringLiteral("pedal-2"));
        Q_EMIT cam->captured(QStringLiteral("pedal-2"), photo(2));
        QTest::qWait(300);
        QCOMPARE(front.pages()->count(), 1);
        QVERIFY2(behind.pages()->count() == 0, "no material in front: the pedal photo is dropped");
    }

    void aCropIsAppliedWithoutAView()
    {
        CaptureController c;
        c.pages()->addScan(imaging::renderA4Page(600, 3), false);
        c.selectPage(0);
        c.beginCrop();
        QVERIFY(c.isCropping());
        QCOMPARE(c.cropRow(), 0);
        QVERIFY(!c.cropStart().has_value());
        const QSize size = c.pages()->page(0).original.size();
        c.setCropQuad({QPointF(0, size.height() / 2.0), QPointF(size.width() - 1, size.height() / 2.0),
                       QPointF(size.width() - 1, size.height() - 1), QPointF(0, size.height() - 1)});
        c.applyCrop();
        QVERIFY(!c.isCropping());
        QVERIFY(c.pages()->page(0).edit.crop.has_value());
        const QImage result = c.pages()->page(0).result;
        QVERIFY2(result.height() < size.height() * 0.6, qPrintable(QString::number(result.height())));
    }

    void pagesMoveAndDeleteThroughTheirCommands()
    {
        CaptureController c;
        for (QRgb colour : {qRgb(255, 0, 0), qRgb(0, 255, 0), qRgb(0, 0, 255)}) {
            QImage page(100, 140, QImage::Format_RGB32);
            page.fill(colour);
            c.pages()->addScan(page, false);
        }
        c.selectPage(2);
        QVERIFY(!enabled(c, CaptureController::MoveLater));
        c.action(CaptureController::MoveEarlier)->trigger();
        QCOMPARE(c.currentPage(), 1);
        QCOMPARE(c.pages()->page(1).original.pixel(0, 0), qRgb(0, 0, 255));
        c.action(CaptureController::DeletePage)->trigger();
        QCOMPARE(c.pages()->count(), 2);
        QCOMPARE(c.currentPage(), 1);
        QCOMPARE(c.pages()->page(1).original.pixel(0, 0), qRgb(0, 255, 0));
        QByteArray pdf;
        QString error;
        QVERIFY2(c.exportPdf(&pdf, &error), qPrintable(error));
        QVERIFY(pdf.startsWith("%PDF"));
    }
};

QTEST_MAIN(TestCaptureController)
#include "tst_capturecontroller.moc"
