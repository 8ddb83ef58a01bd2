#include "signincontroller.h"

#include <core/passwordclasses.h>
#include <net/apierror.h>
#include <net/hallclient.h>

namespace hall::app {

SignInController::SignInController(net::HallClient *client, QObject *parent) : QObject(parent), m_client(client)
{
    setPolicy(m_minLength, m_minClasses, 5, 90); // the server's defaults until it says otherwise
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

void SignInController::fail(const net::ApiError &e)
{
    if (e.isTransport()) {
        setMessage(tr("The hall server cannot be reached, so you cannot sign in now. %1").arg(e.message));
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
