// The application shell: the PC's config read strictly, personal data masked in logs, the log
// file rotated, one instance per PC and role, and the problem screen.

#include <app/configproblemwidget.h>
#include <app/instancelock.h>
#include <app/logfile.h>
#include <app/pcconfig.h>

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <childlog.h>

using namespace hall;

class TestShell : public QObject
{
    Q_OBJECT

    static QString data(const QString &name)
    {
        return QDir(qEnvironmentVariable("HALL_SOURCE_DIR")).filePath(QStringLiteral("tests/unit/app/data/") + name);
    }

private Q_SLOTS:
    void aGoodConfigIsRead()
    {
        app::PcConfig config;
        QString error;
        QVERIFY2(app::PcConfig::load(data(QStringLiteral("window-07.json")), &config, &error), qPrintable(error));
        QCOMPARE(config.connection.server, QUrl(QStringLiteral("https://hall-server.local:8443")));
        QCOMPARE(config.connection.hall, QStringLiteral("GZ-TH-01"));
        QCOMPARE(config.role(), QStringLiteral("window-07"));
        QCOMPARE(config.layout, app::PcConfig::Layout::Desk);
        QCOMPARE(config.keymap.value(QStringLiteral("capture.shoot")), QKeySequence(Qt::Key_F9));
        QVERIFY(config.keymap.contains(QStringLiteral("capture.deletePage")));
        QVERIFY(config.keymap.value(QStringLiteral("capture.deletePage")).isEmpty());
        QCOMPARE(config.logMaxKb, 64);
        QCOMPARE(config.logFiles, 3);
    }

    void tlsSettingsAreRead()
    {
        QTemporaryDir dir;
        QFile ca(dir.filePath(QStringLiteral("ca.pem")));
        QVERIFY(ca.open(QIODevice::WriteOnly));
        ca.close();
        const QByteArray pin(32, '\x5a');
        const QByteArray json = "{\"server\": \"https://hall.local:8443\", \"tls\": {\"caFile\": \"" + ca.fileName().toUtf8()
            + "\", \"pinSha256\": \"" + pin.toHex() + "\"}}";
        app::PcConfig config;
        QString error;
        QVERIFY2(app::PcConfig::parse(json, &config, &error), qPrintable(error));
        QCOMPARE(config.connection.caFile, ca.fileName());
        QCOMPARE(config.connection.pinSha256, pin);
    }

    // An unattended app's account: the password file is relative to the config file; the
    // app's own section is passed on as it is, for the app's reader.
    void accountAndAppSectionAreRead()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("display.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"account\": {\"login\": \"display1\", \"passwordFile\": \"display1.secret\", \"tokenStore\": \"memory\"},"
                   " \"app\": {\"layout\": \"wall.json\"}}");
        file.close();
        app::PcConfig config;
        QString error;
        QVERIFY2(app::PcConfig::load(file.fileName(), &config, &error), qPrintable(error));
        QCOMPARE(config.account.login, QStringLiteral("display1"));
        QCOMPARE(config.account.passwordFile, dir.filePath(QStringLiteral("display1.secret")));
        QCOMPARE(config.account.tokenStore, app::DeviceAccount::TokenStore::Memory);
        QCOMPARE(config.app.value(QStringLiteral("layout")).toString(), QStringLiteral("wall.json"));
        QVERIFY2(app::PcConfig::parse("{\"account\": {\"login\": \"k\", \"passwordFile\": \"/etc/k\"}}", &config, &error), qPrintable(error));
        QCOMPARE(config.account.tokenStore, app::DeviceAccount::TokenStore::Keychain);
    }

    void defaultsWithoutAFile()
    {
        app::PcConfig config;
        QString error;
        QVERIFY2(app::PcConfig::parse("{}", &config, &error), qPrintable(error));
        QCOMPARE(config.role(), QStringLiteral("default"));
        QVERIFY(config.connection.server.isEmpty());
        QCOMPARE(config.layout, app::PcConfig::Layout::Desk);
    }

    void badConfigsSayWhatAndWhere_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("{\"hall\": ") << QStringLiteral("JSON");
        QTest::newRow("not an object") << QByteArray("[1]") << QStringLiteral("object");
        QTest::newRow("unknown field") << QByteArray("{\"sever\": \"https://x\"}") << QStringLiteral("sever: unknown field");
        QTest::newRow("server scheme") << QByteArray("{\"server\": \"ftp://hall\"}") << QStringLiteral("server:");
        QTest::newRow("server type") << QByteArray("{\"server\": 8443}") << QStringLiteral("server: must be text");
        QTest::newRow("hall code") << QByteArray("{\"hall\": \"天河 大厅\"}") << QStringLiteral("hall:");
        QTest::newRow("layout") << QByteArray("{\"layout\": \"sideways\"}") << QStringLiteral("layout: \"sideways\"");
        QTest::newRow("key") << QByteArray("{\"keymap\": {\"capture.shoot\": \"Fx99\"}}") << QStringLiteral("keymap.capture.shoot");
        QTest::newRow("key type") << QByteArray("{\"keymap\": {\"capture.shoot\": 12}}") << QStringLiteral("keymap.capture.shoot");
        QTest::newRow("log range") << QByteArray("{\"log\": {\"files\": 0}}") << QStringLiteral("log.files: must be between 1 and 100");
        QTest::newRow("log unknown") << QByteArray("{\"log\": {\"size\": 5}}") << QStringLiteral("log.size: unknown field");
        QTest::newRow("tls pin") << QByteArray("{\"tls\": {\"pinSha256\": \"abc\"}}") << QStringLiteral("tls.pinSha256");
        QTest::newRow("tls ca") << QByteArray("{\"tls\": {\"caFile\": \"/nonexistent/ca.pem\"}}") << QStringLiteral("tls.caFile: cannot read /nonexistent/ca.pem");
        QTest::newRow("tls unknown") << QByteArray("{\"tls\": {\"ca\": \"x\"}}") << QStringLiteral("tls.ca: unknown field");
        QTest::newRow("account without password") << QByteArray("{\"account\": {\"login\": \"display1\"}}")
                                                  << QStringLiteral("account.passwordFile: required field is missing");
        QTest::newRow("account store") << QByteArray("{\"account\": {\"login\": \"d\", \"passwordFile\": \"p\", \"tokenStore\": \"file\"}}")
                                       << QStringLiteral("account.tokenStore: \"file\"");
        QTest::newRow("app not an object") << QByteArray("{\"app\": \"wall.json\"}") << QStringLiteral("app: must be an object");
        QTest::newRow("not an object") << QByteArray("[\"hall\"]") << QStringLiteral("must be a JSON object: {\"server\"");
    }

    void badConfigsSayWhatAndWhere()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        app::PcConfig config;
        config.logFiles = 42;
        QString error;
        QVERIFY(!app::PcConfig::parse(json, &config, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QCOMPARE(config.logFiles, 42); // nothing half-read
    }

    void aMissingFileIsNamed()
    {
        app::PcConfig config;
        QString error;
        QVERIFY(!app::PcConfig::load(QStringLiteral("/nonexistent/hall.json"), &config, &error));
        QVERIFY2(error.contains(QLatin1String("/nonexistent/hall.json")), qPrintable(error));
    }

    // Bad JSON is placed as an editor shows it: line and column, characters not bytes.
    void aMalformedFileIsPlaced()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("hall.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\n  \"hall\": \"HZ\",\n  \"角色\" \"window\"\n}\n");
        file.close();
        app::PcConfig config;
        QString error;
        QVERIFY(!app::PcConfig::load(file.fileName(), &config, &error));
        QVERIFY2(error.contains(QLatin1String("the configuration file ") + file.fileName()), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("not valid JSON at line 3, column 8:")), qPrintable(error));
    }

    void personalDataIsMaskedInLogs_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("id") << QStringLiteral("card 44010619900307123X read") << QStringLiteral("card 4401**********123X read");
        QTest::newRow("id lower x") << QStringLiteral("id=11010519491231002x") << QStringLiteral("id=1101**********002x");
        QTest::newRow("mobile") << QStringLiteral("sms to 13812345678 sent") << QStringLiteral("sms to 138****5678 sent");
        QTest::newRow("both") << QStringLiteral("440106199003071234,13912345678")
                              << QStringLiteral("4401**********1234,139****5678");
        QTest::newRow("chinese around") << QStringLiteral("手机13812345678已登记") << QStringLiteral("手机138****5678已登记");
        QTest::newRow("longer number untouched") << QStringLiteral("ticket 1234567890123456789012")
                                                 << QStringLiteral("ticket 1234567890123456789012");
        QTest::newRow("not a mobile") << QStringLiteral("blob 12345678901 bytes") << QStringLiteral("blob 12345678901 bytes");
        QTest::newRow("timestamp untouched") << QStringLiteral("at 1733550000000 ms") << QStringLiteral("at 1733550000000 ms");
    }

    void personalDataIsMaskedInLogs()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(app::maskPersonalData(text), expected);
    }

    void theLogFileIsMaskedAndRotated()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("logs/app.log"));
        app::LogFile log(path, 1024, 3);
        QString error;
        QVERIFY2(log.open(&error), qPrintable(error));
        app::LogFile::install(&log);
        qWarning("caller %s at window 7", "13812345678");
        for (int i = 0; i < 200; ++i)
            qWarning("line %d of a log that outgrows its cap", i);
        app::LogFile::install(nullptr);
        QFile current(path);
        QVERIFY(current.open(QIODevice::ReadOnly));
        QVERIFY2(current.size() <= 1024, qPrintable(QString::number(current.size())));
        QVERIFY2(QFile::exists(path + QLatin1String(".1")) && QFile::exists(path + QLatin1String(".3")), "older files are kept");
        QVERIFY2(!QFile::exists(path + QLatin1String(".4")), "no more than the files to keep");
        QVERIFY(current.readAll().contains("line 199"));
        QString all;
        for (const QString &name : QDir(dir.filePath(QStringLiteral("logs"))).entryList(QDir::Files)) {
            QFile f(dir.filePath(QStringLiteral("logs/") + name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            all += QString::fromUtf8(f.readAll());
        }
        QVERIFY2(!all.contains(QLatin1String("13812345678")), "no clear mobile number in any log file");
    }

    void oneInstancePerRole()
    {
        QTemporaryDir dir;
        app::InstanceLock first(QStringLiteral("hall-kiosk"), QStringLiteral("kiosk-1"), dir.path());
        app::InstanceLock second(QStringLiteral("hall-kiosk"), QStringLiteral("kiosk-1"), dir.path());
        app::InstanceLock otherRole(QStringLiteral("hall-kiosk"), QStringLiteral("kiosk-2"), dir.path());
        QString error;
        QVERIFY2(first.tryLock(&error), qPrintable(error));
        QVERIFY(!second.tryLock(&error));
        QVERIFY2(error.contains(QString::number(QCoreApplication::applicationPid())), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("kiosk-1")), qPrintable(error));
        QVERIFY2(otherRole.tryLock(&error), qPrintable(error));
    }

    void aSecondStartSaysWhoHoldsTheLockAndFails()
    {
        // hall-capture with role "default" in this runtime folder: we hold its lock.
        QTemporaryDir runtime;
        QFile::setPermissions(runtime.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        app::InstanceLock held(QStringLiteral("hall-capture"), QStringLiteral("default"), runtime.path());
        QString error;
        QVERIFY2(held.tryLock(&error), qPrintable(error));
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        p.setProcessEnvironment(env);
        p.start(QDir(qEnvironmentVariable("HALL_BIN_DIR")).filePath(QStringLiteral("hall-capture")), {QStringLiteral("--self-test")});
        QVERIFY(p.waitForFinished(30000));
        const QString err = QString::fromLocal8Bit(hall::test::childStderr(p));
        QCOMPARE(p.exitCode(), 3);
        QVERIFY2(err.contains(QString::number(QCoreApplication::applicationPid())), qPrintable(err));
        QVERIFY2(err.contains(held.fileName()), qPrintable(err));
    }

    void aBadConfigStopsTheAppWithItsReason()
    {
        QTemporaryDir runtime;
        QFile::setPermissions(runtime.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("HALL_LANG"), QStringLiteral("en"));
        p.setProcessEnvironment(env);
        const QString shot = runtime.filePath(QStringLiteral("problem.png"));
        p.start(QDir(qEnvironmentVariable("HALL_BIN_DIR")).filePath(QStringLiteral("hall-capture")),
                {QStringLiteral("--config"), data(QStringLiteral("bad-layout.json")), QStringLiteral("--screenshot"), shot});
        QVERIFY(p.waitForFinished(30000));
        const QString err = QString::fromLocal8Bit(hall::test::childStderr(p));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(err.contains(QLatin1String("bad-layout.json")) && err.contains(QLatin1String("sideways")), qPrintable(err));
        QVERIFY2(QFile::exists(shot), "a GUI app shows (and here saves) the problem screen, never a blank window");
    }

    void theProblemScreenSaysWhatAndWhere()
    {
        app::ConfigProblemWidget w(QStringLiteral("hall-kiosk"), QStringLiteral("layout: \"sideways\" must be \"desk\" or \"touch\""),
                                   QStringLiteral("/etc/hallsuite/kiosk.json"));
        w.show();
        auto *problem = w.findChild<QLabel *>(QStringLiteral("problem"));
        auto *file = w.findChild<QLabel *>(QStringLiteral("file"));
        QVERIFY(problem && file);
        QVERIFY(problem->text().contains(QLatin1String("sideways")));
        QVERIFY(file->isVisible());
        QVERIFY(file->text().contains(QLatin1String("/etc/hallsuite/kiosk.json")));
    }
};

QTEST_MAIN(TestShell)
#include "tst_shell.moc"
