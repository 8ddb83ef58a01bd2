#include <security/keychain.h>

#include <QDirIterator>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <childlog.h>

#include <memory>

using namespace hall::security;

namespace {

QString uniqueService()
{
    return QStringLiteral("HallSuite-test/%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
}

struct ProbeOutput
{
    int exitCode = -1;
    QString status;
    QString message;
    QString all;
};

ProbeOutput parseProbe(QProcess &p)
{
    ProbeOutput o;
    o.exitCode = p.exitCode();
    o.all = QString::fromUtf8(hall::test::childStdout(p)) + QString::fromUtf8(hall::test::childStderr(p));
    const QStringList lines = o.all.split(u'\n');
    for (const QString &l : lines) {
        if (l.startsWith(QLatin1String("status=")))
            o.status = l.mid(7);
        else if (l.startsWith(QLatin1String("message=")))
            o.message = l.mid(8);
    }
    return o;
}

} // namespace

class TestKeychain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roundTrip();
    void notFound();
    void asyncCallbackWithContext();
    void asyncContextGoneDropsCallback();
    void noDbusSessionIsNoBackend();
    void lockedKeychain();

private:
    QString m_probe;
};

void TestKeychain::initTestCase()
{
    m_probe = qEnvironmentVariable("HALL_SECURITY_PROBE");
    QVERIFY2(QFile::exists(m_probe), "HALL_SECURITY_PROBE must name the built hall-security-probe");
    // Without a Secret Service every test here fails with NoBackend; say so once, clearly.
    const KeychainResult r = Keychain(uniqueService()).readNow(QStringLiteral("probe"));
    QVERIFY2(r.status == KeychainStatus::NotFound,
             qPrintable(QStringLiteral("these tests need an unlocked Secret Service (run them through scripts/test "
                                       "or dbus-run-session + gnome-keyring-daemon --unlock): %1 %2")
                            .arg(Keychain::statusName(r.status), r.message)));
}

void TestKeychain::roundTrip()
{
    Keychain kc(uniqueService());
    QByteArray secret(32, '\0');
    for (int i = 0; i < secret.size(); ++i)
        secret[i] = char(i * 37 + 1); // binary, with bytes above 0x7f
    secret[5] = '\0';
    const KeychainResult w = kc.writeNow(QStringLiteral("dek"), secret);
    QVERIFY2(w.ok(), qPrintable(w.message));
    QVERIFY(w.message.isEmpty());
    const KeychainResult r = kc.readNow(QStringLiteral("dek"));
    QVERIFY2(r.ok(), qPrintable(r.message));
    QCOMPARE(r.data, secret);
    // Overwrite, then remove.
    QVERIFY(kc.writeNow(QStringLiteral("dek"), QByteArrayLiteral("second")).ok());
    QCOMPARE(kc.readNow(QStringLiteral("dek")).data, QByteArrayLiteral("second"));
    const KeychainResult d = kc.removeNow(QStringLiteral("dek"));
    QVERIFY2(d.ok(), qPrintable(d.message));
    QCOMPARE(kc.readNow(QStringLiteral("dek")).status, KeychainStatus::NotFound);
}

void TestKeychain::notFound()
{
    Keychain kc(uniqueService());
    const KeychainResult r = kc.readNow(QStringLiteral("nothing-here"));
    QCOMPARE(Keychain::statusName(r.status), QStringLiteral("not-found"));
    QVERIFY(r.data.isEmpty());
    QVERIFY2(r.message.contains(kc.service()), qPrintable(r.message));
}

void TestKeychain::asyncCallbackWithContext()
{
    Keychain kc(uniqueService());
    QObject context;
    bool written = false;
    KeychainResult read;
    bool readDone = false;
    kc.write(QStringLiteral("k"), QByteArrayLiteral("async-secret"), &context, [&](const KeychainResult &r) {
        written = r.ok();
        kc.read(QStringLiteral("k"), &context, [&](const KeychainResult &r2) {
            read = r2;
            readDone = true;
        });
    });
    QVERIFY(!written); // asynchronous: nothing has happened before the event loop runs
    QTRY_VERIFY_WITH_TIMEOUT(readDone, 20000);
    QVERIFY(written);
    QVERIFY2(read.ok(), qPrintable(read.message));
    QCOMPARE(read.data, QByteArrayLiteral("async-secret"));
    QVERIFY(kc.removeNow(QStringLiteral("k")).ok());
}

void TestKeychain::asyncContextGoneDropsCallback()
{
    Keychain kc(uniqueService());
    auto context = std::make_unique<QObject>();
    int calls = 0;
    kc.read(QStringLiteral("k"), context.get(), [&calls](const KeychainResult &) { ++calls; });
    context.reset();
    // A later job through the same (serialised) executor finishing proves the first one did.
    const KeychainResult after = kc.readNow(QStringLiteral("k"));
    QCOMPARE(after.status, KeychainStatus::NotFound);
    QTest::qWait(100);
    QCOMPARE(calls, 0);
}

void TestKeychain::noDbusSessionIsNoBackend()
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    // A private runtime folder: no bus socket to find there either. A private home too: the
    // secret must not land in any file there (a plaintext settings fallback, ours or QtKeychain's).
    QTemporaryDir runtime;
    QTemporaryDir home;
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    p.setProcessEnvironment(env);
    const QString secret = QStringLiteral("no-fallback-7f3e9a");
    p.start(m_probe, {QStringLiteral("keychain-write"), uniqueService(), QStringLiteral("k"), secret});
    QVERIFY2(p.waitForFinished(30000), "probe did not finish");
    const ProbeOutput o = parseProbe(p);
    QVERIFY2(o.status == QLatin1String("no-backend"), qPrintable(o.all));
    QVERIFY2(o.message.contains(QLatin1String("Secret Service")), qPrintable(o.message));
    QDirIterator it(home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY2(!bytes.contains(secret.toUtf8()) && !bytes.contains(secret.toUtf8().toBase64()),
                 qPrintable(QStringLiteral("the secret was written to %1").arg(f.fileName())));
    }
}

void TestKeychain::lockedKeychain()
{
    // A keyring of its own in a D-Bus session of its own, unlocked to create the login
    // collection, then locked through the Secret Service API; the probe then reads from it.
    QTemporaryDir data;
    QTemporaryDir runtime;
    const QString script = QStringLiteral(
        "export XDG_DATA_HOME=\"$1\" XDG_RUNTIME_DIR=\"$2\"; "
        "echo -n lockpw | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 90; "
        "\"$3\" keychain-write HallSuite-locked k v >/dev/null || exit 91; "
        "dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets "
        "org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null || exit 92; "
        "exec \"$3\" keychain-read HallSuite-locked k");
    QProcess p;
    // No display: on a desktop gnome-keyring would otherwise show its unlock prompt and wait.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral("dbus-run-session"),
            {QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"), script, QStringLiteral("sh"),
             data.path(), runtime.path(), m_probe});
    QVERIFY2(p.waitForFinished(60000), "locked-keychain run did not finish");
    const ProbeOutput o = parseProbe(p);
    QVERIFY2(o.exitCode == 0, qPrintable(QStringLiteral("setup failed (%1): %2").arg(o.exitCode).arg(o.all)));
    QVERIFY2(o.status == QLatin1String("locked"), qPrintable(o.all));
    QVERIFY2(!o.message.isEmpty(), qPrintable(o.all));
}

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
