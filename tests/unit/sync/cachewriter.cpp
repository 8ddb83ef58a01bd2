// Writes local rows with their outbox entries into a SyncCache as fast as it can and prints the
// number of each write once its transaction has committed ("acknowledged to the caller"), so
// tst_sync_crash can kill it at any moment and check that every acknowledged write survived.

#include <sync/cache.h>

#include <storage/transaction.h>

#include <QCoreApplication>
#include <QSqlQuery>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc != 3)
        return 2;
    std::unique_ptr<hall::sync::SyncCache> cache;
    QString err;
    if (hall::sync::SyncCache::open(QString::fromLocal8Bit(argv[1]), &cache, &err) != hall::storage::OpenResult::Ok) {
        std::fprintf(stderr, "open: %s\n", qPrintable(err));
        return 1;
    }
    QSqlQuery ddl(cache->connection());
    ddl.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS app_rows (n INTEGER PRIMARY KEY, payload TEXT NOT NULL)"));
    const long long first = QByteArray(argv[2]).toLongLong();
    for (long long n = first;; ++n) {
        hall::storage::Transaction tx(cache->connection());
        QSqlQuery q(cache->connection());
        q.prepare(QStringLiteral("INSERT INTO app_rows (n, payload) VALUES (?, ?)"));
        q.addBindValue(n);
        q.addBindValue(QStringLiteral("row %1 ").arg(n).repeated(8));
        if (!tx.isActive() || !q.exec()
            || !cache->enqueue(QStringLiteral("rating"), {{QStringLiteral("ticket"), n}, {QStringLiteral("level"), 5}},
                               QStringLiteral("row/%1").arg(n), nullptr, &err)
            || !tx.commit()) {
            std::fprintf(stderr, "write %lld failed: %s\n", n, qPrintable(err));
            return 1;
        }
        std::printf("%lld\n", n);
        std::fflush(stdout);
    }
}
