// hall-server: the hall service. See README.md and docs/api.md.

#include <server/admin.h>
#include <server/hallserver.h>

#include <core/i18n.h>
#include <core/logging.h>
#include <storage/database.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTextStream>

#include <cstdio>

using namespace hall;

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(HallServerMain)
};

int fail(const QString &message)
{
    QTextStream(stderr) << "hall-server: " << message << Qt::endl;
    return 1;
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
                                       "  hall-server account add ...    create an account (password on stdin)"));
    p.addHelpOption();
    p.addVersionOption();
    p.addOptions({
        {QStringLiteral("data"), Tr::tr("Folder of the embedded SQLite database."), QStringLiteral("dir")},
        {QStringLiteral("db"), Tr::tr("PostgreSQL URL instead: postgres://user:password@host:port/database"), QStringLiteral("url")},
        {QStringLiteral("blobs"), Tr::tr("Folder of uploaded blobs (default: blobs/ in the data folder; with --db, a shared volume)."), QStringLiteral("dir")},
        {QStringLiteral("listen"), Tr::tr("Address and port to serve on (default 127.0.0.1:8080)."), QStringLiteral("host:port"), QStringLiteral("127.0.0.1:8080")},
        {QStringLiteral("tls-cert"), Tr::tr("PEM certificate: serve HTTPS and WSS."), QStringLiteral("file")},
        {QStringLiteral("tls-key"), Tr::tr("PEM private key of the certificate."), QStringLiteral("file")},
        {QStringLiteral("fake-clock"), Tr::tr("Start the clock at this time and let admins move it (demo and tests only)."), QStringLiteral("iso-time")},
        {QStringLiteral("login"), Tr::tr("account add: login name."), QStringLiteral("login")},
        {QStringLiteral("name"), Tr::tr("account add: display name."), QStringLiteral("name")},
        {QStringLiteral("role"), Tr::tr("account add: admin, supervisor, officer, kiosk, display or caller."), QStringLiteral("role")},
        {QStringLiteral("hall"), Tr::tr("account add: code of the account's hall."), QStringLiteral("code")},
        {QStringLiteral("self-test"), Tr::tr("Serve the demo hall from a temporary folder, check it answers, and exit.")},
    });
    p.addPositionalArgument(QStringLiteral("command"), Tr::tr("serve (default), seed or account."));
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
    if (command != QLatin1String("serve") && command != QLatin1String("seed") && command != QLatin1String("account"))
        return fail(Tr::tr("Unknown command \"%1\"; see --help.").arg(command));

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
    if (command == QLatin1String("account")) {
        if (args.value(1) != QLatin1String("add"))
            return fail(Tr::tr("Only \"account add\" exists so far."));
        server::AccountRecord a;
        a.login = p.value(QStringLiteral("login"));
        a.name = p.value(QStringLiteral("name"));
        a.role = p.value(QStringLiteral("role"));
        // The password comes on standard input so it never shows in the process list.
        const auto password = [] { return QTextStream(stdin).readLine().trimmed(); };
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
    } else {
        clock = std::make_unique<core::SystemClock>();
    }
    const QString listen = p.value(QStringLiteral("listen"));
    const qsizetype colon = listen.lastIndexOf(u':');
    bool portOk = false;
    options.port = listen.mid(colon + 1).toUShort(&portOk);
    options.address = QHostAddress(listen.left(colon));
    if (colon < 0 || !portOk || options.address.isNull())
        return fail(Tr::tr("--listen needs host:port, e.g. 127.0.0.1:8080 (port 0 picks a free one)."));
    options.tlsCertificate = p.value(QStringLiteral("tls-cert"));
    options.tlsKey = p.value(QStringLiteral("tls-key"));
    if (options.tlsCertificate.isEmpty() != options.tlsKey.isEmpty())
        return fail(Tr::tr("--tls-cert and --tls-key go together."));

    options.blobFolder = p.value(QStringLiteral("blobs"));
    if (options.blobFolder.isEmpty()) {
        const QString data = p.value(QStringLiteral("data"));
        options.blobFolder = QDir(data.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) : data)
                                 .absoluteFilePath(QStringLiteral("blobs"));
    }
    server::HallServer srv(db.get(), clock.get(), options);
    if (!srv.loadHalls(&err))
        return fail(err);
    if (!srv.start(&err))
        return fail(err);
    // Tests and scripts read this line to learn the port.
    QTextStream(stdout) << "hall-server listening on " << options.address.toString() << ':' << srv.port()
                        << (options.tlsCertificate.isEmpty() ? "" : " (TLS)") << " database " << db->describe() << Qt::endl;
    return app.exec();
}
