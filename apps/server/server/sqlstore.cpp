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
