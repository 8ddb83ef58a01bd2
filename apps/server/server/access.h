#pragma once

#include <server/server_export.h>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace hall::server {

// Where a role's permission on an endpoint holds (SEC4's data scope).
enum class DataScope {
    Public,    // no sign-in
    Account,   // any hall: the endpoint is about the caller or the whole server
    Hall,      // the endpoint's hall must be the account's (accounts of no hall, admins, reach every hall)
    OwnWindow, // as Hall, and an officer only at the window they are signed in to
};

struct AccessRule
{
    QByteArray method;
    QString path; // the whole path; {} marks a parameter: "/api/v1/halls/{}/tickets"
    QStringList roles;
    DataScope scope = DataScope::Hall;
};

// The one table that says which role may call which endpoint, and where (docs/security.md).
// The HTTP core takes every route's roles and scope from here; a route without a rule is
// refused to everyone, and tst_server_access fails until it has one.
HALL_SERVER_EXPORT const QList<AccessRule> &accessTable();
// The rule of `method` on the route pattern `path` (as registered), or nullptr.
HALL_SERVER_EXPORT const AccessRule *accessRule(const QByteArray &method, const QString &path);

} // namespace hall::server
