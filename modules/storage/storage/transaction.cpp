#include "transaction.h"

#include <core/logging.h>

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

namespace hall::storage {

Transaction::Transaction(QSqlDatabase db)
    : m_db(std::move(db))
{
    const bool sqlite = m_db.driverName() == QLatin1String("QSQLITE");
    m_active = run(sqlite ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN"));
}

Transaction::Transaction(Transaction &&other) noexcept
    : m_db(std::move(other.m_db)), m_active(other.m_active), m_error(std::move(other.m_error))
{
    other.m_active = false;
}

Transaction::~Transaction()
{
    if (m_active)
        rollback();
}

bool Transaction::run(const QString &sql)
{
    QSqlQuery q(m_db);
    if (!q.exec(sql)) {
        m_error = q.lastError().text();
        qCWarning(lcStorage) << sql << "failed:" << m_error;
        return false;
    }
    return true;
}

bool Transaction::commit()
{
    if (!m_active) {
        if (m_error.isEmpty())
            m_error = QStringLiteral("no active transaction");
        return false;
    }
    m_active = false;
    if (!run(QStringLiteral("COMMIT"))) {
        run(QStringLiteral("ROLLBACK"));
        return false;
    }
    return true;
}

void Transaction::rollback()
{
    if (!m_active)
        return;
    m_active = false;
    run(QStringLiteral("ROLLBACK"));
}

} // namespace hall::storage
