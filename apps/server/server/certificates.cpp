#include "certificates.h"

#include <core/logging.h>

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace hall::server {

namespace {

struct Free
{
    void operator()(X509 *p) const { X509_free(p); }
    void operator()(X509_CRL *p) const { X509_CRL_free(p); }
    void operator()(X509_STORE *p) const { X509_STORE_free(p); }
    void operator()(X509_STORE_CTX *p) const { X509_STORE_CTX_free(p); }
    void operator()(BIO *p) const { BIO_free(p); }
    void operator()(STACK_OF(X509) *p) const { sk_X509_pop_free(p, X509_free); }
};
template<typename T>
using Owned = std::unique_ptr<T, Free>;

Owned<X509> x509(const QSslCertificate &c)
{
    const QByteArray der = c.toDer();
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    return Owned<X509>(d2i_X509(nullptr, &p, long(der.size())));
}

// RFC 2253 with UTF-8 left as it is (CN=张三 rather than CN=\E5\BC\A0...).
QString dn(const X509_NAME *name)
{
    Owned<BIO> bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
        return {};
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return QString::fromUtf8(data, n);
}

} // namespace

std::optional<CertificateNames> CertificateNames::of(const QSslCertificate &certificate)
{
    const Owned<X509> x = x509(certificate);
    if (!x)
        return std::nullopt;
    return CertificateNames{dn(X509_get_subject_name(x.get())), dn(X509_get_issuer_name(x.get())),
                            QString::fromLatin1(certificate.serialNumber()).remove(u':'),
                            QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex())};
}

QString CertificateNames::brief() const
{
    return QStringLiteral("sha256:%1 serial %2").arg(sha256.left(16), serial);
}

// ---------------------------------------------------------------------------------------
// account_certificates

QString CertificateStore::loginFor(const QString &issuer, const QString &subject, QString *error)
{
    QSqlQuery q = query(QStringLiteral(
        "SELECT a.login FROM account_certificates c JOIN accounts a ON a.id = c.account_id WHERE c.issuer = ? AND c.subject = ?"));
    q.addBindValue(issuer);
    q.addBindValue(subject);
    if (!exec(q, error))
        return {};
    return q.next() ? q.value(0).toString() : QString();
}

bool CertificateStore::add(qint64 accountId, const QString &issuer, const QString &subject, QString *error)
{
    QSqlQuery q = query(QStringLiteral("INSERT INTO account_certificates (account_id, issuer, subject, added_at) VALUES (?,?,?,?)"));
    q.addBindValue(accountId);
    q.addBindValue(issuer);
    q.addBindValue(subject);
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    return exec(q, error);
}

int CertificateStore::remove(qint64 accountId, const QString &issuer, const QString &subject, QString *error)
{
    QSqlQuery q = query(QStringLiteral("DELETE FROM account_certificates WHERE account_id = ? AND issuer = ? AND subject = ?"));
    q.addBindValue(accountId);
    q.addBindValue(issuer);
    q.addBindValue(subject);
    if (!exec(q, error))
        return -1;
    return q.numRowsAffected();
}

bool CertificateStore::list(qint64 accountId, QList<Mapping> *out, QString *error)
{
    QSqlQuery q = query(QStringLiteral(
        "SELECT a.login, c.issuer, c.subject, c.added_at FROM account_certificates c JOIN accounts a ON a.id = c.account_id "
        "WHERE ? = 0 OR c.account_id = ? ORDER BY a.login, c.id"));
    q.addBindValue(accountId);
    q.addBindValue(accountId);
    if (!exec(q, error))
        return false;
    while (q.next())
        out->append(Mapping{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), fromMs(q.value(3))});
    return true;
}

bool CertificateStore::removeWithSessions(qint64 accountId, const QString &issuer, const QString &subject, int *removed,
                                          QList<QByteArray> *tokenHashes, QString *error)
{
    *removed = remove(accountId, issuer, subject, error);
    if (*removed <= 0)
        return *removed == 0;
    QSqlQuery q = query(QStringLiteral("SELECT token_hash FROM tokens WHERE account_id = ? AND certificate_issuer = ? AND certificate_subject = ?"));
    q.addBindValue(accountId);
    q.addBindValue(issuer);
    q.addBindValue(subject);
    if (!exec(q, error))
        return false;
    QList<QByteArray> hashes;
    while (q.next())
        hashes.append(q.value(0).toByteArray());
    if (!deleteTokens(hashes, error))
        return false;
    *tokenHashes = hashes;
    return true;
}

bool CertificateStore::certificateSessions(QList<CertificateSession> *out, QString *error)
{
    QSqlQuery q = query(QStringLiteral(
        "SELECT token_hash, certificate_issuer, certificate_serial FROM tokens WHERE certificate_serial IS NOT NULL AND expires_at > ?"));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!exec(q, error))
        return false;
    while (q.next())
        out->append(CertificateSession{q.value(0).toByteArray(), q.value(1).toString(), q.value(2).toString()});
    return true;
}

bool CertificateStore::deleteTokens(const QList<QByteArray> &tokenHashes, QString *error)
{
    for (const QByteArray &hash : tokenHashes) {
        QSqlQuery q = query(QStringLiteral("DELETE FROM tokens WHERE token_hash = ?"));
        q.addBindValue(hash);
        if (!exec(q, error))
            return false;
    }
    return true;
}

// ---------------------------------------------------------------------------------------
// verification

struct ClientCertificates::Store
{
    Owned<X509_STORE> store;
};

ClientCertificates::ClientCertificates() = default;
ClientCertificates::~ClientCertificates() = default;

bool ClientCertificates::configure(const QString &caFile, const QString &crlFile, QString *error)
{
    QFile f(caFile);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read the client CA file %1: %2").arg(caFile, f.errorString());
        return false;
    }
    m_authorities = QSslCertificate::fromData(f.readAll(), QSsl::Pem);
    if (m_authorities.isEmpty()) {
        *error = tr("The client CA file %1 holds no PEM certificate.").arg(caFile);
        return false;
    }
    m_crlFile = crlFile;
    m_store.reset();
    if (!m_crlFile.isEmpty() && !loadCrls(error))
        return false;
    if (m_crlFile.isEmpty())
        qCWarning(lcServerAuth) << "no CRL (--client-crl): revoked officer certificates still sign in";
    return true;
}

bool ClientCertificates::loadCrls(QString *error)
{
    const QFileInfo info(m_crlFile);
    QFile f(m_crlFile);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read the CRL file %1: %2").arg(m_crlFile, f.errorString());
        return false;
    }
    const QByteArray bytes = f.readAll();
    QList<QByteArray> crls;
    Owned<BIO> bio(BIO_new_mem_buf(bytes.constData(), int(bytes.size())));
    while (X509_CRL *crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)) {
        Owned<X509_CRL> owned(crl);
        unsigned char *der = nullptr;
        const int n = i2d_X509_CRL(crl, &der);
        if (n > 0)
            crls.append(QByteArray(reinterpret_cast<const char *>(der), n));
        OPENSSL_free(der);
    }
    if (crls.isEmpty()) {
        const auto *p = reinterpret_cast<const unsigned char *>(bytes.constData());
        if (Owned<X509_CRL> crl{d2i_X509_CRL(nullptr, &p, long(bytes.size()))})
            crls.append(bytes);
    }
    ERR_clear_error();
    if (crls.isEmpty()) {
        *error = tr("The CRL file %1 holds no certificate revocation list (PEM or DER).").arg(m_crlFile);
        return false;
    }
    m_crls = crls;
    m_crlModified = info.lastModified();
    m_crlSize = info.size();
    m_store.reset();
    ++m_crlGeneration;
    return true;
}

void ClientCertificates::refresh()
{
    if (m_crlFile.isEmpty())
        return;
    const QFileInfo info(m_crlFile);
    if (info.lastModified() == m_crlModified && info.size() == m_crlSize)
        return;
    QString err;
    if (!loadCrls(&err)) {
        qCWarning(lcServerAuth).noquote() << err << "- the last list read stays in force";
        m_crlModified = info.lastModified(); // said once per change
        m_crlSize = info.size();
    } else {
        qCInfo(lcServerAuth) << "CRL reread:" << m_crls.size() << "list(s)";
    }
}

bool ClientCertificates::isRevoked(const QString &issuer, const QString &serial) const
{
    BIGNUM *bn = nullptr;
    if (serial.isEmpty() || !BN_hex2bn(&bn, serial.toLatin1().constData())) {
        BN_free(bn);
        return false;
    }
    ASN1_INTEGER *number = BN_to_ASN1_INTEGER(bn, nullptr);
    BN_free(bn);
    bool revoked = false;
    for (const QByteArray &der : m_crls) {
        const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
        const Owned<X509_CRL> crl{d2i_X509_CRL(nullptr, &p, long(der.size()))};
        X509_REVOKED *entry = nullptr;
        if (crl && number && dn(X509_CRL_get_issuer(crl.get())) == issuer && X509_CRL_get0_by_serial(crl.get(), &entry, number) == 1) {
            revoked = true;
            break;
        }
    }
    ASN1_INTEGER_free(number);
    ERR_clear_error();
    return revoked;
}

ClientCertificates::Verdict ClientCertificates::verify(const QList<QSslCertificate> &chain)
{
    const auto refuse = [](int status, const QString &code, const QString &message) { return Verdict{false, status, code, message}; };
    if (!isEnabled())
        return refuse(404, QStringLiteral("certificate_sign_in_off"),
                      tr("This server does not sign in by certificate (it was started without --client-ca)."));
    if (chain.isEmpty() || chain.first().isNull())
        return refuse(401, QStringLiteral("certificate_required"),
                      tr("No client certificate came with the connection: connect over https with the officer's certificate."));
    refresh();
    if (!m_store) {
        auto s = std::make_unique<Store>();
        s->store.reset(X509_STORE_new());
        for (const QSslCertificate &ca : std::as_const(m_authorities)) {
            if (const Owned<X509> x = x509(ca))
                X509_STORE_add_cert(s->store.get(), x.get());
        }
        for (const QByteArray &der : std::as_const(m_crls)) {
            const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
            if (const Owned<X509_CRL> crl{d2i_X509_CRL(nullptr, &p, long(der.size()))})
                X509_STORE_add_crl(s->store.get(), crl.get());
        }
        if (!m_crlFile.isEmpty())
            X509_STORE_set_flags(s->store.get(), X509_V_FLAG_CRL_CHECK);
        m_store = std::move(s);
    }

    const Owned<X509> leaf = x509(chain.first());
    Owned<STACK_OF(X509)> untrusted(sk_X509_new_null());
    for (qsizetype i = 1; i < chain.size(); ++i) {
        if (Owned<X509> x = x509(chain.at(i)))
            sk_X509_push(untrusted.get(), x.release());
    }
    const Owned<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
    if (!leaf || !ctx || X509_STORE_CTX_init(ctx.get(), m_store->store.get(), leaf.get(), untrusted.get()) != 1)
        return refuse(401, QStringLiteral("certificate_untrusted"), tr("The client certificate cannot be read."));
    // TLS client purpose: keyUsage digitalSignature (or keyAgreement) and extendedKeyUsage
    // clientAuth where the certificate restricts them.
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
    const int verified = X509_verify_cert(ctx.get());
    const int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    if (verified == 1)
        return Verdict{true, 200, {}, {}};
    switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return refuse(401, QStringLiteral("certificate_expired"), tr("The client certificate has expired; ask the hall CA for a new one."));
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return refuse(401, QStringLiteral("certificate_not_yet_valid"),
                      tr("The client certificate is not valid yet; check the clock of this computer and of the server."));
    case X509_V_ERR_CERT_REVOKED:
        return refuse(401, QStringLiteral("certificate_revoked"), tr("The client certificate has been revoked by the hall CA."));
    case X509_V_ERR_INVALID_PURPOSE:
        return refuse(401, QStringLiteral("certificate_wrong_usage"),
                      tr("The client certificate is not meant for signing in (it needs key usage digitalSignature and extended key usage clientAuth)."));
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
        qCWarning(lcServerAuth) << "certificate sign-in impossible: the CRL is missing or out of date:" << X509_verify_cert_error_string(err);
        return refuse(503, QStringLiteral("crl_unavailable"),
                      tr("The hall's certificate revocation list is missing or out of date, so no certificate can be checked; "
                         "an administrator must refresh it (docs/operations.md)."));
    default:
        return refuse(401, QStringLiteral("certificate_untrusted"),
                      tr("The client certificate was not issued by this hall's CA (%1).").arg(QString::fromLatin1(X509_verify_cert_error_string(err))));
    }
}

} // namespace hall::server
