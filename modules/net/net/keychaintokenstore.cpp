#include "keychaintokenstore.h"

#include <security/keychain.h>

namespace hall::net {

namespace {

security::Keychain::Callback adapt(TokenStore::Callback done)
{
    return [done = std::move(done)](const security::KeychainResult &k) {
        TokenStoreResult r;
        switch (k.status) {
        case security::KeychainStatus::Ok:
            r.status = TokenStoreResult::Status::Ok;
            r.token = k.data;
            break;
        case security::KeychainStatus::NotFound:
            r.status = TokenStoreResult::Status::NotFound;
            break;
        default:
            r.status = TokenStoreResult::Status::Failed;
            r.message = k.message;
            break;
        }
        done(r);
    };
}

} // namespace

KeychainTokenStore::KeychainTokenStore(QString service) : m_service(std::move(service)) {}

void KeychainTokenStore::read(const QString &key, QObject *context, Callback done)
{
    security::Keychain(m_service).read(key, context, adapt(std::move(done)));
}

void KeychainTokenStore::write(const QString &key, const QByteArray &token, QObject *context, Callback done)
{
    security::Keychain(m_service).write(key, token, context, adapt(std::move(done)));
}

void KeychainTokenStore::remove(const QString &key, QObject *context, Callback done)
{
    security::Keychain(m_service).remove(key, context, adapt(std::move(done)));
}

} // namespace hall::net
