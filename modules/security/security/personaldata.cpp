#include "personaldata.h"

#include "log.h"

#include <storage/transaction.h>

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace hall::security {

namespace {

const QByteArray &keyCheckAd()
{
    static const QByteArray ad = FieldCipher::associatedData(QString::fromLatin1(PersonalData::KeyCheckTable),
                                                             QStringLiteral("check"), QStringLiteral("1"));
    return ad;
}

} // namespace

QByteArray PersonalData::keyCheckConstant()
{
    return QByteArrayLiteral("HallSuite key check value v1");
}

PersonalData PersonalData::attach(QSqlDatabase db, const KeyResult &key)
{
    PersonalData pd;
    if (!key.ok()) {
        pd.m_status = Status::NoKey;
        pd.m_message = key.message.isEmpty() ? tr("No key for personal data; personal data is not stored.")
                                             : key.message;
        qCWarning(lcSecurity) << "personal data disabled:" << KeyManager::statusName(key.status);
        return pd;
    }
    auto storageError = [&pd](const QString &detail) {
        pd.m_status = Status::StorageError;
        pd.m_message = tr("The key check of the cache cannot be read or written, so personal data is not stored: %1")
                           .arg(detail);
        qCWarning(lcSecurity) << "key check storage error:" << detail;
        return pd;
    };
    const QString table = QString::fromLatin1(KeyCheckTable);
    {
        QSqlQuery create(db);
        if (!create.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (id INTEGER PRIMARY KEY CHECK (id = 1), "
                                        "key_id BLOB NOT NULL, check_blob BLOB NOT NULL)")
                             .arg(table)))
            return storageError(create.lastError().text());
    }
    QByteArray stored;
    {
        // One writer at a time: two processes opening a new cache agree on one key check.
        storage::Transaction tx(db);
        if (!tx.isActive())
            return storageError(tx.error());
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT check_blob FROM %1 WHERE id = 1").arg(table)))
            return storageError(q.lastError().text());
        if (q.next()) {
            stored = q.value(0).toByteArray();
        } else {
            stored = key.cipher->seal(keyCheckConstant(), keyCheckAd());
            if (stored.isEmpty())
                return storageError(tr("sealing failed"));
            QSqlQuery ins(db);
            ins.prepare(QStringLiteral("INSERT INTO %1 (id, key_id, check_blob) VALUES (1, ?, ?)").arg(table));
            ins.addBindValue(key.cipher->keyId());
            ins.addBindValue(stored);
            if (!ins.exec())
                return storageError(ins.lastError().text());
        }
        q.finish();
        if (!tx.commit())
            return storageError(tx.error());
    }
    const FieldCipher::Opened check = key.cipher->open(stored, keyCheckAd());
    if (!check.ok() && check.error != FieldCipher::Error::WrongKey) {
        pd.m_status = Status::KeyCheckDamaged;
        pd.m_message = tr("The key check value of this cache is damaged (%1), so it cannot be told whether the key "
                          "fits; personal data is not stored. Clear the cache and let it sync again.")
                           .arg(check.message);
        qCWarning(lcSecurity) << "key check damaged:" << FieldCipher::errorName(check.error);
        return pd;
    }
    if (!check.ok() || check.data != keyCheckConstant()) {
        pd.m_status = Status::WrongKey;
        const QByteArray storedId = stored.size() >= 10 ? stored.mid(2, 8) : QByteArray();
        pd.m_message = tr("This cache was written with another key (key id %1; the keychain holds key id %2). Its "
                          "personal data cannot be read, and nothing new is stored in it. Restore the original "
                          "keychain entry, or clear the cache and let it sync again.")
                           .arg(QString::fromLatin1(storedId.toHex()), QString::fromLatin1(key.cipher->keyId().toHex()));
        qCWarning(lcSecurity) << "key check failed:" << FieldCipher::errorName(check.error) << "cache key id"
                              << storedId.toHex() << "keychain key id" << key.cipher->keyId().toHex();
        return pd;
    }
    pd.m_status = Status::Ready;
    pd.m_cipher = key.cipher;
    return pd;
}

QByteArray PersonalData::keyId() const
{
    return m_cipher ? m_cipher->keyId() : QByteArray();
}

std::optional<QByteArray> PersonalData::seal(const QString &table, const QString &column, const QString &rowKey,
                                             const QString &value, QString *error) const
{
    return sealBytes(table, column, rowKey, value.toUtf8(), error);
}

std::optional<QByteArray> PersonalData::sealBytes(const QString &table, const QString &column, const QString &rowKey,
                                                  const QByteArray &value, QString *error) const
{
    if (!isReady()) {
        if (error)
            *error = m_message;
        return std::nullopt;
    }
    QByteArray blob = m_cipher->seal(value, FieldCipher::associatedData(table, column, rowKey));
    if (blob.isEmpty()) {
        if (error)
            *error = FieldCipher::errorMessage(FieldCipher::Error::Internal);
        return std::nullopt;
    }
    return blob;
}

FieldCipher::Opened PersonalData::open(const QString &table, const QString &column, const QString &rowKey,
                                       const QByteArray &blob) const
{
    if (!isReady()) {
        FieldCipher::Opened r;
        r.error = FieldCipher::Error::WrongKey;
        r.message = m_message;
        return r;
    }
    FieldCipher::Opened r = m_cipher->open(blob, FieldCipher::associatedData(table, column, rowKey));
    if (!r.ok())
        qCWarning(lcSecurity) << "cannot open" << table << column << FieldCipher::errorName(r.error);
    return r;
}

std::optional<QByteArray> PersonalData::index(const QString &table, const QString &column, const QString &value) const
{
    if (!isReady())
        return std::nullopt;
    return m_cipher->blindIndex(table.toUtf8() + '\x1f' + column.toUtf8(), value.toUtf8());
}

QString PersonalData::statusName(Status status)
{
    switch (status) {
    case Status::Ready: return QStringLiteral("ready");
    case Status::NoKey: return QStringLiteral("no-key");
    case Status::WrongKey: return QStringLiteral("wrong-key");
    case Status::KeyCheckDamaged: return QStringLiteral("key-check-damaged");
    case Status::StorageError: return QStringLiteral("storage-error");
    }
    return {};
}

} // namespace hall::security
