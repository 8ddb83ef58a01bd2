#include "devicesignin.h"

#include "logging.h"

namespace hall::net {

DeviceSignIn::DeviceSignIn(HallClient *client, TokenStore *store, QString login, QString password, QObject *parent)
    : QObject(parent), m_client(client), m_store(store), m_login(std::move(login)), m_password(std::move(password))
{
    connect(client, &HallClient::tokenRejected, this, [this] {
        if (!m_running) {
            qCInfo(lcNet) << "device token refused; signing in again";
            m_running = true;
            signInWithPassword();
        }
    });
}

void DeviceSignIn::start()
{
    if (m_running)
        return;
    m_running = true;
    m_store->read(storeKey(), this, [this](const TokenStoreResult &stored) {
        if (stored.status != TokenStoreResult::Status::Ok || stored.token.isEmpty()) {
            if (stored.status == TokenStoreResult::Status::Failed)
                Q_EMIT storeProblem(stored.message);
            return signInWithPassword();
        }
        m_client->setToken(QString::fromLatin1(stored.token));
        m_client->me(this, [this](const Result<Account> &me) {
            if (me)
                return finish(Outcome::StoredToken);
            if (me.error().isTransport())
                return finish(Outcome::Offline); // keep the token; the link comes back by itself
            if (me.error().httpStatus == 401)
                return signInWithPassword();
            m_running = false;
            Q_EMIT failed(me.error());
        });
    });
}

void DeviceSignIn::signInWithPassword()
{
    m_client->signIn(m_login, m_password, this, [this](const Result<Session> &s) {
        if (!s) {
            m_running = false;
            Q_EMIT failed(s.error());
            return;
        }
        m_store->write(storeKey(), s->token.toLatin1(), this, [this](const TokenStoreResult &w) {
            if (w.status != TokenStoreResult::Status::Ok)
                Q_EMIT storeProblem(w.message);
            finish(Outcome::SignedIn);
        });
    });
}

void DeviceSignIn::finish(Outcome outcome)
{
    m_running = false;
    Q_EMIT signedIn(outcome);
}

} // namespace hall::net
