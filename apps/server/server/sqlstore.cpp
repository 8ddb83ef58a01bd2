#include "sqlstore.h"

#include <core/logging.h>

#include <QSqlError>

namespace hall::server {

QSqlQuery SqlStore::query(const QString &sql) const
{
    QSqlQuery q(m_db->connection());
    q.prepare(sql);
    return q;
}

QSqlQuery &SqlStore::cached(const QString &sql) const
{
    auto it = m_cached.find(sql);
    if (it == m_cached.end())
        it = m_cached.insert(sql, query(sql));
    return *it;
}

bool SqlStore::exec(QSqlQuery &q, QString *error) const
{
    if (q.exec())
        return true;
    if (error)
        *error = q.lastError().text();
    qCWarning(lcStorage) << "query failed:" << q.lastQuery().left(80) << q.lastError().text();
    return false;
}

} // namespace hall::server
