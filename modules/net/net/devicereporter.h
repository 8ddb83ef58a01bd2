#pragma once

#include <net/apierror.h>
#include <net/backoff.h>
#include <net/result.h>
#include <net/types.h>

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace hall::net {

class HallClient;

// Keeps hall-server told how this device's parts are (docs/api.md, "Devices"): at once when a
// part changes, and every `everySeconds` as a heartbeat, so a device that falls silent shows as
// unreachable to the supervisor.
//
// A report that does not get through (no link, server down, 5xx) is sent again with backoff,
// and at once when the client's link is back. What is resent is the latest state with the time
// it was first seen (as an age), not every step in between: the supervisor needs how the device is now, so
// a paper-out during an outage arrives with its time when the server is reachable again, and a
// roll changed meanwhile arrives as ok. A refusal (4xx) is logged and not repeated until the
// state changes. Kiosk, display and hall-bridge each own one.
class HALL_NET_EXPORT DeviceReporter : public QObject
{
    Q_OBJECT
public:
    DeviceReporter(HallClient *client, QString device, QObject *parent = nullptr);
    ~DeviceReporter() override;

    // A name the server takes: letters, digits, '.', '_', '-' (others become '-'), at most 64;
    // for none (or the PC's "default" station) the host name.
    static QString deviceName(const QString &wanted);

    QString device() const { return m_device; }
    void setEverySeconds(int seconds);
    int everySeconds() const { return m_report.everySeconds; }
    void setBackoffPolicy(Backoff::Policy policy) { m_backoff = Backoff(policy); }

    // Sets a part's state (ok, paper_low, paper_out, cover_open, offline, error, unknown); a
    // change is reported at once (changes in one turn of the event loop go together).
    void setPart(const QString &part, const QString &state, const QString &message = {});
    QList<DevicePart> parts() const { return m_report.parts; }
    // Starts reporting: the first report now (if there is a part), then the heartbeat.
    void start();
    bool isStarted() const { return m_heartbeat.isActive(); }
    // A change the server has not taken yet.
    bool isPending() const { return m_pending; }

Q_SIGNALS:
    void reported(const hall::net::DeviceStatusInfo &status);
    void failed(const hall::net::ApiError &error);

private:
    void send();
    void answered(const Result<DeviceStatusInfo> &result);

    QPointer<HallClient> m_client;
    QString m_device;
    DeviceReport m_report;
    bool m_pending = false;  // changed since the server last took a report
    bool m_inFlight = false;
    bool m_again = false;    // changed while a report was on its way
    bool m_refused = false;  // the server refused this state: wait for a change
    QElapsedTimer m_seen;    // since the first change the server has not taken
    Backoff m_backoff;
    QTimer m_soon;
    QTimer m_retry;
    QTimer m_heartbeat;
};

} // namespace hall::net
