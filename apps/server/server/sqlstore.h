#pragma once

#include <server/server_export.h>
#include <storage/database.h>

#include <QDateTime>
#include <QHash>
#include <QSqlQuery>
#include <QVariant>

namespace hall::server {

// What every domain store shares: prepared queries on the calling thread's connection and one
// way to report a failed statement. One SQL dialect serves SQLite and PostgreSQL (upserts with
// ON CONFLICT, RETURNING); only the migrations differ.
class HALL_SERVER_EXPORT SqlStore
{
public:
    explicit SqlStore(storage::Database *db) : m_db(db) {}

    storage::Database *database() const { return m_db; }

protected:
    QSqlQuery query(const QString &sql) const;
    // The same statement prepared once and kept (for statements run per row of a batch). The
    // caller binds, runs, and finish()es a SELECT before the commit.
    QSqlQuery &cached(const QString &sql) const;
    bool exec(QSqlQuery &q, QString *error) const;

    // Times are stored as milliseconds since the epoch; NULL is an invalid time.
    static QVariant ms(const QDateTime &t)
    {
        return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant(QMetaType::fromType<qint64>());
    }
    static QDateTime fromMs(const QVariant &v)
    {
        return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong());
    }
    // Qt binds a null QString as SQL NULL; text columns are NOT NULL, so send '' instead.
    static QVariant text(const QString &s) { return s.isNull() ? QVariant(QStringLiteral("")) : QVariant(s); }
    static QVariant blob(const QByteArray &b)
    {
        return b.isEmpty() ? QVariant(QMetaType::fromType<QByteArray>()) : QVariant(b);
    }

    storage::Database *m_db;

private:
    mutable QHash<QString, QSqlQuery> m_cached;
};

} // namespace hall::server
