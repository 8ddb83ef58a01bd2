#pragma once

#include <server/server_export.h>
#include <server/sqlstore.h>

#include <core/hall.h>

#include <QCoreApplication>

#include <optional>

namespace hall::server {

class AccountStore;

// The halls' configuration: one JSON document per hall plus the business and window rows that
// give their codes stable ids.
class HALL_SERVER_EXPORT HallStore : public SqlStore
{
    Q_DECLARE_TR_FUNCTIONS(HallStore)
public:
    HallStore(storage::Database *db, AccountStore *accounts) : SqlStore(db), m_accounts(accounts) {}

    bool loadHalls(QList<core::HallConfig> *out, QString *error);
    // Upserts by codes and assigns ids into `cfg`, in its own transaction, and creates the
    // seed file's accounts that do not exist yet (hall-server seed).
    bool saveHall(core::HallConfig *cfg, QString *error);
    // The same without a transaction or accounts: part of the server's group commit.
    bool writeHall(core::HallConfig *cfg, QString *error);

    // Whether the people of a hall may sign in with a password (halls.password_sign_in; else
    // by certificate only). Read from the database at each sign-in, so a change made with the
    // command line counts at once, on every instance. Nothing for an unknown hall.
    std::optional<bool> passwordSignIn(const QString &hallCode, QString *error);
    std::optional<bool> passwordSignIn(qint64 hallId, QString *error);
    // False with an error for an unknown hall.
    bool setPasswordSignIn(const QString &hallCode, bool allowed, QString *error);

private:
    AccountStore *m_accounts;
};

} // namespace hall::server
