#include "controllers.h"

#include "commit.h"
#include "events.h"
#include "httpcore.h"
#include "halls.h"
#include "hallstore.h"
#include "sessions.h"

#include <core/jsonreader.h>
#include <core/logging.h>
#include <queue/engine.h>

#include <QJsonArray>
#include <QSet>
#include <QRandomGenerator>
#include <QThreadPool>

#include <climits>

namespace hall::server {

namespace {

class TokenWrite final : public PendingWrite
{
public:
    TokenWrite(AccountStore *accounts, QByteArray hash, qint64 accountId, QDateTime expires, AccountStore::TokenCertificate certificate)
        : m_accounts(accounts), m_hash(std::move(hash)), m_accountId(accountId), m_expires(std::move(expires)), m_certificate(std::move(certificate))
    {
    }
    bool write(QString *error) override { return m_accounts->saveToken(m_hash, m_accountId, m_expires, error, m_certificate); }

private:
    AccountStore *m_accounts;
    QByteArray m_hash;
    qint64 m_accountId;
    QDateTime m_expires;
    AccountStore::TokenCertificate m_certificate;
};

// Sessions signed in with a certificate that signs in no more (its mapping removed, or revoked
// by the hall CA) end once that is durable: `write` deletes their tokens and says which; their
// cached sessions and event streams go at once, as when an account is disabled.
class CertificateSessionsEnd final : public PendingWrite
{
public:
    using Write = std::function<bool(QList<QByteArray> *tokenHashes, QString *error)>;
    CertificateSessionsEnd(Sessions *sessions, EventHub *events, Write write, QString reason)
        : m_sessions(sessions), m_events(events), m_write(std::move(write)), m_reason(std::move(reason)) {}
    bool write(QString *error) override
    {
        m_ended.clear();
        return m_write(&m_ended, error);
    }
    void committed() override
    {
        for (const QByteArray &hash : std::as_const(m_ended)) {
            m_sessions->forget(hash);
            if (m_events)
                m_events->endSession(hash, m_reason);
        }
        if (!m_ended.isEmpty())
            qCInfo(lcServerAuth) << "ended" << m_ended.size() << "session(s) signed in with a withdrawn certificate";
    }

private:
    Sessions *m_sessions;
    EventHub *m_events;
    Write m_write;
    QString m_reason;
    QList<QByteArray> m_ended;
};

class PasswordSignInWrite final : public PendingWrite
{
public:
    PasswordSignInWrite(HallStore *halls, QString hall, bool allowed) : m_halls(halls), m_hall(std::move(hall)), m_allowed(allowed) {}
    bool write(QString *error) override { return m_halls->setPasswordSignIn(m_hall, m_allowed, error); }

private:
    HallStore *m_halls;
    QString m_hall;
    bool m_allowed;
};

// The cached session goes only once the deletion is durable: a failed sign-out leaves the token
// valid in the database, and the cache must agree with it.
class TokenRevoke final : public PendingWrite
{
public:
    TokenRevoke(Sessions *sessions, EventHub *events, QByteArray hash) : m_sessions(sessions), m_events(events), m_hash(std::move(hash)) {}
    bool write(QString *error) override { return m_sessions->accounts()->deleteToken(m_hash, error); }
    void committed() override
    {
        m_sessions->forget(m_hash);
        // Signed out means signed out everywhere at once, the event streams included.
        if (m_events)
            m_events->endSession(m_hash);
    }

private:
    Sessions *m_sessions;
    EventHub *m_events;
    QByteArray m_hash;
};

// Disabling ends the account's sessions and streams once the change is durable; enabling only
// lets it sign in again.
class AccountState final : public PendingWrite
{
public:
    AccountState(Sessions *sessions, EventHub *events, qint64 accountId, bool disabled)
        : m_sessions(sessions), m_events(events), m_accountId(accountId), m_disabled(disabled) {}
    bool write(QString *error) override { return m_sessions->accounts()->setDisabled(m_accountId, m_disabled, error); }
    void committed() override
    {
        m_sessions->forgetAccount(m_accountId);
        if (m_disabled && m_events)
            m_events->endAccount(m_accountId);
    }

private:
    Sessions *m_sessions;
    EventHub *m_events;
    qint64 m_accountId;
    bool m_disabled;
};

// A new password ends every session of the account (the database drops its tokens in the same
// transaction): whoever held one must sign in with the new password.
class PasswordWrite final : public PendingWrite
{
public:
    PasswordWrite(Sessions *sessions, EventHub *events, qint64 accountId, QString hash, int keep)
        : m_sessions(sessions), m_events(events), m_accountId(accountId), m_hash(std::move(hash)), m_keep(keep) {}
    bool write(QString *error) override
    {
        return m_sessions->accounts()->setPassword(m_accountId, m_hash, QDateTime::currentMSecsSinceEpoch(), m_keep, error);
    }
    void committed() override
    {
        m_sessions->forgetAccount(m_accountId);
        if (m_events)
            m_events->endAccount(m_accountId, AuthController::tr("The password of this account was changed; sign in again."));
    }

private:
    Sessions *m_sessions;
    EventHub *m_events;
    qint64 m_accountId;
    QString m_hash;
    int m_keep;
};

} // namespace

void AuthController::registerRoutes(RouteScope &routes)
{
    routes.post(QStringLiteral("auth/login"), [this](RequestContext &c) { return login(c); });
    routes.post(QStringLiteral("auth/certificate"), [this](RequestContext &c) { return certificateSignIn(c); });
    routes.post(QStringLiteral("auth/password"), [this](RequestContext &c) { return changePassword(c); });
    routes.post(QStringLiteral("auth/logout"), [this](RequestContext &c) { return logout(c); });
    routes.get(QStringLiteral("auth/ways"), [this](RequestContext &c) { return signInWays(c); });
    routes.post(QStringLiteral("admin/halls/{}/password-sign-in"), [this](RequestContext &c) {
        core::JsonReader r(c.body);
        const bool allowed = r.boolean(QStringLiteral("allowed"), true);
        if (!r.finish())
            return invalid(r.error());
        if (!c.body.value(QStringLiteral("allowed")).isBool())
            return invalid(tr("Say \"allowed\": true or false."));
        const QString hall = c.params.at(0);
        QString err;
        if (!m_hallStore.passwordSignIn(hall, &err))
            return err.isEmpty() ? errorReply(404, QStringLiteral("not_found"), tr("There is no hall \"%1\".").arg(hall))
                                 : errorReply(503, QStringLiteral("storage_unavailable"), tr("The halls could not be read: %1").arg(err));
        c.batch->add(std::make_unique<PasswordSignInWrite>(&m_hallStore, hall, allowed));
        qCInfo(lcServerAuth) << "password sign-in" << (allowed ? "allowed" : "refused") << "in hall" << hall;
        Reply reply = ok({{QStringLiteral("hall"), hall}, {QStringLiteral("password"), allowed && m_limits.passwordSignIn},
                          {QStringLiteral("hallAllowsPassword"), allowed}});
        reply.auditDetail = QStringLiteral("hall %1 password sign-in %2").arg(hall, allowed ? QStringLiteral("on") : QStringLiteral("off"));
        return reply;
    });
    routes.get(QStringLiteral("admin/accounts/{}/certificates"), [this](RequestContext &c) {
        AccountRecord a;
        QList<CertificateStore::Mapping> list;
        if (auto refused = mappingsOf(c.params.at(0), &a, &list))
            return *refused;
        QJsonArray out;
        for (const CertificateStore::Mapping &m : std::as_const(list))
            out.append(QJsonObject{{QStringLiteral("subject"), m.subject}, {QStringLiteral("issuer"), m.issuer},
                                   {QStringLiteral("addedAt"), m.addedAt.toString(Qt::ISODate)}});
        return ok({{QStringLiteral("login"), a.login}, {QStringLiteral("certificates"), out}});
    }).auditRead = true;
    routes.post(QStringLiteral("admin/accounts/{}/certificates/remove"), [this](RequestContext &c) {
        core::JsonReader r(c.body);
        const QString subject = r.string(QStringLiteral("subject"), true);
        const QString issuer = r.string(QStringLiteral("issuer"), true);
        if (!r.finish())
            return invalid(r.error());
        AccountRecord a;
        QList<CertificateStore::Mapping> list;
        if (auto refused = mappingsOf(c.params.at(0), &a, &list))
            return *refused;
        if (std::none_of(list.cbegin(), list.cend(), [&](const auto &m) { return m.subject == subject && m.issuer == issuer; }))
            return errorReply(404, QStringLiteral("not_found"), tr("This certificate subject is not assigned to %1.").arg(a.login));
        CertificateStore *store = &m_certificateStore;
        const qint64 accountId = a.id;
        c.batch->add(std::make_unique<CertificateSessionsEnd>(
            m_sessions, c.core ? &c.core->events() : nullptr,
            [store, accountId, issuer, subject](QList<QByteArray> *hashes, QString *error) {
                int removed = 0;
                return store->removeWithSessions(accountId, issuer, subject, &removed, hashes, error);
            },
            tr("The certificate you signed in with is no longer assigned to your account; sign in again.")));
        qCInfo(lcServerAuth) << "certificate mapping removed from account" << accountId;
        Reply reply = ok({{QStringLiteral("login"), a.login}, {QStringLiteral("removed"), true}});
        reply.auditDetail = QStringLiteral("certificate mapping removed from %1").arg(a.login); // the subject is a person's name
        return reply;
    });
    // The security administrator's view of the accounts: never a password hash.
    routes.get(QStringLiteral("admin/accounts"), [this](RequestContext &) {
        QList<AccountRecord> all;
        QString err;
        if (!m_sessions->accounts()->accounts(&all, &err))
            return errorReply(503, QStringLiteral("storage_unavailable"), tr("The accounts could not be read: %1").arg(err));
        QHash<qint64, QString> halls;
        for (qint64 id : m_halls->ids())
            halls.insert(id, m_halls->engine(id)->config().code);
        QJsonArray out;
        for (const AccountRecord &a : std::as_const(all)) {
            out.append(QJsonObject{{QStringLiteral("login"), a.login}, {QStringLiteral("name"), a.name}, {QStringLiteral("role"), a.role},
                                   {QStringLiteral("hall"), a.hallId ? QJsonValue(halls.value(a.hallId)) : QJsonValue()},
                                   {QStringLiteral("disabled"), a.disabled},
                                   {QStringLiteral("passwordToChange"), a.passwordChangedAt == 0 && !roles::isDevice(a.role)}});
        }
        return ok({{QStringLiteral("accounts"), out}});
    }).auditRead = true;
    for (const bool disable : {true, false}) {
        routes.post(disable ? QStringLiteral("admin/accounts/{}/disable") : QStringLiteral("admin/accounts/{}/enable"),
                    [this, disable](RequestContext &c) {
                        if (!c.body.isEmpty())
                            return invalid(tr("This request takes no body."));
                        const auto a = m_sessions->accounts()->account(c.params.at(0));
                        if (!a)
                            return errorReply(404, QStringLiteral("not_found"), tr("There is no account \"%1\".").arg(c.params.at(0)));
                        if (disable && a->id == c.actor())
                            return errorReply(409, QStringLiteral("invalid_state"), tr("An administrator cannot disable their own account."));
                        c.batch->add(std::make_unique<AccountState>(m_sessions, c.core ? &c.core->events() : nullptr, a->id, disable));
                        qCInfo(lcServerAuth) << (disable ? "disabled" : "enabled") << "account" << a->id;
                        return ok({{QStringLiteral("login"), a->login}, {QStringLiteral("disabled"), disable}});
                    });
    }
    routes.get(QStringLiteral("me"), [](RequestContext &c) {
        const AccountRecord &a = c.session.account;
        return ok({{QStringLiteral("id"), a.id}, {QStringLiteral("login"), a.login}, {QStringLiteral("name"), a.name},
                   {QStringLiteral("role"), a.role}, {QStringLiteral("expiresAt"), c.session.expiresAt.toString(Qt::ISODate)}});
    });
}

AuthController::AuthController(Sessions *sessions, Halls *halls, Limits limits)
    : m_sessions(sessions), m_halls(halls), m_limits(limits), m_accounts(limits.perAccount), m_addresses(limits.perAddress),
      m_hashers(std::make_unique<QThreadPool>()),
      // An unknown login costs the same hash as a known one, so timing does not tell them apart.
      m_unknownHash(AccountStore::hashPassword(QStringLiteral("no such account"))), m_certificateStore(sessions->accounts()->database()),
      m_hallStore(sessions->accounts()->database(), sessions->accounts())
{
    m_hashers->setMaxThreadCount(std::max(1, limits.hashThreads));
}

AuthController::~AuthController()
{
    // Hashes in flight finish into a core that is going away; their answers are dropped.
    m_hashers->waitForDone();
    if (const QString line = m_throttleLog.flush(QDateTime::currentMSecsSinceEpoch()); !line.isEmpty())
        qCInfo(lcServerAuth).noquote() << line;
}

std::optional<Reply> AuthController::admit(const QString &login, const QHostAddress &peer)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QString accountKey = login.toCaseFolded();
    const QString addressKey = peer.toString();
    const qint64 wait = std::max(m_accounts.waitMs(accountKey, now), m_addresses.waitMs(addressKey, now));
    if (wait > 0) {
        if (const QString line = m_throttleLog.note(addressKey, now); !line.isEmpty())
            qCInfo(lcServerAuth).noquote() << line;
        const qint64 seconds = (wait + 999) / 1000;
        return tooManyRequests(QStringLiteral("too_many_attempts"),
                               tr("Too many sign-in attempts; try again in %n second(s).", nullptr, int(std::min<qint64>(seconds, INT_MAX))),
                               seconds);
    }
    if (m_hashing >= m_limits.maxHashesWaiting)
        return errorReply(503, QStringLiteral("busy"), tr("Too many sign-ins at once; try again in a moment."));
    m_accounts.attempt(accountKey, now);
    m_addresses.attempt(addressKey, now);
    ++m_hashing;
    return std::nullopt;
}

void AuthController::checked(const QString &login, const QHostAddress &peer, bool ok)
{
    --m_hashing;
    if (ok) {
        m_accounts.succeeded(login.toCaseFolded());
        m_addresses.refund(peer.toString()); // only failures count against an address
    }
}

Reply AuthController::login(RequestContext &c)
{
    core::JsonReader r(c.body);
    const QString login = r.string(QStringLiteral("login"), true);
    const QString password = r.string(QStringLiteral("password"), true);
    const QString hall = r.string(QStringLiteral("hall"), false);
    if (!r.finish())
        return invalid(r.error());
    if (auto refused = passwordRefused(login, hall))
        return *refused;
    if (auto refused = admit(login, c.peer))
        return *refused;

    const std::optional<AccountRecord> account = m_sessions->accounts()->account(login);
    const QString stored = account ? account->passwordHash : m_unknownHash;
    const bool demoPassword = !m_limits.demo && Passwords::isDemoPassword(password);
    const Deferred deferred = c.defer();
    const QHostAddress peer = c.peer;
    m_hashers->start([this, deferred, password, stored, account, login, peer, demoPassword] {
        const bool passwordOk = AccountStore::verifyPassword(password, stored);
        deferred.finish([this, passwordOk, account, login, peer, demoPassword](CommitBatch &batch) {
            Reply reply = finishSignIn(batch, passwordOk, account, login, peer, demoPassword);
            reply.auditDetail = QStringLiteral("login ") + login;
            return reply;
        });
    });
    return later();
}

std::optional<Reply> AuthController::passwordRefused(const QString &login, const QString &hall)
{
    QString err;
    // The hall the sign-in screen is for: "certificates only" there is said before anything is
    // checked, to everyone alike.
    const std::optional<bool> hallAllows = hall.isEmpty() ? std::optional<bool>(true) : m_hallStore.passwordSignIn(hall, &err);
    if (!hallAllows)
        return err.isEmpty() ? errorReply(404, QStringLiteral("not_found"), tr("There is no hall \"%1\".").arg(hall))
                             : errorReply(503, QStringLiteral("storage_unavailable"), tr("The halls could not be read: %1").arg(err));
    if (m_limits.passwordSignIn && *hallAllows)
        return std::nullopt;
    // An unknown login gets the same answer as a person's, so this tells no one who exists.
    const std::optional<AccountRecord> account = m_sessions->accounts()->account(login);
    if (account && roles::isDevice(account->role))
        return std::nullopt;
    return passwordOff(login);
}

Reply AuthController::passwordOff(const QString &login)
{
    qCInfo(lcServerAuth) << "refused a password (people sign in by certificate here)"; // not what was typed as the login
    Reply reply = errorReply(403, QStringLiteral("password_sign_in_off"),
                             tr("This hall signs people in by certificate only; sign in with your certificate or USB key."));
    reply.auditDetail = QStringLiteral("login %1: password_sign_in_off").arg(login);
    return reply;
}

bool AuthController::hallRefusesPasswords(const AccountRecord &account)
{
    if (roles::isDevice(account.role) || !account.hallId)
        return false;
    QString err;
    // A hall that cannot be read refuses: the setting may be "certificates only".
    return !m_hallStore.passwordSignIn(account.hallId, &err).value_or(false);
}

std::optional<Reply> AuthController::mappingsOf(const QString &login, AccountRecord *account, QList<CertificateStore::Mapping> *list)
{
    const auto a = m_sessions->accounts()->account(login);
    if (!a)
        return errorReply(404, QStringLiteral("not_found"), tr("There is no account \"%1\".").arg(login));
    QString err;
    if (!m_certificateStore.list(a->id, list, &err))
        return errorReply(503, QStringLiteral("storage_unavailable"), tr("The certificates could not be read: %1").arg(err));
    *account = *a;
    return std::nullopt;
}

Reply AuthController::signInWays(RequestContext &c)
{
    const QString hall = c.query.queryItemValue(QStringLiteral("hall"));
    bool password = m_limits.passwordSignIn;
    if (!hall.isEmpty()) {
        QString err;
        const std::optional<bool> allows = m_hallStore.passwordSignIn(hall, &err);
        if (!allows)
            return err.isEmpty() ? errorReply(404, QStringLiteral("not_found"), tr("There is no hall \"%1\".").arg(hall))
                                 : errorReply(503, QStringLiteral("storage_unavailable"), tr("The halls could not be read: %1").arg(err));
        password = password && *allows;
    }
    return ok({{QStringLiteral("hall"), hall.isEmpty() ? QJsonValue() : QJsonValue(hall)},
               {QStringLiteral("password"), password},
               {QStringLiteral("certificate"), m_certificates && m_certificates->isEnabled()}});
}

void AuthController::endRevokedSessions(CommitBatch &batch, EventHub *events)
{
    if (!m_certificates || m_certificates->crlGeneration() == m_crlGenerationChecked)
        return;
    m_crlGenerationChecked = m_certificates->crlGeneration();
    ClientCertificates *certificates = m_certificates;
    CertificateStore *store = &m_certificateStore;
    // Which sessions the list revokes is decided when the batch commits, on the tokens then.
    batch.add(std::make_unique<CertificateSessionsEnd>(
        m_sessions, events,
        [certificates, store](QList<QByteArray> *hashes, QString *error) {
            QList<CertificateStore::CertificateSession> live;
            if (!store->certificateSessions(&live, error))
                return false;
            for (const auto &s : std::as_const(live)) {
                if (certificates->isRevoked(s.issuer, s.serial))
                    hashes->append(s.tokenHash);
            }
            return store->deleteTokens(*hashes, error);
        },
        tr("The certificate you signed in with has been revoked by the hall CA.")));
}

void AuthController::endSessionsEndedElsewhere(EventHub *events)
{
    QList<QByteArray> live = m_sessions->liveTokens();
    if (events)
        live += events->sessionTokens();
    std::sort(live.begin(), live.end());
    live.erase(std::unique(live.begin(), live.end()), live.end());
    if (live.isEmpty())
        return;
    QHash<QByteArray, AccountStore::TokenState> states;
    QString err;
    if (!m_sessions->accounts()->tokenStates(live, &states, &err)) {
        qCWarning(lcServerAuth) << "cannot check the sessions against the database:" << err;
        return;
    }
    QSet<qint64> disabled;
    int ended = 0;
    for (const QByteArray &hash : std::as_const(live)) {
        const auto it = states.constFind(hash);
        if (it == states.constEnd()) {
            m_sessions->forget(hash);
            if (events)
                events->endSession(hash, tr("This session was ended on the server (by an administrator); sign in again."));
            ++ended;
        } else if (it->disabled) {
            disabled.insert(it->accountId);
        }
    }
    for (qint64 accountId : std::as_const(disabled)) {
        m_sessions->forgetAccount(accountId);
        if (events)
            events->endAccount(accountId);
    }
    if (ended || !disabled.isEmpty())
        qCInfo(lcServerAuth) << "ended" << ended << "session(s) withdrawn and the sessions of" << disabled.size()
                             << "account(s) disabled outside this server";
}

// The TLS handshake has proved the client holds the certificate's private key; what is left is
// whether the hall's CA vouches for the certificate now and which account it is.
Reply AuthController::certificateSignIn(RequestContext &c)
{
    if (!c.body.isEmpty())
        return invalid(tr("This request takes no body."));
    const std::optional<CertificateNames> names =
        c.peerCertificates.isEmpty() ? std::nullopt : CertificateNames::of(c.peerCertificates.first());
    const QString what = names ? names->brief() : QStringLiteral("no certificate");
    const auto refuse = [&](int status, const QString &code, const QString &message) {
        qCInfo(lcServerAuth).noquote() << "certificate sign-in refused:" << code << what;
        Reply reply = errorReply(status, code, message);
        reply.auditDetail = QStringLiteral("certificate %1: %2").arg(what, code);
        return reply;
    };
    ClientCertificates::Verdict verdict;
    if (m_certificates)
        verdict = m_certificates->verify(c.peerCertificates);
    else
        verdict = ClientCertificates().verify(c.peerCertificates); // says that the sign-in is off
    if (!verdict.ok)
        return refuse(verdict.status, verdict.code, verdict.message);
    QString err;
    const QString login = m_certificateStore.loginFor(names->issuer, names->subject, &err);
    if (!err.isEmpty())
        return refuse(503, QStringLiteral("storage_unavailable"), tr("The account of this certificate cannot be read; try again."));
    if (login.isEmpty())
        return refuse(403, QStringLiteral("certificate_not_mapped"),
                      tr("This certificate is not assigned to an account here; an administrator assigns it with "
                         "\"hall-server account certificate add\"."));
    const std::optional<AccountRecord> account = m_sessions->accounts()->account(login);
    if (!account || account->disabled)
        return refuse(403, QStringLiteral("account_disabled"), tr("The account of this certificate is disabled."));
    Reply reply = signIn(*c.batch, *account, {names->issuer, names->subject, names->serial});
    reply.auditDetail = QStringLiteral("certificate %1 %2").arg(login, what);
    qCInfo(lcServerAuth).noquote() << "certificate sign-in of" << login << what;
    return reply;
}

Reply AuthController::finishSignIn(CommitBatch &batch, bool passwordOk, const std::optional<AccountRecord> &account,
                                   const QString &login, const QHostAddress &peer, bool demoPassword)
{
    const bool ok = passwordOk && account && !account->disabled;
    checked(login, peer, ok && !demoPassword);
    if (!ok) {
        // What was typed stays out of the log unless it is an account: a login can be a
        // person's name or ID number typed into the wrong field.
        if (account)
            qCInfo(lcServerAuth) << "failed sign-in for" << account->login;
        else
            qCInfo(lcServerAuth) << "failed sign-in for a login that is no account";
        return errorReply(401, QStringLiteral("bad_credentials"), tr("The login or password is wrong."));
    }
    // Said only to whoever knows the password, so it tells no one which hall a login is in.
    if (hallRefusesPasswords(*account)) {
        Reply reply = passwordOff(login);
        reply.auditDetail.clear(); // the caller's
        return reply;
    }
    // Counted as a failure: everyone knows these passwords.
    if (demoPassword) {
        qCWarning(lcServerAuth) << "refused a demo password for" << login << "(the server does not run the demo)";
        return errorReply(403, QStringLiteral("demo_password"),
                          tr("This password is published with the demo data and is not accepted here; "
                             "an administrator sets a new one with \"hall-server account password\"."));
    }
    AccountRecord a = *account;
    if (m_limits.demo && a.passwordChangedAt <= 0)
        a.passwordChangedAt = QDateTime::currentMSecsSinceEpoch(); // the demo's seeded passwords stay usable
    if (Passwords::mustChange(m_limits.passwords, a, QDateTime::currentMSecsSinceEpoch())) {
        qCInfo(lcServerAuth) << "password of" << login << "must be changed first";
        Reply r = errorReply(403, QStringLiteral("password_expired"),
                             a.passwordChangedAt <= 0
                                 ? tr("This password was set for you; choose your own with POST /api/v1/auth/password before signing in.")
                                 : tr("This password is older than %n day(s); choose a new one with POST /api/v1/auth/password.",
                                      nullptr, m_limits.passwords.maxAgeDays));
        // What the new password must be like, so the sign-in screen can say it before it is refused.
        QJsonObject error = r.body.value(QStringLiteral("error")).toObject();
        error.insert(QStringLiteral("reason"), a.passwordChangedAt <= 0 ? QStringLiteral("set_by_someone_else") : QStringLiteral("too_old"));
        error.insert(QStringLiteral("policy"), QJsonObject{{QStringLiteral("minLength"), m_limits.passwords.minLength},
                                                           {QStringLiteral("minClasses"), m_limits.passwords.minClasses},
                                                           {QStringLiteral("history"), m_limits.passwords.history},
                                                           {QStringLiteral("maxAgeDays"), m_limits.passwords.maxAgeDays}});
        r.body.insert(QStringLiteral("error"), error);
        return r;
    }
    return signIn(batch, a);
}

Reply AuthController::changePassword(RequestContext &c)
{
    core::JsonReader r(c.body);
    const QString login = r.string(QStringLiteral("login"), true);
    const QString password = r.string(QStringLiteral("password"), true);
    const QString newPassword = r.string(QStringLiteral("newPassword"), true);
    if (!r.finish())
        return invalid(r.error());
    // What the new password is like is checked before anything is counted or hashed.
    const QString weakness = Passwords::weakness(m_limits.passwords, login, newPassword);
    if (!weakness.isEmpty())
        return errorReply(422, QStringLiteral("weak_password"), weakness);
    if (auto refused = passwordRefused(login, {}))
        return *refused;
    if (auto refused = admit(login, c.peer))
        return *refused;

    const std::optional<AccountRecord> account = m_sessions->accounts()->account(login);
    const QString stored = account ? account->passwordHash : m_unknownHash;
    // Anyone could take over an account by "changing" a published password first.
    const bool demoPassword = !m_limits.demo && Passwords::isDemoPassword(password);
    const int keep = std::max(m_limits.passwords.history - 1, 0);
    const QStringList history = account ? m_sessions->accounts()->passwordHistory(account->id, keep) : QStringList();
    const Deferred deferred = c.defer();
    const QHostAddress peer = c.peer;
    EventHub *events = c.core ? &c.core->events() : nullptr;
    m_hashers->start([=, this] {
        const bool passwordOk = AccountStore::verifyPassword(password, stored);
        bool reused = false;
        if (passwordOk) {
            reused = m_limits.passwords.history > 0 && AccountStore::verifyPassword(newPassword, stored);
            for (const QString &old : history)
                reused = reused || AccountStore::verifyPassword(newPassword, old);
        }
        const QString hash = passwordOk && !reused ? AccountStore::hashPassword(newPassword) : QString();
        deferred.finish([=, this](CommitBatch &batch) {
            const bool accepted = passwordOk && account && !account->disabled && !demoPassword;
            checked(login, peer, accepted);
            if (!accepted) {
                qCInfo(lcServerAuth) << "failed password change for" << login;
                return errorReply(401, QStringLiteral("bad_credentials"), tr("The login or password is wrong."));
            }
            if (hallRefusesPasswords(*account))
                return passwordOff(login);
            if (reused)
                return errorReply(422, QStringLiteral("password_reused"),
                                  tr("Choose a password other than your last %n.", nullptr, m_limits.passwords.history));
            batch.add(std::make_unique<PasswordWrite>(m_sessions, events, account->id, hash, keep));
            qCInfo(lcServerAuth) << "password changed for" << login;
            const qint64 days = m_limits.passwords.maxAgeDays;
            const bool device = roles::isDevice(account->role);
            return ok({{QStringLiteral("changed"), true},
                       {QStringLiteral("expiresAt"), days > 0 && !device ? QJsonValue(QDateTime::currentDateTime().addDays(days).toString(Qt::ISODate))
                                                                         : QJsonValue()}});
        });
    });
    return later();
}

Reply AuthController::signIn(CommitBatch &batch, const AccountRecord &a, const AccountStore::TokenCertificate &certificate)
{
    QByteArray raw(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(raw.data()), reinterpret_cast<quint32 *>(raw.data() + raw.size()));
    const QByteArray token = raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    // Devices stay signed in for a month; people for a working day.
    const bool device = roles::isDevice(a.role);
    const QDateTime expires = QDateTime::currentDateTime().addSecs(device ? 30 * 86400 : 12 * 3600);
    batch.add(std::make_unique<TokenWrite>(m_sessions->accounts(), Sessions::hashToken(token), a.id, expires, certificate));
    qCInfo(lcServerAuth) << "signed in" << a.login << "as" << a.role;
    const QString hall = m_halls->codeOf(a.hallId);
    return ok({{QStringLiteral("token"), QString::fromLatin1(token)},
               {QStringLiteral("expiresAt"), expires.toString(Qt::ISODate)},
               {QStringLiteral("role"), a.role},
               {QStringLiteral("name"), a.name},
               {QStringLiteral("hall"), hall.isEmpty() ? QJsonValue() : QJsonValue(hall)}});
}

Reply AuthController::logout(RequestContext &c)
{
    c.batch->add(std::make_unique<TokenRevoke>(m_sessions, c.core ? &c.core->events() : nullptr, c.session.tokenHash));
    return ok({{QStringLiteral("signedOut"), true}});
}

} // namespace hall::server
