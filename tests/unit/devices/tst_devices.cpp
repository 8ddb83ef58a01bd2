// The Device base and the DeviceManager against a backend the test drives (FakeDevice), and
// the table of device classes the plugin loader resolves roles with.

#include "fakedevice.h"

#include <devices/callerbus.h>
#include <devices/codescanner.h>
#include <devices/deviceclass.h>
#include <devices/devicemanager.h>
#include <devices/documentcamera.h>
#include <devices/idcard.h>
#include <devices/pluginloader.h>
#include <devices/scanner.h>
#include <devices/ticketprinter.h>
#include <devices/windowscreen.h>

#include <QLoggingCategory>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace hall::devices;
using hall::devices::test::FakeDevice;

namespace {

QList<Device::State> states(const QSignalSpy &spy)
{
    QList<Device::State> out;
    for (const QList<QVariant> &args : spy)
        out.append(args.at(0).value<Device::State>());
    return out;
}

DeviceConfig fakeConfig(QVariantMap options = {})
{
    options.insert(QStringLiteral("reconnectMs"), options.value(QStringLiteral("reconnectMs"), 20));
    return {QStringLiteral("gadget"), QStringLiteral("test-fake"), QStringLiteral("fake:0"), options};
}

} // namespace

class TestDevices : public QObject
{
    Q_OBJECT

    static QStringList pluginPaths() { return {QCoreApplication::applicationDirPath() + QStringLiteral("/unit-plugins")}; }

    // Waits until the manager's status of `role` satisfies `done`.
    static bool waitStatus(DeviceManager &m, const std::function<bool(const DeviceStatus &)> &done, int ms = 3000)
    {
        return QTest::qWaitFor([&] {
            const QList<DeviceStatus> all = m.status();
            return !all.isEmpty() && done(all.first());
        }, ms);
    }
    static QString describe(DeviceManager &m)
    {
        const QList<DeviceStatus> all = m.status();
        if (all.isEmpty())
            return QStringLiteral("no device");
        return stateName(all.first().state) + u' ' + errorName(all.first().error) + QStringLiteral(": ") + all.first().message;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Every error is logged as a warning; the churn test makes forty thousand of them.
        QLoggingCategory::setFilterRules(QStringLiteral("hall.devices.warning=false"));
        QString error;
        const DeviceClass gadget{QStringLiteral("FakeGadget"), {QStringLiteral("gadget")}, DeviceClasses::iidOf<test::FakeGadgetFactory>(),
                                 &DeviceClasses::createWith<test::FakeGadgetFactory, &test::FakeGadgetFactory::createFakeGadget>,
                                 QT_TRANSLATE_NOOP("hall::devices::DeviceClass", "test gadget")};
        QVERIFY2(DeviceClasses::add(gadget, &error), qPrintable(error));
    }

    // ---- the device class table ----------------------------------------------------------

    void roleSelectsItsClass_data()
    {
        QTest::addColumn<QString>("role");
        QTest::addColumn<QString>("cls");
        QTest::newRow("idcard") << "idcard" << "IdCardReader";
        QTest::newRow("idcard-2") << "idcard-2" << "IdCardReader";
        QTest::newRow("printer") << "printer" << "TicketPrinter";
        QTest::newRow("callerbus") << "callerbus" << "CallerBus";
        QTest::newRow("caller-3") << "caller-3" << "CallerBus";
        QTest::newRow("screen-3") << "screen-3" << "WindowScreen";
        QTest::newRow("ledbar") << "ledbar" << "WindowScreen";
        QTest::newRow("scanner") << "scanner" << "CodeScanner";
        QTest::newRow("scanner-2") << "scanner-2" << "CodeScanner";
        QTest::newRow("scanner-doc wins over scanner") << "scanner-doc" << "Scanner";
        QTest::newRow("scanner-doc-2") << "scanner-doc-2" << "Scanner";
        QTest::newRow("docscanner") << "docscanner" << "Scanner";
        QTest::newRow("camera") << "camera" << "DocumentCamera";
        QTest::newRow("camera-left") << "camera-left" << "DocumentCamera";
        QTest::newRow("an added class") << "gadget-1" << "FakeGadget";
        QTest::newRow("unknown") << "coffee" << "";
        QTest::newRow("prefix must lead") << "my-idcard" << "";
    }

    void roleSelectsItsClass()
    {
        QFETCH(QString, role);
        QFETCH(QString, cls);
        QCOMPARE(PluginLoader::classForRole(role), cls);
    }

    void everyBuiltInClassHasItsFactory_data()
    {
        QTest::addColumn<QString>("cls");
        QTest::addColumn<QString>("iid");
        QTest::newRow("IdCardReader") << "IdCardReader" << HallIdCardReaderFactory_iid;
        QTest::newRow("TicketPrinter") << "TicketPrinter" << HallTicketPrinterFactory_iid;
        QTest::newRow("CallerBus") << "CallerBus" << HallCallerBusFactory_iid;
        QTest::newRow("WindowScreen") << "WindowScreen" << HallWindowScreenFactory_iid;
        QTest::newRow("CodeScanner") << "CodeScanner" << HallCodeScannerFactory_iid;
        QTest::newRow("Scanner") << "Scanner" << HallScannerFactory_iid;
        QTest::newRow("DocumentCamera") << "DocumentCamera" << HallDocumentCameraFactory_iid;
    }

    void everyBuiltInClassHasItsFactory()
    {
        QFETCH(QString, cls);
        QFETCH(QString, iid);
        const std::optional<DeviceClass> c = DeviceClasses::find(cls);
        QVERIFY2(c, qPrintable(cls + QStringLiteral(" is not in the table")));
        QCOMPARE(c->iid, iid);
        QVERIFY(c->create);
        QVERIFY2(!c->rolePrefixes.isEmpty(), "a class no role selects can only be reached through options.class");
        QVERIFY2(!c->text().isEmpty() && c->text() != c->name, qPrintable(c->text()));
        // A plugin object without the factory creates nothing (the loader reports the broken promise).
        QObject notAFactory;
        QVERIFY(!c->create(&notAFactory, {}));
    }

    void takenNamesAndPrefixesAreRefused()
    {
        QString error;
        auto create = &DeviceClasses::createWith<test::FakeGadgetFactory, &test::FakeGadgetFactory::createFakeGadget>;
        QVERIFY(!DeviceClasses::add({QStringLiteral("IdCardReader"), {QStringLiteral("reader")}, {}, create, nullptr}, &error));
        QVERIFY2(error.contains(QLatin1String("IdCardReader")), qPrintable(error));
        QVERIFY(!DeviceClasses::add({QStringLiteral("Other"), {QStringLiteral("scanner-doc")}, {}, create, nullptr}, &error));
        QVERIFY2(error.contains(QLatin1String("scanner-doc")) && error.contains(QLatin1String("Scanner")), qPrintable(error));
        QCOMPARE(PluginLoader::classForRole(QStringLiteral("scanner-doc")), QStringLiteral("Scanner"));
    }

    void unknownRoleMessageListsTheTable()
    {
        QList<DeviceConfig> out;
        QString error;
        QVERIFY(!DeviceManager::parseConfig(R"({"devices":[{"role":"toaster","driver":"a"}]})", &out, &error));
        for (const char *prefix : {"idcard", "printer", "callerbus", "screen", "scanner-doc", "scanner", "camera", "gadget"})
            QVERIFY2(error.contains(QLatin1String(prefix) + QStringLiteral("…")), qPrintable(error));
        // A class added to the table is a role the configuration accepts.
        out.clear();
        QVERIFY2(DeviceManager::parseConfig(R"({"devices":[{"role":"gadget-1","driver":"test-fake"}]})", &out, &error), qPrintable(error));
    }

    // ---- Device: state, errors, reconnect --------------------------------------------------

    void openReachesReady()
    {
        FakeDevice d(fakeConfig());
        QSignalSpy stateSpy(&d, &Device::stateChanged);
        QSignalSpy errorSpy(&d, &Device::errorOccurred);
        d.open();
        QCOMPARE(states(stateSpy), (QList<Device::State>{Device::State::Opening, Device::State::Ready}));
        QCOMPARE(d.state(), Device::State::Ready);
        QCOMPARE(d.error(), Device::Error::NoError);
        QVERIFY(errorSpy.isEmpty());
        d.open(); // already open: nothing happens
        QCOMPARE(d.opens(), 1);
        d.close();
        QCOMPARE(d.state(), Device::State::Closed);
        QCOMPARE(d.closes(), 1);
    }

    void failedOpenIsReportedOnceAndRetried()
    {
        FakeDevice d(fakeConfig({{QStringLiteral("outcome"), QStringLiteral("notfound")}}));
        QSignalSpy errorSpy(&d, &Device::errorOccurred);
        d.open();
        QCOMPARE(d.state(), Device::State::Disconnected);
        QCOMPARE(d.error(), Device::Error::NotFound);
        QCOMPARE(d.errorString(), QStringLiteral("no fake device at fake:0"));
        // The reconnect loop tries again and again, and says so once, not at every try.
        QTRY_VERIFY_WITH_TIMEOUT(d.opens() >= 4, 2000);
        QCOMPARE(errorSpy.size(), 1);
        QCOMPARE(errorSpy.first().at(0).value<Device::Error>(), Device::Error::NotFound);
        // Plugged in: the next try opens it, and the error is gone.
        d.setOutcome(FakeDevice::Succeed);
        QTRY_COMPARE_WITH_TIMEOUT(d.state(), Device::State::Ready, 2000);
        QCOMPARE(d.error(), Device::Error::NoError);
        QVERIFY(d.errorString().isEmpty());
        const int opens = d.opens();
        QTest::qWait(100);
        QCOMPARE(d.opens(), opens); // open: no more tries
    }

    void configurationErrorFailsWithoutRetrying()
    {
        FakeDevice d(fakeConfig({{QStringLiteral("outcome"), QStringLiteral("configuration")}}));
        d.open();
        QCOMPARE(d.state(), Device::State::Failed);
        QCOMPARE(d.error(), Device::Error::Configuration);
        QTest::qWait(100);
        QCOMPARE(d.opens(), 1);
    }

    void wrongCommonOptionFailsBeforeTheBackend_data()
    {
        QTest::addColumn<QVariant>("reconnectMs");
        QTest::newRow("text") << QVariant(QStringLiteral("soon"));
        QTest::newRow("zero") << QVariant(0);
        QTest::newRow("fraction") << QVariant(2.5);
    }

    void wrongCommonOptionFailsBeforeTheBackend()
    {
        QFETCH(QVariant, reconnectMs);
        FakeDevice d(fakeConfig({{QStringLiteral("reconnectMs"), reconnectMs}}));
        d.open();
        QCOMPARE(d.state(), Device::State::Failed);
        QCOMPARE(d.error(), Device::Error::Configuration);
        QVERIFY2(d.errorString().contains(QLatin1String("reconnectMs")), qPrintable(d.errorString()));
        QCOMPARE(d.opens(), 0);
    }

    void lostLinkReconnects()
    {
        FakeDevice d(fakeConfig());
        d.open();
        QCOMPARE(d.state(), Device::State::Ready);
        QSignalSpy stateSpy(&d, &Device::stateChanged);
        QSignalSpy errorSpy(&d, &Device::errorOccurred);
        d.loseLink(QStringLiteral("unplugged"));
        QCOMPARE(d.state(), Device::State::Disconnected);
        QCOMPARE(d.error(), Device::Error::ConnectionLost);
        QCOMPARE(d.errorString(), QStringLiteral("unplugged"));
        QCOMPARE(d.closes(), 1);
        QCOMPARE(errorSpy.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(d.state(), Device::State::Ready, 2000);
        QCOMPARE(states(stateSpy), (QList<Device::State>{Device::State::Disconnected, Device::State::Opening, Device::State::Ready}));
        QCOMPARE(d.error(), Device::Error::NoError);
    }

    void closeStopsReconnecting()
    {
        FakeDevice d(fakeConfig({{QStringLiteral("outcome"), QStringLiteral("notfound")}}));
        d.open();
        QTRY_VERIFY_WITH_TIMEOUT(d.opens() >= 2, 2000);
        d.close();
        QCOMPARE(d.state(), Device::State::Closed);
        const int opens = d.opens();
        d.setOutcome(FakeDevice::Succeed);
        QTest::qWait(150);
        QCOMPARE(d.opens(), opens);
        QCOMPARE(d.state(), Device::State::Closed);
    }

    void reconnectIntervalComesFromTheOptions()
    {
        FakeDevice d(fakeConfig({{QStringLiteral("reconnectMs"), 1234}}));
        QCOMPARE(d.reconnectInterval(), 1234);
        d.setReconnectInterval(50);
        QCOMPARE(d.reconnectInterval(), 50);
    }

    // Status is read from other threads (the UI, hall-devices) while the device's thread
    // changes it: every read is whole, and state, error and message of status() belong together.
    void statusReadsAreThreadSafe()
    {
        QThread thread;
        FakeDevice d(fakeConfig());
        d.moveToThread(&thread);
        thread.start();
        QMetaObject::invokeMethod(&d, &Device::open, Qt::BlockingQueuedConnection);
        QMetaObject::invokeMethod(&d, [&d] { d.churn(20000); }, Qt::QueuedConnection);
        int reads = 0, mismatches = 0;
        QString lastBad;
        while (!d.churned() && reads < 5000000) {
            const DeviceStatus s = d.status();
            const bool matches = s.error == Device::Error::Timeout ? s.message.startsWith(QLatin1String("timeout "))
                                 : s.error == Device::Error::Protocol ? s.message.startsWith(QLatin1String("protocol "))
                                                                       : s.message.isEmpty();
            if (!matches) {
                ++mismatches;
                lastBad = errorName(s.error) + QStringLiteral(": ") + s.message;
            }
            // The single reads must be whole values too (a torn QString would crash here).
            (void)d.errorString().size();
            (void)d.error();
            (void)d.state();
            ++reads;
        }
        QMetaObject::invokeMethod(&d, [&d] { d.close(); d.moveToThread(QCoreApplication::instance()->thread()); },
                                  Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
        QVERIFY2(d.churned(), "the device thread did not finish its churn");
        QVERIFY2(mismatches == 0, qPrintable(QStringLiteral("%1 of %2 reads saw an error with another's message, e.g. %3")
                                                 .arg(mismatches).arg(reads).arg(lastBad)));
        qInfo("%d status reads while the device changed it", reads);
    }

    // ---- DeviceManager ---------------------------------------------------------------------

    void managerFollowsTheDevice()
    {
        PluginLoader loader(pluginPaths());
        QVERIFY2(loader.plugin(QStringLiteral("test-fake")), "the test-fake plugin is not in tests/unit-plugins");
        DeviceManager manager(&loader);
        QSignalSpy changed(&manager, &DeviceManager::statusChanged);
        QString error;
        QVERIFY2(manager.add({QStringLiteral("gadget-1"), QStringLiteral("test-fake"), QStringLiteral("fake:0"),
                              {{QStringLiteral("outcome"), QStringLiteral("notfound")}, {QStringLiteral("reconnectMs"), 20}}},
                             &error),
                 qPrintable(error));
        Device *d = manager.device(QStringLiteral("gadget-1"));
        QVERIFY(d);
        QVERIFY2(d->thread() != QThread::currentThread(), "a device runs on a thread of its own");
        QVERIFY2(waitStatus(manager, [](const DeviceStatus &s) { return s.state == Device::State::Disconnected && s.error == Device::Error::NotFound; }),
                 qPrintable(describe(manager)));
        QCOMPARE(manager.status().first().message, QStringLiteral("no fake device at fake:0"));
        QVERIFY(!changed.isEmpty());
        QCOMPARE(changed.first().at(0).toString(), QStringLiteral("gadget-1"));

        // Plugged in: ready, and the error is cleared.
        QVERIFY(QMetaObject::invokeMethod(d, "setOutcome", Q_ARG(int, FakeDevice::Succeed)));
        QVERIFY2(waitStatus(manager, [](const DeviceStatus &s) { return s.state == Device::State::Ready; }), qPrintable(describe(manager)));
        QCOMPARE(manager.status().first().error, Device::Error::NoError);
        QVERIFY(manager.status().first().message.isEmpty());

        // Unplugged while open: reported, then back by itself.
        QVERIFY(QMetaObject::invokeMethod(d, "loseLink", Qt::QueuedConnection, Q_ARG(QString, QStringLiteral("cable pulled"))));
        QVERIFY2(waitStatus(manager, [](const DeviceStatus &s) { return s.error == Device::Error::ConnectionLost; }), qPrintable(describe(manager)));
        QCOMPARE(manager.status().first().message, QStringLiteral("cable pulled"));
        QVERIFY2(waitStatus(manager, [](const DeviceStatus &s) { return s.state == Device::State::Ready; }), qPrintable(describe(manager)));

        // The device's own status agrees, read from this thread.
        QCOMPARE(d->status().state, Device::State::Ready);
        QCOMPARE(d->status().config.port, QStringLiteral("fake:0"));

        manager.remove(QStringLiteral("gadget-1"));
        QVERIFY(manager.status().isEmpty());
        QVERIFY(!manager.device(QStringLiteral("gadget-1")));
    }

    void managerRemoveStopsReconnecting()
    {
        PluginLoader loader(pluginPaths());
        DeviceManager manager(&loader);
        QString error;
        QVERIFY2(manager.add({QStringLiteral("gadget-2"), QStringLiteral("test-fake"), QStringLiteral("fake:1"),
                              {{QStringLiteral("outcome"), QStringLiteral("notfound")}, {QStringLiteral("reconnectMs"), 10}}},
                             &error),
                 qPrintable(error));
        QPointer<Device> d = manager.device(QStringLiteral("gadget-2"));
        QVERIFY2(waitStatus(manager, [](const DeviceStatus &s) { return s.state == Device::State::Disconnected; }), qPrintable(describe(manager)));
        manager.remove(QStringLiteral("gadget-2"));
        // Its thread ended and deleted it; nothing keeps retrying.
        QTRY_VERIFY_WITH_TIMEOUT(d.isNull(), 2000);
    }

    void managerRefusesWhatItCannotRun()
    {
        PluginLoader loader(pluginPaths());
        DeviceManager manager(&loader);
        QString error;
        QVERIFY(manager.add({QStringLiteral("gadget-1"), QStringLiteral("test-fake"), {}, {}}, &error));
        QVERIFY(!manager.add({QStringLiteral("gadget-1"), QStringLiteral("test-fake"), {}, {}}, &error));
        QCOMPARE(error, QStringLiteral("Role \"gadget-1\" already has a device."));
        QVERIFY(!manager.add({QStringLiteral("idcard"), QStringLiteral("test-fake"), {}, {}}, &error));
        QCOMPARE(error, QStringLiteral("Driver test-fake provides FakeGadget, not IdCardReader."));
    }

    void managerListsWhatADriverSees()
    {
        PluginLoader loader(pluginPaths());
        DeviceManager manager(&loader);
        QString error;
        QVERIFY(loader.canListDevices(QStringLiteral("test-fake")));
        const QList<DeviceInfo> found = manager.availableDevices(QStringLiteral("test-fake"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(found.size(), 2);
        QCOMPARE(found.at(0).port, QStringLiteral("fake:0"));
        QCOMPARE(found.at(0).vendorId, quint16(0x1234));
        QCOMPARE(found.at(1).description, QStringLiteral("second fake"));
        QVERIFY(manager.availableDevices(QStringLiteral("no-such-driver"), &error).isEmpty());
        QCOMPARE(error, QStringLiteral("No such driver: \"no-such-driver\"."));
    }
};

QTEST_GUILESS_MAIN(TestDevices)
#include "tst_devices.moc"
