// hall-server: the hall service. See README.md and docs/api.md.

#include <server/admin.h>
#include <server/audit.h>
#include <server/certificates.h>
#include <server/hallserver.h>
#include <server/ownership.h>
#include <server/reports.h>
#include <server/secrets.h>

#include <core/i18n.h>
#include <core/logging.h>
#include <storage/database.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTextStream>
#include <QThread>

#include <cstdio>

using namespace hall;

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(HallServerMain)
};

// Exit codes: 1 a wrong option or database, 3 another hall-server owns the halls (without
// --standby), 4 this one lost them while serving.
int fail(const QString &message, int code = 1)
{
    QTextStream(stderr) << "hall-server: " << message << Qt::endl;
    return code;
}

// The public key of --audit-public-key.
bool readPublicKey(const QCommandLineParser &p, QByteArray *pem, QString *error)
{
    QFile f(p.value(QStringLiteral("audit-public-key")));
    if (!f.open(QIODevice::ReadOnly)) {
        *error = Tr::tr("Cannot read %1: %2").arg(f.fileName(), f.errorString());
        return false;
    }
    *pem = f.readAll();
    return true;
}

// The file of a secret: the one its option names, else the systemd credential of the same name
// (installer/hall-server.service passes audit-key, personal-key, notify and tls-key so;
// docs/operations.md); empty when neither is there.
QString secretFile(const QCommandLineParser &p, const QString &option)
{
    return p.isSet(option) ? p.value(option) : server::credentialFile(option);
}

QString location(const QCommandLineParser &p)
{
    if (p.isSet(QStringLiteral("db")))
        return p.value(QStringLiteral("db"));
    QString dir = p.value(QStringLiteral("data"));
    if (dir.isEmpty())
        dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(dir).absoluteFilePath(QStringLiteral("hall.db"));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("hall-server"));
    QCoreApplication::setOrganizationName(QStringLiteral("HallSuite"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HALL_VERSION));
    core::installTranslations();

    QCommandLineParser p;
    p.setApplicationDescription(Tr::tr("HallSuite hall service.\n\n"
                                       "  hall-server [serve]            run the service\n"
                                       "  hall-server seed FILE          load or update a hall from a JSON file\n"
                                       "  hall-server account add ...    create an account (password on stdin)\n"
                                       "  hall-server account list       every account: login, role, hall, state\n"
                                       "  hall-server account password --login L   set a new password (on stdin), changed at the next sign-in\n"
                                       "  hall-server account disable|enable --login L   stop or allow an account's sign-in (a running server ends its sessions)\n"
                                       "  hall-server account certificate add|remove --login L FILE   assign a certificate's subject to an account\n"
                                       "  hall-server account certificate list [--login L]            the certificates that sign in\n"
                                       "  hall-server hall password-sign-in --hall CODE on|off   whether the hall's people may sign in with a password\n"
                                       "  hall-server audit keygen FILE  make an SM2 key that signs the audit chain (public key: FILE.pub)\n"
                                       "  hall-server audit keygen --keychain FILE.pub   the same, the private key kept in the OS keychain\n"
                                       "  hall-server audit import-key FILE   move a key file into the OS keychain (then remove FILE)\n"
                                       "  hall-server audit verify       check the audit chain and its signed heads\n"
                                       "  hall-server audit export --from T --to T FILE   entries as JSON lines, SM2-signed (FILE.sig)\n"
                                       "  hall-server audit verify-export --audit-public-key KEY.pub FILE   check an export's signature and entries\n"
                                       "  hall-server report --hall CODE --date D [--to D] FILE   a hall's statistics, CSV or JSON, SM2-signed (FILE.sig)\n"
                                       "  hall-server report verify --audit-public-key KEY.pub FILE   check a report's signature"));
    p.addHelpOption();
    p.addVersionOption();
    p.addOptions({
        {QStringLiteral("data"), Tr::tr("Folder of the embedded SQLite database."), QStringLiteral("dir")},
        {QStringLiteral("db"), Tr::tr("PostgreSQL URL instead: postgres://user:password@host:port/database"), QStringLiteral("url")},
        {QStringLiteral("blobs"), Tr::tr("Folder of uploaded blobs (default: blobs/ in the data folder; with --db, a shared volume)."), QStringLiteral("dir")},
        {QStringLiteral("listen"), Tr::tr("Address and port to serve on (default 127.0.0.1:8080)."), QStringLiteral("host:port"), QStringLiteral("127.0.0.1:8080")},
        {QStringLiteral("tls-cert"), Tr::tr("PEM certificate: serve HTTPS and WSS."), QStringLiteral("file")},
        {QStringLiteral("tls-key"), Tr::tr("PEM private key of the certificate (default: the systemd credential tls-key)."), QStringLiteral("file")},
        {QStringLiteral("client-ca"), Tr::tr("PEM certificate(s) of the hall CA: with TLS, officers sign in by the client certificates it issued (POST /api/v1/auth/certificate)."), QStringLiteral("file")},
        {QStringLiteral("client-crl"), Tr::tr("The hall CA's certificate revocation list (PEM or DER), reread whenever the file changes."), QStringLiteral("file")},
        {QStringLiteral("no-password-sign-in"), Tr::tr("People sign in by certificate only: passwords are refused (devices keep theirs).")},
        {QStringLiteral("fake-clock"), Tr::tr("Start the clock at this time and let admins move it (demo and tests only; implies --demo)."), QStringLiteral("iso-time")},
        {QStringLiteral("demo"), Tr::tr("Serve the demo data on purpose: its published passwords are accepted. Never in a real hall.")},
        {QStringLiteral("standby"), Tr::tr("If another hall-server serves the halls, wait and take them over when it stops (instead of refusing to start).")},
        {QStringLiteral("owner-check"), Tr::tr("How often the owner checks that it still holds the halls' lock, in milliseconds (default 1000)."), QStringLiteral("ms"), QStringLiteral("1000")},
        {QStringLiteral("login"), Tr::tr("account add: login name."), QStringLiteral("login")},
        {QStringLiteral("name"), Tr::tr("account add: display name."), QStringLiteral("name")},
        {QStringLiteral("role"), Tr::tr("account add: admin (system administrator), security (security administrator), auditor, chief, supervisor, approver, officer, kiosk, display or caller."), QStringLiteral("role")},
        {QStringLiteral("hall"), Tr::tr("account add: code of the account's hall; report: the hall reported on."), QStringLiteral("code")},
        {QStringLiteral("self-test"), Tr::tr("Serve the demo hall from a temporary folder, check it answers, and exit.")},
        {QStringLiteral("audit-key"), Tr::tr("SM2 private key (PEM, readable by its owner only) that signs the audit chain (default: the systemd credential audit-key)."), QStringLiteral("file")},
        {QStringLiteral("audit-keychain"), Tr::tr("The audit key is in the OS keychain (see audit keygen --keychain), not in a file.")},
        {QStringLiteral("keychain"), Tr::tr("audit keygen: keep the new private key in the OS keychain; the file named gets the public key.")},
        {QStringLiteral("keychain-entry"), Tr::tr("Name of the audit key in the keychain (default audit-sm2)."), QStringLiteral("name"), server::auditKeychainEntry},
        {QStringLiteral("audit-public-key"), Tr::tr("audit verify, verify-export, report verify: the public key the heads or the file must be signed with."), QStringLiteral("file")},
        {QStringLiteral("from"), Tr::tr("audit export: first moment, ISO 8601 (2026-11-01 or 2026-11-01T08:00:00+08:00)."), QStringLiteral("time")},
        {QStringLiteral("to"), Tr::tr("audit export: the moment after the last, ISO 8601; report: the last day (included)."), QStringLiteral("time")},
        {QStringLiteral("date"), Tr::tr("report: the (first) day, e.g. 2026-11-23."), QStringLiteral("day")},
        {QStringLiteral("format"), Tr::tr("report: csv (for Excel) or json; by default from the file's name."), QStringLiteral("csv|json")},
        {QStringLiteral("notify"), Tr::tr("Reminders by text message: the gateways' configuration (JSON, readable by its owner only; docs/operations.md; default: the systemd credential notify)."), QStringLiteral("file")},
        {QStringLiteral("personal-key"), Tr::tr("32 random bytes (readable by its owner only) that seal the phone numbers kept for reminders (default: the systemd credential personal-key)."), QStringLiteral("file")},
        {QStringLiteral("audit-sign-seconds"), Tr::tr("How often the audit chain's heads are signed (default 60)."), QStringLiteral("n"), QStringLiteral("60")},
    });
    p.addPositionalArgument(QStringLiteral("command"), Tr::tr("serve (default), seed, account, audit or report."));
    p.process(app);

    if (p.isSet(QStringLiteral("self-test"))) {
        const QString demo = QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral("../share/hallsuite/demo-hall.json"));
        QString err;
        if (!server::selfTest(QFile::exists(demo) ? demo : QStringLiteral(":/demo/demo-hall.json"), &err))
            return fail(err);
        QTextStream(stdout) << "self-test ok" << Qt::endl;
        return 0;
    }

    const QStringList args = p.positionalArguments();
    const QString command = args.value(0, QStringLiteral("serve"));
    if (command != QLatin1String("serve") && command != QLatin1String("seed") && command != QLatin1String("account")
        && command != QLatin1String("audit") && command != QLatin1String("hall") && command != QLatin1String("report"))
        return fail(Tr::tr("Unknown command \"%1\"; see --help.").arg(command));
    const QString keychainEntry = p.value(QStringLiteral("keychain-entry"));
    if (command == QLatin1String("audit") && args.value(1) == QLatin1String("keygen")) {
        QString err;
        if (args.size() != 3)
            return fail(Tr::tr("audit keygen needs one file: hall-server audit keygen /etc/hallsuite/audit-sm2.pem"));
        if (p.isSet(QStringLiteral("keychain"))) {
            if (!server::writeAuditKeyToKeychain(keychainEntry, args.at(2), &err))
                return fail(err);
            QTextStream(stdout) << Tr::tr("SM2 key kept in the OS keychain as \"%1\" (public key: %2).").arg(keychainEntry, args.at(2)) << Qt::endl;
            return 0;
        }
        if (!server::writeAuditKey(args.at(2), &err))
            return fail(err);
        QTextStream(stdout) << Tr::tr("SM2 key written to %1 (public key: %1.pub).").arg(args.at(2)) << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("audit") && args.value(1) == QLatin1String("import-key")) {
        QByteArray pem;
        QString err;
        if (args.size() != 3)
            return fail(Tr::tr("audit import-key needs the key file: hall-server audit import-key /etc/hallsuite/audit-sm2.pem"));
        if (!server::readAuditKey(args.at(2), &pem, &err) || !server::storeAuditKeyInKeychain(pem, keychainEntry, &err))
            return fail(err);
        QTextStream(stdout) << Tr::tr("The key of %1 is in the OS keychain as \"%2\"; remove the file and start hall-server with --audit-keychain.")
                                   .arg(args.at(2), keychainEntry)
                            << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("audit") && args.value(1) == QLatin1String("verify-export")) {
        QString err;
        if (args.size() != 3 || !p.isSet(QStringLiteral("audit-public-key")))
            return fail(Tr::tr("audit verify-export needs the public key and the file: hall-server audit verify-export --audit-public-key audit-sm2.pem.pub audit.jsonl"));
        QByteArray publicKey;
        if (!readPublicKey(p, &publicKey, &err))
            return fail(err);
        const server::AuditReport report = server::verifyAuditExport(args.at(2), publicKey, &err);
        if (!err.isEmpty())
            return fail(err);
        QTextStream out(stdout);
        for (const QString &problem : report.problems)
            out << problem << Qt::endl;
        out << (report.ok() ? Tr::tr("The export is intact and signed by this key: %n entries.", nullptr, int(report.entries))
                            : Tr::tr("The export has been tampered with: %n problem(s).", nullptr, int(report.problems.size())))
            << Qt::endl;
        return report.ok() ? 0 : 2;
    }
    if (command == QLatin1String("report") && args.value(1) == QLatin1String("verify")) {
        QString err;
        if (args.size() != 3 || !p.isSet(QStringLiteral("audit-public-key")))
            return fail(Tr::tr("report verify needs the public key and the file: hall-server report verify --audit-public-key audit-sm2.pem.pub report.csv"));
        QByteArray publicKey, bytes;
        bool signatureOk = false;
        if (!readPublicKey(p, &publicKey, &err) || !server::readSignedFile(args.at(2), publicKey, &bytes, &signatureOk, &err))
            return fail(err);
        QTextStream(stdout) << (signatureOk ? Tr::tr("%1 is intact and signed by this key.").arg(args.at(2))
                                            : Tr::tr("%1 does not match its signature: it was changed after it was signed, or another key signed it.").arg(args.at(2)))
                            << Qt::endl;
        return signatureOk ? 0 : 2;
    }
    QByteArray auditKey;
    if (p.isSet(QStringLiteral("audit-key")) && p.isSet(QStringLiteral("audit-keychain")))
        return fail(Tr::tr("--audit-key and --audit-keychain: one or the other."));
    const QString auditKeyFile = p.isSet(QStringLiteral("audit-keychain")) ? QString() : secretFile(p, QStringLiteral("audit-key"));
    if (!auditKeyFile.isEmpty() || p.isSet(QStringLiteral("audit-keychain"))) {
        QString err;
        if (!auditKeyFile.isEmpty() ? !server::readAuditKey(auditKeyFile, &auditKey, &err)
                                    : !server::readAuditKeyFromKeychain(keychainEntry, &auditKey, &err))
            return fail(err);
    }

    std::unique_ptr<storage::Database> db;
    QString err;
    const QString loc = location(p);
    if (server::openServerDatabase(loc, &db, &err) != storage::OpenResult::Ok)
        return fail(err);

    if (command == QLatin1String("seed")) {
        if (args.size() != 2)
            return fail(Tr::tr("seed needs one file: hall-server seed hall.json"));
        QString summary;
        if (!server::seedHall(db.get(), args.at(1), &summary, &err))
            return fail(err);
        QTextStream(stdout) << summary << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("audit") && args.value(1) == QLatin1String("export")) {
        const auto time = [&p](const char *name) {
            const QString v = p.value(QString::fromLatin1(name));
            const QDateTime t = QDateTime::fromString(v, Qt::ISODateWithMs);
            return t.isValid() ? t : QDateTime(QDate::fromString(v, Qt::ISODate), QTime(0, 0)); // a date: its midnight, local time
        };
        qint64 entries = 0;
        if (args.size() != 3)
            return fail(Tr::tr("audit export needs the file: hall-server audit export --from 2026-11-01 --to 2026-12-01 audit-2026-11.jsonl"));
        if (!server::exportAudit(db.get(), auditKey, time("from"), time("to"), args.at(2), &entries, &err))
            return fail(err);
        QTextStream(stdout) << Tr::tr("%n entries exported to %1, signed in %1.sig; check with: openssl dgst -sm3 -verify KEY.pub -signature %1.sig %1", nullptr, int(entries))
                                   .arg(args.at(2))
                            << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("report")) {
        if (args.size() != 2)
            return fail(Tr::tr("report needs the file: hall-server report --hall swzx --date 2026-11-23 report-2026-11-23.csv"));
        const QDate from = QDate::fromString(p.value(QStringLiteral("date")), Qt::ISODate);
        const QDate to = p.isSet(QStringLiteral("to")) ? QDate::fromString(p.value(QStringLiteral("to")), Qt::ISODate) : from;
        const QString format = p.isSet(QStringLiteral("format")) ? p.value(QStringLiteral("format"))
                               : args.at(1).endsWith(QLatin1String(".json"), Qt::CaseInsensitive) ? QStringLiteral("json") : QStringLiteral("csv");
        if (format != QLatin1String("csv") && format != QLatin1String("json"))
            return fail(Tr::tr("--format takes csv or json."));
        if (!server::exportReport(db.get(), auditKey, p.value(QStringLiteral("hall")), from, to, format == QLatin1String("json"), args.at(1), &err))
            return fail(err);
        QTextStream(stdout) << Tr::tr("Report written to %1, signed in %1.sig; check with: openssl dgst -sm3 -verify KEY.pub -signature %1.sig %1").arg(args.at(1))
                            << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("audit")) {
        if (args.value(1) != QLatin1String("verify"))
            return fail(Tr::tr("audit takes keygen, import-key, verify, export or verify-export; see --help."));
        QByteArray publicKey;
        if (p.isSet(QStringLiteral("audit-public-key"))) {
            if (!readPublicKey(p, &publicKey, &err))
                return fail(err);
        } else if (!auditKey.isEmpty()) {
            publicKey = server::auditPublicKey(auditKey);
        }
        const server::AuditReport report = server::verifyAudit(db.get(), publicKey, &err);
        if (!err.isEmpty())
            return fail(err);
        QTextStream out(stdout);
        for (const QString &problem : report.problems)
            out << problem << Qt::endl;
        out << Tr::tr("%1 entries, %2 signed heads checked%3; %4 entries after the last signed head.")
                   .arg(report.entries).arg(report.heads)
                   .arg(publicKey.isEmpty() ? Tr::tr(" (signatures NOT checked: give --audit-public-key)") : QString())
                   .arg(report.unsignedTail)
            << Qt::endl;
        out << (report.ok() ? Tr::tr("The audit chain is intact.") : Tr::tr("The audit chain has been tampered with: %n problem(s).", nullptr, int(report.problems.size())))
            << Qt::endl;
        return report.ok() ? 0 : 2;
    }
    if (command == QLatin1String("hall")) {
        const QString value = args.value(2);
        if (args.value(1) != QLatin1String("password-sign-in") || (value != QLatin1String("on") && value != QLatin1String("off"))
            || !p.isSet(QStringLiteral("hall")))
            return fail(Tr::tr("hall takes \"password-sign-in --hall CODE on|off\"."));
        if (!server::hallPasswordSignIn(db.get(), p.value(QStringLiteral("hall")), value == QLatin1String("on"), &err))
            return fail(err);
        QTextStream(stdout) << (value == QLatin1String("on") ? Tr::tr("The people of hall %1 may sign in with a password.")
                                                             : Tr::tr("The people of hall %1 sign in by certificate only."))
                                   .arg(p.value(QStringLiteral("hall")))
                            << Qt::endl;
        return 0;
    }
    if (command == QLatin1String("account")) {
        // The password comes on standard input so it never shows in the process list.
        const auto password = [] { return QTextStream(stdin).readLine().trimmed(); };
        if (args.value(1) == QLatin1String("password")) {
            const QString login = p.value(QStringLiteral("login"));
            if (!server::resetPassword(db.get(), login, password, &err))
                return fail(err);
            QTextStream(stdout) << Tr::tr("New password of %1 set; it must be changed at the next sign-in.").arg(login) << Qt::endl;
            return 0;
        }
        if (args.value(1) == QLatin1String("disable") || args.value(1) == QLatin1String("enable")) {
            const QString login = p.value(QStringLiteral("login"));
            const bool disable = args.value(1) == QLatin1String("disable");
            if (!server::setAccountDisabled(db.get(), login, disable, &err))
                return fail(err);
            QTextStream(stdout) << (disable ? Tr::tr("%1 is disabled; a running hall-server ends its sessions within a second.")
                                            : Tr::tr("%1 may sign in again."))
                                       .arg(login)
                                << Qt::endl;
            return 0;
        }
        if (args.value(1) == QLatin1String("certificate")) {
            static const QHash<QString, server::CertificateCommand> commands{
                {QStringLiteral("add"), server::CertificateCommand::Add},
                {QStringLiteral("remove"), server::CertificateCommand::Remove},
                {QStringLiteral("list"), server::CertificateCommand::List}};
            if (!commands.contains(args.value(2)))
                return fail(Tr::tr("account certificate takes \"add\", \"remove\" or \"list\"."));
            QString summary;
            if (!server::accountCertificate(db.get(), commands.value(args.value(2)), p.value(QStringLiteral("login")), args.value(3), &summary, &err))
                return fail(err);
            QTextStream(stdout) << summary << Qt::endl;
            return 0;
        }
        if (args.value(1) == QLatin1String("list")) {
            QList<server::AccountRecord> all;
            if (!server::AccountStore(db.get()).accounts(&all, &err))
                return fail(err);
            QTextStream out(stdout);
            for (const server::AccountRecord &a : std::as_const(all))
                out << a.login << '\t' << a.role << '\t' << (a.hallId ? QString::number(a.hallId) : QStringLiteral("-")) << '\t'
                    << (a.disabled ? Tr::tr("disabled") : Tr::tr("enabled")) << '\t' << a.name << Qt::endl;
            return 0;
        }
        if (args.value(1) != QLatin1String("add"))
            return fail(Tr::tr("account takes \"add\", \"list\", \"password\", \"disable\", \"enable\" or \"certificate\"."));
        server::AccountRecord a;
        a.login = p.value(QStringLiteral("login"));
        a.name = p.value(QStringLiteral("name"));
        a.role = p.value(QStringLiteral("role"));
        if (!server::addAccount(db.get(), a, p.value(QStringLiteral("hall")), password, &err))
            return fail(err);
        QTextStream(stdout) << Tr::tr("Account %1 (%2) created.").arg(a.login, a.role) << Qt::endl;
        return 0;
    }

    std::unique_ptr<core::Clock> clock;
    server::ServerOptions options;
    if (p.isSet(QStringLiteral("fake-clock"))) {
        const QDateTime start = QDateTime::fromString(p.value(QStringLiteral("fake-clock")), Qt::ISODate);
        if (!start.isValid())
            return fail(Tr::tr("--fake-clock needs an ISO 8601 time like 2026-11-23T08:30:00."));
        clock = std::make_unique<core::ManualClock>(start);
        options.fakeClock = true;
        options.demo = true;
    } else {
        clock = std::make_unique<core::SystemClock>();
    }
    options.demo = options.demo || p.isSet(QStringLiteral("demo"));
    if (options.demo)
        qCWarning(lcServerAuth) << "serving the demo data: its published passwords are accepted";
    const QString listen = p.value(QStringLiteral("listen"));
    const qsizetype colon = listen.lastIndexOf(u':');
    bool portOk = false;
    options.port = listen.mid(colon + 1).toUShort(&portOk);
    options.address = QHostAddress(listen.left(colon));
    if (colon < 0 || !portOk || options.address.isNull())
        return fail(Tr::tr("--listen needs host:port, e.g. 127.0.0.1:8080 (port 0 picks a free one)."));
    options.tlsCertificate = p.value(QStringLiteral("tls-cert"));
    options.tlsKey = options.tlsCertificate.isEmpty() ? p.value(QStringLiteral("tls-key")) : secretFile(p, QStringLiteral("tls-key"));
    if (!options.tlsCertificate.isEmpty() && !QFileInfo(options.tlsCertificate).isReadable())
        return fail(Tr::tr("Cannot read the TLS certificate %1.").arg(options.tlsCertificate));
    if (options.tlsCertificate.isEmpty() != options.tlsKey.isEmpty())
        return fail(options.tlsKey.isEmpty() ? Tr::tr("--tls-cert needs its key: --tls-key FILE, or the systemd credential tls-key.")
                                             : Tr::tr("--tls-key needs --tls-cert."));

    server::ClientCertificates certificates;
    if (p.isSet(QStringLiteral("client-ca"))) {
        if (options.tlsCertificate.isEmpty())
            return fail(Tr::tr("--client-ca needs TLS (--tls-cert and --tls-key): a client certificate comes only with an https connection."));
        if (!certificates.configure(p.value(QStringLiteral("client-ca")), p.value(QStringLiteral("client-crl")), &err))
            return fail(err);
        options.certificates = &certificates;
    } else if (p.isSet(QStringLiteral("client-crl"))) {
        return fail(Tr::tr("--client-crl goes with --client-ca."));
    }
    options.auth.passwordSignIn = !p.isSet(QStringLiteral("no-password-sign-in"));
    if (!options.auth.passwordSignIn && !options.certificates)
        qCWarning(lcServerAuth) << "--no-password-sign-in without --client-ca: people cannot sign in at all";
    options.auditKey = auditKey;
    const QString notifyFile = secretFile(p, QStringLiteral("notify"));
    if (!notifyFile.isEmpty() && !server::NotifyConfig::readFile(notifyFile, &options.notify, &err))
        return fail(err);
    const QString personalKeyFile = secretFile(p, QStringLiteral("personal-key"));
    if (!personalKeyFile.isEmpty() && !server::readPersonalKey(personalKeyFile, &options.personalKey, &err))
        return fail(err);
    if (!options.notify.isEmpty() && options.personalKey.isEmpty())
        return fail(Tr::tr("--notify needs --personal-key: the phone numbers kept for reminders are sealed with it."));
    options.auditSignSeconds = p.value(QStringLiteral("audit-sign-seconds")).toInt();
    if (options.auditSignSeconds < 1)
        return fail(Tr::tr("--audit-sign-seconds needs a whole number of seconds, 1 or more."));
    bool checkOk = false;
    const int ownerCheckMs = p.value(QStringLiteral("owner-check")).toInt(&checkOk);
    if (!checkOk || ownerCheckMs < 50)
        return fail(Tr::tr("--owner-check needs a number of milliseconds of at least 50."));

    // One owner per hall: take the halls' lock, or refuse, or wait for it as a standby.
    server::Ownership ownership(db.get());
    QElapsedTimer waited;
    waited.start();
    QString said;
    for (;;) {
        const server::Ownership::Result r = ownership.tryAcquire(&err);
        if (r == server::Ownership::Result::Acquired)
            break;
        if (r == server::Ownership::Result::Refused)
            return fail(err);
        if (!p.isSet(QStringLiteral("standby")))
            return fail(err, r == server::Ownership::Result::Held ? 3 : 1);
        if (r == server::Ownership::Result::Held)
            err = Tr::tr("waiting to take over the halls of %1 from the hall-server serving them (%2).").arg(db->describe(), ownership.holder());
        if (err != said) { // scripts and tests read "standby:" to know it is waiting
            QTextStream(stdout) << "hall-server standby: " << err << Qt::endl;
            said = err;
        }
        // The lock is tried often; a database that cannot be reached less so.
        QThread::msleep(r == server::Ownership::Result::Held ? 100 : 1000);
    }
    QElapsedTimer loading;
    loading.start();
    options.blobFolder = p.value(QStringLiteral("blobs"));
    if (options.blobFolder.isEmpty()) {
        const QString data = p.value(QStringLiteral("data"));
        options.blobFolder = QDir(data.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) : data)
                                 .absoluteFilePath(QStringLiteral("blobs"));
    }
    server::HallServer srv(db.get(), clock.get(), options);
    srv.setOwnership(&ownership);
    QObject::connect(&ownership, &server::Ownership::lost, &app, [](const QString &reason) {
        QTextStream(stderr) << "hall-server: " << reason << Qt::endl;
        QCoreApplication::exit(4);
    });
    if (!srv.loadHalls(&err))
        return fail(err);
    if (!srv.start(&err))
        return fail(err);
    ownership.watch(ownerCheckMs);
    // Tests and scripts read this line to learn the port.
    QTextStream(stdout) << "hall-server listening on " << options.address.toString() << ':' << srv.port()
                        << (options.tlsCertificate.isEmpty() ? "" : " (TLS)") << " database " << db->describe()
                        << " owner epoch " << ownership.epoch() << " (loaded in " << loading.elapsed() << " ms, waited "
                        << waited.elapsed() << " ms)" << Qt::endl;
    return app.exec();
}
