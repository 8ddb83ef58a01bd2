#pragma once

#include <security/fieldcipher.h>
#include <security/keymanager.h>
#include <security/security_export.h>

#include <QByteArray>
#include <QCoreApplication>
#include <QSqlDatabase>
#include <QString>

#include <memory>
#include <optional>

namespace hall::security {

// The one door through which a local cache stores personal fields (names, ID numbers, phone
// numbers, addresses, photos, signatures). It is bound to a cache database and to the result of
// KeyManager; unless the key was fetched and matches the cache's key check value it refuses to
// seal anything, so a caller has nothing to write: personal data is then not stored at all,
// never stored in clear.
//
//   KeyResult key = KeyManager(service, "cache-data-key", mode).loadOrCreateNow();
//   PersonalData pd = PersonalData::attach(db.connection(), key);
//   if (!pd.isReady()) { show pd.message(); keep personal fields out of the cache; }
//   std::optional<QByteArray> name = pd.seal(u"visitor", u"name", ticketId, visitorName);
//   if (name) { bind *name (a BLOB) and pd.index(u"visitor", u"id_number", id) for look-ups }
//
// Thread-safe after attach(): seal, open and index touch no database.
class HALL_SECURITY_EXPORT PersonalData
{
    Q_DECLARE_TR_FUNCTIONS(PersonalData)
public:
    enum class Status {
        Ready,
        NoKey,           // the key could not be fetched (no keychain, locked, …): see message()
        WrongKey,        // the cache was written with another key
        KeyCheckDamaged, // same key id, but the key check value fails its integrity check
        StorageError,    // the key check value could not be read or written
    };

    // The table that holds the key check value: one row, made by attach() on first use.
    static constexpr const char *KeyCheckTable = "hall_key_check";

    // Checks (or, in a cache that has none yet, stores) the key check value: a known constant
    // sealed under the key, so another key is recognised at once instead of giving garbage.
    static PersonalData attach(QSqlDatabase db, const KeyResult &key);

    Status status() const { return m_status; }
    bool isReady() const { return m_status == Status::Ready; }
    QString message() const { return m_message; } // translated; empty when ready
    QByteArray keyId() const;                      // of the cipher in use (empty when there is none)
    // The cipher of the checked key, for what a cache seals beside its fields (its blobs): the
    // key is fetched from the keychain once and shared. Null unless ready.
    std::shared_ptr<const FieldCipher> cipher() const { return isReady() ? m_cipher : nullptr; }

    // Sealed blob for the field, or nullopt when not ready (or OpenSSL failed): store nothing then.
    std::optional<QByteArray> seal(const QString &table, const QString &column, const QString &rowKey,
                                   const QString &value, QString *error = nullptr) const;
    std::optional<QByteArray> sealBytes(const QString &table, const QString &column, const QString &rowKey,
                                        const QByteArray &value, QString *error = nullptr) const;
    FieldCipher::Opened open(const QString &table, const QString &column, const QString &rowKey,
                             const QByteArray &blob) const;

    // Blind index of a value for equality look-ups in table.column; nullopt when not ready.
    // Normalise the value first (e.g. upper-case the X of an ID number) so equal means equal.
    std::optional<QByteArray> index(const QString &table, const QString &column, const QString &value) const;

    static QString statusName(Status status);

private:
    PersonalData() = default;
    static QByteArray keyCheckConstant();

    Status m_status = Status::NoKey;
    QString m_message;
    std::shared_ptr<const FieldCipher> m_cipher;
};

} // namespace hall::security
