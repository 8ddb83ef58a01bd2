#include "crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <memory>

namespace hall::security::crypto {

namespace {

struct CipherCtxFree { void operator()(EVP_CIPHER_CTX *c) const { EVP_CIPHER_CTX_free(c); } };
struct MdCtxFree { void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); } };
struct MacFree { void operator()(EVP_MAC *m) const { EVP_MAC_free(m); } };
struct MacCtxFree { void operator()(EVP_MAC_CTX *c) const { EVP_MAC_CTX_free(c); } };
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char *u(const QByteArray &b) { return reinterpret_cast<const unsigned char *>(b.constData()); }
unsigned char *u(QByteArray &b) { return reinterpret_cast<unsigned char *>(b.data()); }

QByteArray sm4Cbc(bool encrypt, const QByteArray &key, const QByteArray &iv, const QByteArray &in, bool padding,
                  bool *ok)
{
    if (ok)
        *ok = false;
    if (key.size() != 16 || iv.size() != 16)
        return {};
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx || EVP_CipherInit_ex(ctx.get(), EVP_sm4_cbc(), nullptr, u(key), u(iv), encrypt ? 1 : 0) != 1)
        return {};
    EVP_CIPHER_CTX_set_padding(ctx.get(), padding ? 1 : 0);
    QByteArray out(in.size() + 16, Qt::Uninitialized);
    int len = 0;
    int total = 0;
    if (EVP_CipherUpdate(ctx.get(), u(out), &len, u(in), int(in.size())) != 1)
        return {};
    total = len;
    if (EVP_CipherFinal_ex(ctx.get(), u(out) + total, &len) != 1)
        return {};
    total += len;
    out.truncate(total);
    if (ok)
        *ok = true;
    return out;
}

} // namespace

namespace {

struct PkeyFree { void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); } };
struct BioFree { void operator()(BIO *b) const { BIO_free(b); } };
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

QByteArray bioBytes(BIO *b)
{
    char *data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    return n > 0 ? QByteArray(data, n) : QByteArray();
}

Pkey readSm2(const QByteArray &pem, bool isPrivate)
{
    std::unique_ptr<BIO, BioFree> b(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    if (!b)
        return {};
    Pkey k(isPrivate ? PEM_read_bio_PrivateKey(b.get(), nullptr, nullptr, nullptr) : PEM_read_bio_PUBKEY(b.get(), nullptr, nullptr, nullptr));
    // Only SM2 keys: a signature of another algorithm would not be what a hall asked for.
    if (!k || !EVP_PKEY_is_a(k.get(), "SM2"))
        return {};
    return k;
}

} // namespace

QByteArray sm2GenerateKey()
{
    Pkey k(EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2"));
    std::unique_ptr<BIO, BioFree> b(BIO_new(BIO_s_mem()));
    if (!k || !b || PEM_write_bio_PrivateKey(b.get(), k.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return {};
    return bioBytes(b.get());
}

QByteArray sm2PublicKey(const QByteArray &privatePem)
{
    const Pkey k = readSm2(privatePem, true);
    std::unique_ptr<BIO, BioFree> b(BIO_new(BIO_s_mem()));
    if (!k || !b || PEM_write_bio_PUBKEY(b.get(), k.get()) != 1)
        return {};
    return bioBytes(b.get());
}

QByteArray sm2Sign(const QByteArray &privatePem, const QByteArray &data)
{
    const Pkey k = readSm2(privatePem, true);
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    size_t len = 0;
    if (!k || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sm3(), nullptr, k.get()) != 1
        || EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size())) != 1)
        return {};
    QByteArray sig(qsizetype(len), Qt::Uninitialized);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(sig.data()), &len,
                       reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size())) != 1)
        return {};
    sig.resize(qsizetype(len));
    return sig;
}

bool sm2Verify(const QByteArray &publicPem, const QByteArray &data, const QByteArray &signature)
{
    const Pkey k = readSm2(publicPem, false);
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    return k && ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sm3(), nullptr, k.get()) == 1
        && EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(signature.constData()), size_t(signature.size()),
                            reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size())) == 1;
}

QByteArray sm3(const QByteArray &data)
{
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    QByteArray out(32, Qt::Uninitialized);
    unsigned int len = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sm3(), nullptr) != 1
        || EVP_DigestUpdate(ctx.get(), data.constData(), size_t(data.size())) != 1
        || EVP_DigestFinal_ex(ctx.get(), u(out), &len) != 1 || len != 32)
        return {};
    return out;
}

QByteArray hmacSm3(const QByteArray &key, const QByteArray &data)
{
    std::unique_ptr<EVP_MAC, MacFree> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!mac)
        return {};
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(mac.get()));
    char digest[] = "SM3";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    QByteArray out(32, Qt::Uninitialized);
    size_t len = 0;
    if (!ctx || EVP_MAC_init(ctx.get(), u(key), size_t(key.size()), params) != 1
        || EVP_MAC_update(ctx.get(), u(data), size_t(data.size())) != 1
        || EVP_MAC_final(ctx.get(), u(out), &len, size_t(out.size())) != 1 || len != 32)
        return {};
    return out;
}

QByteArray sm4CbcEncrypt(const QByteArray &key, const QByteArray &iv, const QByteArray &plain, bool padding)
{
    return sm4Cbc(true, key, iv, plain, padding, nullptr);
}

QByteArray sm4CbcDecrypt(const QByteArray &key, const QByteArray &iv, const QByteArray &cipher, bool padding, bool *ok)
{
    return sm4Cbc(false, key, iv, cipher, padding, ok);
}

QByteArray aes256GcmEncrypt(const QByteArray &key, const QByteArray &nonce, const QByteArray &aad,
                            const QByteArray &plain, QByteArray *tag)
{
    if (key.size() != 32 || nonce.size() != 12 || !tag)
        return {};
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) != 1
        || EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, u(key), u(nonce)) != 1)
        return {};
    int len = 0;
    if (!aad.isEmpty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, u(aad), int(aad.size())) != 1)
        return {};
    QByteArray out(plain.size(), Qt::Uninitialized);
    int total = 0;
    if (!plain.isEmpty()) {
        if (EVP_EncryptUpdate(ctx.get(), u(out), &len, u(plain), int(plain.size())) != 1)
            return {};
        total = len;
    }
    if (EVP_EncryptFinal_ex(ctx.get(), u(out) + total, &len) != 1)
        return {};
    total += len;
    out.truncate(total);
    QByteArray t(16, Qt::Uninitialized);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, t.data()) != 1)
        return {};
    *tag = t;
    // An empty plaintext gives an empty (null) ciphertext; keep it distinguishable from failure.
    if (out.isNull())
        out = QByteArray("", 0);
    return out;
}

QByteArray aes256GcmDecrypt(const QByteArray &key, const QByteArray &nonce, const QByteArray &aad,
                            const QByteArray &cipher, const QByteArray &tag, bool *ok)
{
    *ok = false;
    if (key.size() != 32 || nonce.size() != 12 || tag.size() != 16)
        return {};
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) != 1
        || EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, u(key), u(nonce)) != 1)
        return {};
    int len = 0;
    if (!aad.isEmpty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, u(aad), int(aad.size())) != 1)
        return {};
    QByteArray out(cipher.size(), Qt::Uninitialized);
    int total = 0;
    if (!cipher.isEmpty()) {
        if (EVP_DecryptUpdate(ctx.get(), u(out), &len, u(cipher), int(cipher.size())) != 1)
            return {};
        total = len;
    }
    QByteArray t = tag;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, t.data()) != 1)
        return {};
    // EVP_DecryptFinal_ex compares the tag in constant time and fails on a mismatch.
    if (EVP_DecryptFinal_ex(ctx.get(), u(out) + total, &len) != 1) {
        cleanse(out);
        return {};
    }
    total += len;
    out.truncate(total);
    if (out.isNull())
        out = QByteArray("", 0);
    *ok = true;
    return out;
}

struct Digest::Ctx
{
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> md;
};

Digest::Digest(Algorithm algorithm) : m_algorithm(algorithm)
{
    auto ctx = std::make_unique<Ctx>();
    ctx->md.reset(EVP_MD_CTX_new());
    const EVP_MD *md = algorithm == Algorithm::Sm3 ? EVP_sm3() : EVP_sha256();
    if (ctx->md && md && EVP_DigestInit_ex(ctx->md.get(), md, nullptr) == 1)
        m_ctx = std::move(ctx);
}

Digest::~Digest() = default;
Digest::Digest(Digest &&) noexcept = default;
Digest &Digest::operator=(Digest &&) noexcept = default;

void Digest::addData(const char *data, qsizetype size)
{
    if (m_ctx && size > 0 && EVP_DigestUpdate(m_ctx->md.get(), data, size_t(size)) != 1)
        m_ctx.reset();
}

QByteArray Digest::result() const
{
    if (!m_ctx)
        return {};
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> copy(EVP_MD_CTX_new());
    QByteArray out(32, Qt::Uninitialized);
    unsigned int len = 0;
    if (!copy || EVP_MD_CTX_copy_ex(copy.get(), m_ctx->md.get()) != 1 || EVP_DigestFinal_ex(copy.get(), u(out), &len) != 1 || len != 32)
        return {};
    return out;
}

QString Digest::name(Algorithm algorithm)
{
    return algorithm == Algorithm::Sm3 ? QStringLiteral("sm3") : QStringLiteral("sha256");
}

std::optional<Digest::Algorithm> Digest::fromName(const QString &name)
{
    if (name == QLatin1String("sha256"))
        return Algorithm::Sha256;
    if (name == QLatin1String("sm3"))
        return Algorithm::Sm3;
    return std::nullopt;
}

QByteArray randomBytes(int count)
{
    QByteArray out(count, Qt::Uninitialized);
    if (RAND_bytes(u(out), count) != 1)
        return {};
    return out;
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    return CRYPTO_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

void cleanse(QByteArray &secret)
{
    // Only an unshared buffer can be wiped in place: data() on a shared one would wipe a copy.
    if (!secret.isEmpty() && secret.isDetached())
        OPENSSL_cleanse(secret.data(), size_t(secret.size()));
    secret.clear();
}

} // namespace hall::security::crypto
