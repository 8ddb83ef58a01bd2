#include "controllers.h"

#include "commit.h"
#include "halls.h"
#include "sessions.h"

#include <core/jsonreader.h>
#include <core/logging.h>

#include <QRandomGenerator>

namespace hall::server {

namespace {

class TokenWrite final : public PendingWrite
{
public:
    TokenWrite(AccountStore *accounts, QByteArray hash, qint64 accountId, QDateTime expires)
        : m_accounts(accounts), m_hash(std::move(hash)), m_accountId(accountId), m_expires(std::move(expires)) {}
    bool write(QString *error) override { return m_accounts->saveToken(m_hash, m_accountId, m_expires, error); }

private:
    AccountStore *m_accounts;
    QByteArray m_hash;
    qint64 m_accountId;
    QDateTime m_expires;
};

// The cached session goes only once the deletion is durable: a failed sign-out leaves the token
// valid in the database, and the cache must agree with it.
class TokenRevoke final : public PendingWrite
{
public:
    TokenRevoke(Sessions *sessions, QByteArray hash) : m_sessions(sessions), m_hash(std::move(hash)) {}
    bool write(QString *error) override { return m_sessions->accounts()->deleteToken(m_hash, error); }
    void committed() override { m_sessions->forget(m_hash); }

private:
    Sessions *m_sessions;
    QByteArray m_hash;
};

} // namespace

void AuthController::registerRoutes(RouteScope &routes)
{
    routes.post(QStringLiteral("auth/login"), {roles::Public}, [this](RequestContext &c) { return login(c); });
    routes.post(QStringLiteral("auth/logout"), {}, [this](RequestContext &c) { return logout(c); });
    routes.get(QStringLiteral("me"), {}, [](RequestContext &c) {
        const AccountRecord &a = c.session.account;
        return ok({{QStringLiteral("id"), a.id}, {QStringLiteral("login"), a.login}, {QStringLiteral("name"), a.name},
                   {QStringLiteral("role"), a.role}, {QStringLiteral("expiresAt"), c.session.expiresAt.toString(Qt::ISODate)}});
    });
}

Reply AuthController::login(RequestContext &c)
{
    core::JsonReader r(c.body);
    const QString login = r.string(QStringLiteral("login"), true);
    const QString password = r.string(QStringLiteral("password"), true);
    if (!r.finish())
        return invalid(r.error());
    AccountStore *accounts = m_sessions->accounts();
    const auto a = accounts->account(login);
    if (!a || a->disabled || !AccountStore::verifyPassword(password, a->passwordHash)) {
        qCInfo(lcServerAuth) << "failed sign-in for" << login;
        return errorReply(401, QStringLiteral("bad_credentials"), tr("The login or password is wrong."));
    }
    QByteArray raw(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(raw.data()), reinterpret_cast<quint32 *>(raw.data() + raw.size()));
    const QByteArray token = raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    // Devices stay signed in for a month; people for a working day.
    const bool device = a->role == roles::Kiosk || a->role == roles::Display || a->role == roles::Caller;
    const QDateTime expires = QDateTime::currentDateTime().addSecs(device ? 30 * 86400 : 12 * 3600);
    c.batch->add(std::make_unique<TokenWrite>(accounts, Sessions::hashToken(token), a->id, expires));
    qCInfo(lcServerAuth) << "signed in" << login << "as" << a->role;
    const QString hall = m_halls->codeOf(a->hallId);
    return ok({{QStringLiteral("token"), QString::fromLatin1(token)},
               {QStringLiteral("expiresAt"), expires.toString(Qt::ISODate)},
               {QStringLiteral("role"), a->role},
               {QStringLiteral("name"), a->name},
               {QStringLiteral("hall"), hall.isEmpty() ? QJsonValue() : QJsonValue(hall)}});
}

Reply AuthController::logout(RequestContext &c)
{
    c.batch->add(std::make_unique<TokenRevoke>(m_sessions, c.session.tokenHash));
    return ok({{QStringLiteral("signedOut"), true}});
}

} // namespace hall::server
