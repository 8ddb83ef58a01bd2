#include "database.h"

#include "migrator.h"

#include <core/logging.h>

#include <QAtomicInt>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>

namespace hall::storage {

namespace {

QAtomicInt s_instanceCounter;

bool isPostgres(const QString &location)
{
    return location.startsWith(QLatin1String("postgres://"))
        || location.startsWith(QLatin1String("postgresql://"));
}

QString sqlitePath(const QString &location)
{
    return location.startsWith(QLatin1String("sqlite:")) ? location.mid(7) : location;
}

} // namespace

QString openResultName(OpenResult r)
{
    switch (r) {
    case OpenResult::Ok: return QStringLiteral("ok");
    case OpenResult::BadLocation: return QStringLiteral("bad-location");
    case OpenResult::CannotOpen: return QStringLiteral("cannot-open");
    case OpenResult::SchemaTooNew: return QStringLiteral("schema-too-new");
    case OpenResult::MigrationFailed: return QStringLiteral("migration-failed");
    }
    return {};
}

Backend Database::backendOf(const QString &location)
{
    return isPostgres(location) ? Backend::Postgres : Backend::Sqlite;
}

Database::~Database()
{
    QMutexLocker lock(&m_mutex);
    for (const QString &name : std::as_const(m_connectionNames)) {
        {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            if (db.isOpen())
                db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
}

OpenResult Database::open(const QString &location, const QString &migrationsDir,
                          std::unique_ptr<Database> *out, QString *error)
{
    std::unique_ptr<Database> d(new Database);
    d->m_location = location;
    d->m_backend = backendOf(location);
    d->m_baseName = QStringLiteral("hall-db-%1").arg(s_instanceCounter.fetchAndAddRelaxed(1));

    if (d->m_backend == Backend::Sqlite) {
        const QString path = sqlitePath(location);
        if (path.isEmpty()) {
            *error = QCoreApplication::translate("Database", "No database file was given.");
            return OpenResult::BadLocation;
        }
        if (path != QLatin1String(":memory:")) {
            const QFileInfo fi(path);
            if (!QDir().mkpath(fi.absolutePath())) {
                *error = QCoreApplication::translate("Database", "Cannot create the folder %1.").arg(fi.absolutePath());
                return OpenResult::BadLocation;
            }
        }
    } else {
        const QUrl url(location);
        if (!url.isValid() || url.host().isEmpty() || url.path().size() < 2) {
            *error = QCoreApplication::translate("Database", "Not a PostgreSQL URL: %1 (expected postgres://user:password@host:port/database)")
                         .arg(d->describe());
            return OpenResult::BadLocation;
        }
    }

    QSqlDatabase db = d->connection();
    if (!db.isOpen()) {
        *error = QCoreApplication::translate("Database", "Cannot open the database %1: %2")
                     .arg(d->describe(), db.lastError().text());
        return OpenResult::CannotOpen;
    }
    Migrator migrator(db, d->m_backend, migrationsDir);
    const OpenResult r = migrator.migrate(error);
    if (r != OpenResult::Ok)
        return r;
    *out = std::move(d);
    return OpenResult::Ok;
}

QString Database::describe() const
{
    if (m_backend == Backend::Sqlite)
        return sqlitePath(m_location);
    QUrl url(m_location);
    url.setPassword(QString());
    return url.toString();
}

QString Database::sqliteFile() const
{
    return m_backend == Backend::Sqlite ? sqlitePath(m_location) : QString();
}

QSqlDatabase Database::openSession(const QString &name, const QStringList &options, QString *error) const
{
    QSqlDatabase db = QSqlDatabase::addDatabase(m_backend == Backend::Sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"), name);
    if (!configure(db, options, error))
        db.close();
    return db;
}

bool Database::configure(QSqlDatabase &db, const QStringList &extraOptions, QString *error) const
{
    if (m_backend == Backend::Sqlite) {
        db.setDatabaseName(sqlitePath(m_location));
        db.setConnectOptions((QStringList{QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000")} + extraOptions).join(u';'));
    } else {
        const QUrl url(m_location);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName());
        db.setPassword(url.password());
        db.setDatabaseName(url.path().mid(1));
        QStringList options;
        const QUrlQuery query(url);
        for (const auto &[k, v] : query.queryItems())
            options.append(k + u'=' + v);
        // A server or network that vanished is noticed within seconds, not the kernel's hours:
        // libpq's keepalives and user timeout here, the server's own keepalives below.
        options += {QStringLiteral("connect_timeout=5"), QStringLiteral("keepalives=1"), QStringLiteral("keepalives_idle=5"),
                    QStringLiteral("keepalives_interval=2"), QStringLiteral("keepalives_count=3"),
                    QStringLiteral("tcp_user_timeout=10000")};
        options += extraOptions;
        db.setConnectOptions(options.join(u';'));
    }
    if (!db.open()) {
        *error = db.lastError().text();
        return false;
    }
    QStringList pragmas;
    if (m_backend == Backend::Sqlite) {
        // WAL lets readers run beside the writer; FULL makes every acknowledged commit
        // survive power loss, not only a killed process.
        pragmas = {QStringLiteral("PRAGMA journal_mode=WAL"), QStringLiteral("PRAGMA synchronous=FULL"),
                   QStringLiteral("PRAGMA foreign_keys=ON"), QStringLiteral("PRAGMA busy_timeout=5000")};
    } else {
        // The server ends the session of a vanished client (and with it its locks) within about
        // 11 s, and a transaction left open by a client that stopped talking within 15 s; this
        // process never pauses inside a transaction.
        pragmas = {QStringLiteral("SET client_min_messages TO WARNING"),
                   QStringLiteral("SET synchronous_commit TO on"),
                   QStringLiteral("SET tcp_keepalives_idle TO 5"), QStringLiteral("SET tcp_keepalives_interval TO 2"),
                   QStringLiteral("SET tcp_keepalives_count TO 3"),
                   QStringLiteral("SET idle_in_transaction_session_timeout TO '15s'")};
    }
    for (const QString &p : std::as_const(pragmas)) {
        QSqlQuery q(db);
        if (!q.exec(p)) {
            *error = q.lastError().text();
            return false;
        }
    }
    return true;
}

QSqlDatabase Database::connection()
{
    const QString name = QStringLiteral("%1-%2").arg(m_baseName).arg(reinterpret_cast<quintptr>(QThread::currentThread()), 0, 16);
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen())
            return db;
    }
    QSqlDatabase db = QSqlDatabase::contains(name)
        ? QSqlDatabase::database(name, false)
        : QSqlDatabase::addDatabase(m_backend == Backend::Sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"), name);
    QString error;
    if (!configure(db, {}, &error)) {
        qCWarning(lcStorage) << "cannot open" << describe() << error;
        return db;
    }
    QMutexLocker lock(&m_mutex);
    if (!m_connectionNames.contains(name))
        m_connectionNames.append(name);
    if (QThread::currentThread() != QCoreApplication::instance()->thread()) {
        // Close and remove the thread's connection when the thread ends (finished is emitted
        // in the thread itself). Removing matters: a later thread may get the same QThread
        // address, hence the same name, and would otherwise find a connection owned by the
        // ended thread, which Qt refuses to hand out.
        QObject::connect(QThread::currentThread(), &QThread::finished, QThread::currentThread(), [name] {
            QSqlDatabase::database(name, false).close();
            QSqlDatabase::removeDatabase(name);
        }, Qt::DirectConnection);
    }
    return db;
}

int Database::schemaVersion()
{
    Migrator m(connection(), m_backend, QString());
    return m.currentVersion();
}

} // namespace hall::storage
