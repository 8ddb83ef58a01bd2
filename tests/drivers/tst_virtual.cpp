// The virtual driver: the simulator the demo and GUI tests rely on must behave like a reader.

#include <devices/callerbus.h>
#include <devices/codescanner.h>
#include <devices/documentcamera.h>
#include <devices/ticketprinter.h>
#include <devices/tickettemplate.h>
#include <devices/devicemanager.h>
#include <devices/windowscreen.h>
#include <devices/idcard.h>
#include <devices/samplecards.h>

#include <imaging/pageprocessing.h>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace hall::devices;

class TestVirtual : public QObject
{
    Q_OBJECT

    std::unique_ptr<PluginLoader> m_loader;
    std::unique_ptr<DeviceManager> m_manager;

    DocumentCamera *camera(const QVariantMap &options)
    {
        m_manager.reset();
        m_loader = std::make_unique<PluginLoader>();
        m_manager = std::make_unique<DeviceManager>(m_loader.get());
        QString error;
        if (!m_manager->add({QStringLiteral("camera"), QStringLiteral("virtual"), {}, options}, &error))
            qWarning() << error;
        auto *c = m_manager->device<DocumentCamera>(QStringLiteral("camera"));
        if (c)
            (void)QTest::qWaitFor([c] { return c->state() == Device::State::Ready; }, 5000);
        return c;
    }

    struct Shot
    {
        QImage image;
        bool failed = false;
        Device::Error error = Device::Error::NoError;
        QString message;
    };

    // One capture through a queued call, as the UI makes it.
    Shot shoot(DocumentCamera *c, const QString &jobId, int timeoutMs = 30000)
    {
        auto shot = std::make_shared<Shot>();
        auto done = std::make_shared<bool>(false);
        QObject context;
        connect(c, &DocumentCamera::captured, &context, [=](const QString &job, const QImage &image) {
            if (job == jobId) {
                shot->image = image;
                *done = true;
            }
        });
        connect(c, &DocumentCamera::captureFailed, &context, [=](const QString &job, Device::Error e, const QString &message) {
            if (job == jobId) {
                shot->failed = true;
                shot->error = e;
                shot->message = message;
                *done = true;
            }
        });
        QMetaObject::invokeMethod(c, [c, jobId] { c->capture(jobId); }, Qt::QueuedConnection);
        if (!QTest::qWaitFor([done] { return *done; }, timeoutMs))
            qWarning() << "capture" << jobId << "did not end within" << timeoutMs << "ms";
        return *shot;
    }

    IdCardReader *reader(const QVariantMap &options)
    {
        m_loader = std::make_unique<PluginLoader>();
        m_manager = std::make_unique<DeviceManager>(m_loader.get());
        QString error;
        if (!m_manager->add({QStringLiteral("idcard"), QStringLiteral("virtual"), {}, options}, &error))
            qWarning() << error;
        auto *r = m_manager->device<IdCardReader>(QStringLiteral("idcard"));
        if (r)
            (void)QTest::qWaitFor([r] { return r->state() == Device::State::Ready; }, 2000);
        return r;
    }

private Q_SLOTS:
    void cleanup()
    {
        m_manager.reset();
    }

    void readsTheConfiguredCard_data()
    {
        QTest::addColumn<QString>("card");
        QTest::addColumn<int>("type");
        QTest::newRow("resident") << "resident" << int(IdCard::Type::Resident);
        QTest::newRow("J") << "J" << int(IdCard::Type::HkMacauTaiwan);
        QTest::newRow("I") << "I" << int(IdCard::Type::ForeignPermanent);
    }

    void readsTheConfiguredCard()
    {
        QFETCH(QString, card);
        QFETCH(int, type);
        auto *r = reader({{QStringLiteral("card"), card}, {QStringLiteral("delayMs"), 50}});
        QVERIFY(r);
        QSignalSpy got(r, &IdCardReader::cardRead);
        QMetaObject::invokeMethod(r, [r] { r->readCard(false); }, Qt::QueuedConnection);
        QTRY_COMPARE(got.size(), 1);
        const IdCard c = got.first().first().value<IdCard>();
        QCOMPARE(int(c.type), type);
        QCOMPARE(c.idNumber, sampleCard(IdCard::Type(type)).idNumber);
        QVERIFY(c.fingerprint.isEmpty()); // not asked for
    }

    void failuresCanBeScripted()
    {
        auto *r = reader({{QStringLiteral("delayMs"), 20}, {QStringLiteral("failEvery"), 2}});
        QSignalSpy got(r, &IdCardReader::cardRead);
        QSignalSpy failed(r, &Device::errorOccurred);
        for (int i = 0; i < 4; ++i) {
            QMetaObject::invokeMethod(r, [r] { r->readCard(false); }, Qt::QueuedConnection);
            QTRY_COMPARE(got.size() + failed.size(), i + 1);
            QTRY_COMPARE(r->state(), Device::State::Ready);
        }
        QCOMPARE(got.size(), 2);
        QCOMPARE(failed.size(), 2);
        QMetaObject::invokeMethod(r, "failNext", Qt::QueuedConnection, Q_ARG(QString, QStringLiteral("读卡失败（测试）")));
        QMetaObject::invokeMethod(r, [r] { r->readCard(false); }, Qt::QueuedConnection);
        QTRY_COMPARE(failed.size(), 3);
        QCOMPARE(failed.last().at(1).toString(), QStringLiteral("读卡失败（测试）"));
    }

    void autoReadReadsEachPlacedCardOnce()
    {
        auto *r = reader({{QStringLiteral("delayMs"), 20}, {QStringLiteral("card"), QStringLiteral("none")}});
        QSignalSpy got(r, &IdCardReader::cardRead);
        QMetaObject::invokeMethod(r, [r] { r->setAutoRead(true, 30); }, Qt::QueuedConnection);
        QTest::qWait(150);
        QCOMPARE(got.size(), 0);
        QMetaObject::invokeMethod(r, "placeCard", Qt::QueuedConnection, Q_ARG(QString, QStringLiteral("I")));
        QTRY_COMPARE(got.size(), 1);
        QTest::qWait(200);
        QCOMPARE(got.size(), 1);
    }

    void callerBusSimulatesKeysAndDisplays()
    {
        m_loader = std::make_unique<PluginLoader>();
        m_manager = std::make_unique<DeviceManager>(m_loader.get());
        QString error;
        QVERIFY2(m_manager->add({QStringLiteral("callerbus"), QStringLiteral("virtual"), {}, {}}, &error), qPrintable(error));
        auto *bus = m_manager->device<CallerBus>(QStringLiteral("callerbus"));
        QTRY_COMPARE(bus->state(), Device::State::Ready);
        QSignalSpy keys(bus, &CallerBus::keyPressed);
        bool ok = false;
        QMetaObject::invokeMethod(bus, "press", Qt::BlockingQueuedConnection, Q_RETURN_ARG(bool, ok), Q_ARG(int, 3),
                                  Q_ARG(QString, QStringLiteral("special-call")), Q_ARG(QString, QStringLiteral("12")));
        QVERIFY(ok);
        QMetaObject::invokeMethod(bus, "rate", Qt::BlockingQueuedConnection, Q_ARG(int, 3), Q_ARG(int, 5));
        QTRY_COMPARE(keys.size(), 2);
        const CallerEvent press = keys.at(0).first().value<CallerEvent>();
        QCOMPARE(press.address, 3);
        QCOMPARE(press.key, CallerEvent::Key::SpecialCall);
        QCOMPARE(press.argument, QStringLiteral("12"));
        QCOMPARE(keys.at(1).first().value<CallerEvent>().rating, 5);
        QMetaObject::invokeMethod(bus, [bus] { bus->show(3, CallerDisplay{QStringLiteral("A012"), 7, true}); }, Qt::BlockingQueuedConnection);
        QString shown;
        QMetaObject::invokeMethod(bus, "display", Qt::BlockingQueuedConnection, Q_RETURN_ARG(QString, shown), Q_ARG(int, 3));
        QCOMPARE(shown, QStringLiteral("A012 (7)"));
        QMetaObject::invokeMethod(bus, "press", Qt::BlockingQueuedConnection, Q_RETURN_ARG(bool, ok), Q_ARG(int, 3),
                                  Q_ARG(QString, QStringLiteral("coffee")), Q_ARG(QString, QString()));
        QVERIFY(!ok);
    }

    void screenShowsTheStandardWords()
    {
        m_loader = std::make_unique<PluginLoader>();
        m_manager = std::make_unique<DeviceManager>(m_loader.get());
        QString error;
        QVERIFY2(m_manager->add({QStringLiteral("screen"), QStringLiteral("virtual"), {}, {}}, &error), qPrintable(error));
        auto *screen = m_manager->device<WindowScreen>(QStringLiteral("screen"));
        QTRY_COMPARE(screen->state(), Device::State::Ready);
        auto text = [screen](int address) {
            QString t;
            QMetaObject::invokeMethod(screen, "text", Qt::BlockingQueuedConnection, Q_RETURN_ARG(QString, t), Q_ARG(int, address));
            return t;
        };
        QMetaObject::invokeMethod(screen, [screen] {
            ScreenContent c;
            c.mode = ScreenContent::Mode::Serving;
            c.number = QStringLiteral("A023");
            screen->show(3, c);
            c.mode = ScreenContent::Mode::Paused;
            screen->show(4, c);
        }, Qt::BlockingQueuedConnection);
        QCOMPARE(text(3), QStringLiteral("请A023到3号窗口"));
        QCOMPARE(text(4), QStringLiteral("暂停服务"));
    }

    void scannerDeliversOneEventPerScan()
    {
        m_loader = std::make_unique<PluginLoader>();
        m_manager = std::make_unique<DeviceManager>(m_loader.get());
        QString error;
        QVERIFY2(m_manager->add({QStringLiteral("scanner"), QStringLiteral("virtual"), {}, {}}, &error), qPrintable(error));
        auto *scanner = m_manager->device<CodeScanner>(QStringLiteral("scanner"));
        QTRY_COMPARE(scanner->state(), Device::State::Ready);
        QSignalSpy plain(scanner, &CodeScanner::scanned);
        QSignalSpy withAim(scanner, &CodeScanner::scannedWithSymbology);
        QMetaObject::invokeMethod(scanner, "scan", Qt::QueuedConnection, Q_ARG(QString, QStringLiteral("YY0001")), Q_ARG(QString, QStringLiteral("]Q1")));
        QTRY_COMPARE(plain.size(), 1);
        QCOMPARE(withAim.size(), 1);
        QCOMPARE(withAim.first().at(1).toString(), QStringLiteral("]Q1"));
    }

    void printerPrintsOnlyWithPaper()
    {
        m_loader = std::make_unique<PluginLoader>();
        m_manager = std::make_unique<DeviceManager>(m_loader.get());
        QString error;
        QVERIFY2(m_manager->add({QStringLiteral("printer"), QStringLiteral("virtual"), {}, {{QStringLiteral("delayMs"), 10}}}, &error), qPrintable(error));
        auto *printer = m_manager->device<TicketPrinter>(QStringLiteral("printer"));
        QTRY_COMPARE(printer->state(), Device::State::Ready);
        TicketFields f;
        f.hall = QStringLiteral("汕尾市政务服务中心");
        f.number = QStringLiteral("A023");
        f.business = QStringLiteral("户籍业务");
        f.ahead = 5;
        f.time = QDateTime(QDate(2026, 11, 23), QTime(9, 5));
        f.qr = QStringLiteral("https://hall.example/q/A023");
        TicketTemplate tpl;
        QVERIFY2(tpl.parse(TicketTemplate::defaultText(), &error), qPrintable(error));
        const PrintJob job = tpl.render(f);
        QSignalSpy ok(printer, &TicketPrinter::printed);
        QSignalSpy failed(printer, &TicketPrinter::printFailed);
        QMetaObject::invokeMethod(printer, [printer, job] { printer->print(job); }, Qt::QueuedConnection);
        QTRY_COMPARE(ok.size(), 1);
        QStringList text;
        QMetaObject::invokeMethod(printer, "printedText", Qt::BlockingQueuedConnection, Q_RETURN_ARG(QStringList, text));
        QVERIFY2(text.join(u'\n').contains(QLatin1String("A023")) && text.contains(QStringLiteral("[QR] https://hall.example/q/A023")),
                 qPrintable(text.join(u'|')));
        bool set = false;
        QMetaObject::invokeMethod(printer, "setPaper", Qt::BlockingQueuedConnection, Q_RETURN_ARG(bool, set), Q_ARG(QString, QStringLiteral("out")));
        QVERIFY(set);
        QMetaObject::invokeMethod(printer, [printer, job] { printer->print(job); }, Qt::QueuedConnection);
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(ok.size(), 1); // no ticket counted as printed without paper
    }

    // ---- the document camera ----

    void cameraPreviewLooksLive()
    {
        auto *c = camera({{QStringLiteral("resolution"), QStringLiteral("1600x1200")}});
        QVERIFY(c);
        QVERIFY2(c->state() == Device::State::Ready, qPrintable(c->errorString()));
        QList<QImage> frames;
        QSignalSpy started(c, &DocumentCamera::previewStarted);
        QSignalSpy stopped(c, &DocumentCamera::previewStopped);
        connect(c, &DocumentCamera::previewFrame, this, [&frames](const QImage &f) { frames.append(f); });
        QMetaObject::invokeMethod(c, &DocumentCamera::startPreview, Qt::QueuedConnection);
        QTRY_COMPARE(started.size(), 1);
        QTRY_VERIFY(!frames.isEmpty());
        const qsizetype first = frames.size();
        QElapsedTimer t;
        t.start();
        QTest::qWait(2000);
        const double fps = (frames.size() - first) * 1000.0 / t.elapsed();
        qInfo("virtual camera preview: %.1f frames/s", fps);
        QVERIFY2(fps >= 8 && fps <= 16, qPrintable(QString::number(fps)));
        QCOMPARE(frames.last().size(), QSize(800, 600));
        QVERIFY2(frames.at(frames.size() - 1) != frames.at(frames.size() - 2), "consecutive preview frames must differ");
        // Another page under the camera: the picture changes, not just flickers.
        auto meanDifference = [](const QImage &a, const QImage &b) {
            const QImage x = a.convertToFormat(QImage::Format_Grayscale8), y = b.convertToFormat(QImage::Format_Grayscale8);
            qint64 sum = 0;
            for (int row = 0; row < x.height(); ++row) {
                const uchar *p = x.constScanLine(row), *q = y.constScanLine(row);
                for (int col = 0; col < x.width(); ++col)
                    sum += std::abs(int(p[col]) - int(q[col]));
            }
            return double(sum) / (x.width() * x.height());
        };
        const QImage before = frames.last();
        const double flicker = meanDifference(frames.at(frames.size() - 2), before);
        QMetaObject::invokeMethod(c, "nextPage", Qt::QueuedConnection);
        const qsizetype count = frames.size();
        QTRY_VERIFY(frames.size() > count + 2);
        const double change = meanDifference(before, frames.last());
        QVERIFY2(change > 4 * flicker && change > 5, qPrintable(QStringLiteral("page change %1, flicker %2").arg(change).arg(flicker)));
        QMetaObject::invokeMethod(c, &DocumentCamera::stopPreview, Qt::QueuedConnection);
        QTRY_COMPARE(stopped.size(), 1);
        const qsizetype after = frames.size();
        QTest::qWait(300);
        QVERIFY(frames.size() <= after + 1); // at most one already queued
    }

    // A consumer that falls behind (the UI thread busy with a 13 MP photo) is told of new
    // frames once, whatever the rate, and then takes the newest: no backlog of stale frames.
    void cameraPreviewWaitsForItsTakerWithOneFrame()
    {
        auto *c = camera({{QStringLiteral("resolution"), QStringLiteral("1600x1200")}, {QStringLiteral("previewFps"), 30}});
        QVERIFY(c);
        QVERIFY2(c->state() == Device::State::Ready, qPrintable(c->errorString()));
        QCOMPARE(c->takePreviewFrame(), QImage()); // none yet
        QObject context;
        int ready = 0;
        QList<QImage> frames; // every frame published, in order
        connect(c, &DocumentCamera::previewFrameReady, &context, [&ready] { ++ready; });
        connect(c, &DocumentCamera::previewFrame, &context, [&frames](const QImage &f) { frames.append(f); });
        QSignalSpy started(c, &DocumentCamera::previewStarted);
        QSignalSpy stopped(c, &DocumentCamera::previewStopped);
        QMetaObject::invokeMethod(c, &DocumentCamera::startPreview, Qt::QueuedConnection);
        QTRY_COMPARE(started.size(), 1);
        // Nobody takes: many frames, one notification.
        QTRY_VERIFY(frames.size() >= 10);
        QCOMPARE(ready, 1);
        QMetaObject::invokeMethod(c, &DocumentCamera::stopPreview, Qt::QueuedConnection);
        QTRY_COMPARE(stopped.size(), 1);
        QTest::qWait(100); // frames already queued to this thread arrive
        QCOMPARE(ready, 1);
        // The newest frame itself (its pixels repeat every nine frames: compared as the same
        // image data), not the first one it told of.
        const QImage taken = c->takePreviewFrame();
        QCOMPARE(taken.cacheKey(), frames.last().cacheKey());
        QVERIFY(taken.cacheKey() != frames.first().cacheKey());
        QCOMPARE(c->takePreviewFrame().cacheKey(), taken.cacheKey()); // taking again: the same, and no new notice
        QTest::qWait(100);
        QCOMPARE(ready, 1);

        // Taken: the next frame is told of again, once.
        const qsizetype before = frames.size();
        QMetaObject::invokeMethod(c, &DocumentCamera::startPreview, Qt::QueuedConnection);
        QTRY_COMPARE(ready, 2);
        QTRY_VERIFY(frames.size() >= before + 5);
        QCOMPARE(ready, 2);
        QMetaObject::invokeMethod(c, &DocumentCamera::stopPreview, Qt::QueuedConnection);
        QTRY_COMPARE(stopped.size(), 2);
        QTest::qWait(100);
        QCOMPARE(c->takePreviewFrame().cacheKey(), frames.last().cacheKey());
        QCOMPARE(ready, 2);
    }

    void cameraStillIsTheLargestByDefaultWithTheTrueDpi()
    {
        auto *c = camera({{QStringLiteral("delayMs"), 20}});
        QVERIFY(c);
        const QList<QSize> sizes = c->resolutions();
        QCOMPARE(sizes.size(), 4);
        QCOMPARE(sizes.first(), QSize(4160, 3120));
        for (qsizetype i = 1; i < sizes.size(); ++i)
            QVERIFY(qint64(sizes.at(i).width()) * sizes.at(i).height() < qint64(sizes.at(i - 1).width()) * sizes.at(i - 1).height());
        QElapsedTimer t;
        t.start();
        const Shot shot = shoot(c, QStringLiteral("cam-1"));
        qInfo("first 13 MP still after %lld ms (made ahead since the camera opened)", t.elapsed());
        QVERIFY2(!shot.failed, qPrintable(shot.message));
        QCOMPARE(shot.image.size(), QSize(4160, 3120));
        const double dpi = shot.image.dotsPerMeterX() * 0.0254;
        QCOMPARE(shot.image.dotsPerMeterX(), shot.image.dotsPerMeterY());
        QVERIFY2(dpi > 300 && dpi < 340, qPrintable(QString::number(dpi)));
        t.restart();
        const Shot again = shoot(c, QStringLiteral("cam-2"));
        qInfo("second 13 MP still of the same page after %lld ms", t.elapsed());
        QVERIFY(!again.failed);
        QCOMPARE(again.image, shot.image);
    }

    void cameraStillOfAnA4PageCarriesItsTrueDpi()
    {
        // The page found in the still, measured in pixels, over 297 mm: the dpi the still claims.
        auto *c = camera({{QStringLiteral("delayMs"), 20}, {QStringLiteral("resolution"), QStringLiteral("1600x1200")}, {QStringLiteral("page"), 2}});
        QVERIFY(c);
        QVERIFY2(c->state() == Device::State::Ready, qPrintable(c->errorString()));
        const Shot shot = shoot(c, QStringLiteral("cam-dpi"));
        QVERIFY2(!shot.failed, qPrintable(shot.message));
        QCOMPARE(shot.image.size(), QSize(1600, 1200));
        const std::optional<hall::imaging::Quad> page = hall::imaging::findPage(shot.image);
        QVERIFY(page);
        auto length = [](QPointF a, QPointF b) { return std::hypot(a.x() - b.x(), a.y() - b.y()); };
        const hall::imaging::Quad &q = *page;
        const double side1 = (length(q[0], q[1]) + length(q[2], q[3])) / 2, side2 = (length(q[1], q[2]) + length(q[3], q[0])) / 2;
        const double measured = std::max(side1, side2) / (297 / 25.4);
        const double claimed = shot.image.dotsPerMeterX() * 0.0254;
        qInfo("page measured at %.1f dpi, still says %.1f dpi", measured, claimed);
        QVERIFY2(std::abs(measured - claimed) / claimed < 0.02, qPrintable(QStringLiteral("%1 vs %2").arg(measured).arg(claimed)));
    }

    void cameraRefusesAnUnknownResolution()
    {
        auto *c = camera({{QStringLiteral("delayMs"), 20}, {QStringLiteral("resolution"), QStringLiteral("1600x1200")}});
        QVERIFY(c);
        QSignalSpy errors(c, &Device::errorOccurred);
        QMetaObject::invokeMethod(c, [c] { c->setStillResolution(QSize(1920, 1080)); }, Qt::QueuedConnection);
        QTRY_COMPARE(errors.size(), 1);
        QCOMPARE(errors.first().at(0).value<Device::Error>(), Device::Error::Configuration);
        QVERIFY2(errors.first().at(1).toString().contains(QStringLiteral("1920×1080")), qPrintable(errors.first().at(1).toString()));
        Shot shot = shoot(c, QStringLiteral("cam-kept"));
        QVERIFY(!shot.failed);
        QCOMPARE(shot.image.size(), QSize(1600, 1200)); // the earlier choice stands
        QMetaObject::invokeMethod(c, [c] { c->setStillResolution(QSize(2592, 1944)); }, Qt::QueuedConnection);
        shot = shoot(c, QStringLiteral("cam-changed"));
        QVERIFY(!shot.failed);
        QCOMPARE(shot.image.size(), QSize(2592, 1944));
        QCOMPARE(qRound(shot.image.dotsPerMeterX() * 0.0254), qRound(2592 / (330 / 25.4)));
        QCOMPARE(errors.size(), 1);

        // A bad resolution in the configuration: the camera does not open at all.
        c = camera({{QStringLiteral("resolution"), QStringLiteral("640x480")}});
        QVERIFY(c);
        QTRY_COMPARE(c->state(), Device::State::Failed);
        QCOMPARE(c->error(), Device::Error::Configuration);
    }

    void cameraFailuresCanBeScripted()
    {
        auto *c = camera({{QStringLiteral("delayMs"), 20}, {QStringLiteral("resolution"), QStringLiteral("1600x1200")}});
        QVERIFY(c);
        QMetaObject::invokeMethod(c, "failNext", Qt::QueuedConnection, Q_ARG(QString, QStringLiteral("镜头被遮挡（测试）")));
        const Shot failed = shoot(c, QStringLiteral("cam-fail"));
        QVERIFY(failed.failed);
        QCOMPARE(failed.error, Device::Error::DeviceReported);
        QCOMPARE(failed.message, QStringLiteral("镜头被遮挡（测试）"));
        QTRY_COMPARE(c->state(), Device::State::Ready);
        const Shot next = shoot(c, QStringLiteral("cam-ok"));
        QVERIFY2(!next.failed, qPrintable(next.message));
        QCOMPARE(next.image.size(), QSize(1600, 1200));
    }

    void cameraCapturesInOrderAndEachPageDiffers()
    {
        auto *c = camera({{QStringLiteral("delayMs"), 10}, {QStringLiteral("resolution"), QStringLiteral("1600x1200")}});
        QVERIFY(c);
        QStringList order;
        QList<QImage> images;
        connect(c, &DocumentCamera::captured, this, [&](const QString &job, const QImage &image) {
            order.append(job);
            images.append(image);
        });
        QMetaObject::invokeMethod(c, [c] {
            c->capture(QStringLiteral("a"));
            c->capture(QStringLiteral("b"));
            QMetaObject::invokeMethod(c, "placePage", Q_ARG(int, 5));
            c->capture(QStringLiteral("c"));
        }, Qt::QueuedConnection);
        QTRY_COMPARE_WITH_TIMEOUT(order.size(), 3, 30000);
        QCOMPARE(order, (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
        QCOMPARE(images.at(0), images.at(1));
        QVERIFY(images.at(2) != images.at(0)); // page 5 was under the camera for the last one
        QTRY_COMPARE(c->state(), Device::State::Ready);
    }
};

// A QGuiApplication: the simulated camera draws its pages with fonts.
QTEST_MAIN(TestVirtual)
#include "tst_virtual.moc"
