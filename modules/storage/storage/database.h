#pragma once

#include <storage/storage_export.h>

#include <QList>
#include <QMutex>
#include <QSqlDatabase>
#include <QString>

#include <memory>

namespace hall::storage {

enum class Backend { Sqlite, Postgres };

enum class OpenResult {
    Ok,
    BadLocation,     // the URL or path cannot be understood
    CannotOpen,      // the driver could not open or connect
    SchemaTooNew,    // written by a newer build; refused so it is not damaged
    MigrationFailed, // a migration failed and was rolled back
};

// A database shared by the threads of one process. Each thread that asks for connection()
// gets its own QSqlDatabase (Qt's rule: a connection is used only by the thread that
// opened it). SQLite runs in WAL with synchronous=FULL, a busy timeout and foreign keys on;
// PostgreSQL is reached by a postgres:// URL (its query items go to libpq), with TCP keepalives
// on both ends and transactions left idle by a vanished client ended after 15 s.
class HALL_STORAGE_EXPORT Database
{
public:
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // location: a file path, "sqlite:PATH", or "postgres://user:pass@host:port/db".
    // migrations: a resource folder holding NNNN_name.sql files, e.g. ":/sql/server/sqlite".
    static OpenResult open(const QString &location, const QString &migrationsDir,
                           std::unique_ptr<Database> *out, QString *error);

    static Backend backendOf(const QString &location);

    QSqlDatabase connection();
    Backend backend() const { return m_backend; }
    int schemaVersion();
    QString describe() const; // location without password, for logs
    QString sqliteFile() const; // the SQLite file; empty for PostgreSQL

    // A connection of its own, outside the per-thread ones, for a session whose life matters
    // (hall-server's owner lock lives exactly as long as its PostgreSQL session). `options` are
    // added to the driver's connect options (for PostgreSQL, libpq keywords). The caller uses
    // it on the calling thread, closes it and removes it with QSqlDatabase::removeDatabase(name).
    QSqlDatabase openSession(const QString &name, const QStringList &options, QString *error) const;

private:
    Database() = default;
    bool configure(QSqlDatabase &db, const QStringList &extraOptions, QString *error) const;

    Backend m_backend = Backend::Sqlite;
    QString m_baseName;
    QString m_location;
    QMutex m_mutex;
    QList<QString> m_connectionNames;
};

HALL_STORAGE_EXPORT QString openResultName(OpenResult r);

} // namespace hall::storage
