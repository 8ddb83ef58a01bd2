#include "accountstore.h"

#include <QRandomGenerator>

#include <openssl/evp.h>

namespace hall::server {

namespace {

constexpr int pbkdf2Iterations = 60000;

// PBKDF2-HMAC-SHA256 by OpenSSL: the same bytes as QPasswordDigestor, six times faster, so a
// sign-in holds a hashing thread for ~15 ms instead of ~90 ms.
QByteArray pbkdf2(const QString &password, const QByteArray &salt, int iterations, int length)
{
    const QByteArray pw = password.toUtf8();
    QByteArray key(length, Qt::Uninitialized);
    if (iterations <= 0 || length <= 0
        || PKCS5_PBKDF2_HMAC(pw.constData(), int(pw.size()), reinterpret_cast<const unsigned char *>(salt.constData()),
                             int(salt.size()), iterations, EVP_sha256(), length, reinterpret_cast<unsigned char *>(key.data())) != 1)
        return {};
    return key;
}

} // namespace

namespace {

const QString accountColumns = QStringLiteral(
    "SELECT id, hall_id, login, name, role, password_hash, disabled, password_changed_at FROM accounts ");

AccountRecord accountFrom(const QSqlQuery &q)
{
    return AccountRecord{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(), q.value(3).toString(),
                         q.value(4).toString(), q.value(5).toString(), q.value(6).toInt() != 0, q.value(7).toLongLong()};
}

} // namespace

std::optional<AccountRecord> AccountStore::account(const QString &login)
{
    QSqlQuery q = query(accountColumns + QStringLiteral("WHERE login = ?"));
    q.addBindValue(login);
    if (!exec(q, nullptr) || !q.next())
        return std::nullopt;
    return accountFrom(q);
}

bool AccountStore::accounts(QList<AccountRecord> *out, QString *error)
{
    QSqlQuery q = query(accountColumns + QStringLiteral("ORDER BY login"));
    if (!exec(q, error))
        return false;
    while (q.next())
        out->append(accountFrom(q));
    return true;
}

QStringList AccountStore::passwordHistory(qint64 accountId, int count)
{
    QSqlQuery q = query(QStringLiteral("SELECT password_hash FROM password_history WHERE account_id = ? ORDER BY id DESC LIMIT ?"));
    q.addBindValue(accountId);
    q.addBindValue(std::max(count, 0));
    QStringList out;
    if (exec(q, nullptr)) {
        while (q.next())
            out.append(q.value(0).toString());
    }
    return out;
}

bool AccountStore::setPassword(qint64 accountId, const QString &hash, qint64 changedAtMs, int keep, QString *error)
{
    QSqlQuery old = query(QStringLiteral("SELECT password_hash FROM accounts WHERE id = ?"));
    old.addBindValue(accountId);
    if (!exec(old, error))
        return false;
    if (!old.next()) {
        *error = QStringLiteral("no account %1").arg(accountId);
        return false;
    }
    QSqlQuery h = query(QStringLiteral("INSERT INTO password_history (account_id, password_hash, replaced_at) VALUES (?,?,?)"));
    h.addBindValue(accountId);
    h.addBindValue(old.value(0).toString());
    h.addBindValue(QDateTime::currentMSecsSinceEpoch());
    QSqlQuery u = query(QStringLiteral("UPDATE accounts SET password_hash = ?, password_changed_at = ? WHERE id = ?"));
    u.addBindValue(hash);
    u.addBindValue(changedAtMs > 0 ? QVariant(changedAtMs) : QVariant(QMetaType::fromType<qint64>()));
    u.addBindValue(accountId);
    QSqlQuery prune = query(QStringLiteral(
        "DELETE FROM password_history WHERE account_id = ? AND id NOT IN "
        "(SELECT id FROM password_history WHERE account_id = ? ORDER BY id DESC LIMIT ?)"));
    prune.addBindValue(accountId);
    prune.addBindValue(accountId);
    prune.addBindValue(std::max(keep, 0));
    QSqlQuery tokens = query(QStringLiteral("DELETE FROM tokens WHERE account_id = ?"));
    tokens.addBindValue(accountId);
    return exec(h, error) && exec(u, error) && exec(prune, error) && exec(tokens, error);
}

bool AccountStore::addAccount(const AccountRecord &a, const QString &password, QString *error)
{
    QSqlQuery q = query(QStringLiteral(
        "INSERT INTO accounts (hall_id, login, name, role, password_hash, disabled, created_at) VALUES (?,?,?,?,?,0,?)"));
    q.addBindValue(a.hallId ? QVariant(a.hallId) : QVariant(QMetaType::fromType<qint64>()));
    q.addBindValue(a.login);
    q.addBindValue(a.name);
    q.addBindValue(a.role);
    q.addBindValue(hashPassword(password));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    return exec(q, error);
}

bool AccountStore::saveToken(const QByteArray &tokenHash, qint64 accountId, const QDateTime &expires, QString *error,
                             const TokenCertificate &certificate)
{
    QSqlQuery q = query(QStringLiteral("INSERT INTO tokens (token_hash, account_id, created_at, expires_at, certificate_issuer, "
                                       "certificate_subject, certificate_serial) VALUES (?,?,?,?,?,?,?)"));
    q.addBindValue(tokenHash);
    q.addBindValue(accountId);
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    q.addBindValue(expires.toMSecsSinceEpoch());
    const bool byCertificate = !certificate.serial.isEmpty();
    for (const QString &v : {certificate.issuer, certificate.subject, certificate.serial})
        q.addBindValue(byCertificate ? QVariant(v) : QVariant(QMetaType::fromType<QString>()));
    return exec(q, error);
}

bool AccountStore::deleteToken(const QByteArray &tokenHash, QString *error)
{
    QSqlQuery q = query(QStringLiteral("DELETE FROM tokens WHERE token_hash = ?"));
    q.addBindValue(tokenHash);
    return exec(q, error);
}

bool AccountStore::setDisabled(qint64 accountId, bool disabled, QString *error)
{
    QSqlQuery q = query(QStringLiteral("UPDATE accounts SET disabled = ? WHERE id = ?"));
    q.addBindValue(disabled ? 1 : 0);
    q.addBindValue(accountId);
    return exec(q, error);
}

std::optional<Session> AccountStore::session(const QByteArray &tokenHash)
{
    QSqlQuery q = query(QStringLiteral(
        "SELECT a.id, a.hall_id, a.login, a.name, a.role, a.password_hash, a.disabled, t.expires_at "
        "FROM tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = ?"));
    q.addBindValue(tokenHash);
    if (!exec(q, nullptr) || !q.next())
        return std::nullopt;
    Session s;
    s.account = AccountRecord{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(), q.value(3).toString(),
                              q.value(4).toString(), {}, q.value(6).toInt() != 0};
    s.expiresAt = QDateTime::fromMSecsSinceEpoch(q.value(7).toLongLong());
    return s;
}

bool AccountStore::tokenStates(const QList<QByteArray> &tokenHashes, QHash<QByteArray, TokenState> *out, QString *error)
{
    // In slices, each one statement: one round trip per slice on PostgreSQL, whatever the count.
    constexpr qsizetype slice = 200;
    for (qsizetype from = 0; from < tokenHashes.size(); from += slice) {
        const qsizetype n = std::min(slice, tokenHashes.size() - from);
        QString marks = QStringLiteral("?");
        for (qsizetype i = 1; i < n; ++i)
            marks += QStringLiteral(",?");
        QSqlQuery q = query(QStringLiteral("SELECT t.token_hash, a.id, a.disabled FROM tokens t JOIN accounts a ON a.id = t.account_id "
                                           "WHERE t.token_hash IN (%1)").arg(marks));
        for (qsizetype i = 0; i < n; ++i)
            q.addBindValue(tokenHashes.at(from + i));
        if (!exec(q, error))
            return false;
        while (q.next())
            out->insert(q.value(0).toByteArray(), TokenState{q.value(1).toLongLong(), q.value(2).toInt() != 0});
    }
    return true;
}

QByteArray AccountStore::secret()
{
    QSqlQuery q = query(QStringLiteral("SELECT value FROM settings WHERE key = 'identity_key'"));
    if (exec(q, nullptr) && q.next())
        return q.value(0).toByteArray();
    QByteArray key(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(key.data()),
                                         reinterpret_cast<quint32 *>(key.data() + key.size()));
    QSqlQuery ins = query(QStringLiteral("INSERT INTO settings (key, value) VALUES ('identity_key', ?) ON CONFLICT (key) DO NOTHING"));
    ins.addBindValue(key);
    exec(ins, nullptr);
    // Another instance may have won the race: read back whatever is stored.
    QSqlQuery again = query(QStringLiteral("SELECT value FROM settings WHERE key = 'identity_key'"));
    if (exec(again, nullptr) && again.next())
        return again.value(0).toByteArray();
    return key;
}

QString AccountStore::hashPassword(const QString &password)
{
    QByteArray salt(16, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(salt.data()),
                                         reinterpret_cast<quint32 *>(salt.data() + salt.size()));
    const QByteArray key = pbkdf2(password, salt, pbkdf2Iterations, 32);
    return QStringLiteral("pbkdf2-sha256$%1$%2$%3")
        .arg(pbkdf2Iterations)
        .arg(QString::fromLatin1(salt.toBase64()), QString::fromLatin1(key.toBase64()));
}

bool AccountStore::verifyPassword(const QString &password, const QString &stored)
{
    const QStringList parts = stored.split(u'$');
    if (parts.size() != 4 || parts.at(0) != QLatin1String("pbkdf2-sha256"))
        return false;
    const QByteArray salt = QByteArray::fromBase64(parts.at(2).toLatin1());
    const QByteArray expected = QByteArray::fromBase64(parts.at(3).toLatin1());
    const int iterations = parts.at(1).toInt();
    // A damaged or planted hash must neither verify everything nor stall a hashing thread.
    if (expected.size() < 16 || iterations < 1000 || iterations > 10000000)
        return false;
    const QByteArray key = pbkdf2(password, salt, iterations, int(expected.size()));
    // Constant-time comparison.
    if (key.size() != expected.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < key.size(); ++i)
        diff |= static_cast<unsigned char>(key.at(i) ^ expected.at(i));
    return diff == 0;
}

} // namespace hall::server
