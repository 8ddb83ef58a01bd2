#pragma once

// A hall CA made by openssl in a temporary folder for one test program: a server certificate
// for 127.0.0.1, officers' certificates and PKCS#12 files, its CRL, and a SoftHSM2 token whose
// key was made on the token (as tst_pki_signin does against the binary).

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

namespace hall::test {

// A certificate store as a Linux desktop keeps it: a new NSS database (sql:) in `folder` with
// `password` (empty: none, NSS's default), the hall CA `caFile` trusted in it, the PKCS#12 files
// `p12Files` (password `p12Password`) imported with their keys, and `bareCertificates` (PEM)
// without a key (as a colleague's, kept for e-mail). Made by certutil and pk12util (libnss3-tools).
inline bool createNssStore(const QString &folder, const QByteArray &password, const QString &caFile, const QStringList &p12Files,
                           const QByteArray &p12Password, const QStringList &bareCertificates, QString *error)
{
    const auto run = [error](const QStringList &args) {
        QProcess p;
        p.start(args.first(), args.mid(1));
        const bool ok = p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        if (!ok)
            *error = QStringLiteral("%1: %2%3").arg(args.join(u' '), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError()));
        return ok;
    };
    const QString db = QStringLiteral("sql:") + folder;
    const QString passwordFile = folder + QStringLiteral(".password");
    QFile pw(passwordFile);
    if (!QDir().mkpath(folder) || !pw.open(QIODevice::WriteOnly) || pw.write(password + '\n') < 0) {
        *error = QStringLiteral("cannot make %1").arg(folder);
        return false;
    }
    pw.close();
    const QStringList dbPassword = password.isEmpty() ? QStringList{} : QStringList{QStringLiteral("-f"), passwordFile};
    if (!run(QStringList{QStringLiteral("certutil"), QStringLiteral("-N"), QStringLiteral("-d"), db}
             + (password.isEmpty() ? QStringList{QStringLiteral("--empty-password")} : dbPassword))
        || !run(QStringList{QStringLiteral("certutil"), QStringLiteral("-A"), QStringLiteral("-d"), db, QStringLiteral("-n"), QStringLiteral("hall CA"),
                            QStringLiteral("-t"), QStringLiteral("CT,,"), QStringLiteral("-a"), QStringLiteral("-i"), caFile}
                + dbPassword))
        return false;
    for (const QString &p12 : p12Files) {
        if (!run(QStringList{QStringLiteral("pk12util"), QStringLiteral("-i"), p12, QStringLiteral("-d"), db, QStringLiteral("-W"), QString::fromLatin1(p12Password)}
                 + (password.isEmpty() ? QStringList{} : QStringList{QStringLiteral("-k"), passwordFile})))
            return false;
    }
    for (const QString &pem : bareCertificates) {
        if (!run(QStringList{QStringLiteral("certutil"), QStringLiteral("-A"), QStringLiteral("-d"), db, QStringLiteral("-n"), QFileInfo(pem).baseName(),
                             QStringLiteral("-t"), QStringLiteral(",,"), QStringLiteral("-a"), QStringLiteral("-i"), pem}
                 + dbPassword))
            return false;
    }
    return QFile::remove(passwordFile);
}

class TestPki
{
public:
    static constexpr const char *softhsmModule = "/usr/lib/softhsm/libsofthsm2.so";
    static constexpr const char *tokenPin = "246810";
    static constexpr const char *p12Password = "p12-secret";

    QString file(const QString &name) const { return m_dir.filePath(name); }

    bool run(const QString &program, const QStringList &args, QString *error)
    {
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(program, args);
        const bool ok = p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        if (!ok)
            *error = QStringLiteral("%1 %2: %3").arg(program, args.join(u' '), QString::fromUtf8(p.readAllStandardError()));
        return ok;
    }
    bool openssl(const QString &args, QString *error) { return run(QStringLiteral("openssl"), args.split(u' '), error); }
    bool write(const QString &name, const QByteArray &bytes)
    {
        QFile f(file(name));
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    }

    // The CA, its CRL and the server's certificate.
    bool create(QString *error)
    {
        if (!m_dir.isValid() || !QDir(m_dir.path()).mkpath(QStringLiteral("issued"))
            || !write(QStringLiteral("ca.cnf"), "[ca]\ndefault_ca = hall\n[hall]\ndir = .\ndatabase = index.txt\nnew_certs_dir = issued\n"
                                                 "certificate = ca.pem\nprivate_key = ca.key\nserial = serial\ncrlnumber = crlnumber\n"
                                                 "default_md = sha256\ndefault_days = 2\ndefault_crl_days = 2\npolicy = anything\n"
                                                 "unique_subject = no\nutf8 = yes\nstring_mask = utf8only\n[anything]\ncommonName = supplied\n"
                                                 "organizationName = optional\n[client]\nbasicConstraints = CA:FALSE\n"
                                                 "keyUsage = critical, digitalSignature\nextendedKeyUsage = clientAuth\n[server]\n"
                                                 "basicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\n"
                                                 "extendedKeyUsage = serverAuth\nsubjectAltName = IP:127.0.0.1, DNS:localhost\n")
            || !write(QStringLiteral("index.txt"), {}) || !write(QStringLiteral("serial"), "1000\n") || !write(QStringLiteral("crlnumber"), "1000\n")) {
            *error = QStringLiteral("cannot write the CA's files");
            return false;
        }
        return run(QStringLiteral("openssl"),
                   {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                    QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), QStringLiteral("ca.key"),
                    QStringLiteral("-out"), QStringLiteral("ca.pem"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                    QStringLiteral("/O=HallSuite Test/CN=ca"), QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:TRUE"),
                    QStringLiteral("-addext"), QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")},
                   error)
            && issue(QStringLiteral("server"), QStringLiteral("/CN=127.0.0.1"), QStringLiteral("server"), error) && publishCrl(error);
    }

    // name.key, name.pem (subject, extensions section of ca.cnf, more `openssl ca` arguments) and name.p12.
    bool issue(const QString &name, const QString &subject, const QString &extensions, QString *error, const QStringList &extra = {})
    {
        return run(QStringLiteral("openssl"),
                   {QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                    QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"), QStringLiteral("-utf8"), QStringLiteral("-keyout"),
                    name + QStringLiteral(".key"), QStringLiteral("-out"), name + QStringLiteral(".csr"), QStringLiteral("-subj"), subject},
                   error)
            && run(QStringLiteral("openssl"),
                   QStringList{QStringLiteral("ca"), QStringLiteral("-config"), QStringLiteral("ca.cnf"), QStringLiteral("-batch"), QStringLiteral("-extensions"),
                               extensions, QStringLiteral("-in"), name + QStringLiteral(".csr"), QStringLiteral("-out"), name + QStringLiteral(".pem")}
                       + extra,
                   error)
            && openssl(QStringLiteral("pkcs12 -export -inkey %1.key -in %1.pem -out %1.p12 -passout pass:%2").arg(name, QLatin1String(p12Password)), error);
    }

    bool revoke(const QString &name, QString *error)
    {
        return openssl(QStringLiteral("ca -config ca.cnf -revoke %1.pem").arg(name), error) && publishCrl(error);
    }

    // A new CRL, put in place by renaming (as a hall's cron job should).
    bool publishCrl(QString *error)
    {
        if (!openssl(QStringLiteral("ca -config ca.cnf -gencrl -out crl.new"), error))
            return false;
        QFile::remove(file(QStringLiteral("crl.pem")));
        return QFile::rename(file(QStringLiteral("crl.new")), file(QStringLiteral("crl.pem")));
    }

    // A SoftHSM2 token "HallSuite" in this folder with an EC key made on it (id 02) and its
    // certificate for `subject`, issued by the CA; SOFTHSM2_CONF is set for this process.
    bool createToken(const QString &subject, QString *error)
    {
        if (!QDir(m_dir.path()).mkpath(QStringLiteral("tokens"))
            || !write(QStringLiteral("softhsm2.conf"),
                      "directories.tokendir = " + QFile::encodeName(file(QStringLiteral("tokens"))) + "\nobjectstore.backend = file\nlog.level = ERROR\n")
            || !write(QStringLiteral("client.ext"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n")) {
            *error = QStringLiteral("cannot write the token's files");
            return false;
        }
        qputenv("SOFTHSM2_CONF", QFile::encodeName(file(QStringLiteral("softhsm2.conf"))));
        const QStringList tool{QStringLiteral("--module"), QLatin1String(softhsmModule), QStringLiteral("--token-label"), QStringLiteral("HallSuite")};
        const QStringList login{QStringLiteral("--login"), QStringLiteral("--pin"), QLatin1String(tokenPin)};
        return run(QStringLiteral("softhsm2-util"), {QStringLiteral("--init-token"), QStringLiteral("--free"), QStringLiteral("--label"), QStringLiteral("HallSuite"),
                                                     QStringLiteral("--pin"), QLatin1String(tokenPin), QStringLiteral("--so-pin"), QStringLiteral("13579111")},
                   error)
            && run(QStringLiteral("pkcs11-tool"), tool + login + QStringList{QStringLiteral("--keypairgen"), QStringLiteral("--key-type"), QStringLiteral("EC:prime256v1"),
                                                                             QStringLiteral("--id"), QStringLiteral("02"), QStringLiteral("--label"), QStringLiteral("officer-token")},
                   error)
            && run(QStringLiteral("pkcs11-tool"), tool + QStringList{QStringLiteral("--read-object"), QStringLiteral("--type"), QStringLiteral("pubkey"), QStringLiteral("--id"),
                                                                     QStringLiteral("02"), QStringLiteral("-o"), QStringLiteral("token-pub.der")},
                   error)
            && openssl(QStringLiteral("pkey -pubin -inform der -in token-pub.der -out token-pub.pem"), error)
            && run(QStringLiteral("openssl"), {QStringLiteral("x509"), QStringLiteral("-new"), QStringLiteral("-force_pubkey"), QStringLiteral("token-pub.pem"),
                                               QStringLiteral("-subj"), subject, QStringLiteral("-CA"), QStringLiteral("ca.pem"), QStringLiteral("-CAkey"),
                                               QStringLiteral("ca.key"), QStringLiteral("-set_serial"), QStringLiteral("4242"), QStringLiteral("-days"),
                                               QStringLiteral("2"), QStringLiteral("-extfile"), QStringLiteral("client.ext"), QStringLiteral("-out"),
                                               QStringLiteral("token.pem")},
                   error)
            && openssl(QStringLiteral("x509 -in token.pem -outform der -out token.der"), error)
            && run(QStringLiteral("pkcs11-tool"), tool + login + QStringList{QStringLiteral("--write-object"), QStringLiteral("token.der"), QStringLiteral("--type"),
                                                                             QStringLiteral("cert"), QStringLiteral("--id"), QStringLiteral("02"), QStringLiteral("--label"),
                                                                             QStringLiteral("officer-token")},
                   error);
    }

private:
    QTemporaryDir m_dir;
};

} // namespace hall::test
