#include "secrets.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace hall::server {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(SecretFile)
};

QString credentialsDirectory()
{
    const QString dir = qEnvironmentVariable("CREDENTIALS_DIRECTORY");
    return dir.isEmpty() ? QString() : QFileInfo(dir).canonicalFilePath();
}

} // namespace

QString credentialFile(const QString &id)
{
    const QString dir = credentialsDirectory();
    if (dir.isEmpty())
        return {};
    const QString path = QDir(dir).filePath(id);
    return QFileInfo(path).isFile() ? path : QString();
}

bool openSecretFile(QFile &f, const QString &what, QString *error)
{
    if (!f.open(QIODevice::ReadOnly)) {
        *error = Tr::tr("Cannot read the %1 %2: %3").arg(what, f.fileName(), f.errorString());
        return false;
    }
    const QString credentials = credentialsDirectory();
    if (!credentials.isEmpty() && QFileInfo(f.fileName()).canonicalPath() == credentials)
        return true;
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther | QFileDevice::WriteOther;
    if (f.permissions() & others) {
        *error = Tr::tr("The %1 %2 can be read by others; allow its owner only (chmod 600).").arg(what, f.fileName());
        return false;
    }
    return true;
}

} // namespace hall::server
