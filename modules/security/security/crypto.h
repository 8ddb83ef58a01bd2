#pragma once

#include <security/security_export.h>

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>

// The primitives under FieldCipher, over OpenSSL 3.0's EVP API. Exposed for the known-answer
// tests (GB/T 32905 SM3, GB/T 32907 SM4, NIST AES-GCM) and for tools; application code uses
// FieldCipher and PersonalData instead. Every function returns an empty result on failure.
namespace hall::security::crypto {

HALL_SECURITY_EXPORT QByteArray sm3(const QByteArray &data);
HALL_SECURITY_EXPORT QByteArray hmacSm3(const QByteArray &key, const QByteArray &data);

// SM4 (128-bit key, 16-byte IV). CBC uses PKCS#7 padding unless padding is false (then the
// input must be whole blocks); CTR needs no padding.
HALL_SECURITY_EXPORT QByteArray sm4CbcEncrypt(const QByteArray &key, const QByteArray &iv, const QByteArray &plain,
                                              bool padding = true);
HALL_SECURITY_EXPORT QByteArray sm4CbcDecrypt(const QByteArray &key, const QByteArray &iv, const QByteArray &cipher,
                                              bool padding = true, bool *ok = nullptr);

// AES-256-GCM with a 12-byte nonce and a 16-byte tag.
HALL_SECURITY_EXPORT QByteArray aes256GcmEncrypt(const QByteArray &key, const QByteArray &nonce, const QByteArray &aad,
                                                 const QByteArray &plain, QByteArray *tag);
HALL_SECURITY_EXPORT QByteArray aes256GcmDecrypt(const QByteArray &key, const QByteArray &nonce, const QByteArray &aad,
                                                 const QByteArray &cipher, const QByteArray &tag, bool *ok);

// SM2 signatures (GB/T 32918) with SM3 and the default distinguishing ID, as
// `openssl dgst -sm3 -sign/-verify` makes and checks them. Keys are PEM (PKCS#8 private,
// SubjectPublicKeyInfo public); signatures DER.
HALL_SECURITY_EXPORT QByteArray sm2GenerateKey();
HALL_SECURITY_EXPORT QByteArray sm2PublicKey(const QByteArray &privatePem);
HALL_SECURITY_EXPORT QByteArray sm2Sign(const QByteArray &privatePem, const QByteArray &data);
HALL_SECURITY_EXPORT bool sm2Verify(const QByteArray &publicPem, const QByteArray &data, const QByteArray &signature);
// A running digest for data that comes in pieces (a blob read or received chunk by chunk): SHA-256,
// or SM3 in 国密 mode. result() leaves the running digest as it is, so more may follow.
class HALL_SECURITY_EXPORT Digest
{
public:
    enum class Algorithm { Sha256, Sm3 };

    explicit Digest(Algorithm algorithm);
    ~Digest();
    Digest(Digest &&) noexcept;
    Digest &operator=(Digest &&) noexcept;

    Algorithm algorithm() const { return m_algorithm; }
    bool isValid() const { return bool(m_ctx); } // false only if OpenSSL lacks the digest
    void addData(const char *data, qsizetype size);
    void addData(const QByteArray &data) { addData(data.constData(), data.size()); }
    QByteArray result() const; // 32 bytes; empty on failure

    // "sha256" and "sm3", as the sync protocol names them.
    static QString name(Algorithm algorithm);
    static std::optional<Algorithm> fromName(const QString &name);

private:
    struct Ctx;
    Algorithm m_algorithm;
    std::unique_ptr<Ctx> m_ctx;
};

HALL_SECURITY_EXPORT QByteArray randomBytes(int count);   // RAND_bytes; empty if the RNG fails
HALL_SECURITY_EXPORT bool constantTimeEquals(const QByteArray &a, const QByteArray &b); // CRYPTO_memcmp
HALL_SECURITY_EXPORT void cleanse(QByteArray &secret);    // OPENSSL_cleanse, then clear

} // namespace hall::security::crypto
