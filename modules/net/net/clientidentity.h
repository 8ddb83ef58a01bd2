#pragma once

#include <net/net_export.h>

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

namespace hall::net {

// An officer's certificate and the private key that proves it, presented to hall-server in the
// TLS handshake (mutual TLS) for POST /api/v1/auth/certificate.
//
// From a PKCS#12 file, the key is read into memory. From a USB key or smart card through its
// PKCS#11 module (libp11), the key never leaves the token: `key` is an opaque OpenSSL handle
// (QSslKey over an EVP_PKEY, which Qt's OpenSSL backend hands to SSL_CTX_use_PrivateKey), and
// every handshake's signature is made by the token. The module stays loaded and the token signed
// in for the rest of the process (the handle needs both; a USB key is one per workstation).
struct HALL_NET_EXPORT ClientIdentity
{
    QSslCertificate certificate = QSslCertificate();
    QList<QSslCertificate> chain; // intermediate CA certificates sent along, if any
    QSslKey key;
    bool isNull() const { return certificate.isNull() || key.isNull(); }
};

// A PKCS#11 module and how it is started. A USB key vendor's module (or OpenSC's, or SoftHSM2)
// needs only its file. NSS's softoken (libsoftokn3, part of libnss3) is the certificate store of
// Linux desktops, Kylin's included: the sql: database in ~/.pki/nssdb that Chromium, Firefox's
// enrolment and the hall's CA enrolment install certificates into. Started with that folder as
// its C_Initialize argument it is a PKCS#11 module like any other: one token ("NSS Certificate
// DB") holding the certificates and their keys, signed in with the database's password (none by
// default) as the PIN, and the key stays in the store as on a USB key.
//
// A module is initialised once per process: while a key from the store is in use, the store of
// another folder cannot be opened in the same process (a staff PC has one user's store).
struct HALL_NET_EXPORT Pkcs11Module
{
    Pkcs11Module() = default;
    Pkcs11Module(const QString &path, const QByteArray &initArgs = {}) : path(path), initArgs(initArgs) {}
    QString path;
    QByteArray initArgs; // C_Initialize's reserved argument; empty for most modules

    // NSS's softoken over the certificate database in `folder` (empty: defaultNssDatabase()),
    // opened read-only.
    static Pkcs11Module nssDatabase(const QString &folder = {});
    // The user's own store: ~/.pki/nssdb.
    static QString defaultNssDatabase();
};

// A token (USB key, smart card) a PKCS#11 module sees, and the certificates on it, as the
// sign-in screen lists them before the PIN is asked for. PKCS#11 gives no count of the PIN
// tries left, only these flags.
struct HALL_NET_EXPORT TokenInfo
{
    struct Certificate
    {
        QString uri; // pkcs11:token=…;id=… for fromPkcs11
        QString label;
        QSslCertificate certificate;
    };
    QString label;
    QString serial;
    QString manufacturer;
    QString model;
    bool pinCountLow = false; // a wrong PIN was entered since the last right one
    bool pinFinalTry = false; // one more wrong PIN locks the token
    bool pinLocked = false;
    bool pinRequired = true; // CKF_LOGIN_REQUIRED; not for an NSS database without a password
    // Those that can sign in: not a CA's, meant for TLS clients, and (where the token shows its
    // keys without a PIN) with their private key on the token.
    QList<Certificate> certificates;
};

class HALL_NET_EXPORT ClientIdentities
{
    Q_DECLARE_TR_FUNCTIONS(HallNet)
public:
    // Why an identity could not be had, for a screen that says it in its own words.
    enum class Problem { None, Unreadable, WrongPassword, NoModule, NoToken, WrongPin, PinLocked, NoKey };

    // A PKCS#12 (.p12/.pfx) file holding the certificate, its key and optionally its chain.
    static bool fromPkcs12(const QString &file, const QByteArray &passphrase, ClientIdentity *out, QString *error,
                           Problem *problem = nullptr);
    // The key and certificate named by a PKCS#11 URI (RFC 7512: pkcs11:token=…;object=… or id=…)
    // on a token of `module` (the vendor's .so/.dll, e.g. /usr/lib/softhsm/libsofthsm2.so, or an
    // NSS database), signed in with `pin` where the token needs one. The PIN is never logged and
    // not accepted inside the URI.
    static bool fromPkcs11(const Pkcs11Module &module, const QString &uri, const QByteArray &pin, ClientIdentity *out, QString *error,
                           Problem *problem = nullptr);
    // The initialised tokens `module` sees now and their certificates (read without a PIN).
    static bool tokens(const Pkcs11Module &module, QList<TokenInfo> *out, QString *error);
    // Whether this build can reach PKCS#11 tokens (libp11 was found when it was built).
    static bool hasPkcs11();
};

} // namespace hall::net
