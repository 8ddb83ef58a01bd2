// Officer sign-in by certificate (SEC1, issue 11) against the real hall-server binary over
// mutual TLS: a hall CA made by openssl for this run (and its CRL), certificates that are valid,
// expired, revoked, from another CA and for the wrong use, from PKCS#12 files and from a SoftHSM2
// token through its PKCS#11 module (the key made on the token, never extractable), and from an
// NSS certificate database with a password (a Linux desktop's store) through NSS's softoken. Every case is
// checked for its answer, for what it left in the tokens table and for its audit entry.

#include "../unit/app/testpki.h"
#include "../unit/net/netawait.h"
#include "serverfixture.h"

#include <net/clientidentity.h>
#include <net/hallclient.h>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QWebSocket>

using namespace hall::net;
using hall::test::await;
using hall::test::describe;

namespace {

const QString softhsmModule = QStringLiteral("/usr/lib/softhsm/libsofthsm2.so");
const QByteArray tokenPin = "246810";
const QByteArray p12Password = "p12-secret";

// `openssl ca` configuration: one CA, policy-free, with the extension sections the tests use.
const char caConfig[] = R"([ca]
default_ca = hall
[hall]
dir = .
database = index.txt
new_certs_dir = issued
certificate = ca.pem
private_key = ca.key
serial = serial
crlnumber = crlnumber
default_md = sha256
default_days = 2
default_crl_days = 2
policy = anything
unique_subject = no
utf8 = yes
string_mask = utf8only
[anything]
commonName = supplied
organizationName = optional
[client]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
[server]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
)";

} // namespace

class TestPkiSignIn : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    hall::test::Server m_server;

    QString file(const QString &name) const { return m_dir.filePath(name); }
    bool run(const QString &program, const QStringList &args, QString *error, QString *out = nullptr)
    {
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(program, args);
        const bool ok = p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        if (out)
            *out = QString::fromUtf8(hall::test::childStdout(p));
        if (!ok)
            *error = QStringLiteral("%1 %2: %3").arg(program, args.join(u' '), QString::fromUtf8(hall::test::childStderr(p)));
        return ok;
    }
    bool openssl(const QStringList &args, QString *error) { return run(QStringLiteral("openssl"), args, error); }
    bool pkcs11Tool(const QStringList &args, QString *error, QString *out = nullptr)
    {
        return run(QStringLiteral("pkcs11-tool"),
                   QStringList{QStringLiteral("--module"), softhsmModule, QStringLiteral("--token-label"), QStringLiteral("HallSuite")} + args, error, out);
    }
    // An EC key and a certificate `name`.pem with `subject` from the hall CA, and `name`.p12.
    bool issue(const QString &name, const QString &subject, const QString &extensions, QString *error, const QStringList &extra = {})
    {
        return openssl({QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                        QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"), QStringLiteral("-utf8"), QStringLiteral("-keyout"),
                        name + QStringLiteral(".key"), QStringLiteral("-out"), name + QStringLiteral(".csr"), QStringLiteral("-subj"), subject},
                       error)
            && openssl(QStringList{QStringLiteral("ca"), QStringLiteral("-config"), QStringLiteral("ca.cnf"), QStringLiteral("-batch"),
                                   QStringLiteral("-extensions"), extensions, QStringLiteral("-in"), name + QStringLiteral(".csr"),
                                   QStringLiteral("-out"), name + QStringLiteral(".pem")} + extra,
                       error)
            && p12(name, error);
    }
    bool p12(const QString &name, QString *error)
    {
        return openssl({QStringLiteral("pkcs12"), QStringLiteral("-export"), QStringLiteral("-inkey"), name + QStringLiteral(".key"),
                        QStringLiteral("-in"), name + QStringLiteral(".pem"), QStringLiteral("-out"), name + QStringLiteral(".p12"),
                        QStringLiteral("-passout"), QStringLiteral("pass:") + QString::fromLatin1(p12Password)},
                       error);
    }
    // A new CRL of the hall CA, put in place by renaming (as a hall's cron job should).
    bool publishCrl(QString *error)
    {
        if (!openssl({QStringLiteral("ca"), QStringLiteral("-config"), QStringLiteral("ca.cnf"), QStringLiteral("-gencrl"), QStringLiteral("-out"),
                      QStringLiteral("crl.new")}, error))
            return false;
        QFile::remove(file(QStringLiteral("crl.pem")));
        return QFile::rename(file(QStringLiteral("crl.new")), file(QStringLiteral("crl.pem")));
    }
    bool mapCertificate(const QString &login, const QString &pem, QString *error)
    {
        return m_server.command({QStringLiteral("account"), QStringLiteral("certificate"), QStringLiteral("add"), QStringLiteral("--login"), login,
                                 file(pem)}, nullptr, error, hall::test::Server::Output::ShownToTheOperator);
    }
    std::unique_ptr<HallClient> client(const ClientIdentity &identity)
    {
        auto c = std::make_unique<HallClient>();
        QString error;
        TlsOptions tls{file(QStringLiteral("ca.pem")), {}, identity};
        if (!c->setServer(QUrl(QStringLiteral("https://127.0.0.1:%1").arg(m_server.port())), tls, &error))
            qWarning() << error;
        return c;
    }
    ClientIdentity p12Identity(const QString &name)
    {
        ClientIdentity id;
        QString error;
        if (!ClientIdentities::fromPkcs12(file(name + QStringLiteral(".p12")), p12Password, &id, &error))
            qWarning() << error;
        return id;
    }
    qint64 scalar(const QString &sql)
    {
        QString error;
        QSqlDatabase db = m_server.openDatabase(QStringLiteral("pki-check"), &error);
        qint64 v = -1;
        {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                v = q.value(0).toLongLong();
            else
                qWarning() << error << q.lastError().text();
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("pki-check"));
        return v;
    }
    qint64 tokens() { return scalar(QStringLiteral("SELECT COUNT(*) FROM tokens")); }
    // The last audit entry of a certificate sign-in: status and detail.
    QPair<int, QString> lastCertificateAudit()
    {
        QString error;
        QSqlDatabase db = m_server.openDatabase(QStringLiteral("pki-audit"), &error);
        QPair<int, QString> out{0, {}};
        {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT status, detail FROM audit_chain WHERE action = 'POST /api/v1/auth/certificate' ORDER BY at DESC, seq DESC LIMIT 1"))
                && q.next())
                out = {q.value(0).toInt(), q.value(1).toString()};
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("pki-audit"));
        return out;
    }
    // An event stream of `c`'s session, open (or null, with a warning).
    std::unique_ptr<QWebSocket> openStream(HallClient *c)
    {
        auto ws = std::make_unique<QWebSocket>();
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(QSslCertificate::fromPath(file(QStringLiteral("ca.pem"))));
        ws->setSslConfiguration(ssl);
        QSignalSpy connected(ws.get(), &QWebSocket::connected);
        ws->open(c->eventStreamRequest(QStringLiteral("swzx")));
        if (!connected.wait(10000)) {
            qWarning() << "event stream did not open:" << ws->errorString();
            return {};
        }
        return ws;
    }
    std::unique_ptr<HallClient> signedIn(const QString &certificate)
    {
        auto c = client(p12Identity(certificate));
        const auto s = await<Session>([&](QObject *ctx, auto done) { c->signInWithCertificate(ctx, done); });
        if (!s.ok())
            qWarning() << describe(s.error());
        return c;
    }
    bool sessionAlive(HallClient *c)
    {
        return await<Account>([&](QObject *ctx, auto done) { c->me(ctx, done); }).ok();
    }
    QString auditDetail(const QString &action)
    {
        QString error;
        QSqlDatabase db = m_server.openDatabase(QStringLiteral("pki-audit2"), &error);
        QString detail;
        {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("SELECT detail FROM audit_chain WHERE action = ? ORDER BY at DESC, seq DESC LIMIT 1"));
            q.addBindValue(action);
            if (q.exec() && q.next())
                detail = q.value(0).toString();
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("pki-audit2"));
        return detail;
    }

    bool startServer(QString *error, const QStringList &extra = {})
    {
        return m_server.start(error, QStringList{QStringLiteral("--tls-cert"), file(QStringLiteral("server.pem")), QStringLiteral("--tls-key"),
                                                 file(QStringLiteral("server.key")), QStringLiteral("--client-ca"), file(QStringLiteral("ca.pem")),
                                                 QStringLiteral("--client-crl"), file(QStringLiteral("crl.pem"))}
                                         + extra);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QFile cnf(file(QStringLiteral("ca.cnf")));
        QVERIFY(cnf.open(QIODevice::WriteOnly));
        cnf.write(caConfig);
        cnf.close();
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("issued")));
        QFile index(file(QStringLiteral("index.txt")));
        QVERIFY(index.open(QIODevice::WriteOnly));
        index.close();
        for (const char *counter : {"serial", "crlnumber"}) {
            QFile f(file(QString::fromLatin1(counter)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("1000\n");
        }
        // The hall CA, and another CA nobody here trusts.
        for (const QString &ca : {QStringLiteral("ca"), QStringLiteral("other-ca")}) {
            QVERIFY2(openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                              QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), ca + QStringLiteral(".key"),
                              QStringLiteral("-out"), ca + QStringLiteral(".pem"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                              QStringLiteral("/O=HallSuite Test/CN=") + ca, QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:TRUE"),
                              QStringLiteral("-addext"), QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")}, &error),
                     qPrintable(error));
        }
        QVERIFY2(issue(QStringLiteral("server"), QStringLiteral("/CN=127.0.0.1"), QStringLiteral("server"), &error), qPrintable(error));
        // Officers' certificates: the subject is what maps to an account (Chinese names included).
        QVERIFY2(issue(QStringLiteral("valid"), QStringLiteral("/O=汕尾市政务服务中心/CN=张三 officer01"), QStringLiteral("client"), &error), qPrintable(error));
        QVERIFY2(issue(QStringLiteral("unmapped"), QStringLiteral("/O=汕尾市政务服务中心/CN=李四"), QStringLiteral("client"), &error), qPrintable(error));
        QVERIFY2(issue(QStringLiteral("expired"), QStringLiteral("/CN=officer04 expired"), QStringLiteral("client"), &error,
                       {QStringLiteral("-startdate"), QStringLiteral("20250101000000Z"), QStringLiteral("-enddate"), QStringLiteral("20250201000000Z")}),
                 qPrintable(error));
        QVERIFY2(issue(QStringLiteral("revoked"), QStringLiteral("/CN=officer05 revoked"), QStringLiteral("client"), &error), qPrintable(error));
        QVERIFY2(issue(QStringLiteral("wrong-usage"), QStringLiteral("/CN=officer06 server only"), QStringLiteral("server"), &error), qPrintable(error));
        QVERIFY2(issue(QStringLiteral("later"), QStringLiteral("/CN=officer03 revoked later"), QStringLiteral("client"), &error), qPrintable(error));
        // Same subject as the valid one, issued by the other CA.
        QVERIFY2(openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), QStringLiteral("valid.csr"), QStringLiteral("-CA"),
                          QStringLiteral("other-ca.pem"), QStringLiteral("-CAkey"), QStringLiteral("other-ca.key"), QStringLiteral("-set_serial"),
                          QStringLiteral("77"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-copy_extensions"), QStringLiteral("none"),
                          QStringLiteral("-out"), QStringLiteral("wrong-ca.pem")}, &error), qPrintable(error));
        QVERIFY(QFile::copy(file(QStringLiteral("valid.key")), file(QStringLiteral("wrong-ca.key"))));
        QVERIFY2(p12(QStringLiteral("wrong-ca"), &error), qPrintable(error));
        QVERIFY2(openssl({QStringLiteral("ca"), QStringLiteral("-config"), QStringLiteral("ca.cnf"), QStringLiteral("-revoke"), QStringLiteral("revoked.pem")}, &error),
                 qPrintable(error));
        QVERIFY2(publishCrl(&error), qPrintable(error));

        // A SoftHSM2 token in this run's folder; the key pair is made on the token.
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("tokens")));
        QFile conf(file(QStringLiteral("softhsm2.conf")));
        QVERIFY(conf.open(QIODevice::WriteOnly));
        conf.write("directories.tokendir = " + QFile::encodeName(file(QStringLiteral("tokens"))) + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        conf.close();
        qputenv("SOFTHSM2_CONF", QFile::encodeName(conf.fileName()));
        QVERIFY2(run(QStringLiteral("softhsm2-util"), {QStringLiteral("--init-token"), QStringLiteral("--free"), QStringLiteral("--label"), QStringLiteral("HallSuite"),
                                                       QStringLiteral("--pin"), QString::fromLatin1(tokenPin), QStringLiteral("--so-pin"), QStringLiteral("13579111")}, &error),
                 qPrintable(error));
        const QStringList login{QStringLiteral("--login"), QStringLiteral("--pin"), QString::fromLatin1(tokenPin)};
        QVERIFY2(pkcs11Tool(login + QStringList{QStringLiteral("--keypairgen"), QStringLiteral("--key-type"), QStringLiteral("EC:prime256v1"),
                                                QStringLiteral("--id"), QStringLiteral("02"), QStringLiteral("--label"), QStringLiteral("officer-token")}, &error),
                 qPrintable(error));
        QVERIFY2(pkcs11Tool({QStringLiteral("--read-object"), QStringLiteral("--type"), QStringLiteral("pubkey"), QStringLiteral("--id"), QStringLiteral("02"),
                             QStringLiteral("-o"), QStringLiteral("token-pub.der")}, &error), qPrintable(error));
        QVERIFY2(openssl({QStringLiteral("pkey"), QStringLiteral("-pubin"), QStringLiteral("-inform"), QStringLiteral("der"), QStringLiteral("-in"),
                          QStringLiteral("token-pub.der"), QStringLiteral("-out"), QStringLiteral("token-pub.pem")}, &error), qPrintable(error));
        QFile ext(file(QStringLiteral("client.ext")));
        QVERIFY(ext.open(QIODevice::WriteOnly));
        ext.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
        ext.close();
        QVERIFY2(openssl({QStringLiteral("x509"), QStringLiteral("-new"), QStringLiteral("-force_pubkey"), QStringLiteral("token-pub.pem"), QStringLiteral("-subj"),
                          QStringLiteral("/CN=officer02 token"), QStringLiteral("-CA"), QStringLiteral("ca.pem"), QStringLiteral("-CAkey"), QStringLiteral("ca.key"),
                          QStringLiteral("-set_serial"), QStringLiteral("4242"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"),
                          QStringLiteral("client.ext"), QStringLiteral("-out"), QStringLiteral("token.pem")}, &error), qPrintable(error));
        QVERIFY2(openssl({QStringLiteral("x509"), QStringLiteral("-in"), QStringLiteral("token.pem"), QStringLiteral("-outform"), QStringLiteral("der"),
                          QStringLiteral("-out"), QStringLiteral("token.der")}, &error), qPrintable(error));
        QVERIFY2(pkcs11Tool(login + QStringList{QStringLiteral("--write-object"), QStringLiteral("token.der"), QStringLiteral("--type"), QStringLiteral("cert"),
                                                QStringLiteral("--id"), QStringLiteral("02"), QStringLiteral("--label"), QStringLiteral("officer-token")}, &error),
                 qPrintable(error));

        QVERIFY2(m_server.createDatabase(&error), qPrintable(error));
        QVERIFY2(m_server.seed(hall::test::demoHall(), &error), qPrintable(error));
        QVERIFY2(mapCertificate(QStringLiteral("officer01"), QStringLiteral("valid.pem"), &error), qPrintable(error));
        QVERIFY2(mapCertificate(QStringLiteral("officer02"), QStringLiteral("token.pem"), &error), qPrintable(error));
        QVERIFY2(mapCertificate(QStringLiteral("officer03"), QStringLiteral("later.pem"), &error), qPrintable(error));
        QVERIFY2(mapCertificate(QStringLiteral("officer04"), QStringLiteral("expired.pem"), &error), qPrintable(error));
        QVERIFY2(mapCertificate(QStringLiteral("officer05"), QStringLiteral("revoked.pem"), &error), qPrintable(error));
        QVERIFY2(mapCertificate(QStringLiteral("officer06"), QStringLiteral("wrong-usage.pem"), &error), qPrintable(error));
        QVERIFY2(startServer(&error), qPrintable(error));
    }

    void cleanupTestCase() { m_server.stop(); }

    void administeredFromTheCommandLine()
    {
        QString out, error;
        QVERIFY2(m_server.command({QStringLiteral("account"), QStringLiteral("certificate"), QStringLiteral("list"), QStringLiteral("--login"),
                                   QStringLiteral("officer01")}, &out, &error, hall::test::Server::Output::ShownToTheOperator), qPrintable(error));
        // RFC 2253 order (last RDN first), UTF-8 kept; the subject, then the issuer.
        const qsizetype subject = out.indexOf(QStringLiteral(" O=汕尾市政务服务中心,CN=张三 officer01\t"));
        QVERIFY2(subject > 0, qPrintable(out));
        QVERIFY2(out.indexOf(QStringLiteral(" CN=ca,O=HallSuite Test\t")) > subject, qPrintable(out));
        // One subject, one account.
        QVERIFY(!mapCertificate(QStringLiteral("officer02"), QStringLiteral("valid.pem"), &error));
        QVERIFY2(error.contains(QStringLiteral("officer01")), qPrintable(error));
        QVERIFY(!mapCertificate(QStringLiteral("nobody"), QStringLiteral("unmapped.pem"), &error));
        QVERIFY(!mapCertificate(QStringLiteral("officer07"), QStringLiteral("no-such.pem"), &error));
    }

    void pkcs12SignsIn()
    {
        const ClientIdentity id = p12Identity(QStringLiteral("valid"));
        QVERIFY(!id.isNull());
        auto c = client(id);
        const qint64 before = tokens();
        const auto s = await<Session>([&](QObject *ctx, auto done) { c->signInWithCertificate(ctx, done); });
        QVERIFY2(s.ok(), qPrintable(describe(s.error())));
        QCOMPARE(s->role, QStringLiteral("officer"));
        QCOMPARE(c->hall(), QStringLiteral("swzx"));
        const auto me = await<Account>([&](QObject *ctx, auto done) { c->me(ctx, done); });
        QVERIFY2(me.ok(), qPrintable(describe(me.error())));
        QCOMPARE(me->login, QStringLiteral("officer01"));
        QCOMPARE(tokens(), before + 1);
        const auto audit = lastCertificateAudit();
        QCOMPARE(audit.first, 200);
        QVERIFY2(audit.second.startsWith(QStringLiteral("certificate officer01 sha256:")), qPrintable(audit.second));
        QVERIFY2(!audit.second.contains(QStringLiteral("张三")), "the audit detail names the certificate, not the person");
    }

    void refused_data()
    {
        QTest::addColumn<QString>("certificate");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("expired") << QStringLiteral("expired") << 401 << QStringLiteral("certificate_expired");
        QTest::newRow("revoked") << QStringLiteral("revoked") << 401 << QStringLiteral("certificate_revoked");
        QTest::newRow("wrong CA") << QStringLiteral("wrong-ca") << 401 << QStringLiteral("certificate_untrusted");
        QTest::newRow("wrong key usage") << QStringLiteral("wrong-usage") << 401 << QStringLiteral("certificate_wrong_usage");
        QTest::newRow("not mapped") << QStringLiteral("unmapped") << 403 << QStringLiteral("certificate_not_mapped");
        QTest::newRow("no certificate") << QString() << 401 << QStringLiteral("certificate_required");
    }

    void refused()
    {
        QFETCH(QString, certificate);
        QFETCH(int, status);
        QFETCH(QString, code);
        ClientIdentity id;
        if (!certificate.isEmpty()) {
            id = p12Identity(certificate);
            QVERIFY(!id.isNull());
        }
        auto c = client(id);
        const qint64 before = tokens();
        const auto s = await<Session>([&](QObject *ctx, auto done) { c->signInWithCertificate(ctx, done); });
        QVERIFY2(!s.ok(), "a refused certificate must not sign in");
        QCOMPARE(s.error().httpStatus, status);
        QCOMPARE(s.error().code, code);
        QVERIFY(!s.error().message.isEmpty());
        QVERIFY(!c->hasToken());
        QCOMPARE(tokens(), before);
        const auto audit = lastCertificateAudit();
        QCOMPARE(audit.first, status);
        QVERIFY2(audit.second.endsWith(u": " + code), qPrintable(audit.second));
    }

    void pkcs11KeyNeverLeavesTheToken()
    {
        if (!ClientIdentities::hasPkcs11())
            QFAIL("built without libp11: scripts/bootstrap installs libp11-dev");
        QString error, listing;
        // What the token says about its key: made there and never extractable.
        QVERIFY2(pkcs11Tool({QStringLiteral("--login"), QStringLiteral("--pin"), QString::fromLatin1(tokenPin), QStringLiteral("--list-objects"),
                             QStringLiteral("--type"), QStringLiteral("privkey")}, &error, &listing), qPrintable(error));
        QVERIFY2(listing.contains(QStringLiteral("never extractable")), qPrintable(listing));

        ClientIdentity wrong;
        QVERIFY(!ClientIdentities::fromPkcs11(softhsmModule, QStringLiteral("pkcs11:token=HallSuite;object=officer-token"), "000000", &wrong, &error));
        QVERIFY2(error.contains(QStringLiteral("PIN")), qPrintable(error));
        QVERIFY(!ClientIdentities::fromPkcs11(softhsmModule, QStringLiteral("pkcs11:token=HallSuite;object=officer-token;pin-value=246810"), {}, &wrong, &error));

        ClientIdentity id;
        QVERIFY2(ClientIdentities::fromPkcs11(softhsmModule, QStringLiteral("pkcs11:token=HallSuite;object=officer-token"), tokenPin, &id, &error),
                 qPrintable(error));
        // Qt 6.4 keeps an EC handle as its own EC_KEY, with libp11's method that signs on the
        // token; what Qt can see of the private key is a scalar of zeros.
        QCOMPARE(id.key.algorithm(), QSsl::Ec);
        QVERIFY2(id.key.toDer().contains(QByteArray(QByteArray("\x04\x20", 2) + QByteArray(32, 0))), "the private scalar must not be in memory");

        QCOMPARE(id.certificate.subjectInfo(QSslCertificate::CommonName).value(0), QStringLiteral("officer02 token"));
        auto c = client(id);
        const auto s = await<Session>([&](QObject *ctx, auto done) { c->signInWithCertificate(ctx, done); });
        QVERIFY2(s.ok(), qPrintable(describe(s.error())));
        const auto me = await<Account>([&](QObject *ctx, auto done) { c->me(ctx, done); });
        QVERIFY2(me.ok(), qPrintable(describe(me.error())));
        QCOMPARE(me->login, QStringLiteral("officer02"));
        const auto audit = lastCertificateAudit();
        QCOMPARE(audit.first, 200);
        QVERIFY2(audit.second.startsWith(QStringLiteral("certificate officer02 sha256:")), qPrintable(audit.second));
    }

    // The field engineer's tool signs in the same ways; the secret comes on standard input.
    void hallSyncSignsInByCertificate_data()
    {
        QTest::addColumn<QStringList>("identity");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<QString>("login");
        QTest::newRow("PKCS#12") << QStringList{QStringLiteral("--client-cert"), file(QStringLiteral("valid.p12"))} << p12Password + '\n'
                                 << QStringLiteral("officer01");
        QTest::newRow("PKCS#11") << QStringList{QStringLiteral("--pkcs11-module"), softhsmModule, QStringLiteral("--pkcs11-uri"),
                                                QStringLiteral("pkcs11:token=HallSuite;object=officer-token")}
                                 << tokenPin + '\n' << QStringLiteral("officer02");
    }

    void hallSyncSignsInByCertificate()
    {
        QFETCH(QStringList, identity);
        QFETCH(QByteArray, secret);
        QFETCH(QString, login);
        QProcess p;
        p.start(hall::test::binDir() + QStringLiteral("/hall-sync"),
                QStringList{QStringLiteral("--cache"), file(login + QStringLiteral(".db")), QStringLiteral("--server"),
                            QStringLiteral("https://127.0.0.1:%1").arg(m_server.port()), QStringLiteral("--hall"), QStringLiteral("swzx"),
                            QStringLiteral("--ca-file"), file(QStringLiteral("ca.pem"))}
                    + identity + QStringList{QStringLiteral("sync"), QStringLiteral("--seconds"), QStringLiteral("10")});
        p.write(secret);
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(60000));
        const QString err = QString::fromUtf8(hall::test::childStderr(p));
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, qPrintable(err));
        QVERIFY2(!err.contains(QString::fromLatin1(secret.trimmed())), "the secret must not be printed");
        const auto audit = lastCertificateAudit();
        QCOMPARE(audit.first, 200);
        QVERIFY2(audit.second.startsWith(QStringLiteral("certificate %1 ").arg(login)), qPrintable(audit.second));
    }

    // This PC's certificate store: an NSS database with a password (the PIN of its one token),
    // holding the officer's certificate, an expired one and one from another CA, each with its
    // key. A wrong password is refused before anything reaches the server; the valid certificate
    // signs in over mutual TLS with its key signing inside NSS; the others get the server's refusals.
    void nssCertificateStore()
    {
        m_server.scheme = QStringLiteral("https");
        const QString store = file(QStringLiteral("nssdb"));
        const QByteArray password = "store-pw-2026";
        QString error;
        QVERIFY2(hall::test::createNssStore(store, password, file(QStringLiteral("ca.pem")),
                                            {file(QStringLiteral("valid.p12")), file(QStringLiteral("expired.p12")), file(QStringLiteral("wrong-ca.p12"))},
                                            p12Password, {}, &error),
                 qPrintable(error));
        const Pkcs11Module module = Pkcs11Module::nssDatabase(store);
        QList<TokenInfo> found;
        QVERIFY2(ClientIdentities::tokens(module, &found, &error), qPrintable(error));
        QMap<QString, QString> uris; // serial → URI (the valid and the other CA's share the subject)
        for (const TokenInfo &t : std::as_const(found)) {
            for (const auto &c : t.certificates) {
                QVERIFY2(t.pinRequired, "a store with a password asks for it");
                uris.insert(QString::fromLatin1(c.certificate.serialNumber()), c.uri);
            }
        }
        QCOMPARE(uris.size(), 3); // the hall CA imported beside them is not offered
        const auto serialOf = [&](const QString &pem) { return QString::fromLatin1(QSslCertificate::fromPath(file(pem)).value(0).serialNumber()); };
        const QString valid = uris.value(serialOf(QStringLiteral("valid.pem")));
        const QString expired = uris.value(serialOf(QStringLiteral("expired.pem")));
        const QString wrongCa = uris.value(serialOf(QStringLiteral("wrong-ca.pem")));
        QVERIFY(!valid.isEmpty() && !expired.isEmpty() && !wrongCa.isEmpty());
        QVERIFY2(valid != wrongCa, "one key, two certificates: each named by its fingerprint");

        ClientIdentity id;
        ClientIdentities::Problem problem = ClientIdentities::Problem::None;
        const qint64 before = tokens();
        QVERIFY(!ClientIdentities::fromPkcs11(module, valid, "not-the-password", &id, &error, &problem));
        QCOMPARE(problem, ClientIdentities::Problem::WrongPin);
        QVERIFY(id.isNull());

        const auto signInWith = [&](const QString &uri) {
            ClientIdentity identity;
            QString why;
            if (!ClientIdentities::fromPkcs11(module, uri, password, &identity, &why))
                qWarning() << why;
            auto c = client(identity);
            return await<Session>([&](QObject *ctx, auto done) { c->signInWithCertificate(ctx, done); });
        };
        const auto refusedExpired = signInWith(expired);
        QVERIFY(!refusedExpired.ok());
        QCOMPARE(refusedExpired.error().code, QStringLiteral("certificate_expired"));
        const auto refusedCa = signInWith(wrongCa);
        QVERIFY(!refusedCa.ok());
        QCOMPARE(refusedCa.error().code, QStringLiteral("certificate_untrusted"));
        QCOMPARE(tokens(), before);
        const auto accepted = signInWith(valid);
        QVERIFY2(accepted.ok(), qPrintable(describe(accepted.error())));
        QCOMPARE(tokens(), before + 1);
        const auto audit = lastCertificateAudit();
        QCOMPARE(audit.first, 200);
        QVERIFY2(audit.second.startsWith(QStringLiteral("certificate officer01 ")), qPrintable(audit.second));
    }

    // The security administrator takes a certificate away from an account: the sessions signed
    // in with it end at once, their event streams too; the account's password session stays.
    void removingTheMappingEndsItsSessions()
    {
        m_server.scheme = QStringLiteral("https");
        auto byCertificate = signedIn(QStringLiteral("valid"));
        QVERIFY(sessionAlive(byCertificate.get()));
        auto stream = openStream(byCertificate.get());
        QVERIFY(stream);
        QSignalSpy closed(stream.get(), &QWebSocket::disconnected);
        auto byPassword = client({});
        QVERIFY(await<Session>([&](QObject *ctx, auto done) {
                    byPassword->signIn(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"), ctx, done);
                }).ok());

        const QString admin = m_server.login(QStringLiteral("secadmin"), QStringLiteral("demo-security-2026"));
        QVERIFY(!admin.isEmpty());
        const auto listed = m_server.call("GET", QStringLiteral("/api/v1/admin/accounts/officer01/certificates"), {}, admin);
        QCOMPARE(listed.status, 200);
        const QJsonObject mapping = listed.body.value(QStringLiteral("certificates")).toArray().first().toObject();
        QVERIFY2(mapping.value(QStringLiteral("subject")).toString().contains(QStringLiteral("张三")), qPrintable(listed.describe()));
        const QJsonObject which{{QStringLiteral("subject"), mapping.value(QStringLiteral("subject"))},
                                {QStringLiteral("issuer"), mapping.value(QStringLiteral("issuer"))}};
        // Only the security administrator takes certificates away.
        QCOMPARE(m_server.call("POST", QStringLiteral("/api/v1/admin/accounts/officer01/certificates/remove"), which, byPassword->token()).status, 403);
        const auto removed = m_server.call("POST", QStringLiteral("/api/v1/admin/accounts/officer01/certificates/remove"), which, admin);
        QCOMPARE(removed.status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 5000);
        QVERIFY2(!sessionAlive(byCertificate.get()), "the certificate's session must end at once");
        QVERIFY(sessionAlive(byPassword.get()));
        QVERIFY(auditDetail(QStringLiteral("POST /api/v1/admin/accounts/{}/certificates/remove")).startsWith(QStringLiteral("certificate mapping removed")));
        // Gone: a second removal finds nothing, and the certificate signs in no more.
        QCOMPARE(m_server.call("POST", QStringLiteral("/api/v1/admin/accounts/officer01/certificates/remove"), which, admin).status, 404);
        auto again = client(p12Identity(QStringLiteral("valid")));
        const auto refused = await<Session>([&](QObject *ctx, auto done) { again->signInWithCertificate(ctx, done); });
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("certificate_not_mapped"));
        QString error;
        QVERIFY2(mapCertificate(QStringLiteral("officer01"), QStringLiteral("valid.pem"), &error), qPrintable(error));
    }

    // The same on the server's machine, with the server running: `account certificate remove`
    // and `account disable` change only the database, and the running server ends the sessions
    // they withdrew within about a second (its tick checks its sessions against the tokens),
    // event streams included; `account enable` lets the account in again.
    void commandLineEndsSessionsOfARunningServer()
    {
        m_server.scheme = QStringLiteral("https");
        auto byCertificate = signedIn(QStringLiteral("valid"));
        QVERIFY(sessionAlive(byCertificate.get()));
        auto certificateStream = openStream(byCertificate.get());
        QVERIFY(certificateStream);
        QSignalSpy certificateClosed(certificateStream.get(), &QWebSocket::disconnected);
        auto byPassword = client({});
        QVERIFY(await<Session>([&](QObject *ctx, auto done) {
                    byPassword->signIn(QStringLiteral("officer01"), QStringLiteral("demo-officer-2026"), ctx, done);
                }).ok());
        auto other = client({});
        QVERIFY(await<Session>([&](QObject *ctx, auto done) {
                    other->signIn(QStringLiteral("officer08"), QStringLiteral("demo-officer-2026"), ctx, done);
                }).ok());
        auto otherStream = openStream(other.get());
        QVERIFY(otherStream);
        QSignalSpy otherClosed(otherStream.get(), &QWebSocket::disconnected);

        QString out, error;
        QElapsedTimer clock;
        clock.start();
        QVERIFY2(m_server.command({QStringLiteral("account"), QStringLiteral("certificate"), QStringLiteral("remove"), QStringLiteral("--login"),
                                   QStringLiteral("officer01"), file(QStringLiteral("valid.pem"))},
                                  &out, &error, {}, hall::test::Server::Output::ShownToTheOperator), // names the subject, a person
                 qPrintable(error));
        // The command says how many sessions it ended, in the server's language.
        QVERIFY2(out.contains(QStringLiteral("1 session")) || out.contains(QStringLiteral("1 个会话")), qPrintable(out));
        QTRY_COMPARE_WITH_TIMEOUT(certificateClosed.size(), 1, 3000);
        qInfo() << "certificate removed on the command line: its event stream closed after" << clock.elapsed() << "ms";
        QCOMPARE(certificateStream->closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QVERIFY2(!sessionAlive(byCertificate.get()), "the certificate's session must end without a restart");
        QVERIFY2(sessionAlive(byPassword.get()), "the account's password session stays");
        QVERIFY(sessionAlive(other.get()));
        QCOMPARE(otherClosed.size(), 0);
        QVERIFY2(mapCertificate(QStringLiteral("officer01"), QStringLiteral("valid.pem"), &error), qPrintable(error));

        QVERIFY2(m_server.command({QStringLiteral("account"), QStringLiteral("disable"), QStringLiteral("--login"), QStringLiteral("officer08")}, &out, &error),
                 qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(otherClosed.size(), 1, 3000);
        QCOMPARE(otherStream->closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        // Said as a disabled account, not as a withdrawn session (the server speaks Chinese here).
        QVERIFY2(!otherStream->closeReason().isEmpty() && otherStream->closeReason() != certificateStream->closeReason(),
                 qPrintable(otherStream->closeReason()));
        QVERIFY2(!sessionAlive(other.get()), "a disabled account's session must end without a restart");
        QVERIFY(sessionAlive(byPassword.get()));
        auto again = client({});
        QCOMPARE(await<Session>([&](QObject *ctx, auto done) {
                     again->signIn(QStringLiteral("officer08"), QStringLiteral("demo-officer-2026"), ctx, done);
                 }).error().code,
                 QStringLiteral("bad_credentials"));
        QVERIFY(!m_server.command({QStringLiteral("account"), QStringLiteral("disable"), QStringLiteral("--login"), QStringLiteral("nobody")}, &out, &error));
        QVERIFY2(error.contains(QStringLiteral("nobody")), qPrintable(error));
        QVERIFY2(m_server.command({QStringLiteral("account"), QStringLiteral("enable"), QStringLiteral("--login"), QStringLiteral("officer08")}, &out, &error),
                 qPrintable(error));
        QVERIFY(await<Session>([&](QObject *ctx, auto done) {
                    again->signIn(QStringLiteral("officer08"), QStringLiteral("demo-officer-2026"), ctx, done);
                }).ok());

        // A password reset on the command line ends the account's sessions the same way.
        auto reset = client({});
        QVERIFY(await<Session>([&](QObject *ctx, auto done) {
                    reset->signIn(QStringLiteral("officer09"), QStringLiteral("demo-officer-2026"), ctx, done);
                }).ok());
        auto resetStream = openStream(reset.get());
        QVERIFY(resetStream);
        QSignalSpy resetClosed(resetStream.get(), &QWebSocket::disconnected);
        QVERIFY2(m_server.command({QStringLiteral("account"), QStringLiteral("password"), QStringLiteral("--login"), QStringLiteral("officer09")}, &out,
                                  &error, "Hall-Reset-2026x\n"),
                 qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(resetClosed.size(), 1, 3000);
        QVERIFY2(!sessionAlive(reset.get()), "a reset password's old sessions must end without a restart");
        QVERIFY(sessionAlive(again.get()));
    }

    // Which ways a hall's sign-in screen offers, per hall: set on the server's machine (counts at
    // once) or by the security administrator through the server (audited); devices keep their passwords.
    void passwordsPerHall()
    {
        m_server.scheme = QStringLiteral("https");
        const auto ways = [&](const QString &hall) {
            return m_server.call("GET", QStringLiteral("/api/v1/auth/ways?hall=") + hall).body;
        };
        QCOMPARE(ways(QStringLiteral("swzx")).value(QStringLiteral("password")).toBool(), true);
        QCOMPARE(ways(QStringLiteral("swzx")).value(QStringLiteral("certificate")).toBool(), true);
        QCOMPARE(m_server.call("GET", QStringLiteral("/api/v1/auth/ways?hall=nowhere")).status, 404);

        QString out, error;
        QVERIFY2(m_server.command({QStringLiteral("hall"), QStringLiteral("password-sign-in"), QStringLiteral("--hall"), QStringLiteral("swzx"),
                                   QStringLiteral("off")}, &out, &error), qPrintable(error));
        QVERIFY(!m_server.command({QStringLiteral("hall"), QStringLiteral("password-sign-in"), QStringLiteral("--hall"), QStringLiteral("nowhere"),
                                   QStringLiteral("off")}, &out, &error));
        QCOMPARE(ways(QStringLiteral("swzx")).value(QStringLiteral("password")).toBool(), false);

        auto c = client({});
        c->setHall(QStringLiteral("swzx")); // the hall this PC serves: refused before the password is checked
        for (const QString &password : {QStringLiteral("demo-officer-2026"), QStringLiteral("wrong-one")}) {
            const auto s = await<Session>([&](QObject *ctx, auto done) { c->signIn(QStringLiteral("officer07"), password, ctx, done); });
            QVERIFY(!s.ok());
            QVERIFY2(s.error().code == QLatin1String("password_sign_in_off"), qPrintable(describe(s.error())));
        }
        // Without the hall: a wrong password is just wrong (nothing said of the hall), a right one refused.
        c->setHall({});
        auto s = await<Session>([&](QObject *ctx, auto done) { c->signIn(QStringLiteral("officer07"), QStringLiteral("wrong-one"), ctx, done); });
        QCOMPARE(s.error().code, QStringLiteral("bad_credentials"));
        s = await<Session>([&](QObject *ctx, auto done) { c->signIn(QStringLiteral("officer07"), QStringLiteral("demo-officer-2026"), ctx, done); });
        QCOMPARE(s.error().code, QStringLiteral("password_sign_in_off"));
        QVERIFY(!c->hasToken());
        s = await<Session>([&](QObject *ctx, auto done) { c->signIn(QStringLiteral("display1"), QStringLiteral("demo-display-2026"), ctx, done); });
        QVERIFY2(s.ok(), "devices keep their passwords");
        QVERIFY(signedIn(QStringLiteral("valid"))->hasToken());

        // The security administrator turns it back on, through the server (audited); nobody else may.
        const QString admin = m_server.login(QStringLiteral("secadmin"), QStringLiteral("demo-security-2026"));
        const QString supervisor = m_server.login(QStringLiteral("supervisor"), QStringLiteral("demo-super-2026"));
        QVERIFY(admin.isEmpty() == false);
        const QString route = QStringLiteral("/api/v1/admin/halls/swzx/password-sign-in");
        QCOMPARE(m_server.call("POST", route, {{QStringLiteral("allowed"), true}}, supervisor).status, supervisor.isEmpty() ? 401 : 403);
        QCOMPARE(m_server.call("POST", route, {{QStringLiteral("allowed"), QStringLiteral("yes")}}, admin).status, 400);
        QCOMPARE(m_server.call("POST", QStringLiteral("/api/v1/admin/halls/nowhere/password-sign-in"), {{QStringLiteral("allowed"), true}}, admin).status, 404);
        const auto on = m_server.call("POST", route, {{QStringLiteral("allowed"), true}}, admin);
        QCOMPARE(on.status, 200);
        QCOMPARE(auditDetail(QStringLiteral("POST /api/v1/admin/halls/{}/password-sign-in")), QStringLiteral("hall swzx password sign-in on"));
        QCOMPARE(ways(QStringLiteral("swzx")).value(QStringLiteral("password")).toBool(), true);
        c->setHall(QStringLiteral("swzx"));
        s = await<Session>([&](QObject *ctx, auto done) { c->signIn(QStringLiteral("officer07"), QStringLiteral("demo-officer-2026"), ctx, done); });
        QVERIFY2(s.ok(), qPrintable(describe(s.error())));
    }

    // A refreshed CRL counts from the next sign-in, without a restart, and ends the sessions
    // signed in with a certificate it revokes within the server's tick, event streams included.
    void crlRefreshRevokesWithoutRestart()
    {
        auto c = client(p12Identity(QStringLiteral("later")));
        const auto first = await<Session>([&](QObject *ctx, auto done) { c->signInWithCertificate(ctx, done); });
        QVERIFY2(first.ok(), qPrintable(describe(first.error())));
        auto stream = openStream(c.get());
        QVERIFY(stream);
        QSignalSpy closed(stream.get(), &QWebSocket::disconnected);
        auto other = signedIn(QStringLiteral("valid"));
        QVERIFY(sessionAlive(other.get()));
        QString error;
        QVERIFY2(openssl({QStringLiteral("ca"), QStringLiteral("-config"), QStringLiteral("ca.cnf"), QStringLiteral("-revoke"), QStringLiteral("later.pem")}, &error),
                 qPrintable(error));
        QVERIFY2(publishCrl(&error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 5000);
        QVERIFY2(!sessionAlive(c.get()), "the revoked certificate's session must end");
        QVERIFY2(sessionAlive(other.get()), "a certificate the CRL does not name keeps its session");
        auto again = client(p12Identity(QStringLiteral("later")));
        const auto second = await<Session>([&](QObject *ctx, auto done) { again->signInWithCertificate(ctx, done); });
        QVERIFY(!second.ok());
        QCOMPARE(second.error().code, QStringLiteral("certificate_revoked"));
    }

    // --no-password-sign-in: people only by certificate; devices keep their passwords.
    void passwordsRefusedToPeopleWhereTheHallSaysSo()
    {
        auto c = client({});
        const auto before = await<Session>([&](QObject *ctx, auto done) {
            c->signIn(QStringLiteral("officer07"), QStringLiteral("demo-officer-2026"), ctx, done);
        });
        QVERIFY2(before.ok(), qPrintable(describe(before.error())));

        m_server.stop();
        QString error;
        QVERIFY2(startServer(&error, {QStringLiteral("--no-password-sign-in")}), qPrintable(error));
        // The server-wide switch wins over the hall's own setting.
        m_server.scheme = QStringLiteral("https");
        QCOMPARE(m_server.call("GET", QStringLiteral("/api/v1/auth/ways?hall=swzx")).body.value(QStringLiteral("password")).toBool(), false);
        c = client({});
        for (const QString &login : {QStringLiteral("officer07"), QStringLiteral("no-such-person")}) {
            const auto s = await<Session>([&](QObject *ctx, auto done) { c->signIn(login, QStringLiteral("demo-officer-2026"), ctx, done); });
            QVERIFY(!s.ok());
            QCOMPARE(s.error().httpStatus, 403);
            QCOMPARE(s.error().code, QStringLiteral("password_sign_in_off"));
        }
        const auto display = await<Session>([&](QObject *ctx, auto done) {
            c->signIn(QStringLiteral("display1"), QStringLiteral("demo-display-2026"), ctx, done);
        });
        QVERIFY2(display.ok(), qPrintable(describe(display.error())));
        auto officer = client(p12Identity(QStringLiteral("valid")));
        const auto s = await<Session>([&](QObject *ctx, auto done) { officer->signInWithCertificate(ctx, done); });
        QVERIFY2(s.ok(), qPrintable(describe(s.error())));
    }
};

QTEST_GUILESS_MAIN(TestPkiSignIn)
#include "tst_pki_signin.moc"
