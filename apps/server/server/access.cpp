#include "access.h"

#include "http.h"

namespace hall::server {

namespace {

using namespace roles;

QList<AccessRule> makeTable()
{
    // Who works where: people of a hall and its devices; approvers and chief representatives
    // read the hall and sync their own work. The security administrator and the auditor oversee
    // and work no hall: they reach none of a hall's data (三员分立, docs/security.md).
    const QStringList everyone = All;
    QStringList hallRoles = All;
    hallRoles.removeIf(isOversight);
    const QStringList ticketReaders{Admin, Chief, Supervisor, Officer, Kiosk, Display, Caller};
    const QStringList issuers{Admin, Supervisor, Officer, Kiosk};
    const QStringList staff{Admin, Supervisor, Officer};
    const QStringList managers{Admin, Supervisor};
    const QStringList windowActors{Admin, Supervisor, Officer, Caller};

    const auto rule = [](const char *method, const char *path, const QStringList &roles, DataScope scope) {
        return AccessRule{method, QString::fromLatin1(path), roles, scope};
    };
    QList<AccessRule> t{
        rule("GET", "/api/v1/health", {Public}, DataScope::Public),
        rule("POST", "/api/v1/auth/login", {Public}, DataScope::Public),
        // Authenticated by the client certificate of the TLS connection, not by a token.
        rule("POST", "/api/v1/auth/certificate", {Public}, DataScope::Public),
        rule("POST", "/api/v1/auth/password", {Public}, DataScope::Public),
        rule("POST", "/api/v1/auth/logout", everyone, DataScope::Account),
        // Which ways a hall's sign-in screen offers (password, certificate): asked before anyone is in.
        rule("GET", "/api/v1/auth/ways", {Public}, DataScope::Public),
        rule("GET", "/api/v1/me", everyone, DataScope::Account),
        // Accounts are the security administrator's; the audit trail is the auditor's alone, and
        // read-only: no route changes or removes an entry, for anyone.
        rule("GET", "/api/v1/admin/accounts", {Security}, DataScope::Account),
        rule("POST", "/api/v1/admin/accounts/{}/disable", {Security}, DataScope::Account),
        rule("POST", "/api/v1/admin/accounts/{}/enable", {Security}, DataScope::Account),
        rule("GET", "/api/v1/admin/accounts/{}/certificates", {Security}, DataScope::Account),
        rule("POST", "/api/v1/admin/accounts/{}/certificates/remove", {Security}, DataScope::Account),
        // Whether a hall's people may sign in with a password: a security setting, not the hall's.
        rule("POST", "/api/v1/admin/halls/{}/password-sign-in", {Security}, DataScope::Account),
        rule("GET", "/api/v1/audit", {Auditor}, DataScope::Account),
        rule("POST", "/api/v1/admin/clock", {Admin}, DataScope::Account),
        // The list shows each account its own hall (admins all).
        rule("GET", "/api/v1/halls", everyone, DataScope::Account),
        rule("GET", "/api/v1/halls/{}/config", {Admin, Chief, Supervisor}, DataScope::Hall),
        rule("PUT", "/api/v1/halls/{}/config", {Admin}, DataScope::Hall),
        rule("GET", "/api/v1/halls/{}/businesses", hallRoles, DataScope::Hall),
        rule("GET", "/api/v1/halls/{}/windows", hallRoles, DataScope::Hall),
        rule("GET", "/api/v1/halls/{}/tickets", {Admin, Chief, Supervisor, Officer, Display, Caller}, DataScope::Hall),
        rule("POST", "/api/v1/halls/{}/tickets", issuers, DataScope::Hall),
        rule("GET", "/api/v1/halls/{}/tickets/{}", ticketReaders, DataScope::Hall),
        rule("POST", "/api/v1/halls/{}/tickets/{}/reprint", issuers, DataScope::Hall),
        rule("POST", "/api/v1/halls/{}/tickets/{}/void", issuers, DataScope::Hall),
        rule("POST", "/api/v1/halls/{}/tickets/{}/subs", staff, DataScope::Hall),
        rule("POST", "/api/v1/halls/{}/appointments", managers, DataScope::Hall),
        rule("POST", "/api/v1/halls/{}/appointments/checkin", issuers, DataScope::Hall),
        rule("POST", "/api/v1/halls/{}/release-passwords", managers, DataScope::Hall),
        rule("POST", "/api/v1/halls/{}/special-tickets", issuers, DataScope::Hall),
        rule("POST", "/api/v1/halls/{}/blacklist", managers, DataScope::Hall),
        rule("POST", "/api/v1/halls/{}/blacklist/remove", managers, DataScope::Hall),
        rule("POST", "/api/v1/halls/{}/clear", managers, DataScope::Hall),
        rule("GET", "/api/v1/halls/{}/calls", {Admin, Chief, Supervisor, Officer}, DataScope::Hall),
        rule("POST", "/api/v1/halls/{}/sync/push", hallRoles, DataScope::Hall),
        rule("GET", "/api/v1/halls/{}/sync/pull", hallRoles, DataScope::Hall),
        // Number leases for offline tickets: kiosks take them; supervisors see every kiosk's.
        rule("POST", "/api/v1/halls/{}/leases", {Admin, Kiosk}, DataScope::Hall),
        rule("GET", "/api/v1/halls/{}/leases", {Admin, Kiosk, Supervisor}, DataScope::Hall),
        rule("POST", "/api/v1/halls/{}/leases/{}/return", {Admin, Kiosk}, DataScope::Hall),
        // Blobs (scanned materials): uploaded by the PCs that capture them; a download also
        // needs a record of the hall that references the blob.
        rule("POST", "/api/v1/halls/{}/blobs/uploads", {Admin, Kiosk, Officer, Supervisor}, DataScope::Hall),
        rule("PUT", "/api/v1/halls/{}/blobs/uploads/{}", {Admin, Kiosk, Officer, Supervisor}, DataScope::Hall),
        rule("PUT", "/api/v1/halls/{}/blobs/{}/{}", {Admin, Kiosk, Officer, Supervisor}, DataScope::Hall),
        rule("GET", "/api/v1/halls/{}/blobs/{}/{}", {Admin, Kiosk, Officer, Supervisor}, DataScope::Hall),
        // Reminders that are pending or failed (masked phones): the hall's supervisors.
        rule("GET", "/api/v1/halls/{}/notifications", managers, DataScope::Hall),
        // Devices say how their parts are (printer paper, reader, LED bars …), each for itself;
        // the hall's supervisors see every device's last word and how long ago it came.
        rule("PUT", "/api/v1/halls/{}/devices/{}/status", {Kiosk, Display, Caller}, DataScope::Hall),
        rule("GET", "/api/v1/halls/{}/devices", managers, DataScope::Hall),
        // The caller bus's voice (hall-bridge) says when it started and finished a call.
        rule("POST", "/api/v1/halls/{}/announcements", {Admin, Caller}, DataScope::Hall),
        // Signed reports of the hall's days: its supervisors, chief representatives (who answer
        // for their departments' figures) and admins. A served ticket's
        // signed receipt: also the officer who served it (their own cases only, checked by the
        // route: 403 not_own_case).
        rule("GET", "/api/v1/halls/{}/reports/day", {Admin, Chief, Supervisor}, DataScope::Hall),
        rule("GET", "/api/v1/halls/{}/tickets/{}/receipt", staff, DataScope::Hall),
        // An officer signs in at any window of the hall, then works only there.
        rule("POST", "/api/v1/halls/{}/windows/{}/login", windowActors, DataScope::Hall),
    };
    // The caller bus (hall-bridge) does what a hardware caller's keys do (Q17: next, recall,
    // special call, pause/resume, transfer, login/logout) at any window of its hall, and nothing
    // a caller has no key for (start, finish, miss, call-back, hang, virtual tickets).
    const QStringList callerKeys{QStringLiteral("logout"), QStringLiteral("pause"), QStringLiteral("resume"), QStringLiteral("call-next"),
                                 QStringLiteral("recall"), QStringLiteral("special-call"), QStringLiteral("transfer")};
    for (const char *op : {"logout", "pause", "resume", "call-next", "recall", "special-call", "call-back", "start", "finish",
                           "miss", "transfer", "hang", "virtual"}) {
        const QString name = QLatin1String(op);
        t.append({"POST", QStringLiteral("/api/v1/halls/{}/windows/{}/") + name, callerKeys.contains(name) ? windowActors : staff,
                  DataScope::OwnWindow});
    }
    return t;
}

} // namespace

const QList<AccessRule> &accessTable()
{
    static const QList<AccessRule> table = makeTable();
    return table;
}

const AccessRule *accessRule(const QByteArray &method, const QString &path)
{
    for (const AccessRule &r : accessTable()) {
        if (r.method == method && r.path == path)
            return &r;
    }
    return nullptr;
}

} // namespace hall::server
