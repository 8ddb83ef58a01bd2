#pragma once

#include <server/server_export.h>
#include <server/sqlstore.h>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace hall::server {

struct AccountRecord
{
    qint64 id = 0;
    qint64 hallId = 0; // 0: every hall (admin, security, auditor)
    QString login;
    QString name;
    QString role;
    QString passwordHash;
    bool disabled = false;
    qint64 passwordChangedAt = 0; // ms since the epoch; 0: set by someone else, to be changed
};

struct Session
{
    AccountRecord account;
    QDateTime expiresAt;
    QByteArray tokenHash;
};

// Accounts, their tokens (stored as SHA-256 of the token, never the token) and the server's
// own secret for keyed identity hashes.
class HALL_SERVER_EXPORT AccountStore : public SqlStore
{
public:
    using SqlStore::SqlStore;

    std::optional<AccountRecord> account(const QString &login);
    // Every account, by login.
    bool accounts(QList<AccountRecord> *out, QString *error);
    // A new account's password is set by someone else (a seed file, an administrator): its
    // person changes it at the first sign-in.
    bool addAccount(const AccountRecord &a, const QString &password, QString *error);
    // Hashes of the account's earlier passwords, newest first (not the current one).
    QStringList passwordHistory(qint64 accountId, int count);
    // Replaces the password hash and ends the account's tokens. `changedAtMs` 0: an
    // administrator's reset, to be changed at the next sign-in. The replaced hash joins the
    // history, of which the newest `keep` are kept.
    bool setPassword(qint64 accountId, const QString &hash, qint64 changedAtMs, int keep, QString *error);
    // A token signed in by certificate names it (issuer and subject RFC 2253, serial hex), so
    // removing its mapping or revoking it ends the session; a password's leaves them empty.
    struct TokenCertificate
    {
        QString issuer;
        QString subject;
        QString serial;
    };
    bool saveToken(const QByteArray &tokenHash, qint64 accountId, const QDateTime &expires, QString *error,
                   const TokenCertificate &certificate = {});
    bool deleteToken(const QByteArray &tokenHash, QString *error = nullptr);
    bool setDisabled(qint64 accountId, bool disabled, QString *error);
    std::optional<Session> session(const QByteArray &tokenHash);
    // Of `tokenHashes`, those the database still holds: token hash → its account and whether
    // that is disabled. A token deleted by another writer (the command line, another instance)
    // is missing from `out`.
    struct TokenState
    {
        qint64 accountId = 0;
        bool disabled = false;
    };
    bool tokenStates(const QList<QByteArray> &tokenHashes, QHash<QByteArray, TokenState> *out, QString *error);

    // The key of the identity hashes, made on first use and kept in the database.
    QByteArray secret();

    static QString hashPassword(const QString &password);
    static bool verifyPassword(const QString &password, const QString &stored);
};

} // namespace hall::server
