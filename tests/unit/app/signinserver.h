#pragma once

// The hall server the sign-in tests talk to: in this process, not serving the demo on purpose
// (so its seeded passwords do not sign in), with three people of its own:
//   clerk1  "Clerk#2026ab"  a password of their own, current
//   clerk2  "Temp#2026abc"  set by an administrator, who replaced "Older#2026ab": must be changed
//   clerk3  "Clerk#2026ab"  for the lockout (two free attempts, then 2 s, 4 s …)

#include "../server/harness.h"

#include <server/passwords.h>

namespace hall::test {

inline std::unique_ptr<InProcessServer> signInServer()
{
    auto s = std::make_unique<InProcessServer>();
    s->demo = false;
    s->auth.perAccount = server::LoginThrottle::Policy{2, 2000, 60000, 3600000, 1000};
    s->prepare = [](storage::Database *db, QString *error) {
        server::AccountStore accounts(db);
        const qint64 hall = accounts.account(QStringLiteral("officer01"))->hallId;
        const auto add = [&](const QString &login, const QString &password) {
            server::AccountRecord a;
            a.login = login;
            a.name = login;
            a.role = QStringLiteral("officer");
            a.hallId = hall;
            return accounts.addAccount(a, password, error);
        };
        if (!add(QStringLiteral("clerk1"), QStringLiteral("Clerk#2026ab")) || !add(QStringLiteral("clerk2"), QStringLiteral("Older#2026ab"))
            || !add(QStringLiteral("clerk3"), QStringLiteral("Clerk#2026ab")))
            return false;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const QString &login : {QStringLiteral("clerk1"), QStringLiteral("clerk3")}) {
            if (!accounts.setPassword(accounts.account(login)->id, accounts.account(login)->passwordHash, now, 4, error))
                return false;
        }
        // The administrator's reset: "Older#2026ab" joins the history.
        return accounts.setPassword(accounts.account(QStringLiteral("clerk2"))->id,
                                    server::AccountStore::hashPassword(QStringLiteral("Temp#2026abc")), 0, 4, error);
    };
    QString err;
    if (!s->start(&err)) {
        qWarning() << err;
        return {};
    }
    return s;
}

} // namespace hall::test
