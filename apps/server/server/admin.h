#pragma once

// What `hall-server` does besides serving, as functions tests can call: open the database,
// seed a hall, add an account, and the self-test.

#include <server/accountstore.h>
#include <server/server_export.h>

#include <storage/database.h>

#include <functional>
#include <memory>

namespace hall::server {

// Opens (and migrates) the server database: a SQLite file path or a postgres:// URL.
HALL_SERVER_EXPORT storage::OpenResult openServerDatabase(const QString &location, std::unique_ptr<storage::Database> *db,
                                                          QString *error);

// Loads or updates a hall from a seed JSON file; `summary` says what it held.
HALL_SERVER_EXPORT bool seedHall(storage::Database *db, const QString &file, QString *summary, QString *error);

// Creates an account; a non-admin account belongs to the hall with code `hallCode`. The
// password is asked for only once the rest is known to be right.
HALL_SERVER_EXPORT bool addAccount(storage::Database *db, AccountRecord account, const QString &hallCode,
                                   const std::function<QString()> &password, QString *error);

// An administrator's reset of `login`'s password (the account's sessions end; its person
// chooses their own at the next sign-in).
HALL_SERVER_EXPORT bool resetPassword(storage::Database *db, const QString &login, const std::function<QString()> &password,
                                      QString *error);

// `hall-server account disable|enable --login L`: a disabled account signs in no more; a
// running hall-server ends its sessions and event streams within a second (its tick checks its
// sessions against the database). Not in the audit chain, as hallPasswordSignIn below; the
// audited way is POST /admin/accounts/{login}/disable.
HALL_SERVER_EXPORT bool setAccountDisabled(storage::Database *db, const QString &login, bool disabled, QString *error);

// `hall-server account certificate add|remove|list`: assigns the subject (as issued by its CA)
// of the certificate in `certificateFile` (PEM or DER) to `login`, takes it away, or lists the
// assignments (of `login`, or all when it is empty). `summary` says what was done, for people.
enum class CertificateCommand { Add, Remove, List };
HALL_SERVER_EXPORT bool accountCertificate(storage::Database *db, CertificateCommand command, const QString &login,
                                           const QString &certificateFile, QString *summary, QString *error);

// `hall-server hall password-sign-in --hall CODE on|off`: whether the hall's people may sign in
// with a password (off: by certificate only). A running server reads the setting at each
// sign-in, so it counts at once. Not in the audit chain: its one writer is the running server
// (a second writer would fork it), so the audited way is POST /admin/halls/{hall}/password-sign-in.
HALL_SERVER_EXPORT bool hallPasswordSignIn(storage::Database *db, const QString &hallCode, bool allowed, QString *error);

// Seeds `demoHall` into a temporary folder, serves it on a free loopback port and asks
// /api/v1/health.
HALL_SERVER_EXPORT bool selfTest(const QString &demoHall, QString *error);

} // namespace hall::server
