#include "signincontroller.h"

#include <core/passwordclasses.h>
#include <net/apierror.h>
#include <net/hallclient.h>

#include <QDir>
#include <QFileInfo>
#include <QHash>

#include <algorithm>

namespace hall::app {

SignInSettings::SignInSettings(QObject *parent)
    : AspectContainer(QStringLiteral("signIn"), tr("Sign-in"), parent),
      pkcs11Module(this, QStringLiteral("pkcs11Module"), tr("PKCS#11 module of the USB keys"),
                   QStringLiteral("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so")),
      certificateStore(this, QStringLiteral("certificateStore"), tr("Certificate store of this PC (NSS database folder; empty: the user's own)"), QString())
{
}

SignInController::SignInController(net::HallClient *client, QObject *parent) : QObject(parent), m_client(client)
{
    setPolicy(m_minLength, m_minClasses, 5, 90); // the server's defaults until it says otherwise
    // Precise: a coarse timer may tick up to 5 % early, and the last second would then end
    // before the server's wait does (a try at "now" answered 429 again).
    m_wait.setTimerType(Qt::PreciseTimer);
    m_wait.setInterval(1000);
    connect(&m_wait, &QTimer::timeout, this, [this] {
        if (--m_waitSeconds <= 0) {
            m_waitSeconds = 0;
            m_wait.stop();
            setMessage(tr("You may try again now."));
        } else {
            setMessage(tr("Too many attempts. Try again in %n second(s).", nullptr, m_waitSeconds));
        }
    });
}

void SignInController::signIn(const QString &login, const QString &password)
{
    if (!canSubmit())
        return;
    m_login = login.trimmed();
    if (m_login.isEmpty() || password.isEmpty()) {
        setMessage(m_login.isEmpty() ? tr("Enter your user name.") : tr("Enter your password."));
        return;
    }
    setBusy(true);
    setMessage({});
    m_client->signIn(m_login, password, this, [this](const net::Result<net::Session> &r) {
        setBusy(false);
        if (r)
            finish(*r);
        else
            fail(r.error());
    });
}

void SignInController::changePassword(const QString &current, const QString &newPassword, const QString &repeated)
{
    if (!canSubmit() || m_step != Step::ChangePassword)
        return;
    QString problem;
    if (current.isEmpty())
        problem = tr("Enter your current password.");
    else if (newPassword != repeated)
        problem = tr("The two new passwords differ; type the same one twice.");
    else if (newPassword == current)
        problem = tr("The new password must differ from the current one.");
    else
        problem = weakness(newPassword);
    if (!problem.isEmpty()) {
        setMessage(problem);
        return;
    }
    setBusy(true);
    setMessage({});
    m_client->changePassword(m_login, current, newPassword, this, [this, newPassword](const net::Result<bool> &changed) {
        if (!changed) {
            setBusy(false);
            fail(changed.error());
            return;
        }
        // Changed: sign in with it, as the person would next.
        m_client->signIn(m_login, newPassword, this, [this](const net::Result<net::Session> &r) {
            setBusy(false);
            if (r)
                finish(*r);
            else
                fail(r.error());
        });
    });
}

void SignInController::back()
{
    if (m_busy || m_step != Step::ChangePassword)
        return;
    setMessage({});
    setStep(Step::Credentials);
}

QString SignInController::weakness(const QString &password) const
{
    if (password.size() < m_minLength)
        return tr("The new password needs at least %n character(s).", nullptr, m_minLength);
    if (core::passwordCharacterClasses(password) < m_minClasses)
        return tr("The new password must mix at least %1 of: lower-case letters, upper-case letters, digits, other characters.").arg(m_minClasses);
    if (!m_login.isEmpty() && password.contains(m_login, Qt::CaseInsensitive))
        return tr("The new password must not contain your user name.");
    return {};
}

void SignInController::setWay(Way way)
{
    if (m_busy || m_step == Step::ChangePassword || (way == Way::Password && !m_ways.password) || m_way == way)
        return;
    m_way = way;
    setMessage({});
}

void SignInController::checkWays(const QString &hall)
{
    m_client->signInWays(hall, this, [this](const net::Result<net::SignInWays> &r) {
        if (!r)
            return; // the sign-in itself will say what is wrong
        m_ways = *r;
        m_waysKnown = true;
        if (!m_ways.password && m_way == Way::Password && m_step == Step::Credentials)
            m_way = Way::Certificate;
        Q_EMIT changed();
    });
}

void SignInController::signInWithFile(const QString &file, const QString &password)
{
    if (!canSubmit())
        return;
    if (file.isEmpty()) {
        setMessage(tr("Choose your certificate file (.p12 or .pfx)."));
        return;
    }
    net::ClientIdentity identity;
    QString error;
    net::ClientIdentities::Problem problem;
    if (!net::ClientIdentities::fromPkcs12(file, password.toUtf8(), &identity, &error, &problem)) {
        failIdentity(problem, error, Source::File);
        return;
    }
    signInWithIdentity(identity);
}

void SignInController::refreshTokens()
{
    QString error;
    m_tokens.clear();
    if (!net::ClientIdentities::tokens(m_module, &m_tokens, &error))
        setMessage(tr("The USB keys cannot be read: %1").arg(error));
    else if (m_tokens.isEmpty())
        setMessage(tr("No USB key is plugged in. Plug in your USB key and press Refresh."));
    else
        setMessage({});
}

QString SignInController::pinState(const net::TokenInfo &token)
{
    if (token.pinLocked)
        return tr("This USB key is locked after too many wrong PINs; its issuer must unlock it.");
    if (token.pinFinalTry)
        return tr("Last try: one more wrong PIN locks this USB key.");
    if (token.pinCountLow)
        return tr("A wrong PIN was entered before; few tries are left.");
    return {};
}

void SignInController::signInWithToken(const QString &uri, const QString &pin)
{
    if (!canSubmit())
        return;
    if (uri.isEmpty()) {
        setMessage(tr("Choose the certificate on your USB key."));
        return;
    }
    if (pin.isEmpty()) {
        setMessage(tr("Enter the PIN of your USB key."));
        return;
    }
    signInWithPkcs11(Source::UsbKey, uri, pin);
}

QString SignInController::certificateStore() const
{
    return m_storeFolder.isEmpty() ? net::Pkcs11Module::defaultNssDatabase() : m_storeFolder;
}

void SignInController::refreshStore()
{
    m_storeTokens.clear();
    const QString folder = certificateStore();
    QString error;
    // NSS would make an empty store where none is; a missing one is said as such.
    if (!QFileInfo::exists(QDir(folder).filePath(QStringLiteral("cert9.db"))))
        m_storeNote = tr("This PC has no certificate store for you (%1). Install your certificate from the hall's enrolment page, or use your USB key.")
                          .arg(QDir::toNativeSeparators(folder));
    else if (!net::ClientIdentities::tokens(net::Pkcs11Module::nssDatabase(folder), &m_storeTokens, &error))
        m_storeNote = tr("This PC's certificate store cannot be read: %1").arg(error);
    else if (std::all_of(m_storeTokens.cbegin(), m_storeTokens.cend(), [](const net::TokenInfo &t) { return t.certificates.isEmpty(); }))
        m_storeNote = storeNeedsPassword()
            ? tr("This PC's certificate store holds no certificate for signing in.")
            : tr("This PC's certificate store holds no certificate with its key for signing in.");
    else
        m_storeNote.clear();
    Q_EMIT changed();
}

bool SignInController::storeNeedsPassword() const
{
    return std::any_of(m_storeTokens.cbegin(), m_storeTokens.cend(),
                       [](const net::TokenInfo &t) { return !t.certificates.isEmpty() && t.pinRequired; });
}

void SignInController::signInWithStore(const QString &uri, const QString &password)
{
    if (!canSubmit())
        return;
    if (uri.isEmpty()) {
        setMessage(tr("Choose your certificate in this PC's certificate store."));
        return;
    }
    if (password.isEmpty() && storeNeedsPassword()) {
        setMessage(tr("Enter the password of this PC's certificate store."));
        return;
    }
    signInWithPkcs11(Source::Store, uri, password);
}

void SignInController::signInWithPkcs11(Source source, const QString &uri, const QString &pin)
{
    const net::Pkcs11Module module = source == Source::Store ? net::Pkcs11Module::nssDatabase(certificateStore()) : net::Pkcs11Module(m_module);
    net::ClientIdentity identity;
    QString error;
    net::ClientIdentities::Problem problem;
    if (!net::ClientIdentities::fromPkcs11(module, uri, pin.toUtf8(), &identity, &error, &problem)) {
        failIdentity(problem, error, source);
        // What the token says of its PIN now (a wrong one entered, last try, locked), for the
        // screen to show beside the PIN.
        QList<net::TokenInfo> now;
        QString ignored;
        if (net::ClientIdentities::tokens(module, &now, &ignored)) {
            (source == Source::Store ? m_storeTokens : m_tokens) = now;
            Q_EMIT changed();
        }
        return;
    }
    signInWithIdentity(identity);
}

void SignInController::signInWithIdentity(const net::ClientIdentity &identity)
{
    if (m_client->server().scheme() != QLatin1String("https")) {
        setMessage(tr("Certificates sign in only over a secure (https) connection; ask the administrator to set this PC up for it."));
        return;
    }
    m_client->setClientIdentity(identity);
    setBusy(true);
    setMessage({});
    m_client->signInWithCertificate(this, [this](const net::Result<net::Session> &r) {
        setBusy(false);
        // The certificate was for this sign-in: the token carries the session from here.
        m_client->setClientIdentity({});
        if (r)
            finish(*r);
        else
            fail(r.error());
    });
}

void SignInController::failIdentity(net::ClientIdentities::Problem problem, const QString &detail, Source source)
{
    using P = net::ClientIdentities::Problem;
    if (source == Source::Store) {
        switch (problem) {
        case P::WrongPin:
            setMessage(tr("The password of this PC's certificate store is wrong."));
            return;
        case P::NoModule:
            setMessage(tr("This PC's certificate store cannot be opened (%1). Is NSS (libnss3) installed?").arg(detail));
            return;
        case P::NoToken:
        case P::NoKey:
            setMessage(tr("The certificate is no longer in this PC's certificate store with its key. Press Refresh and choose again."));
            return;
        default:
            setMessage(detail);
            return;
        }
    }
    switch (problem) {
    case P::WrongPassword:
        setMessage(tr("The certificate file cannot be opened: the password is wrong, or it is not a certificate file (.p12/.pfx)."));
        break;
    case P::WrongPin:
        setMessage(tr("The PIN is wrong."));
        break;
    case P::PinLocked:
        setMessage(tr("This USB key is locked after too many wrong PINs; its issuer must unlock it."));
        break;
    case P::NoToken:
        setMessage(tr("The USB key is not plugged in (or not the one chosen). Plug it in and press Refresh."));
        break;
    case P::NoModule:
        setMessage(tr("USB keys cannot be used on this PC: the PKCS#11 module in the settings cannot be loaded (%1).").arg(detail));
        break;
    case P::NoKey:
        setMessage(tr("The USB key holds no usable certificate and key: %1").arg(detail));
        break;
    default:
        setMessage(detail);
    }
}

void SignInController::fail(const net::ApiError &e)
{
    if (e.isTransport()) {
        setMessage(tr("The hall server cannot be reached, so you cannot sign in now. %1").arg(e.message));
        return;
    }
    // The certificate sign-in's refusals, in words for the officer.
    static const QHash<QString, const char *> certificateProblems{
        {QStringLiteral("certificate_expired"), QT_TR_NOOP("Your certificate has expired. Ask the hall's certificate administrator for a new one.")},
        {QStringLiteral("certificate_not_yet_valid"), QT_TR_NOOP("Your certificate is not valid yet. Check the date and time of this PC.")},
        {QStringLiteral("certificate_revoked"), QT_TR_NOOP("Your certificate has been revoked and no longer signs in. Ask the hall's certificate administrator.")},
        {QStringLiteral("certificate_untrusted"), QT_TR_NOOP("This certificate was not issued by this hall's certificate authority, so it cannot sign in here.")},
        {QStringLiteral("certificate_wrong_usage"), QT_TR_NOOP("This certificate is not meant for signing in. Ask for a sign-in certificate.")},
        {QStringLiteral("certificate_not_mapped"), QT_TR_NOOP("This certificate is not assigned to any account here. Ask the security administrator to assign it to yours.")},
        {QStringLiteral("certificate_required"), QT_TR_NOOP("No certificate reached the server. Choose your certificate and try again.")},
        {QStringLiteral("certificate_sign_in_off"), QT_TR_NOOP("This server does not take certificates. Sign in with your password.")},
        {QStringLiteral("crl_unavailable"), QT_TR_NOOP("Certificates cannot be checked now (the revocation list is out of date). Tell the administrator.")},
        {QStringLiteral("account_disabled"), QT_TR_NOOP("The account of this certificate is disabled.")},
        {QStringLiteral("password_sign_in_off"), QT_TR_NOOP("This hall signs people in by certificate only. Use your certificate file or USB key.")},
    };
    if (const auto it = certificateProblems.constFind(e.code); it != certificateProblems.constEnd()) {
        if (e.code == QLatin1String("password_sign_in_off")) {
            m_ways.password = false;
            m_way = Way::Certificate;
        }
        setMessage(tr(it.value()));
        return;
    }
    if (e.code == QLatin1String("bad_credentials")) {
        setMessage(m_step == Step::ChangePassword ? tr("The current password is wrong.") : tr("The user name or password is wrong."));
    } else if (e.code == QLatin1String("too_many_attempts")) {
        startWait(std::max(1, e.retryAfterSeconds));
    } else if (e.code == QLatin1String("password_expired")) {
        const QJsonObject policy = e.errorObject.value(QStringLiteral("policy")).toObject();
        if (!policy.isEmpty()) {
            setPolicy(policy.value(QStringLiteral("minLength")).toInt(m_minLength), policy.value(QStringLiteral("minClasses")).toInt(m_minClasses),
                      policy.value(QStringLiteral("history")).toInt(5), policy.value(QStringLiteral("maxAgeDays")).toInt(90));
        }
        m_changeReason = e.errorObject.value(QStringLiteral("reason")).toString() == QLatin1String("too_old")
            ? tr("Your password has expired. Choose a new one to sign in.")
            : tr("Your password was set by an administrator. Choose your own to sign in.");
        setMessage({});
        setStep(Step::ChangePassword);
    } else if (e.code == QLatin1String("weak_password") || e.code == QLatin1String("password_reused")
               || e.code == QLatin1String("demo_password")) {
        setMessage(e.message); // the server's rule, in its words
    } else {
        setMessage(tr("Sign-in was refused: %1").arg(e.message));
    }
}

void SignInController::finish(const net::Session &session)
{
    m_session = session;
    setMessage({});
    setStep(Step::SignedIn);
    Q_EMIT signedIn(session);
}

void SignInController::setPolicy(int minLength, int minClasses, int history, int maxAgeDays)
{
    m_minLength = minLength;
    m_minClasses = minClasses;
    m_rules = QStringList{tr("At least %n character(s).", nullptr, minLength),
                          tr("At least %1 of: lower-case letters, upper-case letters, digits, other characters.").arg(minClasses),
                          tr("Not containing your user name.")};
    if (history > 0)
        m_rules << tr("None of your last %n password(s).", nullptr, history);
    if (maxAgeDays > 0)
        m_rules << tr("It must be changed again after %n day(s).", nullptr, maxAgeDays);
}

void SignInController::startWait(int seconds)
{
    m_waitSeconds = seconds;
    m_wait.start();
    setMessage(tr("Too many attempts. Try again in %n second(s).", nullptr, m_waitSeconds));
}

void SignInController::setStep(Step step)
{
    if (m_step == step)
        return;
    m_step = step;
    Q_EMIT changed();
}

void SignInController::setMessage(const QString &message)
{
    m_message = message;
    Q_EMIT changed();
}

void SignInController::setBusy(bool busy)
{
    m_busy = busy;
    Q_EMIT changed();
}

} // namespace hall::app
