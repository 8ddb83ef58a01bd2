// HallClient and EventStream over HTTPS/WSS against the real hall-server binary, with a CA and
// a server certificate made by the openssl command line for this run: trusted with the hall CA
// file, refused without it, refused when the pinned key differs, accepted when it matches.

#include "../unit/net/netawait.h"
#include "serverfixture.h"

#include <net/eventstream.h>
#include <net/hallclient.h>

#include <QBuffer>
#include <QCryptographicHash>
#include <QSignalSpy>

using namespace hall::net;
using hall::test::await;
using hall::test::describe;

class TestNetTls : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    hall::test::Server m_server;
    QByteArray m_pin; // as openssl computes it

    QString file(const QString &name) const { return m_dir.filePath(name); }
    bool openssl(const QStringList &args, QString *error)
    {
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(QStringLiteral("openssl"), args);
        if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            *error = QStringLiteral("openssl %1: %2").arg(args.join(u' '), QString::fromUtf8(p.readAllStandardError()));
            return false;
        }
        return true;
    }
    std::unique_ptr<HallClient> client(const TlsOptions &tls)
    {
        auto c = std::make_unique<HallClient>();
        c->setBackoffPolicy(Backoff::Policy{100, 1000, 20});
        QString error;
        if (!c->setServer(QUrl(QStringLiteral("https://127.0.0.1:%1").arg(m_server.port())), tls, &error))
            qWarning() << error;
        return c;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        // A hall CA, and a server certificate it signs for 127.0.0.1.
        QVERIFY2(openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                          QStringLiteral("-keyout"), QStringLiteral("ca.key"), QStringLiteral("-out"), QStringLiteral("ca.pem"), QStringLiteral("-days"), QStringLiteral("2"),
                          QStringLiteral("-subj"), QStringLiteral("/CN=HallSuite Test CA"),
                          QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:TRUE"),
                          QStringLiteral("-addext"), QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")}, &error), qPrintable(error));
        QVERIFY2(openssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                          QStringLiteral("-keyout"), QStringLiteral("server.key"), QStringLiteral("-out"), QStringLiteral("server.csr"),
                          QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1")}, &error), qPrintable(error));
        QFile ext(file(QStringLiteral("server.ext")));
        QVERIFY(ext.open(QIODevice::WriteOnly));
        ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                  "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        ext.close();
        QVERIFY2(openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), QStringLiteral("server.csr"),
                          QStringLiteral("-CA"), QStringLiteral("ca.pem"), QStringLiteral("-CAkey"), QStringLiteral("ca.key"), QStringLiteral("-CAcreateserial"),
                          QStringLiteral("-out"), QStringLiteral("server.pem"), QStringLiteral("-days"), QStringLiteral("2"),
                          QStringLiteral("-extfile"), QStringLiteral("server.ext")}, &error), qPrintable(error));
        // The pin: SHA-256 of the DER public key, computed by openssl, not by the code under test.
        QVERIFY2(openssl({QStringLiteral("x509"), QStringLiteral("-in"), QStringLiteral("server.pem"), QStringLiteral("-pubkey"), QStringLiteral("-noout"),
                          QStringLiteral("-out"), QStringLiteral("pub.pem")}, &error), qPrintable(error));
        QVERIFY2(openssl({QStringLiteral("pkey"), QStringLiteral("-pubin"), QStringLiteral("-in"), QStringLiteral("pub.pem"), QStringLiteral("-outform"), QStringLiteral("der"),
                          QStringLiteral("-out"), QStringLiteral("pub.der")}, &error), qPrintable(error));
        QVERIFY2(openssl({QStringLiteral("dgst"), QStringLiteral("-sha256"), QStringLiteral("-binary"), QStringLiteral("-out"), QStringLiteral("pin.bin"), QStringLiteral("pub.der")}, &error), qPrintable(error));
        QFile pin(file(QStringLiteral("pin.bin")));
        QVERIFY(pin.open(QIODevice::ReadOnly));
        m_pin = pin.readAll();
        QCOMPARE(m_pin.size(), 32);

        QVERIFY2(m_server.createDatabase(&error), qPrintable(error));
        QVERIFY2(m_server.seed(hall::test::demoHall(), &error), qPrintable(error));
        QVERIFY2(m_server.start(&error, {QStringLiteral("--tls-cert"), file(QStringLiteral("server.pem")),
                                         QStringLiteral("--tls-key"), file(QStringLiteral("server.key"))}),
                 qPrintable(error));
    }

    void pinMatchesOpenssl()
    {
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(file(QStringLiteral("server.pem")));
        QCOMPARE(certs.size(), 1);
        QCOMPARE(Tls::publicKeySha256(certs.first()).toHex(), m_pin.toHex());
    }

    void trustedWithTheHallCa()
    {
        auto c = client(TlsOptions{file(QStringLiteral("ca.pem")), {}});
        const auto h = await<Health>([&](QObject *ctx, auto done) { c->health(ctx, done); });
        QVERIFY2(h.ok(), qPrintable(describe(h.error())));
        const auto s = await<Session>([&](QObject *ctx, auto done) { c->signIn(QStringLiteral("display1"), QStringLiteral("demo-display-2026"), ctx, done); });
        QVERIFY2(s.ok(), qPrintable(describe(s.error())));
        EventStream stream(c.get());
        QSignalSpy snapshots(&stream, &EventStream::snapshot);
        stream.subscribe(QStringLiteral("swzx"));
        QTRY_VERIFY2_WITH_TIMEOUT(snapshots.size() == 1, "the event stream over wss:// should start with a hello", 10000);
        QCOMPARE(stream.state().hall(), QStringLiteral("swzx"));
    }

    // Blob chunks go up from a device and a 3 MB blob comes down streamed over TLS (the server
    // writes it as the TLS socket drains).
    void blobsOverTls()
    {
        auto c = client(TlsOptions{file(QStringLiteral("ca.pem")), {}});
        QVERIFY(await<Session>([&](QObject *ctx, auto done) { c->signIn(QStringLiteral("kiosk1"), QStringLiteral("demo-kiosk-2026"), ctx, done); }));
        QByteArray data(3 * 1024 * 1024 + 5, Qt::Uninitialized);
        QRandomGenerator(9).fillRange(reinterpret_cast<quint32 *>(data.data()), data.size() / 4);
        const QString hash = QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
        const BlobUploadRequest blob{QStringLiteral("sha256"), hash, data.size()};
        qint64 offset = 0;
        bool complete = false;
        while (!complete) {
            QBuffer chunk;
            chunk.setData(data.mid(offset, 1024 * 1024));
            chunk.open(QIODevice::ReadOnly);
            const auto r = await<BlobUpload>([&](QObject *ctx, auto done) { c->blobUploadChunk(blob, offset, &chunk, chunk.size(), ctx, done); });
            QVERIFY2(r, qPrintable(describe(r.error())));
            QVERIFY(r->offset > offset);
            offset = r->offset;
            complete = r->complete;
        }
        const QJsonObject material{{QStringLiteral("material"), QStringLiteral("tls-1")}, {QStringLiteral("ticket"), QStringLiteral("A001")},
                                   {QStringLiteral("type"), QStringLiteral("photo")}, {QStringLiteral("pages"), 1},
                                   {QStringLiteral("blobs"), QJsonArray{QJsonObject{{QStringLiteral("algorithm"), QStringLiteral("sha256")},
                                                                                    {QStringLiteral("hash"), hash}, {QStringLiteral("size"), data.size()}}}}};
        const QJsonObject push{{QStringLiteral("device"), QStringLiteral("tls-device-1")}, {QStringLiteral("epoch"), 1},
                               {QStringLiteral("entries"), QJsonArray{QJsonObject{{QStringLiteral("seq"), 1}, {QStringLiteral("key"), QStringLiteral("k-tls-1")},
                                                                                  {QStringLiteral("kind"), QStringLiteral("material")}, {QStringLiteral("data"), material}}}}};
        const auto pushed = await<QJsonObject>([&](QObject *ctx, auto done) { c->syncPush(push, ctx, done); });
        QVERIFY2(pushed && pushed->value(QStringLiteral("lastSeq")).toInt() == 1, pushed ? "not applied" : qPrintable(describe(pushed.error())));
        QBuffer sink;
        sink.open(QIODevice::WriteOnly);
        const auto got = await<qint64>([&](QObject *ctx, auto done) {
            c->blobDownload(QStringLiteral("sha256"), hash, QStringLiteral("material/tls-1"), &sink, ctx, done);
        });
        QVERIFY2(got, qPrintable(describe(got.error())));
        QCOMPARE(*got, data.size());
        QVERIFY(sink.data() == data);
    }

    void refusedWithoutTheHallCa()
    {
        // The system CAs do not know the hall's own CA.
        auto c = client(TlsOptions{});
        const auto h = await<Health>([&](QObject *ctx, auto done) { c->health(ctx, done); });
        QVERIFY2(!h.ok(), "a certificate of an unknown CA must be refused");
        QVERIFY2(h.error().kind == ApiError::Kind::Tls, qPrintable(describe(h.error())));
        QVERIFY(!h.error().message.isEmpty());
        QCOMPARE(c->connectionStatus().lastError.kind, ApiError::Kind::Tls);
        QVERIFY(c->connectionStatus().state != ConnectionStatus::State::Online);
    }

    void refusedOnPinMismatch()
    {
        QByteArray other = m_pin;
        other[0] = char(other.at(0) ^ 0x01);
        auto c = client(TlsOptions{file(QStringLiteral("ca.pem")), other});
        const auto h = await<Health>([&](QObject *ctx, auto done) { c->health(ctx, done); });
        QVERIFY2(!h.ok(), "a trusted certificate with another key must be refused when pinned");
        QVERIFY2(h.error().kind == ApiError::Kind::PinMismatch, qPrintable(describe(h.error())));
        const auto s = await<Session>([&](QObject *ctx, auto done) { c->signIn(QStringLiteral("display1"), QStringLiteral("demo-display-2026"), ctx, done); });
        QVERIFY2(!s.ok() && s.error().kind == ApiError::Kind::PinMismatch, qPrintable(describe(s.error())));
        QVERIFY(!c->hasToken());
        // The event stream does not open either (its probe is refused first).
        c->setToken(QStringLiteral("whatever"));
        EventStream stream(c.get());
        QSignalSpy snapshots(&stream, &EventStream::snapshot);
        stream.subscribe(QStringLiteral("swzx"));
        QTest::qWait(1500);
        QCOMPARE(snapshots.size(), 0);
        QCOMPARE(c->connectionStatus().lastError.kind, ApiError::Kind::PinMismatch);
    }

    void acceptedOnPinMatch()
    {
        auto c = client(TlsOptions{file(QStringLiteral("ca.pem")), m_pin});
        const auto s = await<Session>([&](QObject *ctx, auto done) { c->signIn(QStringLiteral("display1"), QStringLiteral("demo-display-2026"), ctx, done); });
        QVERIFY2(s.ok(), qPrintable(describe(s.error())));
        EventStream stream(c.get());
        QSignalSpy snapshots(&stream, &EventStream::snapshot);
        stream.subscribe(QStringLiteral("swzx"));
        QTRY_VERIFY2_WITH_TIMEOUT(snapshots.size() == 1, "a pinned stream should start", 10000);
        QCOMPARE(c->connectionStatus().state, ConnectionStatus::State::Online);
    }

    void tlsOptionsNeedHttps()
    {
        HallClient c;
        QString error;
        QVERIFY(!c.setServer(QUrl(QStringLiteral("http://127.0.0.1:1")), TlsOptions{file(QStringLiteral("ca.pem")), {}}, &error));
        QVERIFY2(error.contains(QStringLiteral("https")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestNetTls)
#include "tst_net_tls.moc"
