#pragma once

#include <net/net_export.h>

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>

#include <functional>

namespace hall::net {

struct TokenStoreResult
{
    enum class Status { Ok, NotFound, Failed };
    Status status = Status::Failed;
    QByteArray token;
    QString message; // translated, when Failed
};

// Where a device keeps its long-lived token: the OS keychain in the applications (a thin
// adapter over hall::security::Keychain), memory in tests. Callbacks run in the context's
// thread and are dropped if the context is destroyed first.
class HALL_NET_EXPORT TokenStore
{
public:
    using Callback = std::function<void(const TokenStoreResult &)>;
    virtual ~TokenStore();
    virtual void read(const QString &key, QObject *context, Callback done) = 0;
    virtual void write(const QString &key, const QByteArray &token, QObject *context, Callback done) = 0;
    virtual void remove(const QString &key, QObject *context, Callback done) = 0;
};

// For tests and tools: kept in this process only; answers asynchronously like a keychain.
class HALL_NET_EXPORT MemoryTokenStore : public TokenStore
{
public:
    void read(const QString &key, QObject *context, Callback done) override;
    void write(const QString &key, const QByteArray &token, QObject *context, Callback done) override;
    void remove(const QString &key, QObject *context, Callback done) override;

    QHash<QString, QByteArray> tokens;
    int writes = 0;
    bool failWrites = false;
};

} // namespace hall::net
