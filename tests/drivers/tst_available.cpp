// Drivers list the devices they can see now (DeviceEnumerator, as QCanBusFactory::
// availableDevices): through the PluginLoader, the DeviceManager and `hall-devices available`.

#include <devices/devicemanager.h>
#include <devices/pluginloader.h>

#include <QFile>
#include <QProcess>
#include <QSerialPortInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <childlog.h>

using namespace hall::devices;

class TestAvailable : public QObject
{
    Q_OBJECT

    QTemporaryDir m_saneDir;

    static QString hallDevices() { return qEnvironmentVariable("HALL_BIN_DIR") + QStringLiteral("/hall-devices"); }

private Q_SLOTS:
    void initTestCase()
    {
        // SANE's test backend (disabled in /etc/sane.d/dll.conf) through a configuration
        // folder of our own, before anything calls sane_init().
        QVERIFY(m_saneDir.isValid());
        QFile dll(m_saneDir.filePath(QStringLiteral("dll.conf")));
        QVERIFY(dll.open(QIODevice::WriteOnly));
        dll.write("test\n");
        dll.close();
        QVERIFY2(QFile::copy(QStringLiteral("/etc/sane.d/test.conf"), m_saneDir.filePath(QStringLiteral("test.conf"))),
                 "/etc/sane.d/test.conf is missing (libsane1)");
        qputenv("SANE_CONFIG_DIR", QFile::encodeName(m_saneDir.path()));
    }

    void everyBuiltDriverCanList()
    {
        PluginLoader loader;
        QVERIFY2(!loader.plugins().isEmpty(), "no driver plugins found");
        for (const PluginInfo &p : loader.plugins())
            QVERIFY2(loader.canListDevices(p.key), qPrintable(p.key + QStringLiteral(" cannot list its devices")));
    }

    void virtualListsOneDevicePerClass()
    {
        PluginLoader loader;
        DeviceManager manager(&loader);
        QString error;
        const QList<DeviceInfo> found = manager.availableDevices(QStringLiteral("virtual"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList classes;
        for (const DeviceInfo &d : found) {
            QCOMPARE(d.classes.size(), 1);
            QVERIFY2(!d.description.isEmpty(), qPrintable(d.classes.first()));
            classes += d.classes;
        }
        QCOMPARE(classes, loader.plugin(QStringLiteral("virtual"))->classes);
    }

    void saneListsItsScanners()
    {
        PluginLoader loader;
        if (!loader.plugin(QStringLiteral("scanner-sane")))
            QSKIP("scanner-sane is not built here");
        QString error;
        const QList<DeviceInfo> found = loader.availableDevices(QStringLiteral("scanner-sane"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList ports;
        for (const DeviceInfo &d : found)
            ports << d.port;
        QVERIFY2(ports.contains(QStringLiteral("test:0")) && ports.contains(QStringLiteral("test:1")), qPrintable(ports.join(u' ')));
        const DeviceInfo &first = found.at(ports.indexOf(QStringLiteral("test:0")));
        QCOMPARE(first.manufacturer, QStringLiteral("Noname"));
        QVERIFY2(first.details.value(QStringLiteral("type")).toString().contains(QLatin1String("virtual")),
                 qPrintable(first.details.value(QStringLiteral("type")).toString()));
        // Listing is not opening: a scanner opened afterwards still works (sane_init/exit balanced).
        DeviceManager manager(&loader);
        QVERIFY2(manager.add({QStringLiteral("scanner-doc"), QStringLiteral("scanner-sane"), QStringLiteral("test:0"), {}}, &error), qPrintable(error));
        QVERIFY2(QTest::qWaitFor([&] { return manager.status().first().state == Device::State::Ready; }, 10000),
                 qPrintable(manager.status().first().message));
        QVERIFY2(loader.availableDevices(QStringLiteral("scanner-sane"), &error).size() == found.size(), qPrintable(error));
    }

    // The serial drivers offer the ports the system lists. (A pty is not a serial port to
    // QSerialPortInfo, so the emulators' links are not listed; the list matches the system's.)
    void serialDriversListTheSerialPorts_data()
    {
        QTest::addColumn<QString>("driver");
        for (const char *d : {"idcard-sam", "callerbus-serial", "ledbar", "ledbar-onbon", "codescanner", "printer-escpos"})
            QTest::newRow(d) << QString::fromLatin1(d);
    }

    void serialDriversListTheSerialPorts()
    {
        QFETCH(QString, driver);
        PluginLoader loader;
        QString error;
        const QList<DeviceInfo> found = loader.availableDevices(driver, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList expected, listed;
        for (const QSerialPortInfo &p : QSerialPortInfo::availablePorts())
            expected << p.systemLocation();
        for (const DeviceInfo &d : found) {
            if (!d.port.startsWith(QLatin1String("file:"))) // the printer's USB nodes
                listed << d.port;
        }
        QCOMPARE(listed, expected);
    }

    void cameraListingAnswers()
    {
        PluginLoader loader;
        if (!loader.plugin(QStringLiteral("camera-uvc")))
            QSKIP("camera-uvc is not built here");
        QString error;
        const QList<DeviceInfo> found = loader.availableDevices(QStringLiteral("camera-uvc"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        for (const DeviceInfo &d : found)
            QVERIFY2(!d.port.isEmpty(), qPrintable(d.description));
    }

    void toolPrintsTheList()
    {
        if (!QFile::exists(hallDevices()))
            QSKIP("hall-devices is not built");
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HALL_LANG"), QStringLiteral("en")); // the messages below, untranslated
        p.setProcessEnvironment(env);
        p.start(hallDevices(), {QStringLiteral("available"), QStringLiteral("virtual")});
        QVERIFY(p.waitForFinished(30000));
        const QString out = QString::fromUtf8(hall::test::childStdout(p));
        QVERIFY2(p.exitCode() == 0, qPrintable(out + QString::fromUtf8(hall::test::childStderr(p))));
        QVERIFY2(out.startsWith(QLatin1String("virtual\n")) && out.contains(QLatin1String("[IdCardReader]"))
                     && out.contains(QLatin1String("[DocumentCamera]")),
                 qPrintable(out));

        p.start(hallDevices(), {QStringLiteral("available"), QStringLiteral("no-such-driver")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(QString::fromUtf8(hall::test::childStdout(p)).contains(QLatin1String("No such driver")), "the reason is printed");
    }
};

QTEST_MAIN(TestAvailable)
#include "tst_available.moc"
