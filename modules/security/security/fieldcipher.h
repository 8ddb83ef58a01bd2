#pragma once

#include <security/security_export.h>

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

#include <optional>

namespace hall::security {

// The algorithm a FieldCipher seals with; also the algorithm id byte of a blob. Chosen by
// configuration ("sm4" is the 国密 mode). Opening accepts either, so switching mode does not
// strand fields written before the switch.
enum class CipherMode : quint8 {
    Sm4CbcHmacSm3 = 1, // SM4-CBC (PKCS#7), then HMAC-SM3 over header, IV, ciphertext and AD
    Aes256Gcm = 2,     // AES-256-GCM, header and AD authenticated as AAD
};

HALL_SECURITY_EXPORT QString cipherModeName(CipherMode mode); // "sm4" or "aes-gcm"
HALL_SECURITY_EXPORT std::optional<CipherMode> cipherModeFromName(const QString &name);

class KeyManager;

// A 256-bit data-encryption key. Only KeyManager makes one (from the keychain), so there is no
// way to build a FieldCipher without a real key. The bytes are wiped on destruction and have
// no public accessor.
class HALL_SECURITY_EXPORT DataKey
{
public:
    DataKey(const DataKey &) = default;
    DataKey &operator=(const DataKey &) = default;
    ~DataKey();

    QByteArray id() const { return m_id; } // 8 bytes, HMAC-SM3 of the key: safe to show and log

private:
    friend class KeyManager;
    friend class FieldCipher;
    explicit DataKey(QByteArray key);

    QByteArray m_key;
    QByteArray m_id;
};

// Seals one field into a self-describing blob and opens it again (format in
// docs/architecture.md, "modules/security"):
//   version(1)=0x01 | algorithm(1) | key id(8) | IV or nonce (16 SM4, 12 GCM) | ciphertext | tag (32 HMAC-SM3, 16 GCM)
// Associated data binds a blob to its place (associatedData(table, column, row key)), so a
// blob copied to another row or column fails to open. Thread-safe: every call is independent.
class HALL_SECURITY_EXPORT FieldCipher
{
    Q_DECLARE_TR_FUNCTIONS(FieldCipher)
public:
    enum class Error {
        None,
        Truncated,            // shorter than its algorithm's minimum, or not whole blocks
        UnknownVersion,       // a format this build does not know (written by a newer build?)
        UnknownAlgorithm,     // an algorithm id this build does not know
        WrongKey,             // sealed under another key (the key id differs)
        AuthenticationFailed, // altered, cut short, or opened with other associated data
        Internal,             // OpenSSL failed (no random numbers, no SM4 provider)
    };

    struct Opened
    {
        Error error = Error::Internal;
        QByteArray data;
        QString message; // translated; empty when ok

        bool ok() const { return error == Error::None; }
        QString text() const { return QString::fromUtf8(data); }
    };

    static constexpr quint8 FormatVersion = 1;

    FieldCipher(const DataKey &key, CipherMode mode);
    ~FieldCipher();
    FieldCipher(const FieldCipher &) = delete;
    FieldCipher &operator=(const FieldCipher &) = delete;

    CipherMode mode() const { return m_mode; }
    QByteArray keyId() const { return m_keyId; }

    // A fresh random IV/nonce every call. Empty only if OpenSSL fails (no randomness): the
    // caller must then store nothing.
    QByteArray seal(const QByteArray &plain, const QByteArray &associatedData) const;
    QByteArray seal(const QString &plain, const QByteArray &associatedData) const
    {
        return seal(plain.toUtf8(), associatedData);
    }
    Opened open(const QByteArray &blob, const QByteArray &associatedData) const;

    // A keyed blind index (HMAC-SM3 under a key of its own, derived apart from the encryption
    // keys) for equality look-ups of an encrypted column; domain separates columns, so equal
    // values in two columns do not give equal indexes.
    QByteArray blindIndex(const QByteArray &domain, const QByteArray &value) const;

    // Length-prefixed table, column and row key: unambiguous ("a","bc" differs from "ab","c").
    static QByteArray associatedData(const QString &table, const QString &column, const QString &rowKey);
    static QString errorName(Error error);
    static QString errorMessage(Error error);

private:
    CipherMode m_mode;
    QByteArray m_keyId;
    QByteArray m_sm4Key;   // 16 bytes
    QByteArray m_macKey;   // 32 bytes, HMAC-SM3 for SM4 blobs
    QByteArray m_aesKey;   // 32 bytes
    QByteArray m_indexKey; // 32 bytes, blind index only
};

} // namespace hall::security
