#pragma once

#include <server/server_export.h>

#include <QCoreApplication>
#include <QString>

namespace hall::server {

struct AccountRecord;

// The password rules of 等保三级 (docs/security.md): complexity, expiry and history. Lockout is
// LoginThrottle's; demo passwords are refused unless the server serves the demo on purpose.
struct PasswordPolicy
{
    int minLength = 8;
    int minClasses = 3;  // of: lower-case letters, upper-case letters, digits, anything else
    int maxAgeDays = 90; // a person's password expires this long after it was set (0: never)
    int history = 5;     // a new password must differ from this many last ones, the current included
};

class HALL_SERVER_EXPORT Passwords
{
    Q_DECLARE_TR_FUNCTIONS(Passwords)
public:
    // Why `login` may not take `password` (in words for the person), or an empty string.
    static QString weakness(const PasswordPolicy &policy, const QString &login, const QString &password);
    // One of the passwords published with the demo halls (resources/demo/*.json).
    static bool isDemoPassword(const QString &password);
    // The account's password must be changed before it signs in: set by someone else (a seed
    // file, an administrator) or older than the policy allows. Devices are exempt: their
    // long-lived token is what they sign in with, and no one is there to change it.
    static bool mustChange(const PasswordPolicy &policy, const AccountRecord &account, qint64 nowMs);
};

} // namespace hall::server
