#pragma once

#include <server/server_export.h>
#include <server/sqlstore.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QSslCertificate>
#include <QString>

#include <memory>
#include <optional>

namespace hall::server {

// What names a client certificate: its subject and issuer as RFC 2253 distinguished names with
// UTF-8 kept (the form account_certificates stores), its serial (hex) and its SHA-256 (hex).
struct HALL_SERVER_EXPORT CertificateNames
{
    QString subject;
    QString issuer;
    QString serial;
    QString sha256;
    static std::optional<CertificateNames> of(const QSslCertificate &certificate);
    // For logs and the audit trail: the fingerprint and serial only, never the subject (a name).
    QString brief() const;
};

// Which certificate subject, issued by which CA, signs in as which account (account_certificates).
class HALL_SERVER_EXPORT CertificateStore : public SqlStore
{
public:
    using SqlStore::SqlStore;

    struct Mapping
    {
        QString login;
        QString issuer;
        QString subject;
        QDateTime addedAt;
    };

    // The login of the account the subject from the issuer is mapped to, or an empty string.
    QString loginFor(const QString &issuer, const QString &subject, QString *error);
    bool add(qint64 accountId, const QString &issuer, const QString &subject, QString *error);
    // How many mappings went (0: there was none).
    int remove(qint64 accountId, const QString &issuer, const QString &subject, QString *error);
    // Every mapping, or those of one account (accountId > 0).
    bool list(qint64 accountId, QList<Mapping> *out, QString *error);

    // The mapping goes and, in the same transaction as the caller's, every session signed in
    // with a certificate of it: `tokenHashes` says which, for the caller to end at once. How
    // many mappings went is in `removed` (0: there was none, and nothing changed).
    bool removeWithSessions(qint64 accountId, const QString &issuer, const QString &subject, int *removed, QList<QByteArray> *tokenHashes,
                            QString *error);

    // A session signed in by certificate (tokens.certificate_*).
    struct CertificateSession
    {
        QByteArray tokenHash;
        QString issuer;
        QString serial; // hex
    };
    // The sessions signed in by certificate that have not expired.
    bool certificateSessions(QList<CertificateSession> *out, QString *error);
    bool deleteTokens(const QList<QByteArray> &tokenHashes, QString *error);
};

// Checks the certificate a client presented on the TLS connection against the hall CA and its
// CRL, for the certificate sign-in: a chain to one of the CA's certificates, valid now, not
// revoked, and meant for TLS clients (keyUsage digitalSignature, extendedKeyUsage clientAuth when
// present). The CRL file is read again whenever it changes, so a cron job that refreshes it (by
// writing a new file and renaming it over the old) takes effect without a restart; a file that
// cannot be read keeps the last good list in force.
class HALL_SERVER_EXPORT ClientCertificates
{
    Q_DECLARE_TR_FUNCTIONS(ClientCertificates)
public:
    struct Verdict
    {
        bool ok = false;
        int status = 401;
        QString code; // certificate_required, certificate_untrusted, certificate_expired, ...
        QString message;
    };

    ClientCertificates();
    ~ClientCertificates();
    ClientCertificates(const ClientCertificates &) = delete;
    ClientCertificates &operator=(const ClientCertificates &) = delete;

    // caFile: PEM certificate(s) of the hall CA; crlFile: its CRL(s), PEM or DER (empty: no
    // revocation check, with a warning at start).
    bool configure(const QString &caFile, const QString &crlFile, QString *error);
    bool isEnabled() const { return !m_authorities.isEmpty(); }
    const QList<QSslCertificate> &authorities() const { return m_authorities; }

    // `chain`: the peer's certificate first, then what else it sent.
    Verdict verify(const QList<QSslCertificate> &chain);

    // Reads the CRL file again if it changed since it was last read (verify() does the same);
    // crlGeneration() counts the lists read, so whoever ends revoked sessions sees a new one.
    void refresh();
    quint64 crlGeneration() const { return m_crlGeneration; }
    // Whether the CRL in force names `serial` (hex) as revoked by `issuer` (RFC 2253, as
    // CertificateNames has it).
    bool isRevoked(const QString &issuer, const QString &serial) const;

private:
    struct Store;
    bool loadCrls(QString *error);

    QString m_crlFile;
    QDateTime m_crlModified;
    qint64 m_crlSize = -1;
    QList<QSslCertificate> m_authorities;
    QList<QByteArray> m_crls; // DER, the last good read
    quint64 m_crlGeneration = 0;
    std::unique_ptr<Store> m_store;
};

} // namespace hall::server
