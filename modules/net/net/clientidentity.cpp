#include "clientidentity.h"

#include "logging.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QUrl>

#ifdef HALL_HAVE_LIBP11
#include <libp11.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#endif

namespace hall::net {

QString Pkcs11Module::defaultNssDatabase()
{
    return QDir::home().filePath(QStringLiteral(".pki/nssdb"));
}

Pkcs11Module Pkcs11Module::nssDatabase(const QString &folder)
{
    // NSS's module parameters: name=value pairs, values quoted, a backslash escaping the next
    // character inside the quotes. sql: is the shared (SQLite) database format of NSS 3.12+,
    // the only one NSS 3.35+ writes; no prefixes; no module list of its own; read-only.
    QString dir = QDir::cleanPath(QDir(folder.isEmpty() ? defaultNssDatabase() : folder).absolutePath());
    dir.replace(u'\\', QLatin1String("\\\\")).replace(u'\'', QLatin1String("\\'"));
    return Pkcs11Module(QStringLiteral("libsoftokn3.so"),
                        "configdir='sql:" + QFile::encodeName(dir) + "' certPrefix='' keyPrefix='' secmod='secmod.db' flags=readOnly");
}

bool ClientIdentities::fromPkcs12(const QString &file, const QByteArray &passphrase, ClientIdentity *out, QString *error, Problem *problem)
{
    Problem ignored;
    Problem &why = problem ? *problem : ignored;
    why = Problem::None;
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read the certificate file %1: %2").arg(file, f.errorString());
        why = Problem::Unreadable;
        return false;
    }
    ClientIdentity id;
    if (!QSslCertificate::importPkcs12(&f, &id.key, &id.certificate, &id.chain, passphrase) || id.isNull()) {
        *error = tr("%1 is not a PKCS#12 file with a certificate and its key, or the password is wrong.").arg(file);
        why = Problem::WrongPassword; // OpenSSL cannot tell a wrong password from another file
        return false;
    }
    // importPkcs12 puts the certificate itself into the chain as well.
    id.chain.removeAll(id.certificate);
    *out = id;
    return true;
}

#ifdef HALL_HAVE_LIBP11

namespace {

// pkcs11:token=HallSuite;object=officer;id=%01 → attribute → value (percent-decoded).
bool parseUri(const QString &uri, QHash<QString, QByteArray> *out, QString *error)
{
    if (!uri.startsWith(QLatin1String("pkcs11:"))) {
        *error = ClientIdentities::tr("\"%1\" is not a PKCS#11 URI (pkcs11:token=…;object=…).").arg(uri);
        return false;
    }
    const QString path = uri.mid(7).section(u'?', 0, 0);
    for (const QString &part : path.split(u';', Qt::SkipEmptyParts)) {
        const qsizetype eq = part.indexOf(u'=');
        if (eq <= 0) {
            *error = ClientIdentities::tr("The PKCS#11 URI part \"%1\" is not name=value.").arg(part);
            return false;
        }
        out->insert(part.left(eq), QByteArray::fromPercentEncoding(part.mid(eq + 1).toLatin1()));
    }
    if (out->contains(QStringLiteral("pin-value")) || uri.contains(QLatin1String("pin-value"))) {
        *error = ClientIdentities::tr("The PIN does not go into the PKCS#11 URI; it is asked for separately.");
        return false;
    }
    if (!out->contains(QStringLiteral("object")) && !out->contains(QStringLiteral("id"))) {
        *error = ClientIdentities::tr("The PKCS#11 URI must name the key: object=LABEL or id=%HEX.");
        return false;
    }
    return true;
}

template<typename Object>
bool named(const Object &o, const QHash<QString, QByteArray> &want)
{
    if (want.contains(QStringLiteral("object")) && QByteArray(o.label ? o.label : "") != want.value(QStringLiteral("object")))
        return false;
    if (want.contains(QStringLiteral("id"))
        && QByteArray(reinterpret_cast<const char *>(o.id), qsizetype(o.id_len)) != want.value(QStringLiteral("id")))
        return false;
    return true;
}

QString openSslError()
{
    const unsigned long e = ERR_peek_last_error();
    char buf[256] = {};
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return QString::fromLatin1(buf);
}

// The PKCS#11 return values libp11 reports as the reason of its OpenSSL error.
constexpr unsigned long CkrPinIncorrect = 0xA0;
constexpr unsigned long CkrPinLocked = 0xA4;

} // namespace

bool ClientIdentities::hasPkcs11()
{
    return true;
}

namespace {

// The module loaded in a new context, or null with the error said.
PKCS11_CTX *loadModule(const Pkcs11Module &module, QString *error)
{
    PKCS11_CTX *ctx = PKCS11_CTX_new();
    if (ctx && !module.initArgs.isEmpty())
        PKCS11_CTX_init_args(ctx, module.initArgs.constData()); // copied by libp11
    if (!ctx || module.path.isEmpty() || PKCS11_CTX_load(ctx, QFile::encodeName(module.path).constData()) != 0) {
        *error = ClientIdentities::tr("Cannot load the PKCS#11 module %1 (%2).").arg(module.path, openSslError());
        if (ctx)
            PKCS11_CTX_free(ctx);
        return nullptr;
    }
    return ctx;
}

QByteArray sha256Of(X509 *x509)
{
    unsigned char md[32];
    unsigned int size = 0;
    return X509_digest(x509, EVP_sha256(), md, &size) == 1 ? QByteArray(reinterpret_cast<const char *>(md), int(size)) : QByteArray();
}

// Of two certificates for one key, whether `a` is the better to present now than `b`: valid
// now where `b` is not, else the later end of validity.
bool betterNow(X509 *a, X509 *b)
{
    const auto validNow = [](X509 *x) {
        return X509_cmp_current_time(X509_get0_notBefore(x)) < 0 && X509_cmp_current_time(X509_get0_notAfter(x)) > 0;
    };
    if (validNow(a) != validNow(b))
        return validNow(a);
    return ASN1_TIME_compare(X509_get0_notAfter(a), X509_get0_notAfter(b)) > 0;
}

// Whether `x509` can sign its holder in: not a CA's (the hall CA, imported into an NSS database
// as trusted, sits beside the officer's own), and meant for TLS clients where it restricts its use.
bool signsIn(X509 *x509)
{
    return x509 && X509_check_ca(x509) == 0 && X509_check_purpose(x509, X509_PURPOSE_SSL_CLIENT, 0) == 1;
}

} // namespace

bool ClientIdentities::tokens(const Pkcs11Module &module, QList<TokenInfo> *out, QString *error)
{
    PKCS11_CTX *ctx = loadModule(module, error);
    if (!ctx)
        return false;
    PKCS11_SLOT *slots = nullptr;
    unsigned int slotCount = 0;
    const bool listed = PKCS11_enumerate_slots(ctx, &slots, &slotCount) == 0;
    if (!listed)
        *error = tr("The PKCS#11 module %1 lists no slots (%2).").arg(module.path, openSslError());
    for (unsigned int i = 0; listed && i < slotCount; ++i) {
        PKCS11_TOKEN *t = slots[i].token;
        if (!t || !t->initialized)
            continue;
        TokenInfo info;
        info.label = QString::fromUtf8(t->label).trimmed();
        info.serial = QString::fromUtf8(t->serialnr).trimmed();
        info.manufacturer = QString::fromUtf8(t->manufacturer).trimmed();
        info.model = QString::fromUtf8(t->model).trimmed();
        info.pinCountLow = t->userPinCountLow;
        info.pinFinalTry = t->userPinFinalTry;
        info.pinLocked = t->userPinLocked;
        info.pinRequired = t->loginRequired;
        // A token that needs no PIN shows its private keys now: a certificate without its key
        // there (a colleague's, kept for e-mail) cannot sign in.
        PKCS11_KEY *keys = nullptr;
        unsigned int keyCount = 0;
        if (t->loginRequired || PKCS11_enumerate_keys(t, &keys, &keyCount) != 0)
            keyCount = 0;
        PKCS11_CERT *certs = nullptr;
        unsigned int certCount = 0;
        if (PKCS11_enumerate_certs(t, &certs, &certCount) == 0) {
            for (unsigned int c = 0; c < certCount; ++c) {
                if (!signsIn(certs[c].x509))
                    continue;
                const bool hasKey = std::any_of(keys, keys + keyCount, [&](const PKCS11_KEY &k) {
                    return k.isPrivate && k.id_len == certs[c].id_len && memcmp(k.id, certs[c].id, k.id_len) == 0;
                });
                if (!t->loginRequired && !hasKey)
                    continue;
                unsigned char *der = nullptr;
                const int derSize = i2d_X509(certs[c].x509, &der);
                const QSslCertificate certificate(QByteArray(reinterpret_cast<const char *>(der), std::max(derSize, 0)), QSsl::Der);
                OPENSSL_free(der);
                if (certificate.isNull())
                    continue;
                // By id where the token gives one (the usual pairing with its key), else by label;
                // where another certificate shares that id (one key, renewed), also by its
                // fingerprint (a vendor attribute, RFC 7512 section 2.3).
                QString uri = QStringLiteral("pkcs11:token=") + QString::fromLatin1(QUrl::toPercentEncoding(info.label));
                const auto sameId = [&](const PKCS11_CERT &o) {
                    return &o != &certs[c] && o.id_len == certs[c].id_len && memcmp(o.id, certs[c].id, o.id_len) == 0;
                };
                if (certs[c].id_len)
                    uri += QStringLiteral(";id=%")
                        + QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(certs[c].id), qsizetype(certs[c].id_len)).toHex('%'));
                else
                    uri += QStringLiteral(";object=") + QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(certs[c].label)));
                if (std::any_of(certs, certs + certCount, sameId))
                    uri += QStringLiteral(";x-sha256=") + QString::fromLatin1(sha256Of(certs[c].x509).toHex());
                info.certificates.append({uri, QString::fromUtf8(certs[c].label ? certs[c].label : ""), certificate});
            }
        }
        out->append(info);
    }
    if (listed)
        PKCS11_release_all_slots(ctx, slots, slotCount);
    PKCS11_CTX_unload(ctx);
    PKCS11_CTX_free(ctx);
    ERR_clear_error();
    return listed;
}

bool ClientIdentities::fromPkcs11(const Pkcs11Module &module, const QString &uri, const QByteArray &pin, ClientIdentity *out, QString *error,
                                  Problem *problem)
{
    Problem ignored;
    Problem &why = problem ? *problem : ignored;
    why = Problem::None;
    QHash<QString, QByteArray> want;
    if (!parseUri(uri, &want, error))
        return false;
    // Kept for the rest of the process: the key handle signs through this context's session.
    PKCS11_CTX *ctx = loadModule(module, error);
    if (!ctx) {
        why = Problem::NoModule;
        return false;
    }
    const auto unload = [ctx] {
        PKCS11_CTX_unload(ctx);
        PKCS11_CTX_free(ctx);
    };
    PKCS11_SLOT *slots = nullptr;
    unsigned int slotCount = 0;
    if (PKCS11_enumerate_slots(ctx, &slots, &slotCount) != 0) {
        *error = tr("The PKCS#11 module %1 lists no slots (%2).").arg(module.path, openSslError());
        unload();
        return false;
    }
    PKCS11_SLOT *slot = nullptr;
    for (unsigned int i = 0; i < slotCount && !slot; ++i) {
        const PKCS11_TOKEN *t = slots[i].token;
        if (!t || !t->initialized)
            continue;
        if (want.contains(QStringLiteral("token")) && QByteArray(t->label) != want.value(QStringLiteral("token")))
            continue;
        if (want.contains(QStringLiteral("serial")) && QByteArray(t->serialnr) != want.value(QStringLiteral("serial")))
            continue;
        slot = &slots[i];
    }
    const auto release = [&] {
        PKCS11_release_all_slots(ctx, slots, slotCount);
        unload();
    };
    if (!slot) {
        *error = tr("No token matching %1 is present; is the USB key plugged in?").arg(uri);
        why = Problem::NoToken;
        release();
        return false;
    }
    // An NSS database without a password needs no sign-in (and has no PIN to give).
    if (slot->token->loginRequired && PKCS11_login(slot, 0, pin.constData()) != 0) {
        const unsigned long reason = ERR_GET_REASON(ERR_peek_last_error());
        ERR_clear_error();
        why = reason == CkrPinLocked ? Problem::PinLocked : reason == CkrPinIncorrect ? Problem::WrongPin : Problem::Unreadable;
        *error = reason == CkrPinLocked ? tr("The USB key's PIN is locked; its issuer must unlock it.")
                                        : reason == CkrPinIncorrect ? tr("The PIN of the USB key is wrong.")
                                                                    : tr("Cannot sign in to the USB key with this PIN.");
        qCWarning(lcNet) << "PKCS#11 login failed, reason" << Qt::hex << reason; // never the PIN
        release();
        return false;
    }
    PKCS11_KEY *keys = nullptr;
    unsigned int keyCount = 0;
    PKCS11_CERT *certs = nullptr;
    unsigned int certCount = 0;
    PKCS11_KEY *key = nullptr;
    if (PKCS11_enumerate_keys(slot->token, &keys, &keyCount) == 0) {
        for (unsigned int i = 0; i < keyCount && !key; ++i) {
            if (keys[i].isPrivate && named(keys[i], want))
                key = &keys[i];
        }
    }
    if (!key) {
        why = Problem::NoKey;
        *error = tr("The token holds no private key matching %1.").arg(uri);
        release();
        return false;
    }
    // The certificate of the key: the same id (the usual pairing on tokens), else the same label.
    // Several may share one key (a certificate renewed for the same key, both kept in an NSS
    // database): the one the URI names by its fingerprint, else the one valid now that lasts longest.
    X509 *x509 = nullptr;
    const QByteArray fingerprint = QByteArray::fromHex(want.value(QStringLiteral("x-sha256")));
    if (PKCS11_enumerate_certs(slot->token, &certs, &certCount) == 0) {
        for (unsigned int i = 0; i < certCount; ++i) {
            const bool sameId = certs[i].id_len && certs[i].id_len == key->id_len && memcmp(certs[i].id, key->id, key->id_len) == 0;
            const bool sameLabel = certs[i].label && key->label && qstrcmp(certs[i].label, key->label) == 0;
            if (!certs[i].x509 || !(sameId || (!key->id_len && sameLabel)))
                continue;
            if (!fingerprint.isEmpty()) {
                if (sha256Of(certs[i].x509) == fingerprint)
                    x509 = certs[i].x509;
            } else if (!x509 || betterNow(certs[i].x509, x509)) {
                x509 = certs[i].x509;
            }
        }
    }
    if (!x509) {
        why = Problem::NoKey;
        *error = tr("The token holds no certificate for the key %1.").arg(uri);
        release();
        return false;
    }
    unsigned char *der = nullptr;
    const int derSize = i2d_X509(x509, &der);
    ClientIdentity id;
    id.certificate = QSslCertificate(QByteArray(reinterpret_cast<const char *>(der), std::max(derSize, 0)), QSsl::Der);
    OPENSSL_free(der);
    EVP_PKEY *pkey = PKCS11_get_private_key(key);
    if (!pkey || id.certificate.isNull()) {
        *error = tr("The token's key %1 cannot be used (%2).").arg(uri, openSslError());
        release();
        return false;
    }
    // The QSslKey owns this reference to the handle (Qt frees it with the key).
    id.key = QSslKey(Qt::HANDLE(pkey), QSsl::PrivateKey);
    *out = id;
    // Not the key's label: an NSS database names it after the certificate's holder.
    qCInfo(lcNet) << "client certificate from the PKCS#11 token" << slot->token->label << "key id"
                  << QByteArray(reinterpret_cast<const char *>(key->id), qsizetype(key->id_len)).toHex().left(16);
    return true;
}

#else

bool ClientIdentities::hasPkcs11()
{
    return false;
}

bool ClientIdentities::tokens(const Pkcs11Module &, QList<TokenInfo> *, QString *error)
{
    *error = tr("This build cannot use USB keys: it was made without libp11 (install libp11-dev and rebuild).");
    return false;
}

bool ClientIdentities::fromPkcs11(const Pkcs11Module &, const QString &, const QByteArray &, ClientIdentity *, QString *error, Problem *problem)
{
    if (problem)
        *problem = Problem::NoModule;
    *error = tr("This build cannot use USB keys: it was made without libp11 (install libp11-dev and rebuild).");
    return false;
}

#endif

} // namespace hall::net
