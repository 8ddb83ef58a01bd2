#pragma once

#include <net/hallclient.h>
#include <net/tokenstore.h>

#include <QObject>

namespace hall::net {

// How a kiosk, display or caller bus signs in: with the long-lived token it keeps in the
// keychain, and only when that is missing or refused, with its provisioning password (and the
// new token is stored). Devices are never locked out by someone guessing at their account,
// because a working stored token never touches the password check.
//
// When the server later refuses the token (revoked, expired), HallClient::tokenRejected starts
// the same flow again by itself.
class HALL_NET_EXPORT DeviceSignIn : public QObject
{
    Q_OBJECT
public:
    enum class Outcome {
        StoredToken, // the stored token works
        SignedIn,    // signed in with the password; the new token is stored
        Offline,     // the server is unreachable: the stored token is used until it answers
    };
    Q_ENUM(Outcome)

    DeviceSignIn(HallClient *client, TokenStore *store, QString login, QString password, QObject *parent = nullptr);

    void start();
    bool isRunning() const { return m_running; }
    QString storeKey() const { return QStringLiteral("token/") + m_login; }

Q_SIGNALS:
    void signedIn(hall::net::DeviceSignIn::Outcome outcome);
    void failed(const hall::net::ApiError &error);
    // The token works but could not be stored: the next start signs in again.
    void storeProblem(const QString &message);

private:
    void signInWithPassword();
    void finish(Outcome outcome);

    HallClient *m_client;
    TokenStore *m_store;
    QString m_login;
    QString m_password;
    bool m_running = false;
};

} // namespace hall::net
