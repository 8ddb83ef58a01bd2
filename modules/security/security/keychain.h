#pragma once

#include <security/security_export.h>

#include <QByteArray>
#include <QCoreApplication>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

namespace hall::security {

enum class KeychainStatus {
    Ok,
    NotFound,     // no entry under this service and key
    NoBackend,    // no keychain service: no Secret Service on D-Bus, no D-Bus session at all
    Locked,       // the keychain exists but is locked and could not be unlocked without a user
    AccessDenied, // the keychain refused access (or the user declined)
    Other,        // anything else, including a timeout of a blocking call
};

struct HALL_SECURITY_EXPORT KeychainResult
{
    KeychainStatus status = KeychainStatus::Other;
    QByteArray data;    // the secret, for a successful read
    QString message;    // translated, says what happened and what to do; empty when Ok
    QString detail;     // the backend's own error text (English), for logs and support

    bool ok() const { return status == KeychainStatus::Ok; }
};

// The OS keychain under one service name (e.g. "HallSuite/window-03"). A thin wrapper over
// QtKeychain that never falls back to plaintext storage and turns its errors into typed
// statuses with translated messages.
//
// Asynchronous forms take a context object: the callback runs in the context's thread and is
// dropped if the context is destroyed first. The blocking "…Now" forms spin a local event loop
// (for start-up code and tools; not from inside a callback of this class) and give up after
// timeoutMs, since a locked keychain may wait for a prompt nobody answers.
class HALL_SECURITY_EXPORT Keychain
{
    Q_DECLARE_TR_FUNCTIONS(Keychain)
public:
    using Callback = std::function<void(const KeychainResult &)>;
    static constexpr int DefaultTimeoutMs = 20000;

    explicit Keychain(QString service);

    QString service() const { return m_service; }

    void read(const QString &key, QObject *context, Callback callback) const;
    void write(const QString &key, const QByteArray &secret, QObject *context, Callback callback) const;
    void remove(const QString &key, QObject *context, Callback callback) const;

    KeychainResult readNow(const QString &key, int timeoutMs = DefaultTimeoutMs) const;
    KeychainResult writeNow(const QString &key, const QByteArray &secret, int timeoutMs = DefaultTimeoutMs) const;
    KeychainResult removeNow(const QString &key, int timeoutMs = DefaultTimeoutMs) const;

    static QString statusName(KeychainStatus status); // "ok", "not-found", … for logs and tests

private:
    QString m_service;
};

} // namespace hall::security
