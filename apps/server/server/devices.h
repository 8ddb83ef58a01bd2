#pragma once

#include <server/http.h>
#include <server/server_export.h>
#include <server/sqlstore.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QSet>

namespace hall::core {
class Clock;
}

namespace hall::server {

class CommitBatch;
class DeviceWrite;
class HttpCore;

// One part of a device as it reported it: "printer" paper_out, "ledbar" offline …
struct DevicePart
{
    QString part;
    QString state; // ok, paper_low, paper_out, cover_open, offline, error, unknown
    QString message;
    bool operator==(const DevicePart &) const = default;
};

// A device's last report (sql/server/*/0012_device_status.sql).
struct DeviceRecord
{
    qint64 hallId = 0;
    QString device;
    qint64 accountId = 0;
    QString login;
    QString role; // kiosk, display, caller
    QList<DevicePart> parts;
    int everySeconds = 60;
    QDateTime observedAt; // when the device saw this state (now less the age it gave)
    QDateTime reportedAt; // when the server took the report (the server's clock)

    // The worst of its parts: ok, warning (paper_low, unknown) or fault (the rest).
    QString condition() const;
    // Silent for more than three of its reporting intervals (and 30 s at least).
    bool reachable(const QDateTime &now) const;
};

class HALL_SERVER_EXPORT DeviceStore : public SqlStore
{
public:
    using SqlStore::SqlStore;
    bool load(QList<DeviceRecord> *out, QString *error) const;
    bool upsert(const DeviceRecord &r, QString *error);
};

// The device-status domain: each device account (kiosk, display, caller bus) PUTs the state of
// its parts on change and every so often; the latest report per device is kept (written in the
// group commit), a change is a `device.status` event on the hall's stream, and so is a device
// falling silent (the clock's tick). Supervisors list them with GET /halls/{}/devices.
class HALL_SERVER_EXPORT DeviceStatuses : public QObject
{
    Q_OBJECT
public:
    // Names a hall may hold at most: a bound on what one device account can make the server keep.
    static constexpr int MaxDevicesPerHall = 1000;

    DeviceStatuses(storage::Database *db, HttpCore *http, core::Clock *clock, QObject *parent = nullptr);
    ~DeviceStatuses() override;

    bool load(QString *error);
    const DeviceRecord *find(qint64 hallId, const QString &device) const;
    qsizetype count(qint64 hallId) const;
    // Adds the report to the batch; its event leaves after the commit if something changed.
    void report(DeviceRecord record, CommitBatch &batch);
    // The clock's tick: devices that just fell silent are announced as unreachable.
    void tick();
    QJsonArray list(qint64 hallId) const;
    QJsonObject toJson(const DeviceRecord &r) const;
    QDateTime now() const;

private:
    friend class DeviceWrite;
    using Key = std::pair<qint64, QString>;
    void committed(const QList<DeviceRecord> &records);

    DeviceStore m_store;
    HttpCore *m_http;
    core::Clock *m_clock;
    QHash<Key, DeviceRecord> m_devices;
    QSet<Key> m_silent; // announced unreachable, not heard from since
};

// PUT /halls/{}/devices/{}/status (devices), GET /halls/{}/devices (supervisors), and
// POST /halls/{}/announcements: the bridge's voice says it started or finished a call, relayed
// as an event so the wall can wait for it before its next enlargement (nothing stored).
class HALL_SERVER_EXPORT DeviceController final : public Controller
{
    Q_DECLARE_TR_FUNCTIONS(DeviceController)
public:
    explicit DeviceController(DeviceStatuses *statuses) : m_statuses(statuses) {}
    QString scope() const override { return QStringLiteral("/api/v1/halls/{}"); }
    void registerRoutes(RouteScope &routes) override;

private:
    Reply putStatus(RequestContext &c);
    Reply announcement(RequestContext &c);

    DeviceStatuses *m_statuses;
};

} // namespace hall::server
