#include "instancelock.h"

#include <QDir>
#include <QLockFile>
#include <QRegularExpression>
#include <QStandardPaths>

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
    m_lock = std::make_unique<QLockFile>(m_fileName);
    m_lock->setStaleLockTime(0); // only a lock whose process is gone is stale, never an old one
}

InstanceLock::~InstanceLock() = default;

bool InstanceLock::tryLock(QString *error)
{
    if (m_lock->tryLock(0))
        return true;
    qint64 pid = 0;
    QString host;
    QString name;
    if (m_lock->error() == QLockFile::LockFailedError && m_lock->getLockInfo(&pid, &host, &name)) {
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
