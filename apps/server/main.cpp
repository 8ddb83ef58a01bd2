// hall-server: the hall service. See README.md and docs/api.md.

#include "server.h"
#include "store.h"

#include <core/i18n.h>
#include <core/logging.h>
#include <storage/database.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

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

storage::OpenResult openDatabase(const QString &loc, std::unique_ptr<storage::Database> *db, QString *error)
{
    const QString migrations = storage::Database::backendOf(loc) == storage::Backend::Sqlite
        ? QStringLiteral(":/sql/server/sqlite") : QStringLiteral(":/sql/server/postgres");
    return storage::Database::open(loc, migrations, db, error);
}

int seed(const QString &file, server::Store &store)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return fail(Tr::tr("Cannot read %1: %2").arg(file, f.errorString()));
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError)
        return fail(Tr::tr("%1 is not valid JSON: %2 at offset %3").arg(file, pe.errorString()).arg(pe.offset));
    core::HallConfig cfg;
    QString err;
    if (!core::HallConfig::fromJson(doc.object(), &cfg, &err))
        return fail(Tr::tr("%1: %2").arg(file, err));
    if (!store.saveHall(&cfg, &err))
        return fail(Tr::tr("Cannot save hall %1: %2").arg(cfg.code, err));
    QTextStream(stdout) << Tr::tr("Hall %1 (%2): %3 businesses, %4 windows, %5 accounts in the seed.")
                               .arg(cfg.code, cfg.name).arg(cfg.businesses.size()).arg(cfg.windows.size()).arg(cfg.accounts.size())
                        << Qt::endl;
    return 0;
}

int addAccount(const QCommandLineParser &p, server::Store &store)
{
    server::AccountRecord a;
    a.login = p.value(QStringLiteral("login"));
    a.name = p.value(QStringLiteral("name"));
    a.role = p.value(QStringLiteral("role"));
    if (a.login.isEmpty() || a.role.isEmpty())
        return fail(Tr::tr("account add needs --login, --role and --name."));
    static const QStringList roles{QStringLiteral("admin"), QStringLiteral("supervisor"), QStringLiteral("officer"),
                                   QStringLiteral("kiosk"), QStringLiteral("display"), QStringLiteral("caller")};
    if (!roles.contains(a.role))
        return fail(Tr::tr("--role must be one of %1.").arg(roles.join(QStringLiteral(", "))));
    if (a.role != QLatin1String("admin")) {
        QList<core::HallConfig> halls;
        QString err;
        store.loadHalls(&halls, &err);
        for (const core::HallConfig &h : std::as_const(halls)) {
            if (h.code == p.value(QStringLiteral("hall")))
                a.hallId = h.id;
        }
        if (!a.hallId)
            return fail(Tr::tr("--hall must name a seeded hall for a %1 account.").arg(a.role));
    }
    // The password comes on standard input so it never shows in the process list.
    const QString password = QTextStream(stdin).readLine().trimmed();
    if (password.size() < 8)
        return fail(Tr::tr("Give a password of at least 8 characters on standard input."));
    if (store.account(a.login))
        return fail(Tr::tr("An account %1 already exists.").arg(a.login));
    QString err;
    if (!store.addAccount(a, password, &err))
        return fail(err);
    QTextStream(stdout) << Tr::tr("Account %1 (%2) created.").arg(a.login, a.role) << Qt::endl;
    return 0;
}

// Seeds the demo hall into a temporary folder, serves it on a free port and asks /health.
int selfTest(const QString &demoHall)
{
    QStandardPaths::setTestModeEnabled(true);
    QTemporaryDir dir;
    std::unique_ptr<storage::Database> db;
    QString err;
    if (openDatabase(dir.filePath(QStringLiteral("hall.db")), &db, &err) != storage::OpenResult::Ok)
        return fail(err);
    server::Store store(db.get());
    if (seed(demoHall, store) != 0)
        return 1;
    core::SystemClock clock;
    server::ServerOptions options;
    options.port = 0;
    server::HallServer srv(&store, &clock, options);
    if (!srv.loadHalls(&err) || !srv.start(&err))
        return fail(err);
    QNetworkAccessManager nam;
    QNetworkReply *reply = nam.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/api/v1/health").arg(srv.port()))));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    const QJsonObject health = QJsonDocument::fromJson(reply->readAll()).object();
    if (health.value(QStringLiteral("status")).toString() != QLatin1String("ok"))
        return fail(Tr::tr("self-test: /api/v1/health did not answer ok"));
    QTextStream(stdout) << "self-test ok" << Qt::endl;
    return 0;
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
        return selfTest(QFile::exists(demo) ? demo : QStringLiteral(":/demo/demo-hall.json"));
    }

    const QStringList args = p.positionalArguments();
    const QString command = args.value(0, QStringLiteral("serve"));
    if (command != QLatin1String("serve") && command != QLatin1String("seed") && command != QLatin1String("account"))
        return fail(Tr::tr("Unknown command \"%1\"; see --help.").arg(command));

    std::unique_ptr<storage::Database> db;
    QString err;
    const QString loc = location(p);
    const storage::OpenResult opened = openDatabase(loc, &db, &err);
    if (opened != storage::OpenResult::Ok)
        return fail(err);
    server::Store store(db.get());

    if (command == QLatin1String("seed")) {
        if (args.size() != 2)
            return fail(Tr::tr("seed needs one file: hall-server seed hall.json"));
        return seed(args.at(1), store);
    }
    if (command == QLatin1String("account")) {
        if (args.value(1) != QLatin1String("add"))
            return fail(Tr::tr("Only \"account add\" exists so far."));
        return addAccount(p, store);
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

    server::HallServer srv(&store, clock.get(), options);
    if (!srv.loadHalls(&err))
        return fail(err);
    if (!srv.start(&err))
        return fail(err);
    // Tests and scripts read this line to learn the port.
    QTextStream(stdout) << "hall-server listening on " << options.address.toString() << ':' << srv.port()
                        << (options.tlsCertificate.isEmpty() ? "" : " (TLS)") << " database " << db->describe() << Qt::endl;
    return app.exec();
}
