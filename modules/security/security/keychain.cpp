#include "keychain.h"

#include "log.h"

#include <QEventLoop>
#include <QTimer>

#ifdef HALL_SECURITY_DBUS
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusVariant>
#endif

#include <qt6keychain/keychain.h>

#include <memory>

namespace hall::security {

namespace {

bool mentions(const QString &text, std::initializer_list<const char *> words)
{
    for (const char *w : words) {
        if (text.contains(QLatin1String(w), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

// QtKeychain reports a missing D-Bus session or Secret Service as OtherError with the
// backend's text, and a locked collection as AccessDenied or OtherError; sort them by what
// the caller can do about it.
KeychainStatus classify(QKeychain::Error error, const QString &detail)
{
    switch (error) {
    case QKeychain::NoError:
        return KeychainStatus::Ok;
    case QKeychain::EntryNotFound:
        return KeychainStatus::NotFound;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return KeychainStatus::NoBackend;
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return mentions(detail, {"lock", "prompt", "dismiss"}) ? KeychainStatus::Locked
                                                                : KeychainStatus::AccessDenied;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        break;
    }
    if (mentions(detail, {"autolaunch", "DBUS_SESSION_BUS_ADDRESS", "org.freedesktop.secrets",
                          "not provided by any .service", "ServiceUnknown", "Failed to connect to socket",
                          "Could not connect", "No such secret service", "dbus"}))
        return KeychainStatus::NoBackend;
    if (mentions(detail, {"lock", "prompt", "dismiss"}))
        return KeychainStatus::Locked;
    return KeychainStatus::Other;
}

QString messageFor(KeychainStatus status, const QString &service, const QString &detail)
{
    switch (status) {
    case KeychainStatus::Ok:
        return {};
    case KeychainStatus::NotFound:
        return Keychain::tr("The keychain has no entry for %1.").arg(service);
    case KeychainStatus::NoBackend:
        return Keychain::tr("No keychain is available (no Secret Service on the session bus). Sign in to a desktop "
                            "session with a keyring, or ask the hall's administrator to set one up. Details: %1")
            .arg(detail);
    case KeychainStatus::Locked:
        return Keychain::tr("The keychain is locked. Unlock it (sign in to the desktop session) and try again. "
                            "Details: %1")
            .arg(detail);
    case KeychainStatus::AccessDenied:
        return Keychain::tr("The keychain refused access to %1. Details: %2").arg(service, detail);
    case KeychainStatus::Other:
        break;
    }
    return Keychain::tr("The keychain failed for %1: %2").arg(service, detail);
}

enum class Op { Read, Write, Remove };

// gnome-keyring answers a search in a locked collection with "nothing found" once its unlock
// prompt fails, which would make a caller create a second key beside the locked one. So a
// NotFound is checked against the Secret Service's default collection: if that is locked the
// answer is Locked. Calls done(true) only when the collection is known to be locked.
void checkDefaultCollectionLocked(QObject *context, std::function<void(bool)> done)
{
#ifdef HALL_SECURITY_DBUS
    QDBusMessage m = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.secrets"), QStringLiteral("/org/freedesktop/secrets/aliases/default"),
        QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"));
    m << QStringLiteral("org.freedesktop.Secret.Collection") << QStringLiteral("Locked");
    const QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        done(false);
        return;
    }
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(m, 5000), context);
    QObject::connect(watcher, &QDBusPendingCallWatcher::finished, context, [done](QDBusPendingCallWatcher *w) {
        w->deleteLater();
        const QDBusPendingReply<QDBusVariant> reply = *w;
        done(!reply.isError() && reply.value().variant().toBool());
    });
#else
    Q_UNUSED(context);
    done(false);
#endif
}

void run(Op op, const QString &service, const QString &key, const QByteArray &secret, QObject *context,
         Keychain::Callback callback)
{
    QKeychain::Job *job = nullptr;
    switch (op) {
    case Op::Read:
        job = new QKeychain::ReadPasswordJob(service);
        break;
    case Op::Write: {
        auto *w = new QKeychain::WritePasswordJob(service);
        w->setBinaryData(secret);
        job = w;
        break;
    }
    case Op::Remove:
        job = new QKeychain::DeletePasswordJob(service);
        break;
    }
    // Never a plaintext QSettings fallback: no keychain means no secret.
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    job->setKey(key);
    QPointer<QObject> guard(context);
    QObject::connect(job, &QKeychain::Job::finished, context, [op, service, key, guard, callback](QKeychain::Job *j) {
        KeychainResult r;
        r.detail = j->errorString();
        r.status = classify(j->error(), r.detail);
        r.message = messageFor(r.status, service, r.detail);
        if (r.ok() && op == Op::Read)
            r.data = static_cast<QKeychain::ReadPasswordJob *>(j)->binaryData();
        auto finish = [service, key, guard, callback](KeychainResult r) {
            if (!r.ok() && r.status != KeychainStatus::NotFound)
                qCWarning(lcSecurity) << "keychain" << service << key << Keychain::statusName(r.status) << r.detail;
            if (guard)
                callback(r);
        };
        if (r.status != KeychainStatus::NotFound || !guard) {
            finish(r);
            return;
        }
        checkDefaultCollectionLocked(guard.data(), [r, service, finish](bool locked) mutable {
            if (locked) {
                r.status = KeychainStatus::Locked;
                r.detail = QStringLiteral("entry not found while the default collection is locked");
                r.message = messageFor(r.status, service, r.detail);
            }
            finish(r);
        });
    });
    job->start();
}

KeychainResult runNow(Op op, const QString &service, const QString &key, const QByteArray &secret, int timeoutMs)
{
    // The context lives on the heap so that a job finishing after a timeout finds it gone
    // (the connection is dropped) instead of writing into this returned stack frame.
    auto context = std::make_unique<QObject>();
    auto result = std::make_shared<KeychainResult>();
    auto done = std::make_shared<bool>(false);
    QEventLoop loop;
    run(op, service, key, secret, context.get(), [result, done, &loop](const KeychainResult &r) {
        *result = r;
        *done = true;
        loop.quit();
    });
    if (!*done) {
        QTimer::singleShot(timeoutMs, context.get(), [&loop] { loop.quit(); });
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    }
    if (!*done) {
        result->status = KeychainStatus::Other;
        result->detail = QStringLiteral("timed out after %1 ms").arg(timeoutMs);
        result->message = Keychain::tr("The keychain did not answer within %1 seconds (it may be waiting for an "
                                       "unlock prompt nobody can see).")
                              .arg(timeoutMs / 1000);
        qCWarning(lcSecurity) << "keychain" << service << key << "timed out";
    }
    return *result;
}

} // namespace

Keychain::Keychain(QString service)
    : m_service(std::move(service))
{
}

void Keychain::read(const QString &key, QObject *context, Callback callback) const
{
    run(Op::Read, m_service, key, {}, context, std::move(callback));
}

void Keychain::write(const QString &key, const QByteArray &secret, QObject *context, Callback callback) const
{
    run(Op::Write, m_service, key, secret, context, std::move(callback));
}

void Keychain::remove(const QString &key, QObject *context, Callback callback) const
{
    run(Op::Remove, m_service, key, {}, context, std::move(callback));
}

KeychainResult Keychain::readNow(const QString &key, int timeoutMs) const
{
    return runNow(Op::Read, m_service, key, {}, timeoutMs);
}

KeychainResult Keychain::writeNow(const QString &key, const QByteArray &secret, int timeoutMs) const
{
    return runNow(Op::Write, m_service, key, secret, timeoutMs);
}

KeychainResult Keychain::removeNow(const QString &key, int timeoutMs) const
{
    return runNow(Op::Remove, m_service, key, {}, timeoutMs);
}

QString Keychain::statusName(KeychainStatus status)
{
    switch (status) {
    case KeychainStatus::Ok: return QStringLiteral("ok");
    case KeychainStatus::NotFound: return QStringLiteral("not-found");
    case KeychainStatus::NoBackend: return QStringLiteral("no-backend");
    case KeychainStatus::Locked: return QStringLiteral("locked");
    case KeychainStatus::AccessDenied: return QStringLiteral("access-denied");
    case KeychainStatus::Other: return QStringLiteral("other");
    }
    return {};
}

} // namespace hall::security
