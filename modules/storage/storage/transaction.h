#pragma once

#include <storage/storage_export.h>

#include <QSqlDatabase>
#include <QString>

namespace hall::storage {

// Move-only guard: begins on construction (BEGIN IMMEDIATE on SQLite, so a writer takes
// the write lock up front instead of failing half-way), rolls back unless commit() succeeded.
class HALL_STORAGE_EXPORT Transaction
{
public:
    explicit Transaction(QSqlDatabase db);
    Transaction(Transaction &&other) noexcept;
    Transaction &operator=(Transaction &&) = delete;
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    ~Transaction();

    bool isActive() const { return m_active; }
    bool commit();
    void rollback();
    QString error() const { return m_error; }

private:
    bool run(const QString &sql);

    QSqlDatabase m_db;
    bool m_active = false;
    QString m_error;
};

} // namespace hall::storage
