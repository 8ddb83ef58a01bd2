#include "keymanager.h"

#include "crypto.h"
#include "log.h"

namespace hall::security {

KeyManager::KeyManager(QString service, QString keyName, CipherMode mode)
    : m_keychain(std::move(service))
    , m_keyName(std::move(keyName))
    , m_mode(mode)
{
}

KeyResult KeyManager::fromKeychain(const KeychainResult &r) const
{
    KeyResult k;
    switch (r.status) {
    case KeychainStatus::Ok:
    case KeychainStatus::NotFound: // handled by the callers
        k.status = KeyStatus::KeychainError;
        break;
    case KeychainStatus::NoBackend: k.status = KeyStatus::NoKeychain; break;
    case KeychainStatus::Locked: k.status = KeyStatus::KeychainLocked; break;
    case KeychainStatus::AccessDenied: k.status = KeyStatus::KeychainDenied; break;
    case KeychainStatus::Other: k.status = KeyStatus::KeychainError; break;
    }
    k.message = tr("The key for personal data (%1) cannot be fetched, so personal data is not stored on this PC. %2")
                    .arg(m_keyName, r.message);
    return k;
}

KeyResult KeyManager::fromBytes(const QByteArray &bytes, bool created) const
{
    KeyResult k;
    if (bytes.size() != KeySize) {
        // Never replace it: a cache may still be sealed under whatever was meant to be there.
        k.status = KeyStatus::BadKeyEntry;
        k.message = tr("The keychain entry %1/%2 is not a 256-bit key (%3 bytes). It was left as it is; personal data "
                       "is not stored until an administrator restores or removes it.")
                        .arg(m_keychain.service(), m_keyName)
                        .arg(bytes.size());
        qCWarning(lcSecurity) << "keychain entry has the wrong size" << m_keychain.service() << m_keyName;
        return k;
    }
    return fromKey(bytes, m_mode, m_keychain.service() + u'/' + m_keyName, created);
}

KeyResult KeyManager::fromKey(const QByteArray &bytes, CipherMode mode, const QString &origin, bool created)
{
    KeyResult k;
    if (bytes.size() != KeySize) {
        k.status = KeyStatus::BadKeyEntry;
        k.message = tr("%1 is not a 256-bit key (%2 bytes).").arg(origin).arg(bytes.size());
        return k;
    }
    const DataKey key(bytes);
    if (key.id().size() != 8) {
        k.status = KeyStatus::Internal;
        k.message = tr("The cryptographic library cannot derive keys (SM3 unavailable).");
        return k;
    }
    k.status = KeyStatus::Ok;
    k.created = created;
    k.cipher = std::make_shared<const FieldCipher>(key, mode);
    qCInfo(lcSecurity) << "data key" << (created ? "created" : "loaded") << "for" << origin << "key id" << key.id().toHex() << "mode"
                       << cipherModeName(mode);
    return k;
}

KeyResult KeyManager::loadOrCreateNow(int timeoutMs) const
{
    KeychainResult r = m_keychain.readNow(m_keyName, timeoutMs);
    if (r.ok()) {
        KeyResult k = fromBytes(r.data, false);
        crypto::cleanse(r.data);
        return k;
    }
    if (r.status != KeychainStatus::NotFound)
        return fromKeychain(r);
    QByteArray fresh = crypto::randomBytes(KeySize);
    if (fresh.size() != KeySize) {
        KeyResult k;
        k.message = tr("No random numbers for a new key.");
        return k;
    }
    const KeychainResult w = m_keychain.writeNow(m_keyName, fresh, timeoutMs);
    if (!w.ok())
        return fromKeychain(w);
    KeyResult k = fromBytes(fresh, true);
    crypto::cleanse(fresh);
    return k;
}

void KeyManager::loadOrCreate(QObject *context, Callback callback) const
{
    const KeyManager self = *this;
    m_keychain.read(m_keyName, context, [self, context, callback](const KeychainResult &r) {
        if (r.ok()) {
            callback(self.fromBytes(r.data, false));
            return;
        }
        if (r.status != KeychainStatus::NotFound) {
            callback(self.fromKeychain(r));
            return;
        }
        const QByteArray fresh = crypto::randomBytes(KeySize);
        if (fresh.size() != KeySize) {
            KeyResult k;
            k.message = tr("No random numbers for a new key.");
            callback(k);
            return;
        }
        self.m_keychain.write(self.m_keyName, fresh, context, [self, fresh, callback](const KeychainResult &w) {
            callback(w.ok() ? self.fromBytes(fresh, true) : self.fromKeychain(w));
        });
    });
}

QString KeyManager::statusName(KeyStatus status)
{
    switch (status) {
    case KeyStatus::Ok: return QStringLiteral("ok");
    case KeyStatus::NoKeychain: return QStringLiteral("no-keychain");
    case KeyStatus::KeychainLocked: return QStringLiteral("keychain-locked");
    case KeyStatus::KeychainDenied: return QStringLiteral("keychain-denied");
    case KeyStatus::KeychainError: return QStringLiteral("keychain-error");
    case KeyStatus::BadKeyEntry: return QStringLiteral("bad-key-entry");
    case KeyStatus::Internal: return QStringLiteral("internal");
    }
    return {};
}

} // namespace hall::security
