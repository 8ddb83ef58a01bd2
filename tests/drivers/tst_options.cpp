// Every driver reads its options through one checked struct: a wrong or unknown option fails
// the device with a Configuration error that names the option, before any hardware is touched.

#include <devices/devicemanager.h>
#include <devices/pluginloader.h>

#include <QTemporaryDir>
#include <QTest>

using namespace hall::devices;
using namespace Qt::StringLiterals;

class TestOptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wrongOptionIsAConfigurationErrorNamingIt_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("role");
        QTest::addColumn<QString>("port");
        QTest::addColumn<QVariantMap>("options");
        QTest::addColumn<QString>("named"); // what the message must contain: the option's name

        const QString serial = QStringLiteral("/dev/null-hall-test");
        const QVariantList one{1};
        auto row = [](const char *name) { return &QTest::newRow(name); };
        // idcard-sam
        *row("idcard-sam timeoutMs text") << "idcard-sam" << "idcard" << serial << QVariantMap{{u"timeoutMs"_s, u"soon"_s}} << "options.timeoutMs";
        *row("idcard-sam retries range") << "idcard-sam" << "idcard" << serial << QVariantMap{{u"retries"_s, 99}} << "options.retries";
        *row("idcard-sam readMs negative") << "idcard-sam" << "idcard" << serial << QVariantMap{{u"readMs"_s, -1}} << "options.readMs";
        *row("idcard-sam photoDecoder number") << "idcard-sam" << "idcard" << serial << QVariantMap{{u"photoDecoder"_s, 5}} << "options.photoDecoder";
        *row("idcard-sam unknown") << "idcard-sam" << "idcard" << serial << QVariantMap{{u"timeoutMS"_s, 100}} << "options.timeoutMS";
        *row("idcard-sam parity") << "idcard-sam" << "idcard" << serial << QVariantMap{{u"parity"_s, u"EVEN"_s}} << "options.parity";
        *row("idcard-sam dataBits") << "idcard-sam" << "idcard" << serial << QVariantMap{{u"dataBits"_s, 9}} << "options.dataBits";
        *row("common reconnectMs") << "idcard-sam" << "idcard" << serial << QVariantMap{{u"reconnectMs"_s, u"soon"_s}} << "options.reconnectMs";
        // callerbus-serial
        *row("callerbus pollMs") << "callerbus-serial" << "callerbus" << serial << QVariantMap{{u"addresses"_s, one}, {u"pollMs"_s, u"fast"_s}} << "options.pollMs";
        *row("callerbus offlineAfter") << "callerbus-serial" << "callerbus" << serial << QVariantMap{{u"addresses"_s, one}, {u"offlineAfter"_s, 0}} << "options.offlineAfter";
        *row("callerbus unknown") << "callerbus-serial" << "callerbus" << serial << QVariantMap{{u"addresses"_s, one}, {u"polMs"_s, 20}} << "options.polMs";
        *row("callerbus addresses") << "callerbus-serial" << "callerbus" << serial << QVariantMap{{u"addresses"_s, QVariantList{0}}} << "options.addresses";
        // ledbar
        *row("ledbar timeoutMs") << "ledbar" << "screen" << serial << QVariantMap{{u"timeoutMs"_s, 0}} << "options.timeoutMs";
        *row("ledbar retries") << "ledbar" << "screen" << serial << QVariantMap{{u"retries"_s, 9}} << "options.retries";
        *row("ledbar probe") << "ledbar" << "screen" << serial << QVariantMap{{u"probe"_s, u"yes"_s}} << "options.probe";
        *row("ledbar servingText") << "ledbar" << "screen" << serial << QVariantMap{{u"servingText"_s, 5}} << "options.servingText";
        *row("ledbar unknown") << "ledbar" << "screen" << serial << QVariantMap{{u"colums"_s, 16}} << "options.colums";
        *row("ledbar colourMode") << "ledbar" << "screen" << serial << QVariantMap{{u"colourMode"_s, u"rainbow"_s}} << "colourMode";
        // ledbar-onbon (model and size given, so each row fails on its own option)
        const QVariantMap bx{{u"model"_s, u"6E2"_s}, {u"width"_s, 64}, {u"height"_s, 16}};
        auto onbon = [&bx](std::initializer_list<std::pair<const QString, QVariant>> extra) {
            QVariantMap o = bx;
            for (const auto &[k, v] : extra)
                o.insert(k, v);
            return o;
        };
        *row("ledbar-onbon model") << "ledbar-onbon" << "screen" << serial << onbon({{u"model"_s, 62}}) << "options.model";
        *row("ledbar-onbon width") << "ledbar-onbon" << "screen" << serial << onbon({{u"width"_s, 0}}) << "options.width";
        *row("ledbar-onbon fontSize") << "ledbar-onbon" << "screen" << serial << onbon({{u"fontSize"_s, u"big"_s}}) << "options.fontSize";
        *row("ledbar-onbon programs") << "ledbar-onbon" << "screen" << serial << onbon({{u"programs"_s, 1}}) << "options.programs";
        *row("ledbar-onbon unknown") << "ledbar-onbon" << "screen" << serial << onbon({{u"colums"_s, 16}}) << "options.colums";
        *row("ledbar-onbon colourMode") << "ledbar-onbon" << "screen" << serial << onbon({{u"colourMode"_s, u"full"_s}}) << "colourMode";
        *row("ledbar-onbon map") << "ledbar-onbon" << "screen" << serial << onbon({{u"map"_s, QVariantMap{{u"3"_s, QVariantMap{{u"screen"_s, 0}}}}}}) << "options.screen";
        // printer-escpos
        *row("escpos timeoutMs") << "printer-escpos" << "printer" << serial << QVariantMap{{u"timeoutMs"_s, u"soon"_s}} << "timeoutMs";
        *row("escpos unknown") << "printer-escpos" << "printer" << serial << QVariantMap{{u"baudrate"_s, 9600}} << "baudrate";
        *row("escpos stopBits") << "printer-escpos" << "printer" << serial << QVariantMap{{u"stopBits"_s, 3}} << "options.stopBits";
        // codescanner
        *row("codescanner unknown") << "codescanner" << "scanner" << serial << QVariantMap{{u"terminater"_s, u"cr"_s}} << "options.terminater";
        *row("codescanner maxLength") << "codescanner" << "scanner" << serial << QVariantMap{{u"maxLength"_s, 5}} << "options.maxLength";
        // camera-uvc (a file port: no camera needed)
        *row("camera-uvc unknown") << "camera-uvc" << "camera" << "file:/nonexistent.jpg" << QVariantMap{{u"resolutoin"_s, u"1x1"_s}} << "options.resolutoin";
        *row("camera-uvc previewFps") << "camera-uvc" << "camera" << "file:/nonexistent.jpg" << QVariantMap{{u"previewFps"_s, 0}} << "options.previewFps";
        // scanner-sane (refused before SANE is asked)
        *row("scanner-sane unknown") << "scanner-sane" << "scanner-doc" << "test:0" << QVariantMap{{u"saneOption"_s, QVariantMap{}}} << "options.saneOption";
        *row("scanner-sane saneOptions text") << "scanner-sane" << "scanner-doc" << "test:0" << QVariantMap{{u"saneOptions"_s, u"mode=Color"_s}} << "options.saneOptions";
        // virtual, each class
        *row("virtual idcard card") << "virtual" << "idcard" << "" << QVariantMap{{u"card"_s, u"passport"_s}} << "options.card";
        *row("virtual idcard failEvery") << "virtual" << "idcard" << "" << QVariantMap{{u"failEvery"_s, u"often"_s}} << "options.failEvery";
        *row("virtual printer paper") << "virtual" << "printer" << "" << QVariantMap{{u"paper"_s, u"wet"_s}} << "options.paper";
        *row("virtual printer delayMs") << "virtual" << "printer" << "" << QVariantMap{{u"delayMs"_s, -5}} << "options.delayMs";
        *row("virtual scanner pages") << "virtual" << "scanner-doc" << "" << QVariantMap{{u"pages"_s, -1}} << "options.pages";
        *row("virtual camera page") << "virtual" << "camera" << "" << QVariantMap{{u"page"_s, 0}} << "options.page";
        *row("virtual camera unknown") << "virtual" << "camera" << "" << QVariantMap{{u"dpi"_s, 300}} << "options.dpi";
        *row("virtual screen text") << "virtual" << "screen" << "" << QVariantMap{{u"idleText"_s, 3}} << "options.idleText";
        *row("virtual callerbus unknown") << "virtual" << "callerbus" << "" << QVariantMap{{u"addresses"_s, one}} << "options.addresses";
        *row("virtual codescanner unknown") << "virtual" << "scanner" << "" << QVariantMap{{u"mode"_s, u"hid"_s}} << "options.mode";
    }

    void wrongOptionIsAConfigurationErrorNamingIt()
    {
        QFETCH(QString, driver);
        QFETCH(QString, role);
        QFETCH(QString, port);
        QFETCH(QVariantMap, options);
        QFETCH(QString, named);
        PluginLoader loader;
        if (!loader.plugin(driver))
            QSKIP("driver not built here");
        DeviceManager manager(&loader);
        QString error;
        QVERIFY2(manager.add({role, driver, port, options}, &error), qPrintable(error));
        const bool failed = QTest::qWaitFor([&] { return manager.status().first().state == Device::State::Failed; }, 5000);
        const DeviceStatus s = manager.status().first();
        QVERIFY2(failed, qPrintable(stateName(s.state) + QStringLiteral(": ") + s.message));
        QCOMPARE(s.error, Device::Error::Configuration);
        QVERIFY2(s.message.contains(named), qPrintable(s.message));
        // The device says the same, read from this thread.
        Device *d = manager.device(role);
        QCOMPARE(d->error(), Device::Error::Configuration);
        QCOMPARE(d->errorString(), s.message);
    }

    // The common case still works: the options every example and test uses are accepted.
    void rightOptionsAreAccepted()
    {
        PluginLoader loader;
        DeviceManager manager(&loader);
        QString error;
        QVERIFY2(manager.add({QStringLiteral("idcard"), QStringLiteral("virtual"), {},
                              {{QStringLiteral("card"), QStringLiteral("J")}, {QStringLiteral("delayMs"), 10},
                               {QStringLiteral("failEvery"), 0}, {QStringLiteral("reconnectMs"), 200}, {QStringLiteral("class"), QStringLiteral("IdCardReader")}}},
                             &error),
                 qPrintable(error));
        QVERIFY2(QTest::qWaitFor([&] { return manager.status().first().state == Device::State::Ready; }, 3000),
                 qPrintable(manager.status().first().message));
    }
};

QTEST_MAIN(TestOptions)
#include "tst_options.moc"
