#include <storage/database.h>
#include <storage/migrator.h>
#include <storage/transaction.h>

#include <QCryptographicHash>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QSet>
#include <QThread>

#include <memory>
#include <optional>
#include <type_traits>

using namespace hall::storage;
using namespace Qt::StringLiterals;

namespace {

// Test migration sets, embedded from tests/unit/storage/migrations (see CMakeLists.txt).
QString migrations(const QString &set)
{
    return u":/migrations/"_s + set;
}

QVariant scalar(const QSqlDatabase &db, const QString &sql)
{
    QSqlQuery q(db);
    if (!q.exec(sql)) {
        qWarning("%s failed: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return {};
    }
    return q.next() ? q.value(0) : QVariant();
}

QStringList column(const QSqlDatabase &db, const QString &sql)
{
    QStringList out;
    QSqlQuery q(db);
    if (!q.exec(sql))
        return {u"<%1>"_s.arg(q.lastError().text())};
    while (q.next())
        out.append(q.value(0).toString());
    return out;
}

QStringList tables(const QSqlDatabase &db)
{
    return column(db, u"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"_s);
}

// A plain connection to the file, independent of Database: to look at what a refused or
// failed open left behind.
class Inspector
{
public:
    explicit Inspector(const QString &path)
        : m_name(u"inspector-%1"_s.arg(++s_count))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
        if (!db.open())
            qWarning("inspector cannot open %s: %s", qPrintable(path), qPrintable(db.lastError().text()));
    }
    ~Inspector()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }
    int version() const { return scalar(db(), u"SELECT value FROM schema_meta WHERE key = 'version'"_s).toInt(); }
    int minCompatible() const { return scalar(db(), u"SELECT value FROM schema_meta WHERE key = 'min_compatible'"_s).toInt(); }
    int userVersion() const { return scalar(db(), u"PRAGMA user_version"_s).toInt(); }
    QStringList log() const { return column(db(), u"SELECT name FROM migration_log ORDER BY id"_s); }
    QStringList tables() const { return ::tables(db()); }

private:
    static inline int s_count = 0;
    QString m_name;
};

QByteArray fileHash(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

} // namespace

class TestDatabase : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void appliesMigrationsInOrder();
    void upgradesStepByStep();
    void reopenDoesNotReapply();
    void pragmasAreOn();
    void failingMigrationRollsBack_data();
    void failingMigrationRollsBack();
    void outOfSequenceIsRefused_data();
    void outOfSequenceIsRefused();
    void olderBuildRefusesNewerSchema_data();
    void olderBuildRefusesNewerSchema();
    void minCompatibleLetsOlderBuildOpen();
    void badLocation_data();
    void badLocation();
    void backendOf();

    void transactionRollsBackOnDestruction();
    void transactionCommitPersists();
    void transactionExplicitRollback();
    void transactionMove();
    void transactionWithoutConnection();

    void connectionPerThread();
    void threadsComeAndGo();

    void splitStatements_data();
    void splitStatements();

private:
    QString path() const { return m_dir->filePath(u"hall.db"_s); }
    OpenResult open(const QString &set, std::unique_ptr<Database> *db, QString *error)
    {
        return Database::open(path(), migrations(set), db, error);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestDatabase::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY2(m_dir->isValid(), qPrintable(m_dir->errorString()));
}

void TestDatabase::cleanup()
{
    m_dir.reset();
}

void TestDatabase::appliesMigrationsInOrder()
{
    std::unique_ptr<Database> db;
    QString error;
    QCOMPARE(open(u"v3"_s, &db, &error), OpenResult::Ok);
    QVERIFY2(db, qPrintable(error));
    QCOMPARE(db->backend(), Backend::Sqlite);
    QCOMPARE(db->describe(), path());

    const QSqlDatabase c = db->connection();
    QCOMPARE(column(c, u"SELECT name FROM migration_log ORDER BY id"_s), QStringList({u"0001"_s, u"0002"_s, u"0003"_s}));
    QCOMPARE(db->schemaVersion(), 3);
    QCOMPARE(scalar(c, u"SELECT value FROM schema_meta WHERE key = 'version'"_s).toInt(), 3);
    QCOMPARE(scalar(c, u"SELECT value FROM schema_meta WHERE key = 'min_compatible'"_s).toInt(), 3);
    QCOMPARE(scalar(c, u"PRAGMA user_version"_s).toInt(), 3);
    QCOMPARE(tables(c), QStringList({u"businesses"_s, u"migration_log"_s, u"notes"_s, u"schema_meta"_s, u"tickets"_s}));
    QVERIFY(c.record(u"tickets"_s).contains(u"note"_s)); // 0003 altered what 0002 created

    // Semicolons inside strings, also at the end of a line, stayed inside their statement.
    QCOMPARE(column(c, u"SELECT name FROM businesses ORDER BY id"_s), QStringList({u"社保; 医保"_s, u"户籍;\n业务"_s}));

    QVERIFY(QFile::exists(path()));
}

void TestDatabase::upgradesStepByStep()
{
    QString error;
    {
        std::unique_ptr<Database> db;
        QVERIFY2(open(u"v2"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
        QCOMPARE(db->schemaVersion(), 2);
        QCOMPARE(scalar(db->connection(), u"PRAGMA user_version"_s).toInt(), 2);
        QVERIFY(!tables(db->connection()).contains(u"notes"_s));
    }
    {
        std::unique_ptr<Database> db;
        QVERIFY2(open(u"v3"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
        QCOMPARE(db->schemaVersion(), 3);
        QCOMPARE(scalar(db->connection(), u"PRAGMA user_version"_s).toInt(), 3);
        // Only 0003 ran this time.
        QCOMPARE(column(db->connection(), u"SELECT name FROM migration_log ORDER BY id"_s),
                 QStringList({u"0001"_s, u"0002"_s, u"0003"_s}));
    }
}

void TestDatabase::reopenDoesNotReapply()
{
    QString error;
    {
        std::unique_ptr<Database> db;
        QVERIFY2(open(u"v3"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
        QSqlQuery q(db->connection());
        QVERIFY2(q.exec(u"INSERT INTO tickets (business_id, number) VALUES (1, 'A001')"_s), qPrintable(q.lastError().text()));
    }
    for (int i = 0; i < 2; ++i) {
        std::unique_ptr<Database> db;
        QVERIFY2(open(u"v3"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
        const QSqlDatabase c = db->connection();
        QCOMPARE(column(c, u"SELECT name FROM migration_log ORDER BY id"_s), QStringList({u"0001"_s, u"0002"_s, u"0003"_s}));
        QCOMPARE(column(c, u"SELECT number FROM tickets"_s), QStringList{u"A001"_s});
        QCOMPARE(scalar(c, u"SELECT COUNT(*) FROM businesses"_s).toInt(), 2);
        QCOMPARE(db->schemaVersion(), 3);
    }
}

void TestDatabase::pragmasAreOn()
{
    std::unique_ptr<Database> db;
    QString error;
    QVERIFY2(open(u"v3"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
    const QSqlDatabase c = db->connection();
    QCOMPARE(scalar(c, u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
    QCOMPARE(scalar(c, u"PRAGMA foreign_keys"_s).toInt(), 1);
    QCOMPARE(scalar(c, u"PRAGMA synchronous"_s).toInt(), 2); // FULL
    QCOMPARE(scalar(c, u"PRAGMA busy_timeout"_s).toInt(), 5000);
    QVERIFY(QFile::exists(path() + u"-wal"_s));

    // Foreign keys are enforced, not only declared.
    QSqlQuery q(c);
    QVERIFY(!q.exec(u"INSERT INTO tickets (business_id, number) VALUES (999, 'X001')"_s));
    QVERIFY2(q.lastError().text().contains(u"FOREIGN KEY"_s, Qt::CaseInsensitive), qPrintable(q.lastError().text()));
    QVERIFY2(q.exec(u"INSERT INTO tickets (business_id, number) VALUES (2, 'B001')"_s), qPrintable(q.lastError().text()));
}

void TestDatabase::failingMigrationRollsBack_data()
{
    QTest::addColumn<bool>("startAtVersion2");
    QTest::newRow("fresh database") << false;
    QTest::newRow("database at version 2") << true;
}

void TestDatabase::failingMigrationRollsBack()
{
    QFETCH(bool, startAtVersion2);
    QString error;
    if (startAtVersion2) {
        std::unique_ptr<Database> db;
        QVERIFY2(open(u"v2"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
    }

    std::unique_ptr<Database> db;
    QCOMPARE(open(u"failing"_s, &db, &error), OpenResult::MigrationFailed);
    QVERIFY(!db);
    QVERIFY2(error.contains(u"0003_broken.sql"_s) && error.contains(u"no_such_table"_s), qPrintable(error));

    {
        Inspector in(path());
        QVERIFY2(!in.tables().contains(u"broken_new"_s), qPrintable(in.tables().join(u", "_s)));
        QCOMPARE(in.version(), 2);
        QCOMPARE(in.userVersion(), 2);
        QCOMPARE(in.minCompatible(), 2);
        QCOMPARE(in.log(), QStringList({u"0001"_s, u"0002"_s}));
    }

    // Once the migration is fixed, the same file upgrades normally.
    QVERIFY2(open(u"v3"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
    QCOMPARE(db->schemaVersion(), 3);
}

void TestDatabase::outOfSequenceIsRefused_data()
{
    QTest::addColumn<QString>("set");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");

    QTest::newRow("gap: 0001, 0003") << u"gap"_s << u"0003_after_gap.sql"_s << u"0002"_s;
    QTest::newRow("two numbered 0002") << u"duplicate"_s << u"0002_tickets.sql"_s << u"0003"_s;
    QTest::newRow("no number") << u"unnumbered"_s << u"init.sql"_s << u"0002"_s;
}

void TestDatabase::outOfSequenceIsRefused()
{
    QFETCH(QString, set);
    QFETCH(QString, file);
    QFETCH(QString, expected);

    std::unique_ptr<Database> db;
    QString error;
    QCOMPARE(open(set, &db, &error), OpenResult::MigrationFailed);
    QVERIFY(!db);
    QVERIFY2(error.contains(file) && error.contains(u"out of sequence"_s) && error.contains(expected), qPrintable(error));

    // Refused before anything ran.
    Inspector in(path());
    QCOMPARE(in.version(), 0);
    QCOMPARE(in.userVersion(), 0);
    QCOMPARE(in.tables(), QStringList{u"schema_meta"_s});
}

void TestDatabase::olderBuildRefusesNewerSchema_data()
{
    QTest::addColumn<QString>("olderSet");
    QTest::addColumn<int>("known");
    QTest::newRow("build knowing 1-2") << u"v2"_s << 2;
    QTest::newRow("build knowing 1") << u"v1"_s << 1;
}

void TestDatabase::olderBuildRefusesNewerSchema()
{
    QFETCH(QString, olderSet);
    QFETCH(int, known);
    QString error;
    {
        std::unique_ptr<Database> db;
        QVERIFY2(open(u"v3"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
        QSqlQuery q(db->connection());
        QVERIFY(q.exec(u"INSERT INTO notes (body) VALUES ('written by the newer build')"_s));
    }
    QVERIFY(!QFile::exists(path() + u"-wal"_s)); // closed cleanly, everything is in the main file
    const QByteArray before = fileHash(path());
    QVERIFY(!before.isEmpty());

    std::unique_ptr<Database> db;
    QCOMPARE(open(olderSet, &db, &error), OpenResult::SchemaTooNew);
    QVERIFY(!db);
    QVERIFY2(error.contains(u"schema version 3"_s) && error.contains(u"up to %1"_s.arg(known))
                 && error.contains(u"newer HallSuite"_s) && error.contains(u"not changed"_s),
             qPrintable(error));

    // Unchanged: same bytes, same version, the newer build's data and tables still there.
    QCOMPARE(fileHash(path()), before);
    {
        Inspector in(path());
        QCOMPARE(in.version(), 3);
        QCOMPARE(in.userVersion(), 3);
        QCOMPARE(in.minCompatible(), 3);
        QCOMPARE(in.log(), QStringList({u"0001"_s, u"0002"_s, u"0003"_s}));
        QCOMPARE(scalar(in.db(), u"SELECT body FROM notes"_s).toString(), u"written by the newer build"_s);
    }

    // And the newer build still opens it.
    QVERIFY2(open(u"v3"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
}

void TestDatabase::minCompatibleLetsOlderBuildOpen()
{
    QString error;
    {
        std::unique_ptr<Database> db;
        QVERIFY2(open(u"compat"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
        QCOMPARE(db->schemaVersion(), 3);
    }
    {
        Inspector in(path());
        QCOMPARE(in.version(), 3);
        QCOMPARE(in.minCompatible(), 2);
    }
    {
        // A build knowing 0001-0002 opens it, uses what it knows, and does not downgrade it.
        std::unique_ptr<Database> db;
        QVERIFY2(open(u"v2"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
        QVERIFY(db);
        QCOMPARE(db->schemaVersion(), 3);
        QSqlQuery q(db->connection());
        QVERIFY2(q.exec(u"INSERT INTO tickets (business_id, number) VALUES (1, 'A001')"_s), qPrintable(q.lastError().text()));
    }
    {
        Inspector in(path());
        QCOMPARE(in.version(), 3);
        QCOMPARE(in.userVersion(), 3);
        QCOMPARE(in.minCompatible(), 2);
        QCOMPARE(in.log(), QStringList({u"0001"_s, u"0002"_s, u"0003"_s}));
    }

    // A build that knows only 0001 is still too old.
    std::unique_ptr<Database> db;
    QCOMPARE(open(u"v1"_s, &db, &error), OpenResult::SchemaTooNew);
    QVERIFY2(error.contains(u"up to 1"_s), qPrintable(error));
}

void TestDatabase::badLocation_data()
{
    QTest::addColumn<QString>("location");
    QTest::addColumn<int>("result");

    QTest::newRow("empty") << QString() << int(OpenResult::BadLocation);
    QTest::newRow("sqlite: without a path") << u"sqlite:"_s << int(OpenResult::BadLocation);
    QTest::newRow("folder under a file") << u"FILE/sub/hall.db"_s << int(OpenResult::BadLocation);
    QTest::newRow("postgres without host") << u"postgres://hall:s3cret-pw@/hall"_s << int(OpenResult::BadLocation);
    QTest::newRow("postgres without database") << u"postgresql://hall:s3cret-pw@db.example:5432"_s << int(OpenResult::BadLocation);
}

void TestDatabase::badLocation()
{
    QFETCH(QString, location);
    QFETCH(int, result);
    if (location.startsWith(u"FILE/"_s)) {
        QFile f(m_dir->filePath(u"FILE"_s));
        QVERIFY(f.open(QIODevice::WriteOnly));
        location = m_dir->filePath(location);
    }
    std::unique_ptr<Database> db;
    QString error;
    QCOMPARE(int(Database::open(location, migrations(u"v3"_s), &db, &error)), result);
    QVERIFY(!db);
    QVERIFY(!error.isEmpty());
    QVERIFY2(!error.contains(u"s3cret-pw"_s), qPrintable(error)); // never print the password
}

void TestDatabase::backendOf()
{
    QCOMPARE(Database::backendOf(u"/var/lib/hall/hall.db"_s), Backend::Sqlite);
    QCOMPARE(Database::backendOf(u"sqlite:/tmp/x.db"_s), Backend::Sqlite);
    QCOMPARE(Database::backendOf(u"postgres://u:p@h/db"_s), Backend::Postgres);
    QCOMPARE(Database::backendOf(u"postgresql://u:p@h/db"_s), Backend::Postgres);
    QCOMPARE(openResultName(OpenResult::SchemaTooNew), u"schema-too-new"_s);
}

// --- Transaction

void TestDatabase::transactionRollsBackOnDestruction()
{
    std::unique_ptr<Database> db;
    QString error;
    QVERIFY2(open(u"v3"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
    const QSqlDatabase c = db->connection();
    {
        Transaction tx(c);
        QVERIFY2(tx.isActive(), qPrintable(tx.error()));
        QSqlQuery q(c);
        QVERIFY(q.exec(u"INSERT INTO notes (body) VALUES ('uncommitted')"_s));
        QCOMPARE(scalar(c, u"SELECT COUNT(*) FROM notes"_s).toInt(), 1); // visible inside
    }
    QCOMPARE(scalar(c, u"SELECT COUNT(*) FROM notes"_s).toInt(), 0);
    // The connection is usable again: a new transaction can begin.
    Transaction again(c);
    QVERIFY2(again.isActive(), qPrintable(again.error()));
}

void TestDatabase::transactionCommitPersists()
{
    QString error;
    {
        std::unique_ptr<Database> db;
        QVERIFY2(open(u"v3"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
        const QSqlDatabase c = db->connection();
        Transaction tx(c);
        QVERIFY2(tx.isActive(), qPrintable(tx.error()));
        QSqlQuery q(c);
        QVERIFY(q.exec(u"INSERT INTO notes (body) VALUES ('committed')"_s));
        QVERIFY2(tx.commit(), qPrintable(tx.error()));
        QVERIFY(!tx.isActive());
        // A second commit is an error, not a silent success.
        QVERIFY(!tx.commit());
        QVERIFY(!tx.error().isEmpty());
    } // tx is destroyed after commit: nothing is rolled back
    std::unique_ptr<Database> db;
    QVERIFY2(open(u"v3"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
    QCOMPARE(column(db->connection(), u"SELECT body FROM notes"_s), QStringList{u"committed"_s});
}

void TestDatabase::transactionExplicitRollback()
{
    std::unique_ptr<Database> db;
    QString error;
    QVERIFY2(open(u"v3"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
    const QSqlDatabase c = db->connection();
    Transaction tx(c);
    QSqlQuery q(c);
    QVERIFY(q.exec(u"INSERT INTO notes (body) VALUES ('rolled back')"_s));
    tx.rollback();
    QVERIFY(!tx.isActive());
    QCOMPARE(scalar(c, u"SELECT COUNT(*) FROM notes"_s).toInt(), 0);
    QVERIFY(!tx.commit());
    tx.rollback(); // harmless twice
}

namespace {

Transaction insertNote(const QSqlDatabase &c, const QString &body)
{
    Transaction tx(c);
    QSqlQuery q(c);
    q.prepare(u"INSERT INTO notes (body) VALUES (?)"_s);
    q.addBindValue(body);
    if (!q.exec())
        qWarning("insert failed: %s", qPrintable(q.lastError().text()));
    return tx; // moved out, still open
}

} // namespace

void TestDatabase::transactionMove()
{
    static_assert(!std::is_copy_constructible_v<Transaction>);
    static_assert(!std::is_copy_assignable_v<Transaction>);
    static_assert(std::is_nothrow_move_constructible_v<Transaction>);

    std::unique_ptr<Database> db;
    QString error;
    QVERIFY2(open(u"v3"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
    const QSqlDatabase c = db->connection();

    // The moved-from guard must not roll back when it dies; the new owner commits.
    std::optional<Transaction> owner;
    {
        Transaction first(c);
        QVERIFY(first.isActive());
        QSqlQuery q(c);
        QVERIFY(q.exec(u"INSERT INTO notes (body) VALUES ('moved')"_s));
        owner.emplace(std::move(first));
        QVERIFY(!first.isActive());
        QVERIFY(owner->isActive());
    }
    QCOMPARE(scalar(c, u"SELECT COUNT(*) FROM notes"_s).toInt(), 1);
    QVERIFY2(owner->commit(), qPrintable(owner->error()));
    owner.reset();
    QCOMPARE(scalar(c, u"SELECT COUNT(*) FROM notes"_s).toInt(), 1);

    // Returned from a function: still active, and rolls back when the new owner dies.
    {
        Transaction tx = insertNote(c, u"returned"_s);
        QVERIFY(tx.isActive());
        QCOMPARE(scalar(c, u"SELECT COUNT(*) FROM notes"_s).toInt(), 2);
    }
    QCOMPARE(column(c, u"SELECT body FROM notes"_s), QStringList{u"moved"_s});

    {
        Transaction tx = insertNote(c, u"returned and committed"_s);
        QVERIFY2(tx.commit(), qPrintable(tx.error()));
    }
    QCOMPARE(scalar(c, u"SELECT COUNT(*) FROM notes"_s).toInt(), 2);
}

void TestDatabase::transactionWithoutConnection()
{
    Transaction tx{QSqlDatabase()};
    QVERIFY(!tx.isActive());
    QVERIFY(!tx.error().isEmpty());
    QVERIFY(!tx.commit());
}

// --- connections per thread

void TestDatabase::connectionPerThread()
{
    std::unique_ptr<Database> db;
    QString error;
    QVERIFY2(open(u"v3"_s, &db, &error) == OpenResult::Ok, qPrintable(error));
    const QSqlDatabase mainConn = db->connection();
    QCOMPARE(db->connection().connectionName(), mainConn.connectionName()); // reused
    {
        Transaction tx(mainConn);
        QSqlQuery q(mainConn);
        QVERIFY(q.exec(u"INSERT INTO notes (body) VALUES ('from main')"_s));
        QVERIFY2(tx.commit(), qPrintable(tx.error()));
    }

    struct Seen
    {
        QString name;
        QString sameThreadAgain;
        bool open = false;
        int foreignKeys = -1;
        QStringList notes;
        bool wrote = false;
        QString error;
    } seen;
    std::unique_ptr<QThread> worker(QThread::create([&] {
        QSqlDatabase c = db->connection();
        seen.name = c.connectionName();
        seen.sameThreadAgain = db->connection().connectionName();
        seen.open = c.isOpen();
        seen.foreignKeys = scalar(c, u"PRAGMA foreign_keys"_s).toInt();
        seen.notes = column(c, u"SELECT body FROM notes"_s);
        Transaction tx(c);
        QSqlQuery q(c);
        seen.wrote = q.exec(u"INSERT INTO notes (body) VALUES ('from worker')"_s) && tx.commit();
        if (!seen.wrote)
            seen.error = q.lastError().text() + tx.error();
    }));
    worker->start();
    QVERIFY(worker->wait(10000));

    QVERIFY(!seen.name.isEmpty());
    QVERIFY2(seen.name != mainConn.connectionName(), qPrintable(seen.name));
    QCOMPARE(seen.sameThreadAgain, seen.name);
    QVERIFY(seen.open);
    QCOMPARE(seen.foreignKeys, 1); // pragmas are per connection: set on the worker's too
    QCOMPARE(seen.notes, QStringList{u"from main"_s});
    QVERIFY2(seen.wrote, qPrintable(seen.error));
    QCOMPARE(column(mainConn, u"SELECT body FROM notes ORDER BY id"_s), QStringList({u"from main"_s, u"from worker"_s}));
}

// Worker threads end and new ones start (a thread pool expiring its threads), and a new
// QThread may well get the address of an old one. Each must still get a working connection.
void TestDatabase::threadsComeAndGo()
{
    std::unique_ptr<Database> db;
    QString error;
    QVERIFY2(open(u"v3"_s, &db, &error) == OpenResult::Ok, qPrintable(error));

    class Worker final : public QThread
    {
    public:
        explicit Worker(Database *db) : m_db(db) {}
        bool open = false;
        int count = -1;

    private:
        void run() override
        {
            QSqlDatabase c = m_db->connection();
            open = c.isOpen();
            count = scalar(c, u"SELECT COUNT(*) FROM businesses"_s).toInt();
        }
        Database *m_db;
    };

    QSet<const void *> addresses;
    for (int i = 0; i < 4; ++i) {
        // On the stack in a loop: every Worker lives at the same address as the one before.
        Worker worker(db.get());
        addresses.insert(&worker);
        worker.start();
        QVERIFY(worker.wait(10000));
        QVERIFY2(worker.open, qPrintable(u"thread %1 got no open connection"_s.arg(i)));
        QCOMPARE(worker.count, 2);
    }
    for (int i = 0; i < 4; ++i) {
        int count = -1;
        std::unique_ptr<QThread> thread(QThread::create([&db, &count] {
            count = scalar(db->connection(), u"SELECT COUNT(*) FROM businesses"_s).toInt();
        }));
        thread->start();
        QVERIFY(thread->wait(10000));
        QCOMPARE(count, 2);
    }
    if (addresses.size() != 1)
        qInfo("threads did not share an address; the reuse case was not exercised");
}

// --- Migrator::splitStatements

void TestDatabase::splitStatements_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QStringList>("statements");

    QTest::newRow("two statements") << u"CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n"_s
                                    << QStringList{u"CREATE TABLE a (x INT)"_s, u"CREATE TABLE b (y INT)"_s};
    QTest::newRow("statement over several lines")
        << u"CREATE TABLE a (\n    x INT,\n    y TEXT\n);\n"_s
        << QStringList{u"CREATE TABLE a (\n    x INT,\n    y TEXT\n)"_s};
    QTest::newRow("semicolon inside quotes, mid-line")
        << u"INSERT INTO t VALUES ('a;b');\nSELECT 1;"_s
        << QStringList{u"INSERT INTO t VALUES ('a;b')"_s, u"SELECT 1"_s};
    QTest::newRow("semicolon inside quotes, end of line")
        << u"INSERT INTO t VALUES ('line one;\nline two');\nSELECT 1;"_s
        << QStringList{u"INSERT INTO t VALUES ('line one;\nline two')"_s, u"SELECT 1"_s};
    QTest::newRow("quoted text ending in a semicolon")
        << u"INSERT INTO t VALUES ('x;');\nINSERT INTO t VALUES (';');"_s
        << QStringList{u"INSERT INTO t VALUES ('x;')"_s, u"INSERT INTO t VALUES (';')"_s};
    QTest::newRow("escaped quote next to semicolon")
        << u"INSERT INTO t VALUES ('it''s;');\nINSERT INTO t VALUES ('ok');"_s
        << QStringList{u"INSERT INTO t VALUES ('it''s;')"_s, u"INSERT INTO t VALUES ('ok')"_s};
    QTest::newRow("blank line and comment-like line inside quotes are kept")
        << u"INSERT INTO t VALUES ('a;\n\n-- not a comment;\n');\n"_s
        << QStringList{u"INSERT INTO t VALUES ('a;\n\n-- not a comment;\n')"_s};
    QTest::newRow("comment lines and blank lines dropped")
        << u"-- header; with a semicolon\n\nSELECT 1;\n   -- indented comment\n\nSELECT 2;\n"_s
        << QStringList{u"SELECT 1"_s, u"SELECT 2"_s};
    QTest::newRow("comment with an apostrophe")
        << u"-- the officer's desk\nSELECT 1;\nSELECT 2;"_s << QStringList{u"SELECT 1"_s, u"SELECT 2"_s};
    QTest::newRow("trailing comment after the semicolon")
        << u"CREATE TABLE a (x INT); -- first table\nCREATE TABLE b (y INT);"_s
        << QStringList{u"CREATE TABLE a (x INT)"_s, u"CREATE TABLE b (y INT)"_s};
    QTest::newRow("trailing comment with an apostrophe")
        << u"CREATE TABLE a (\n    x INT -- the officer's id\n);\nCREATE TABLE b (y INT);"_s
        << QStringList{u"CREATE TABLE a (\n    x INT\n)"_s, u"CREATE TABLE b (y INT)"_s};
    QTest::newRow("double dash inside quotes is not a comment")
        << u"INSERT INTO t VALUES ('a -- b;');\nSELECT 1;"_s
        << QStringList{u"INSERT INTO t VALUES ('a -- b;')"_s, u"SELECT 1"_s};
    QTest::newRow("last statement without semicolon")
        << u"SELECT 1;\nSELECT 2\n"_s << QStringList{u"SELECT 1"_s, u"SELECT 2"_s};
    QTest::newRow("CRLF line ends") << u"SELECT 1;\r\nSELECT 2;\r\n"_s << QStringList{u"SELECT 1"_s, u"SELECT 2"_s};
    QTest::newRow("empty") << QString() << QStringList();
    QTest::newRow("only comments") << u"-- nothing\n-- here;\n"_s << QStringList();
}

void TestDatabase::splitStatements()
{
    QFETCH(QString, script);
    QFETCH(QStringList, statements);
    QCOMPARE(Migrator::splitStatements(script), statements);
}

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
