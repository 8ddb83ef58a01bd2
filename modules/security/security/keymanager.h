#pragma once

#include <security/fieldcipher.h>
#include <security/keychain.h>
#include <security/security_export.h>

#include <QCoreApplication>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace hall::security {

enum class KeyStatus {
    Ok,
    NoKeychain,     // no Secret Service / no D-Bus session (KeychainStatus::NoBackend)
    KeychainLocked, // the keychain is locked
    KeychainDenied, // the keychain refused access
    KeychainError,  // any other keychain failure, including a timeout
    BadKeyEntry,    // the entry exists but is not a 256-bit key; left untouched
    Internal,       // no random numbers, no SM3 in OpenSSL
};

struct HALL_SECURITY_EXPORT KeyResult
{
    KeyStatus status = KeyStatus::Internal;
    QString message;                           // translated; empty when ok
    std::shared_ptr<const FieldCipher> cipher; // set exactly when ok
    bool created = false;                      // the key was made now (first use of this cache)

    bool ok() const { return status == KeyStatus::Ok && cipher; }
};

// Fetches the data-encryption key of one cache from the OS keychain, making a random 256-bit
// key on first use (RAND_bytes), and hands out a FieldCipher built on it. There is no other way
// to get a FieldCipher: without the key the caller has no cipher, and PersonalData then refuses
// to store personal fields at all (never a plaintext fallback).
//
//   service  per application and PC, e.g. "HallSuite/hall-window/PC-03"
//   keyName  per cache, e.g. "cache-data-key"
class HALL_SECURITY_EXPORT KeyManager
{
    Q_DECLARE_TR_FUNCTIONS(KeyManager)
public:
    using Callback = std::function<void(const KeyResult &)>;
    static constexpr int KeySize = 32;

    KeyManager(QString service, QString keyName, CipherMode mode);

    QString service() const { return m_keychain.service(); }
    QString keyName() const { return m_keyName; }
    CipherMode mode() const { return m_mode; }

    void loadOrCreate(QObject *context, Callback callback) const;
    KeyResult loadOrCreateNow(int timeoutMs = Keychain::DefaultTimeoutMs) const;

    static QString statusName(KeyStatus status);
    // A key kept outside the keychain (hall-server's personal-data key file): the same checks
    // and cipher as a keychain key. `origin` names it in messages (a path, never the key).
    static KeyResult fromKey(const QByteArray &bytes, CipherMode mode, const QString &origin, bool created = false);

private:
    KeyResult fromKeychain(const KeychainResult &r) const;
    KeyResult fromBytes(const QByteArray &bytes, bool created) const;

    Keychain m_keychain;
    QString m_keyName;
    CipherMode m_mode;
};

} // namespace hall::security
