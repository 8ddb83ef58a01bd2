#include "ownership.h"

#include <core/logging.h>
#include <storage/database.h>
#include <storage/transaction.h>

#include <QCoreApplication>
#include <QFileInfo>
#include <QSqlError>
#include <QSysInfo>
#include <QUuid>

#ifdef Q_OS_UNIX
#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#else
#include <QLockFile>
#endif
#ifdef Q_OS_LINUX
#include <sys/vfs.h>
#endif

namespace hall::server {

// How a process holds the halls: taken with acquire(), kept until the object is destroyed.
class Ownership::Lock
{
public:
    virtual ~Lock() = default;
    virtual Result acquire(const QList<qint64> &keys, QString *error) = 0;
    virtual bool alive(QString *error) = 0;
};

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(HallOwnershipLock)
};

#ifdef Q_OS_UNIX

QByteArray whoAmI()
{
    return QSysInfo::machineHostName().toUtf8() + ' ' + QByteArray::number(QCoreApplication::applicationPid());
}

// flock() on a file beside the database. The kernel drops it when the process dies, however it
// dies. Two processes on one machine exclude each other; on a network share flock() is emulated
// (NFS) or local to each client (some SMB mounts), and SQLite's WAL needs shared memory on one
// machine anyway, so a data folder on a network share is refused.
class FileLock final : public Ownership::Lock
{
public:
    explicit FileLock(QString path) : m_path(std::move(path)) {}
    ~FileLock() override { closeFile(); }

    Ownership::Result acquire(const QList<qint64> &, QString *error) override
    {
        const QString folder = QFileInfo(m_path).absolutePath();
        if (isNetworkShare(folder)) {
            *error = Tr::tr("The data folder %1 is on a network share. The embedded SQLite database must be on a "
                                   "local disk of the server (its locks and write-ahead log do not work across machines); "
                                   "use PostgreSQL to serve a hall from more than one machine.").arg(folder);
            return Ownership::Result::Refused;
        }
        // A lock file that was removed or replaced since it was opened is not the lock any more.
        if (m_fd >= 0 && !sameFile())
            closeFile();
        if (m_fd < 0) {
            m_fd = ::open(QFile::encodeName(m_path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
            if (m_fd < 0) {
                *error = Tr::tr("Cannot open the lock file %1: %2").arg(m_path, QString::fromLocal8Bit(std::strerror(errno)));
                return Ownership::Result::Unavailable;
            }
        }
        if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno == EWOULDBLOCK)
                return Ownership::Result::Held;
            *error = Tr::tr("Cannot lock %1: %2").arg(m_path, QString::fromLocal8Bit(std::strerror(errno)));
            return Ownership::Result::Unavailable;
        }
        if (!sameFile()) { // replaced between open() and flock(): try again on the next round
            closeFile();
            return Ownership::Result::Held;
        }
        // For people looking at the folder: who holds it.
        const QByteArray who = whoAmI() + '\n';
        if (::ftruncate(m_fd, 0) != 0 || ::pwrite(m_fd, who.constData(), size_t(who.size()), 0) < 0)
            qCWarning(lcServer) << "cannot write" << m_path << std::strerror(errno);
        return Ownership::Result::Acquired;
    }

    bool alive(QString *error) override
    {
        if (sameFile())
            return true;
        *error = Tr::tr("The lock file %1 was removed or replaced while this server held it.").arg(m_path);
        return false;
    }

private:
    bool sameFile() const
    {
        struct stat path, fd;
        return ::stat(QFile::encodeName(m_path).constData(), &path) == 0 && ::fstat(m_fd, &fd) == 0
            && path.st_ino == fd.st_ino && path.st_dev == fd.st_dev;
    }
    void closeFile()
    {
        if (m_fd >= 0)
            ::close(m_fd); // releases the flock
        m_fd = -1;
    }
    static bool isNetworkShare(const QString &folder)
    {
#ifdef Q_OS_LINUX
        struct statfs fs;
        if (::statfs(QFile::encodeName(folder).constData(), &fs) != 0)
            return false;
        switch (static_cast<unsigned long>(fs.f_type)) {
        case 0x6969:     // NFS
        case 0x517B:     // SMB
        case 0xFF534D42: // CIFS
        case 0xFE534D42: // SMB2
            return true;
        default:
            return false;
        }
#else
        Q_UNUSED(folder);
        return false;
#endif
    }

    QString m_path;
    int m_fd = -1;
};

#else

// Elsewhere (Windows): QLockFile keeps its file open without sharing while the process lives
// and finds the lock of a dead process on this machine stale.
class FileLock final : public Ownership::Lock
{
public:
    explicit FileLock(const QString &path) : m_file(path) { m_file.setStaleLockTime(0); }
    Ownership::Result acquire(const QList<qint64> &, QString *error) override
    {
        if (m_file.tryLock(0))
            return Ownership::Result::Acquired;
        if (m_file.error() == QLockFile::LockFailedError)
            return Ownership::Result::Held;
        *error = Tr::tr("Cannot lock %1.").arg(m_file.fileName());
        return Ownership::Result::Unavailable;
    }
    bool alive(QString *) override { return true; }

private:
    QLockFile m_file;
};

#endif

// Session advisory locks on a PostgreSQL connection of their own. The session's end, however it
// comes (process killed, pg_terminate_backend, a network cut found by keepalives), releases
// them; a standby's next try then gets them.
class AdvisoryLock final : public Ownership::Lock
{
public:
    explicit AdvisoryLock(storage::Database *db)
        : m_db(db), m_name(QStringLiteral("hall-owner-lock-%1").arg(reinterpret_cast<quintptr>(this), 0, 16))
    {
    }
    ~AdvisoryLock() override { closeSession(); }

    Ownership::Result acquire(const QList<qint64> &keys, QString *error) override
    {
        if (!m_session.isOpen() && !openSession(error))
            return Ownership::Result::Unavailable;
        const Ownership::Result r = tryLocks(keys, error);
        if (r == Ownership::Result::Unavailable)
            closeSession(); // the next try opens a new session
        return r;
    }

    bool alive(QString *error) override
    {
        QSqlQuery q(m_session);
        if (q.exec(QStringLiteral("SELECT 1")) && q.next())
            return true;
        *error = Tr::tr("The PostgreSQL session holding the hall locks ended (%1).").arg(q.lastError().text().trimmed());
        return false;
    }

private:
    // "HALL" in the upper half, the hall id (0: the database) in the lower.
    static qint64 lockKey(qint64 hallId) { return (qint64(0x48414C4C) << 32) | hallId; }

    Ownership::Result tryLocks(const QList<qint64> &keys, QString *error)
    {
        QSqlQuery q(m_session);
        for (qint64 key : keys) {
            q.prepare(QStringLiteral("SELECT pg_try_advisory_lock(?)"));
            q.addBindValue(lockKey(key));
            if (!q.exec() || !q.next()) {
                *error = Tr::tr("Cannot take the hall lock: %1").arg(q.lastError().text());
                return Ownership::Result::Unavailable;
            }
            if (!q.value(0).toBool()) {
                QSqlQuery(m_session).exec(QStringLiteral("SELECT pg_advisory_unlock_all()"));
                return Ownership::Result::Held;
            }
        }
        return Ownership::Result::Acquired;
    }

    bool openSession(QString *error)
    {
        closeSession();
        // Keepalives on both ends come with every connection (storage::Database): the server drops
        // the session of a vanished owner, and with it the locks, within about 11 s.
        const QStringList options{QStringLiteral("application_name=hall-server-owner-lock-%1").arg(QCoreApplication::applicationPid())};
        QString err;
        m_session = m_db->openSession(m_name, options, &err);
        if (!m_session.isOpen()) {
            *error = Tr::tr("Cannot reach the database %1: %2").arg(m_db->describe(), err);
            closeSession();
            return false;
        }
        return true;
    }
    void closeSession()
    {
        m_session.close();
        m_session = QSqlDatabase();
        if (QSqlDatabase::contains(m_name))
            QSqlDatabase::removeDatabase(m_name);
    }

    storage::Database *m_db;
    QString m_name;
    QSqlDatabase m_session;
};

std::unique_ptr<Ownership::Lock> makeLock(storage::Database *db)
{
    if (db->backend() == storage::Backend::Sqlite)
        return std::make_unique<FileLock>(db->sqliteFile() + QStringLiteral(".lock"));
    return std::make_unique<AdvisoryLock>(db);
}

} // namespace

Ownership::Ownership(storage::Database *db, QObject *parent)
    : QObject(parent), SqlStore(db), m_lock(makeLock(db)), m_token(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    connect(&m_watch, &QTimer::timeout, this, [this] {
        QString error;
        if (!m_lock->alive(&error))
            lose(tr("This hall-server lost the lock on its halls and stops serving them: %1").arg(error));
    });
}

Ownership::~Ownership() = default;

Ownership::Result Ownership::tryAcquire(QString *message)
{
    QList<qint64> keys{0};
    QSqlQuery q = query(QStringLiteral("SELECT id FROM halls ORDER BY id"));
    if (!exec(q, message)) {
        // The database may have gone (a PostgreSQL failover): the next try opens a new connection.
        q = QSqlQuery();
        database()->connection().close();
        return Result::Unavailable;
    }
    while (q.next())
        keys.append(q.value(0).toLongLong());
    q.finish();
    const Result r = m_lock->acquire(keys, message);
    if (r == Result::Held)
        *message = tr("The halls of %1 are served by another hall-server (%2). Stop it first, or start this one with "
                      "--standby to take over when it stops.").arg(database()->describe(), holder());
    if (r != Result::Acquired)
        return r;
    m_keys = keys;
    if (!claim(message)) {
        m_lock.reset(); // let go of the lock rather than hold halls that were not claimed
        m_lock = makeLock(database());
        return Result::Unavailable;
    }
    return Result::Acquired;
}

bool Ownership::claim(QString *error)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    storage::Transaction tx(database()->connection());
    if (!tx.isActive()) {
        *error = tx.error();
        return false;
    }
    // On PostgreSQL the upsert waits for a commit of the previous owner still in flight (it holds
    // the rows FOR SHARE); once this commits, no commit of the previous owner can follow. Not for
    // long: a transaction its vanished client left open ends by the server's idle timeout, and
    // the next try comes a second later.
    if (database()->backend() == storage::Backend::Postgres) {
        QSqlQuery wait(database()->connection()); // SET cannot be prepared
        if (!wait.exec(QStringLiteral("SET LOCAL lock_timeout = '5s'"))) {
            *error = wait.lastError().text();
            return false;
        }
    }
    QSqlQuery q = query(QStringLiteral(
        "INSERT INTO hall_owners (hall_id, owner, epoch, host, pid, since) VALUES (?, ?, 1, ?, ?, ?) "
        "ON CONFLICT (hall_id) DO UPDATE SET owner = excluded.owner, epoch = hall_owners.epoch + 1, "
        "host = excluded.host, pid = excluded.pid, since = excluded.since"));
    for (qint64 key : std::as_const(m_keys)) {
        q.bindValue(0, key);
        q.bindValue(1, m_token);
        q.bindValue(2, QSysInfo::machineHostName());
        q.bindValue(3, QCoreApplication::applicationPid());
        q.bindValue(4, ms(now));
        if (!exec(q, error))
            return false;
    }
    QSqlQuery e = query(QStringLiteral("SELECT epoch FROM hall_owners WHERE hall_id = 0"));
    if (!exec(e, error) || !e.next())
        return false;
    const qint64 epoch = e.value(0).toLongLong();
    e.finish();
    if (!tx.commit()) {
        *error = tx.error();
        return false;
    }
    m_epoch = epoch;
    m_since = now;
    m_owner = true;
    qCInfo(lcServer) << "owner of" << m_keys.size() - 1 << "halls of" << database()->describe() << "epoch" << m_epoch;
    return true;
}

void Ownership::watch(int intervalMs)
{
    m_watch.start(intervalMs);
}

bool Ownership::fence(QString *error)
{
    if (!m_owner) {
        *error = tr("This hall-server does not own the halls any more.");
        return false;
    }
    const bool postgres = database()->backend() == storage::Backend::Postgres;
    QSqlQuery &q = cached(postgres ? QStringLiteral("SELECT hall_id FROM hall_owners WHERE owner = ? FOR SHARE")
                                   : QStringLiteral("SELECT hall_id FROM hall_owners WHERE owner = ?"));
    q.bindValue(0, m_token);
    if (!exec(q, error))
        return false;
    qsizetype rows = 0;
    while (q.next())
        ++rows;
    q.finish();
    if (rows == m_keys.size())
        return true;
    *error = tr("Another hall-server (%1) has taken over the halls; this one stops serving them.").arg(holder());
    lose(*error);
    return false;
}

QJsonObject Ownership::status() const
{
    return QJsonObject{{QStringLiteral("role"), m_owner ? QStringLiteral("owner") : QStringLiteral("lost")},
                       {QStringLiteral("epoch"), m_epoch},
                       {QStringLiteral("since"), m_since.toString(Qt::ISODate)}};
}

QString Ownership::holder()
{
    QSqlQuery q = query(QStringLiteral("SELECT host, pid, since, epoch FROM hall_owners WHERE hall_id = 0"));
    if (!exec(q, nullptr) || !q.next())
        return tr("one that has not claimed them yet");
    return tr("host %1, process %2, since %3, epoch %4")
        .arg(q.value(0).toString())
        .arg(q.value(1).toLongLong())
        .arg(fromMs(q.value(2)).toLocalTime().toString(Qt::ISODate))
        .arg(q.value(3).toLongLong());
}

void Ownership::lose(const QString &reason)
{
    if (!m_owner)
        return;
    m_owner = false;
    m_watch.stop();
    qCCritical(lcServer).noquote() << reason;
    // From the event loop: fence() runs inside a commit, whose caller must finish first.
    QMetaObject::invokeMethod(this, [this, reason] { Q_EMIT lost(reason); }, Qt::QueuedConnection);
}

} // namespace hall::server
