#include "tokenstore.h"

#include <QPointer>
#include <QTimer>

namespace hall::net {

TokenStore::~TokenStore() = default;

namespace {

void later(QObject *context, TokenStore::Callback done, TokenStoreResult r)
{
    QTimer::singleShot(0, context, [done = std::move(done), r = std::move(r)] { done(r); });
}

} // namespace

void MemoryTokenStore::read(const QString &key, QObject *context, Callback done)
{
    TokenStoreResult r;
    r.status = tokens.contains(key) ? TokenStoreResult::Status::Ok : TokenStoreResult::Status::NotFound;
    r.token = tokens.value(key);
    later(context, std::move(done), r);
}

void MemoryTokenStore::write(const QString &key, const QByteArray &token, QObject *context, Callback done)
{
    TokenStoreResult r;
    if (failWrites) {
        r.message = QStringLiteral("write refused (test)");
    } else {
        tokens.insert(key, token);
        ++writes;
        r.status = TokenStoreResult::Status::Ok;
    }
    later(context, std::move(done), r);
}

void MemoryTokenStore::remove(const QString &key, QObject *context, Callback done)
{
    TokenStoreResult r;
    r.status = tokens.remove(key) ? TokenStoreResult::Status::Ok : TokenStoreResult::Status::NotFound;
    later(context, std::move(done), r);
}

} // namespace hall::net
