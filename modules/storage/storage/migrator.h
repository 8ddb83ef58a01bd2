#pragma once

#include <storage/storage_export.h>

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QStringList>

namespace hall::storage {

enum class Backend;
enum class OpenResult;

// Applies numbered migrations (NNNN_name.sql) from a resource folder, each in its own
// transaction, and records the version. A migration may carry a line
// "-- min-compatible: N" saying builds that know N or more migrations can still use the
// database; without it the version itself is the minimum. An older build refuses a newer
// schema with a clear message instead of writing to what it does not understand.
class HALL_STORAGE_EXPORT Migrator
{
    Q_DECLARE_TR_FUNCTIONS(Migrator)
public:
    Migrator(QSqlDatabase db, Backend backend, QString dir);

    OpenResult migrate(QString *error);
    int knownVersion() const { return static_cast<int>(m_files.size()); }
    int currentVersion();

    // Splits a script at semicolons that end a line (outside quotes); "--" comments outside
    // quotes are dropped.
    static QStringList splitStatements(const QString &script);

private:
    bool ensureMeta(QString *error);

    QSqlDatabase m_db;
    Backend m_backend;
    QString m_dir;
    QStringList m_files;
};

} // namespace hall::storage
