#include "fieldcipher.h"

#include "crypto.h"
#include "log.h"

#include <QtEndian>

namespace hall::security {

namespace {

constexpr int HeaderSize = 1 + 1 + 8;
constexpr int Sm4IvSize = 16;
constexpr int Sm4TagSize = 32;
constexpr int GcmNonceSize = 12;
constexpr int GcmTagSize = 16;

// Every subkey is HMAC-SM3(master, label): independent keys for independent jobs, so the
// blind index key can never decrypt and the key id reveals nothing about the key.
QByteArray derive(const QByteArray &master, const char *label)
{
    return crypto::hmacSm3(master, QByteArrayLiteral("HallSuite/field/v1/") + label);
}

QByteArray lengthPrefixed(const QByteArray &part)
{
    QByteArray out(4, '\0');
    qToBigEndian<quint32>(quint32(part.size()), out.data());
    return out + part;
}

QByteArray sm4MacInput(const QByteArray &headerIvCipher, const QByteArray &ad)
{
    QByteArray len(8, '\0');
    qToBigEndian<quint64>(quint64(ad.size()), len.data());
    return headerIvCipher + ad + len;
}

} // namespace

QString cipherModeName(CipherMode mode)
{
    switch (mode) {
    case CipherMode::Sm4CbcHmacSm3: return QStringLiteral("sm4");
    case CipherMode::Aes256Gcm: return QStringLiteral("aes-gcm");
    }
    return {};
}

std::optional<CipherMode> cipherModeFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("sm4") || n == QLatin1String("sm4-cbc-hmac-sm3") || n == QLatin1String("gm"))
        return CipherMode::Sm4CbcHmacSm3;
    if (n == QLatin1String("aes-gcm") || n == QLatin1String("aes-256-gcm"))
        return CipherMode::Aes256Gcm;
    return std::nullopt;
}

DataKey::DataKey(QByteArray key)
    : m_key(std::move(key))
    , m_id(derive(m_key, "key-id").left(8))
{
}

DataKey::~DataKey()
{
    crypto::cleanse(m_key);
}

FieldCipher::FieldCipher(const DataKey &key, CipherMode mode)
    : m_mode(mode)
    , m_keyId(key.m_id)
    , m_sm4Key(derive(key.m_key, "sm4-cbc").left(16))
    , m_macKey(derive(key.m_key, "hmac-sm3"))
    , m_aesKey(derive(key.m_key, "aes-256-gcm"))
    , m_indexKey(derive(key.m_key, "blind-index"))
{
}

FieldCipher::~FieldCipher()
{
    crypto::cleanse(m_sm4Key);
    crypto::cleanse(m_macKey);
    crypto::cleanse(m_aesKey);
    crypto::cleanse(m_indexKey);
}

QByteArray FieldCipher::seal(const QByteArray &plain, const QByteArray &associatedData) const
{
    if (m_keyId.size() != 8) {
        qCWarning(lcSecurity) << "seal: key derivation failed (is SM3 available in OpenSSL?)";
        return {};
    }
    QByteArray header;
    header.append(char(FormatVersion)).append(char(m_mode)).append(m_keyId);
    if (m_mode == CipherMode::Sm4CbcHmacSm3) {
        const QByteArray iv = crypto::randomBytes(Sm4IvSize);
        if (iv.size() != Sm4IvSize)
            return {};
        const QByteArray ct = crypto::sm4CbcEncrypt(m_sm4Key, iv, plain);
        if (ct.isEmpty()) {
            qCWarning(lcSecurity) << "seal: SM4-CBC failed";
            return {};
        }
        const QByteArray body = header + iv + ct;
        const QByteArray tag = crypto::hmacSm3(m_macKey, sm4MacInput(body, associatedData));
        if (tag.size() != Sm4TagSize)
            return {};
        return body + tag;
    }
    const QByteArray nonce = crypto::randomBytes(GcmNonceSize);
    if (nonce.size() != GcmNonceSize)
        return {};
    QByteArray tag;
    const QByteArray ct = crypto::aes256GcmEncrypt(m_aesKey, nonce, header + associatedData, plain, &tag);
    if (ct.isNull() || tag.size() != GcmTagSize) {
        qCWarning(lcSecurity) << "seal: AES-256-GCM failed";
        return {};
    }
    return header + nonce + ct + tag;
}

FieldCipher::Opened FieldCipher::open(const QByteArray &blob, const QByteArray &associatedData) const
{
    Opened r;
    auto fail = [&r](Error e) {
        r.error = e;
        r.message = errorMessage(e);
        qCDebug(lcSecurity) << "open failed:" << errorName(e);
        return r;
    };
    if (blob.size() < 2)
        return fail(Error::Truncated);
    if (quint8(blob.at(0)) != FormatVersion)
        return fail(Error::UnknownVersion);
    const quint8 alg = quint8(blob.at(1));
    if (alg != quint8(CipherMode::Sm4CbcHmacSm3) && alg != quint8(CipherMode::Aes256Gcm))
        return fail(Error::UnknownAlgorithm);
    const QByteArray header = blob.left(HeaderSize);

    if (alg == quint8(CipherMode::Sm4CbcHmacSm3)) {
        const qsizetype ctSize = blob.size() - HeaderSize - Sm4IvSize - Sm4TagSize;
        if (ctSize < 16 || ctSize % 16 != 0)
            return fail(Error::Truncated);
        if (blob.mid(2, 8) != m_keyId)
            return fail(Error::WrongKey);
        const QByteArray body = blob.left(blob.size() - Sm4TagSize);
        const QByteArray tag = blob.right(Sm4TagSize);
        // Encrypt-then-MAC: nothing is decrypted before the tag matches, compared in constant time.
        if (!crypto::constantTimeEquals(crypto::hmacSm3(m_macKey, sm4MacInput(body, associatedData)), tag))
            return fail(Error::AuthenticationFailed);
        bool ok = false;
        r.data = crypto::sm4CbcDecrypt(m_sm4Key, blob.mid(HeaderSize, Sm4IvSize), body.mid(HeaderSize + Sm4IvSize),
                                       true, &ok);
        if (!ok)
            return fail(Error::AuthenticationFailed);
    } else {
        const qsizetype ctSize = blob.size() - HeaderSize - GcmNonceSize - GcmTagSize;
        if (ctSize < 0)
            return fail(Error::Truncated);
        if (blob.mid(2, 8) != m_keyId)
            return fail(Error::WrongKey);
        bool ok = false;
        r.data = crypto::aes256GcmDecrypt(m_aesKey, blob.mid(HeaderSize, GcmNonceSize), header + associatedData,
                                          blob.mid(HeaderSize + GcmNonceSize, ctSize), blob.right(GcmTagSize), &ok);
        if (!ok)
            return fail(Error::AuthenticationFailed);
    }
    if (r.data.isNull())
        r.data = QByteArray("", 0);
    r.error = Error::None;
    return r;
}

QByteArray FieldCipher::blindIndex(const QByteArray &domain, const QByteArray &value) const
{
    return crypto::hmacSm3(m_indexKey, lengthPrefixed(domain) + value);
}

QByteArray FieldCipher::associatedData(const QString &table, const QString &column, const QString &rowKey)
{
    return lengthPrefixed(table.toUtf8()) + lengthPrefixed(column.toUtf8()) + lengthPrefixed(rowKey.toUtf8());
}

QString FieldCipher::errorName(Error error)
{
    switch (error) {
    case Error::None: return QStringLiteral("none");
    case Error::Truncated: return QStringLiteral("truncated");
    case Error::UnknownVersion: return QStringLiteral("unknown-version");
    case Error::UnknownAlgorithm: return QStringLiteral("unknown-algorithm");
    case Error::WrongKey: return QStringLiteral("wrong-key");
    case Error::AuthenticationFailed: return QStringLiteral("authentication-failed");
    case Error::Internal: return QStringLiteral("internal");
    }
    return {};
}

QString FieldCipher::errorMessage(Error error)
{
    switch (error) {
    case Error::None: return {};
    case Error::Truncated: return tr("The encrypted field is cut short.");
    case Error::UnknownVersion: return tr("The encrypted field has a format this version does not know (written by a newer HallSuite?).");
    case Error::UnknownAlgorithm: return tr("The encrypted field names an algorithm this version does not know.");
    case Error::WrongKey: return tr("The encrypted field was written with another key.");
    case Error::AuthenticationFailed:
        return tr("The encrypted field failed its integrity check: it was altered, cut short, or copied from another place.");
    case Error::Internal: return tr("The cryptographic library failed.");
    }
    return {};
}

} // namespace hall::security
