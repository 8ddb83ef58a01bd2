#pragma once

#include <app/app_export.h>

#include <net/types.h>

#include <QObject>
#include <QStringList>
#include <QTimer>

namespace hall::net {
class HallClient;
struct ApiError;
}

namespace hall::app {

// What the people sign-in screen of every staff app does, without a window (tested against the
// real server): user name and password → signed in; or, when the server answers
// `password_expired` (a password set by an administrator, or older than the policy allows),
// the change-password step — current password, the new one twice, the server's rules shown
// beforehand and its refusals (complexity, history) said in words — and then signed in with
// the new password. A wrong password, a lockout (with the time to wait, counted down) and an
// unreachable server each get their own message, and nothing typed is lost by an error.
//
// Devices (kiosk, display, caller) do not sign in here: they keep a token (net::DeviceSignIn).
class HALL_APP_EXPORT SignInController : public QObject
{
    Q_OBJECT
public:
    enum class Step {
        Credentials,    // user name and password
        ChangePassword, // the server asked for a new password first
        SignedIn,
    };
    Q_ENUM(Step)

    explicit SignInController(net::HallClient *client, QObject *parent = nullptr);

    Step step() const { return m_step; }
    bool isBusy() const { return m_busy; }
    // The last problem, in words for the person; empty when there is none.
    QString message() const { return m_message; }
    // Why a new password is needed (the change step's heading).
    QString changeReason() const { return m_changeReason; }
    // The rules a new password must follow, one line each (from the server's policy).
    QStringList passwordRules() const { return m_rules; }
    // Seconds until a locked sign-in may be tried again; 0 when it may.
    int waitSeconds() const { return m_waitSeconds; }
    bool canSubmit() const { return !m_busy && m_waitSeconds == 0 && m_step != Step::SignedIn; }
    QString login() const { return m_login; }
    net::Session session() const { return m_session; }

    // Credentials step: sign in.
    void signIn(const QString &login, const QString &password);
    // Change step: the current password and the new one twice.
    void changePassword(const QString &current, const QString &newPassword, const QString &repeated);
    // Change step: back to the user name and password.
    void back();

    // Why `password` would be refused by the rules shown (checked again by the server, which
    // alone knows the history): empty when it looks acceptable.
    QString weakness(const QString &password) const;

Q_SIGNALS:
    void changed(); // step, busy, message or the wait
    void signedIn(const hall::net::Session &session);

private:
    void fail(const net::ApiError &error);
    void setStep(Step step);
    void setMessage(const QString &message);
    void setBusy(bool busy);
    void setPolicy(int minLength, int minClasses, int history, int maxAgeDays);
    void startWait(int seconds);
    void finish(const net::Session &session);

    net::HallClient *m_client;
    Step m_step = Step::Credentials;
    bool m_busy = false;
    QString m_message;
    QString m_changeReason;
    QStringList m_rules;
    int m_minLength = 8;
    int m_minClasses = 3;
    int m_waitSeconds = 0;
    QTimer m_wait;
    QString m_login;
    net::Session m_session;
};

} // namespace hall::app
