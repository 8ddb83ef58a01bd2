#include "commit.h"

#include <storage/database.h>
#include <storage/transaction.h>

namespace hall::server {

PendingWrite::~PendingWrite() = default;

void CommitBatch::add(std::unique_ptr<PendingWrite> write)
{
    m_writes.push_back(std::move(write));
    ++m_generation;
}

bool CommitBatch::commit(storage::Database *db, QString *error, const std::function<bool(QString *)> &fence)
{
    bool ok = true;
    {
        storage::Transaction tx(db->connection());
        ok = tx.isActive();
        if (!ok)
            *error = tx.error();
        if (ok && fence)
            ok = fence(error);
        for (std::size_t i = 0; ok && i < m_writes.size(); ++i)
            ok = m_writes[i]->write(error);
        if (ok) {
            ok = tx.commit();
            if (!ok)
                *error = tx.error();
        }
        if (!ok)
            tx.rollback();
    }
    return ok;
}

void CommitBatch::finish(bool committed)
{
    for (const auto &w : m_writes) {
        if (committed)
            w->committed();
        else
            w->rolledBack();
    }
}

} // namespace hall::server
