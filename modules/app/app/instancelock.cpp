#include "instancelock.h"

#include <QDir>
#include <QFile>
#include <QLockFile>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QSysInfo>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#endif

namespace hall::app {

InstanceLock::InstanceLock(const QString &app, const QString &role, const QString &folder)
    : m_app(app), m_role(role)
{
    QString dir = folder;
    if (dir.isEmpty())
        dir = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (dir.isEmpty())
        dir = QDir::tempPath();
    QString safeRole = role;
    safeRole.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]")), QStringLiteral("_"));
    m_fileName = QDir(dir).filePath(QStringLiteral("%1-%2.lock").arg(app, safeRole));
}

InstanceLock::~InstanceLock()
{
#ifdef Q_OS_UNIX
    if (m_fd >= 0)
        ::close(m_fd); // the kernel releases the lock; the file stays for the next start
#endif
}

bool InstanceLock::tryLock(QString *error)
{
    qint64 pid = 0;
    QString host;
#ifdef Q_OS_UNIX
    // A kernel lock (flock) on a file that stays: the kernel releases it when the process ends,
    // however it ends (crash, kill -9, power cut), so no lock is ever stale, and nothing has to
    // reach the disk before the first frame nor be removed at exit. QLockFile syncs its file
    // to disk and removes it: on a busy disk up to tens of milliseconds of every start
    // (docs/performance.md, start-up). The file says who holds it, for the message below.
    m_fd = ::open(QFile::encodeName(m_fileName).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd >= 0 && ::flock(m_fd, LOCK_EX | LOCK_NB) == 0) {
        const QByteArray holder = QByteArray::number(QCoreApplication::applicationPid()) + '\n'
                                  + QSysInfo::machineHostName().toUtf8() + '\n' + m_app.toUtf8() + '\n';
        if (::ftruncate(m_fd, 0) == 0 && ::pwrite(m_fd, holder.constData(), size_t(holder.size()), 0) == holder.size())
            return true;
    }
    bool held = false;
    if (m_fd >= 0) {
        held = errno == EWOULDBLOCK;
        char buffer[512];
        const ssize_t n = ::pread(m_fd, buffer, sizeof buffer, 0);
        const QList<QByteArray> lines = QByteArray(buffer, n > 0 ? qsizetype(n) : 0).split('\n');
        pid = lines.value(0).toLongLong();
        host = QString::fromUtf8(lines.value(1));
        ::close(m_fd);
        m_fd = -1;
    }
#else
    m_lock = std::make_unique<QLockFile>(m_fileName);
    m_lock->setStaleLockTime(0); // only a lock whose process is gone is stale, never an old one
    if (m_lock->tryLock(0))
        return true;
    QString name;
    const bool held = m_lock->error() == QLockFile::LockFailedError && m_lock->getLockInfo(&pid, &host, &name);
#endif
    if (held) {
        *error = tr("%1 for role \"%2\" is already running on this PC (process %3 on %4); close it first. Lock file: %5")
                     .arg(m_app, m_role)
                     .arg(pid)
                     .arg(host, m_fileName);
    } else {
        *error = tr("Cannot create the lock file %1 that keeps %2 to one instance per role.").arg(m_fileName, m_app);
    }
    return false;
}

} // namespace hall::app
