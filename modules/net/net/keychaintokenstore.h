#pragma once

#include <net/tokenstore.h>

namespace hall::net {

// Device tokens in the OS keychain (hall::security::Keychain over QtKeychain: the Secret
// Service on Linux, the Credential Store on Windows), under one service name per device,
// e.g. "HallSuite/kiosk-2". Never a plaintext fallback: a keychain that cannot be reached is
// a Failed result with its translated message.
class HALL_NET_EXPORT KeychainTokenStore : public TokenStore
{
public:
    explicit KeychainTokenStore(QString service);

    void read(const QString &key, QObject *context, Callback done) override;
    void write(const QString &key, const QByteArray &token, QObject *context, Callback done) override;
    void remove(const QString &key, QObject *context, Callback done) override;

    QString service() const { return m_service; }

private:
    QString m_service;
};

} // namespace hall::net
