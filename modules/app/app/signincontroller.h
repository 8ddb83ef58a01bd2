#pragma once

#include <app/app_export.h>
#include <app/aspects.h>

#include <net/clientidentity.h>
#include <net/types.h>

#include <QObject>
#include <QStringList>
#include <QTimer>

namespace hall::net {
class HallClient;
struct ApiError;
}

namespace hall::app {

// The sign-in settings of a staff PC: where its USB keys' PKCS#11 module is (the vendor's
// .so/.dll; OpenSC's serves most Chinese USB keys), and its certificate store (an NSS database;
// empty: the user's own, ~/.pki/nssdb).
class HALL_APP_EXPORT SignInSettings : public AspectContainer
{
    Q_OBJECT
public:
    explicit SignInSettings(QObject *parent = nullptr);
    StringAspect pkcs11Module;
    StringAspect certificateStore;
};

// What the people sign-in screen of every staff app does, without a window (tested against the
// real server): user name and password → signed in; or, when the server answers
// `password_expired` (a password set by an administrator, or older than the policy allows),
// the change-password step — current password, the new one twice, the server's rules shown
// beforehand and its refusals (complexity, history) said in words — and then signed in with
// the new password. A wrong password, a lockout (with the time to wait, counted down) and an
// unreachable server each get their own message, and nothing typed is lost by an error.
//
// The other way in is a certificate: a PKCS#12 file and its password, a USB key (a PKCS#11
// token: its certificates listed, the PIN asked for, its PIN state said when the token tells it),
// or this PC's certificate store (NSS's database, reached as a PKCS#11 module: its certificates
// that can sign in listed, its password asked for where it has one), presented over mutual TLS
// to POST /auth/certificate. Where the hall takes certificates only
// (GET /auth/ways), the password way is not offered. Refusals (expired, revoked, not the hall
// CA's, not assigned, a wrong PIN, no token) are said in words of their own.
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
    enum class Way { Password, Certificate };
    Q_ENUM(Way)

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

    // --- the certificate way ---
    Way way() const { return m_way; }
    void setWay(Way way);
    // Whether the server (and the hall) let people sign in with a password; until checkWays()
    // has its answer, yes.
    bool passwordAllowed() const { return m_ways.password; }
    bool waysKnown() const { return m_waysKnown; }
    // Asks the server which ways `hall` allows (empty: the server's); with passwords off there
    // the screen turns to the certificate way.
    void checkWays(const QString &hall);
    // A PKCS#12 file and its password.
    void signInWithFile(const QString &file, const QString &password);
    // USB keys through this PKCS#11 module.
    void setPkcs11Module(const QString &module) { m_module = module; }
    QString pkcs11Module() const { return m_module; }
    // Reads the tokens the module sees now (and their certificates); a problem goes to message().
    void refreshTokens();
    QList<net::TokenInfo> tokens() const { return m_tokens; }
    // The token's PIN state for the person, empty when there is nothing to say.
    static QString pinState(const net::TokenInfo &token);
    // The certificate `uri` (from tokens()) with its token's PIN.
    void signInWithToken(const QString &uri, const QString &pin);
    // This PC's certificate store: the NSS database in `folder` (empty: the user's own).
    void setCertificateStore(const QString &folder) { m_storeFolder = folder; }
    QString certificateStore() const;
    // Reads the store's certificates that can sign in; why it lists none goes to storeNote().
    void refreshStore();
    // The store's token ("NSS Certificate DB"), or nothing when it cannot be read.
    QList<net::TokenInfo> storeTokens() const { return m_storeTokens; }
    // Why the store lists no certificate (no store, unreadable, none that signs in); else empty.
    QString storeNote() const { return m_storeNote; }
    // Whether the store asks for its password (the officer set one on it).
    bool storeNeedsPassword() const;
    // The certificate `uri` (from storeTokens()) with the store's password, if it has one.
    void signInWithStore(const QString &uri, const QString &password);

Q_SIGNALS:
    void changed(); // step, busy, message or the wait
    void signedIn(const hall::net::Session &session);

private:
    void fail(const net::ApiError &error);
    enum class Source { File, UsbKey, Store };
    void failIdentity(net::ClientIdentities::Problem problem, const QString &detail, Source source = Source::UsbKey);
    void signInWithPkcs11(Source source, const QString &uri, const QString &pin);
    void signInWithIdentity(const net::ClientIdentity &identity);
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
    Way m_way = Way::Password;
    net::SignInWays m_ways;
    bool m_waysKnown = false;
    QString m_module;
    QList<net::TokenInfo> m_tokens;
    QString m_storeFolder;
    QList<net::TokenInfo> m_storeTokens;
    QString m_storeNote;
};

} // namespace hall::app
