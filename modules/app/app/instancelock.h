#pragma once

#include <app/app_export.h>

#include <QCoreApplication>
#include <QString>

#include <memory>

QT_BEGIN_NAMESPACE
class QLockFile;
QT_END_NAMESPACE

namespace hall::app {

// One instance of an app per PC and role: a lock file named after both, in the runtime
// folder (XDG_RUNTIME_DIR, else the temp folder), locked by the kernel (flock) on Unix and a
// QLockFile elsewhere. A crashed instance's lock is taken over (its process is gone); a
// running one's is not.
class HALL_APP_EXPORT InstanceLock
{
    Q_DECLARE_TR_FUNCTIONS(InstanceLock)
public:
    InstanceLock(const QString &app, const QString &role, const QString &folder = {});
    ~InstanceLock();

    // False with *error naming the instance that holds it (process, host) and the lock file.
    bool tryLock(QString *error);
    QString fileName() const { return m_fileName; }

private:
    QString m_app;
    QString m_role;
    QString m_fileName;
#ifdef Q_OS_UNIX
    int m_fd = -1;
#else
    std::unique_ptr<QLockFile> m_lock;
#endif
};

} // namespace hall::app
