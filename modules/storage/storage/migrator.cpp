#include "migrator.h"

#include "database.h"
#include "transaction.h"

#include <core/logging.h>

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

namespace hall::storage {

Migrator::Migrator(QSqlDatabase db, Backend backend, QString dir)
    : m_db(std::move(db)), m_backend(backend), m_dir(std::move(dir))
{
    if (!m_dir.isEmpty()) {
        m_files = QDir(m_dir).entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    }
}

QStringList Migrator::splitStatements(const QString &script)
{
    QStringList out;
    QString current;
    bool inQuote = false;
    const QStringList lines = script.split(u'\n');
    for (const QString &line : lines) {
        const bool startsInQuote = inQuote;
        // Cut a "--" comment that starts outside quotes, so an apostrophe in it ("the
        // officer's id") opens no quote and a comment after the final ";" does not hide it.
        QString code;
        bool cut = false;
        for (qsizetype i = 0; i < line.size(); ++i) {
            const QChar c = line.at(i);
            if (!inQuote && c == u'-' && i + 1 < line.size() && line.at(i + 1) == u'-') {
                cut = true;
                break;
            }
            if (c == u'\'')
                inQuote = !inQuote;
            code += c;
        }
        if (cut) {
            while (!code.isEmpty() && code.back().isSpace())
                code.chop(1);
        }
        const QString trimmed = code.trimmed();
        if (!startsInQuote && trimmed.isEmpty())
            continue; // blank or comment-only line
        current += code + u'\n';
        if (!inQuote && trimmed.endsWith(u';')) {
            current = current.trimmed();
            current.chop(1);
            if (!current.isEmpty())
                out.append(current);
            current.clear();
        }
    }
    if (!current.trimmed().isEmpty())
        out.append(current.trimmed());
    return out;
}

bool Migrator::ensureMeta(QString *error)
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)"))) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

int Migrator::currentVersion()
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT value FROM schema_meta WHERE key = 'version'")) || !q.next())
        return 0;
    return q.value(0).toInt();
}

OpenResult Migrator::migrate(QString *error)
{
    QString err;
    if (!ensureMeta(&err)) {
        *error = tr("Cannot prepare the schema table: %1").arg(err);
        return OpenResult::CannotOpen;
    }
    // Files must be numbered 0001, 0002, … without gaps: the number is the version.
    for (int i = 0; i < m_files.size(); ++i) {
        if (m_files.at(i).left(4).toInt() != i + 1) {
            *error = tr("Migration %1 is out of sequence (expected number %2).").arg(m_files.at(i)).arg(i + 1, 4, 10, QLatin1Char('0'));
            return OpenResult::MigrationFailed;
        }
    }
    const int current = currentVersion();
    int minCompatible = 0;
    {
        QSqlQuery q(m_db);
        if (q.exec(QStringLiteral("SELECT value FROM schema_meta WHERE key = 'min_compatible'")) && q.next())
            minCompatible = q.value(0).toInt();
    }
    if (current > knownVersion() && minCompatible > knownVersion()) {
        *error = tr("The database has schema version %1, written by a newer HallSuite; this build understands "
                    "versions up to %2. Install the newer HallSuite or restore a backup; the database was not changed.")
                     .arg(current).arg(knownVersion());
        return OpenResult::SchemaTooNew;
    }
    static const QRegularExpression minRe(QStringLiteral("^--\\s*min-compatible:\\s*(\\d+)"), QRegularExpression::MultilineOption);
    for (int v = current + 1; v <= knownVersion(); ++v) {
        const QString name = m_files.at(v - 1);
        QFile f(m_dir + u'/' + name);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = tr("Cannot read migration %1.").arg(name);
            return OpenResult::MigrationFailed;
        }
        const QString script = QString::fromUtf8(f.readAll());
        const auto m = minRe.match(script);
        Transaction tx(m_db);
        if (!tx.isActive()) {
            *error = tr("Cannot start migration %1: %2").arg(name, tx.error());
            return OpenResult::MigrationFailed;
        }
        for (const QString &stmt : splitStatements(script)) {
            QSqlQuery q(m_db);
            if (!q.exec(stmt)) {
                *error = tr("Migration %1 failed: %2\nStatement: %3").arg(name, q.lastError().text(), stmt.left(200));
                return OpenResult::MigrationFailed;
            }
        }
        QSqlQuery q(m_db);
        q.prepare(QStringLiteral("INSERT INTO schema_meta (key, value) VALUES (:k, :v) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
        q.bindValue(QStringLiteral(":k"), QStringLiteral("version"));
        q.bindValue(QStringLiteral(":v"), v);
        bool ok = q.exec();
        if (ok) {
            // Without a marker a migration is not readable by builds that lack it.
            q.bindValue(QStringLiteral(":k"), QStringLiteral("min_compatible"));
            q.bindValue(QStringLiteral(":v"), m.hasMatch() ? m.captured(1).toInt() : v);
            ok = q.exec();
        }
        if (ok && m_backend == Backend::Sqlite)
            ok = QSqlQuery(m_db).exec(QStringLiteral("PRAGMA user_version = %1").arg(v));
        if (!ok || !tx.commit()) {
            *error = tr("Cannot record migration %1: %2").arg(name, ok ? tx.error() : q.lastError().text());
            return OpenResult::MigrationFailed;
        }
        qCInfo(lcStorage) << "applied migration" << name;
    }
    return OpenResult::Ok;
}

} // namespace hall::storage
