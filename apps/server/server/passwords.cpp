#include "passwords.h"

#include "accountstore.h"
#include "http.h"

#include <core/passwordclasses.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace hall::server {

QString Passwords::weakness(const PasswordPolicy &policy, const QString &login, const QString &password)
{
    if (password.size() < policy.minLength)
        return tr("The password must have at least %1 characters.").arg(policy.minLength);
    if (core::passwordCharacterClasses(password) < policy.minClasses)
        return tr("The password must mix at least %1 of: lower-case letters, upper-case letters, digits, other characters.")
            .arg(policy.minClasses);
    if (!login.isEmpty() && password.contains(login, Qt::CaseInsensitive))
        return tr("The password must not contain the login name.");
    if (isDemoPassword(password))
        return tr("This password is published with the demo data; choose another.");
    return {};
}

bool Passwords::isDemoPassword(const QString &password)
{
    static const QSet<QString> demo = [] {
        QSet<QString> out;
        for (const QString &file : {QStringLiteral(":/demo/demo-hall.json"), QStringLiteral(":/demo/load-hall.json")}) {
            QFile f(file);
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const QJsonArray accounts = QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("accounts")).toArray();
            for (const QJsonValue &a : accounts)
                out.insert(a.toObject().value(QStringLiteral("password")).toString());
        }
        out.remove(QString());
        return out;
    }();
    return demo.contains(password);
}

bool Passwords::mustChange(const PasswordPolicy &policy, const AccountRecord &account, qint64 nowMs)
{
    if (roles::isDevice(account.role))
        return false;
    if (account.passwordChangedAt <= 0)
        return true;
    return policy.maxAgeDays > 0 && nowMs - account.passwordChangedAt > qint64(policy.maxAgeDays) * 86400 * 1000;
}

} // namespace hall::server
