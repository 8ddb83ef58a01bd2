#pragma once

#include <server/http.h>
#include <server/notifygateway.h>
#include <server/server_export.h>
#include <server/sqlstore.h>

#include <core/ticket.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QMap>
#include <QObject>
#include <QSet>

#include <memory>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
QT_END_NAMESPACE

namespace hall::core {
class Clock;
}
namespace hall::queue {
class Engine;
struct ChangeSet;
}
namespace hall::security {
class PersonalData;
}

namespace hall::server {

class CommitBatch;
class Halls;
class HttpCore;
class NotifyWrite;

// One reminder of one ticket: at most one per ticket and reminder, ever (the primary key).
struct NotificationRecord
{
    qint64 hallId = 0;
    qint64 ticketId = 0;
    Reminder reminder = Reminder::Called;
    QString number;
    QString business;
    QString window;
    int ahead = 0;
    QString masked; // 138****8000
    QString status = QStringLiteral("pending"); // pending, sent, failed, dropped
    int attempts = 0;
    QDateTime nextAt;
    QString lastError;
    QDateTime createdAt;
    QDateTime sentAt;
};

// A ticket's phone while the ticket is open, sealed (SM4 or AES-GCM) by the server's key.
struct TrackedPhone
{
    qint64 hallId = 0;
    QByteArray sealed;
    QString masked;
    bool aheadArmed = false; // more than remindAhead people were ahead at issue
};

// ticket_phones and notifications (sql/server/*/0011_notifications.sql).
class HALL_SERVER_EXPORT NotificationStore : public SqlStore
{
public:
    using SqlStore::SqlStore;

    bool loadPhones(QHash<qint64, TrackedPhone> *out, QString *error) const;
    bool load(const QString &where, const QVariantList &binds, QList<NotificationRecord> *out, QString *error) const;
    bool insertPhone(qint64 ticketId, const TrackedPhone &p, QString *error);
    bool deletePhone(qint64 ticketId, QString *error);
    bool insert(const NotificationRecord &n, QString *error);
    bool update(const NotificationRecord &n, QString *error);
    // The ticket closed: what has not gone out never will.
    bool dropPending(qint64 ticketId, QString *error);
    // Rows that are over (sent, failed, dropped) created before `before`, of closed tickets.
    bool prune(const QDateTime &before, QString *error);
};

// The reminders domain (Q8, Q14). The issue route hands it the phone of a new ticket, kept
// sealed while the ticket is open; it watches every change set of the queue (Halls' observer)
// for the triggers — few people ahead, called, a missed ticket callable again (also on the
// clock's tick) — and adds at most one notification per ticket and trigger to the same commit.
// After the commit the texts go out through the hall's gateway, asynchronously; a failure is
// retried with backoff a bounded number of times, each failure an event on the hall's stream
// (notification.failed) and the list on GET /halls/{}/notifications. The phone's row is deleted
// in the commit that closes its ticket; the phone is never logged.
class HALL_SERVER_EXPORT Notifications : public QObject
{
    Q_OBJECT
public:
    Notifications(storage::Database *db, Halls *halls, HttpCore *http, core::Clock *clock, QObject *parent = nullptr);
    ~Notifications() override;

    // The gateways and the key that seals phones (32 bytes). A configuration without a key is
    // an error: phones are never kept in clear. Without a configuration no phone is kept.
    bool configure(const NotifyConfig &config, const QByteArray &key, QString *error);
    bool isEnabled() const { return m_personal != nullptr; }
    bool load(QString *error);

    // A ticket was just issued with a phone (the issue route, or an offline ticket taken in by
    // sync): kept if its hall has a gateway and the ticket is open and not kept already.
    void track(qint64 hallId, const queue::Engine &engine, const core::Ticket &t, const QString &phone, CommitBatch &batch);
    void observe(qint64 hallId, const queue::Engine &engine, const queue::ChangeSet &changes, CommitBatch &batch);
    // The clock's tick: missed tickets that became callable, retries that are due, and once a
    // day the finished rows older than the retention (NotifyConfig::retentionDays) go.
    void tick(CommitBatch &batch);
    // The finished rows older than the retention go with this batch (also at start).
    void prune(CommitBatch &batch);

    bool list(qint64 hallId, const QString &status, QJsonArray *out, QString *error) const;
    qsizetype trackedCount() const { return m_phones.size(); }

private:
    friend class NotifyWrite;
    using Key = std::pair<qint64, int>; // ticket id, int(Reminder)

    NotifyWrite &write(CommitBatch &batch);
    void fire(qint64 hallId, const queue::Engine &engine, const core::Ticket &t, Reminder r, const QString &window, CommitBatch &batch);
    void closed(qint64 ticketId, CommitBatch &batch);
    void committed(const NotifyWrite &w);
    void dispatch();
    void sent(Key key, bool ok, const QString &error);
    const GatewayConfig *gatewayFor(qint64 hallId) const;

    NotificationStore m_store;
    Halls *m_halls;
    HttpCore *m_http;
    core::Clock *m_clock;
    NotifyConfig m_config;
    std::unique_ptr<security::PersonalData> m_personal;
    QNetworkAccessManager *m_nam = nullptr;
    QHash<QString, std::shared_ptr<Gateway>> m_gateways; // by hall code ("" = the server's)
    QHash<qint64, TrackedPhone> m_phones;
    QSet<Key> m_fired;
    QMap<Key, NotificationRecord> m_pending;
    QSet<Key> m_inFlight;
    QDateTime m_prunedAt;
};

// GET /api/v1/halls/{}/notifications: what is pending or failed, for supervisors.
class HALL_SERVER_EXPORT NotificationController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(NotificationController)
public:
    explicit NotificationController(Notifications *notifications) : m_notifications(notifications) {}
    QString scope() const override { return QStringLiteral("/api/v1/halls/{}"); }
    void registerRoutes(RouteScope &routes) override;

private:
    Notifications *m_notifications;
};

} // namespace hall::server
