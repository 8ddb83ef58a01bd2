// The plugin loader and the device manager's configuration: every built driver loads and
// casts, wrong API versions and broken promises are refused with clear messages.

#include <devices/devicemanager.h>
#include <devices/pluginloader.h>

#include <QTest>

using namespace hall::devices;

class TestPluginLoader : public QObject
{
    Q_OBJECT

    static QStringList paths()
    {
        return PluginLoader::defaultSearchPaths() << QCoreApplication::applicationDirPath() + QStringLiteral("/testplugins");
    }

private Q_SLOTS:
    void everyBuiltDriverLoadsAndCasts()
    {
        PluginLoader loader;
        QVERIFY2(loader.plugin(QStringLiteral("idcard-sam")), "the idcard-sam plugin is not found next to the tests");
        for (const PluginInfo &p : loader.plugins()) {
            QVERIFY2(p.problem.isEmpty(), qPrintable(p.key + QStringLiteral(": ") + p.problem));
            QCOMPARE(p.apiVersion, ApiVersion);
            for (const QString &cls : p.classes) {
                DeviceConfig cfg{QStringLiteral("probe"), p.key, QStringLiteral("/dev/null-hall-test"), {{QStringLiteral("class"), cls}}};
                QString error;
                std::unique_ptr<Device> d(loader.create(cfg, &error));
                QVERIFY2(d, qPrintable(p.key + u'/' + cls + QStringLiteral(": ") + error));
            }
        }
    }

    void wrongApiVersionIsRefusedBeforeLoading()
    {
        PluginLoader loader(paths());
        const PluginInfo *p = loader.plugin(QStringLiteral("test-oldapi"));
        QVERIFY(p);
        QVERIFY2(p->problem.contains(QLatin1String("99")) && p->problem.contains(QString::number(ApiVersion)), qPrintable(p->problem));
        QString error;
        QVERIFY(!loader.create({QStringLiteral("idcard"), QStringLiteral("test-oldapi"), {}, {}}, &error));
        QCOMPARE(error, p->problem);
    }

    void loaderErrorsAreSpecific_data()
    {
        QTest::addColumn<QString>("role");
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown driver") << "idcard" << "no-such-driver" << "No such driver: \"no-such-driver\".";
        QTest::newRow("class the driver lacks") << "printer" << "idcard-sam" << "Driver idcard-sam provides IdCardReader, not TicketPrinter.";
        QTest::newRow("role without a class") << "coffee" << "idcard-sam" << "Role \"coffee\" names no device class; set options.class.";
        QTest::newRow("metadata that lies") << "printer" << "test-liar" << "Driver test-liar does not implement the TicketPrinter factory its metadata promises.";
    }

    void loaderErrorsAreSpecific()
    {
        QFETCH(QString, role);
        QFETCH(QString, driver);
        QFETCH(QString, expected);
        PluginLoader loader(paths());
        QString error;
        QVERIFY(!loader.create({role, driver, QStringLiteral("/dev/null"), {}}, &error));
        QCOMPARE(error, expected);
    }

    void configurationIsStrict_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not JSON") << QByteArray("{devices") << "not valid JSON";
        QTest::newRow("no devices") << QByteArray("{}") << "devices: required field is missing";
        QTest::newRow("unknown field") << QByteArray(R"({"devices":[{"role":"idcard","driver":"idcard-sam","baud":9600}]})") << "devices[0].baud: unknown field";
        QTest::newRow("role twice") << QByteArray(R"({"devices":[{"role":"idcard","driver":"a"},{"role":"idcard","driver":"b"}]})") << "devices[1].role: role \"idcard\" is configured twice";
        QTest::newRow("unknown role") << QByteArray(R"({"devices":[{"role":"toaster","driver":"a"}]})") << "devices[0].role: unknown role";
    }

    void configurationIsStrict()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        QList<DeviceConfig> out;
        QString error;
        QVERIFY(!DeviceManager::parseConfig(json, &out, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void configurationIsRead()
    {
        QList<DeviceConfig> out;
        QString error;
        const QByteArray json = R"({"devices":[{"role":"idcard","driver":"idcard-sam","port":"/dev/ttyUSB0","options":{"baud":9600}},)"
                                R"({"role":"screen-3","driver":"ledbar","port":"udp://10.0.0.3:5005"}]})";
        QVERIFY2(DeviceManager::parseConfig(json, &out, &error), qPrintable(error));
        QCOMPARE(out.size(), 2);
        QCOMPARE(out.at(0).options.value(QStringLiteral("baud")).toInt(), 9600);
        QCOMPARE(PluginLoader::classForRole(out.at(1).role), QStringLiteral("WindowScreen"));
    }
};

QTEST_GUILESS_MAIN(TestPluginLoader)
#include "tst_pluginloader.moc"
