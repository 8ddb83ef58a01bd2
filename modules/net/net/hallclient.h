#pragma once

#include <net/backoff.h>
#include <net/connectionstatus.h>
#include <net/result.h>
#include <net/tls.h>
#include <net/types.h>

#include <core/hall.h>

#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <optional>

namespace hall::net {

struct BlacklistRequest
{
    QString idNumber; // one of the two
    QString phone;
    QDate until;
    QString reason;
};

// The client of hall-server: every /api/v1 call as a typed asynchronous method.
//
// Each call takes a context object and a callback; the callback runs once, in this thread,
// with the typed value or an ApiError, and is dropped if the context was destroyed meanwhile.
// Nothing is retried: a POST may have been committed even if its answer was lost, so the
// caller decides. What is retried is the link: after a transport failure the client probes
// GET /health with exponential backoff and full jitter (EventStream reconnects the same way)
// and reports a ConnectionStatus every app can show.
//
// Tokens stay in memory (a device keeps its own in the keychain, see DeviceSignIn) and are
// never logged; neither are bodies, queries, ID numbers or phone numbers.
class HALL_NET_EXPORT HallClient : public QObject
{
    Q_OBJECT
public:
    explicit HallClient(QObject *parent = nullptr);
    ~HallClient() override;

    // The server: http(s)://HOST:PORT (no path). With https, certificates are verified with
    // the system CAs or TlsOptions::caFile, and optionally pinned. False with a translated
    // error when the URL or the TLS options are unusable.
    bool setServer(const QUrl &url, const TlsOptions &tls = {}, QString *error = nullptr);
    QUrl server() const { return m_base; }
    // The hall of the hall-scoped calls; set from the sign-in reply when the account has one.
    void setHall(const QString &code) { m_hall = code; }
    QString hall() const { return m_hall; }

    void setRequestTimeout(int ms) { m_timeoutMs = ms; }
    int requestTimeout() const { return m_timeoutMs; }
    void setBackoffPolicy(Backoff::Policy policy, Backoff::Random random = {});
    Backoff::Policy backoffPolicy() const { return m_backoffPolicy; }
    Backoff::Random backoffRandom() const { return m_backoffRandom; }
    // Reconnecting turns into Offline after this long.
    void setOfflineAfter(int ms) { m_offlineAfterMs = ms; }

    void setToken(const QString &token);
    QString token() const { return m_token; }
    bool hasToken() const { return !m_token.isEmpty(); }

    ConnectionStatus connectionStatus() const { return m_status; }

    // --- the API (docs/api.md) ---
    void health(QObject *context, Callback<Health> done);
    // On success the token is kept (memory only) and the hall set from the reply.
    void signIn(const QString &login, const QString &password, QObject *context, Callback<Session> done);
    // The same with the client certificate of TlsOptions::client (or setClientIdentity)
    // instead of a password (POST /api/v1/auth/certificate over https).
    void signInWithCertificate(QObject *context, Callback<Session> done);
    // The certificate offered from now on (a null one: none); the open connections are dropped
    // so the next handshake presents it.
    void setClientIdentity(const ClientIdentity &identity);
    // GET /auth/ways: which ways people may sign in to `hall` (empty: to this server).
    void signInWays(const QString &hall, QObject *context, Callback<SignInWays> done);
    // POST /auth/password: a person's new password, with the current one (no token needed: it is
    // how a password the server answered `password_expired` for is replaced). True once changed;
    // then sign in with the new one.
    void changePassword(const QString &login, const QString &password, const QString &newPassword, QObject *context,
                        Callback<bool> done);
    // Forgets the token whatever the server says.
    void signOut(QObject *context, Callback<bool> done);
    void me(QObject *context, Callback<Account> done);
    void halls(QObject *context, Callback<QList<HallInfo>> done);
    void hallConfig(QObject *context, Callback<core::HallConfig> done);
    void putHallConfig(const core::HallConfig &config, QObject *context, Callback<core::HallConfig> done);
    void businesses(QObject *context, Callback<QList<BusinessStatus>> done);
    void windows(QObject *context, Callback<QList<WindowStatus>> done);

    void issueTicket(const IssueRequest &request, QObject *context, Callback<TicketInfo> done);
    void ticket(qint64 id, QObject *context, Callback<TicketInfo> done);
    void tickets(const TicketFilter &filter, QObject *context, Callback<QList<TicketInfo>> done);
    void reprintTicket(qint64 id, QObject *context, Callback<TicketInfo> done);
    // 作废 a waiting ticket that never reached its holder (the kiosk could not print it).
    void voidTicket(qint64 id, const QString &reason, QObject *context, Callback<TicketInfo> done);
    void issueSubTicket(qint64 masterId, const QString &business, QObject *context, Callback<TicketInfo> done);
    void bookAppointment(const AppointmentRequest &request, QObject *context, Callback<Appointment> done);
    void checkInByCode(const QString &code, QObject *context, Callback<TicketInfo> done);
    void checkInByIdNumber(const QString &idNumber, QObject *context, Callback<TicketInfo> done);
    void releasePasswords(const QString &business, int count, QObject *context, Callback<QStringList> done);
    void issueSpecialTicket(const QString &password, QObject *context, Callback<TicketInfo> done);
    void blacklistAdd(const BlacklistRequest &request, QObject *context, Callback<BlacklistEntry> done);
    void blacklistRemove(const QString &idNumber, const QString &phone, QObject *context, Callback<bool> done);
    // Returns how many tickets were closed.
    void clearQueue(const QString &reason, QObject *context, Callback<int> done);
    void calls(int limit, QObject *context, Callback<QList<CallRecord>> done);

    // Window operations. officer: for supervisors and the caller bus (empty: the caller).
    void windowLogin(const QString &window, const QString &officer, QObject *context, Callback<WindowStatus> done);
    void windowLogout(const QString &window, QObject *context, Callback<WindowStatus> done);
    void pause(const QString &window, const QString &type, const QString &reason, QObject *context, Callback<WindowStatus> done);
    void resume(const QString &window, QObject *context, Callback<WindowStatus> done);
    void callNext(const QString &window, QObject *context, Callback<CallResult> done);
    void recall(const QString &window, QObject *context, Callback<CallResult> done);
    void specialCall(const QString &window, qint64 ticketId, QObject *context, Callback<CallResult> done);
    void callBack(const QString &window, qint64 ticketId, QObject *context, Callback<CallResult> done);
    void start(const QString &window, QObject *context, Callback<TicketInfo> done);
    void finish(const QString &window, QObject *context, Callback<TicketInfo> done);
    void miss(const QString &window, QObject *context, Callback<TicketInfo> done);
    void transfer(const QString &window, const TransferRequest &request, QObject *context, Callback<TicketInfo> done);
    void hang(const QString &window, QObject *context, Callback<TicketInfo> done);
    void virtualTicket(const QString &window, const QString &business, QObject *context, Callback<TicketInfo> done);

    // Number leases for offline tickets (docs/sync.md): a block of up to `size` numbers of
    // `business` for the sync device `device`; the leases of today this account holds.
    void requestLease(const QString &business, int size, const QString &device, QObject *context, Callback<Lease> done);
    void leases(QObject *context, Callback<QList<Lease>> done);
    // Hands back what `device` will not issue of a lease: the numbers from its `from + used` on.
    void returnLease(qint64 id, const QString &device, int used, QObject *context, Callback<Lease> done);

    // Devices (docs/api.md, "Devices"): a device account reports its parts' state under its
    // name; supervisors list every device's last report. Announcements: the voice (hall-bridge)
    // says it started or finished a call (`call` is NUMBER@WINDOW), relayed to the wall.
    void reportDeviceStatus(const QString &device, const DeviceReport &report, QObject *context, Callback<DeviceStatusInfo> done);
    void devices(QObject *context, Callback<QList<DeviceStatusInfo>> done);
    void reportAnnouncement(const QString &call, bool finished, QObject *context, Callback<bool> done);

    // The sync protocol (docs/sync.md): bodies as JSON, parsed by modules/sync. A refusal's
    // whole error object (expectedSeq …) is in ApiError::errorObject. These are what a
    // sync::SyncTransport in an app forwards to.
    void syncPush(const QJsonObject &body, QObject *context, Callback<QJsonObject> done);
    void syncPull(const QUrlQuery &query, QObject *context, Callback<QJsonObject> done);

    // Blobs (docs/sync.md, "Blobs"). Start (or find) the upload of a blob: its offset tells
    // where to go on after a broken connection. A chunk is `length` bytes of the blob at `offset`,
    // read from `source` as they are sent (never the whole blob in memory; `source` stays open
    // until `done`); the first chunk starts the upload, so a small blob is one request.
    void blobUploadStart(const BlobUploadRequest &blob, QObject *context, Callback<BlobUpload> done);
    void blobUploadChunk(const BlobUploadRequest &blob, qint64 offset, QIODevice *source, qint64 length, QObject *context,
                         Callback<BlobUpload> done);
    // A blob's bytes through a record that references it ("material/KEY"), written to `sink`
    // as they arrive; the callback gets the byte count. The caller checks the hash.
    void blobDownload(const QString &algorithm, const QString &hash, const QString &record, QIODevice *sink, QObject *context,
                      Callback<qint64> done);

    // --- for EventStream ---
    // The one place that says how the event stream is addressed and authenticated (the token
    // moves from the query to a header in a later API version: change it here only).
    QNetworkRequest eventStreamRequest(const QString &hall) const;
    bool checkPeer(const QSslCertificate &certificate) const;
    // A sign-in (password or certificate): the token kept and the hall set from the reply.
    void startSession(const QString &path, const QJsonObject &body, QObject *context, Callback<Session> done);
    // QWebSocket takes its TLS settings from setSslConfiguration(), not from the request.
    QSslConfiguration sslConfiguration() const { return m_ssl; }
    // The stream reports the link: up after a hello, down with its next attempt.
    void reportLinkUp();
    void reportLinkDown(const ApiError &error, int attempt, int nextDelayMs);
    void setStreamActive(bool active);

Q_SIGNALS:
    void connectionStatusChanged(const hall::net::ConnectionStatus &status);
    // A request with a token was answered 401 unauthenticated: the token expired or was revoked.
    void tokenRejected();
    void tokenChanged();

private:
    using JsonDone = std::function<void(const Result<QJsonObject> &)>;
    void send(const QByteArray &method, const QString &path, const QJsonObject *body, QObject *context, JsonDone done,
              const QList<std::pair<QString, QString>> &query = {}, bool probe = false);
    std::optional<QNetworkRequest> request(const QString &path, const QList<std::pair<QString, QString>> &query) const;
    void watch(QNetworkReply *reply, const QString &what, QObject *context, JsonDone done, bool probe = false, QIODevice *sink = nullptr);
    void notConfigured(QObject *context, JsonDone done);
    template<typename T>
    void call(const QByteArray &method, const QString &path, const QJsonObject *body, QObject *context,
              Callback<T> done, std::function<bool(const QJsonObject &, T *, QString *)> parse,
              const QList<std::pair<QString, QString>> &query = {});
    QString hallPath(const QString &rest) const;
    QString windowPath(const QString &window, const QString &op) const;
    void windowOp(const QString &window, const char *op, const QJsonObject &body, QObject *context, Callback<WindowStatus> done);
    void callOp(const QString &window, const char *op, const QJsonObject &body, QObject *context, Callback<CallResult> done);
    void ticketOp(const QString &window, const char *op, const QJsonObject &body, QObject *context, Callback<TicketInfo> done);

    void linkUp();
    void linkDown(const ApiError &error);
    void scheduleProbe();
    void probe();
    void setStatus(const ConnectionStatus &status);

    QNetworkAccessManager m_nam;
    QUrl m_base;
    QSslConfiguration m_ssl;
    QByteArray m_pin;
    QString m_hall;
    QString m_token;
    int m_timeoutMs = 15000;
    int m_offlineAfterMs = 10000;
    Backoff::Policy m_backoffPolicy;
    Backoff::Random m_backoffRandom;
    Backoff m_probeBackoff;
    QTimer m_probeTimer;
    QTimer m_offlineTimer;
    bool m_probeInFlight = false;
    int m_activeStreams = 0;
    ConnectionStatus m_status;
};

} // namespace hall::net
