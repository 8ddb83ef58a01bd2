#pragma once

#include <core/hall.h>
#include <queue/state.h>
#include <storage/database.h>

#include <QCoreApplication>
#include <QJsonArray>
#include <QSqlQuery>

#include <optional>

namespace hall::server {

struct AccountRecord
{
    qint64 id = 0;
    qint64 hallId = 0; // 0: every hall (admin)
    QString login;
    QString name;
    QString role;
    QString passwordHash;
    bool disabled = false;
};

struct Session
{
    AccountRecord account;
    QDateTime expiresAt;
    QByteArray tokenHash;
};

// The server's persistence: hall configuration, accounts and tokens, and the queue state the
// engine reports through ChangeSets. One SQL dialect serves SQLite and PostgreSQL (upserts with
// ON CONFLICT, RETURNING); only the migrations differ.
class Store
{
    Q_DECLARE_TR_FUNCTIONS(Store)
public:
    explicit Store(storage::Database *db);

    storage::Database *database() const { return m_db; }

    // Hall configuration. saveHall upserts by codes, assigns ids into `cfg`, and creates the
    // seed file's accounts that do not exist yet.
    bool loadHalls(QList<core::HallConfig> *out, QString *error);
    bool saveHall(core::HallConfig *cfg, QString *error);

    bool loadSnapshot(const core::HallConfig &cfg, const QDate &today, queue::Snapshot *out, QString *error);
    // Writes one hall's changes; the caller holds the transaction.
    bool write(qint64 hallId, const queue::ChangeSet &changes, QString *error);

    // Ids for tickets, appointments and release passwords, reserved in durable blocks so that
    // neither a restart nor a second server instance ever hands out an id twice.
    qint64 allocateId();

    // Accounts and tokens
    std::optional<AccountRecord> account(const QString &login);
    bool addAccount(const AccountRecord &a, const QString &password, QString *error);
    bool saveToken(const QByteArray &tokenHash, qint64 accountId, const QDateTime &expires, QString *error);
    bool deleteToken(const QByteArray &tokenHash);
    std::optional<Session> session(const QByteArray &tokenHash);

    // The key of the identity hashes, made on first use and kept in the database.
    QByteArray secret();

    QJsonArray calls(qint64 hallId, const QDate &day, int limit);

    static QString hashPassword(const QString &password);
    static bool verifyPassword(const QString &password, const QString &stored);

private:
    QSqlQuery query(const QString &sql);
    bool insertRows(const QString &head, int columns, const QString &tail, const QList<QVariantList> &rows, QString *error);
    bool exec(QSqlQuery &q, QString *error);

    storage::Database *m_db;
    qint64 m_nextId = 0;
    qint64 m_idLimit = 0;
};

} // namespace hall::server
