#include "devicereporter.h"

#include "hallclient.h"
#include "logging.h"

#include <QRegularExpression>
#include <QSysInfo>

namespace hall::net {

DeviceReporter::DeviceReporter(HallClient *client, QString device, QObject *parent)
    : QObject(parent), m_client(client), m_device(deviceName(device)), m_backoff(BackoffPolicy{2000, 60000, 500})
{
    m_soon.setSingleShot(true);
    m_soon.setInterval(0);
    connect(&m_soon, &QTimer::timeout, this, &DeviceReporter::send);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &DeviceReporter::send);
    m_heartbeat.setInterval(m_report.everySeconds * 1000);
    connect(&m_heartbeat, &QTimer::timeout, this, &DeviceReporter::send);
    if (client) {
        connect(client, &HallClient::connectionStatusChanged, this, [this](const ConnectionStatus &s) {
            // The link is back: what waits for a retry goes now.
            if (s.state == ConnectionStatus::State::Online && m_pending && m_retry.isActive()) {
                m_retry.stop();
                m_soon.start();
            }
        });
    }
}

DeviceReporter::~DeviceReporter() = default;

QString DeviceReporter::deviceName(const QString &wanted)
{
    static const QRegularExpression other(QStringLiteral("[^A-Za-z0-9._-]"));
    QString name = wanted.isEmpty() || wanted == QLatin1String("default") ? QSysInfo::machineHostName() : wanted;
    name.replace(other, QStringLiteral("-"));
    while (name.startsWith(u'-') || name.startsWith(u'.') || name.startsWith(u'_'))
        name.remove(0, 1);
    return name.left(64);
}

void DeviceReporter::setEverySeconds(int seconds)
{
    m_report.everySeconds = std::clamp(seconds, 5, 3600);
    m_heartbeat.setInterval(m_report.everySeconds * 1000);
}

void DeviceReporter::setPart(const QString &part, const QString &state, const QString &message)
{
    const DevicePart p{part, state, message};
    const auto it = std::find_if(m_report.parts.begin(), m_report.parts.end(), [&](const DevicePart &d) { return d.part == part; });
    if (it != m_report.parts.end() && *it == p)
        return;
    if (it != m_report.parts.end())
        *it = p;
    else
        m_report.parts.append(p);
    // The time of the first change since the server last heard: a late report keeps it.
    if (!m_pending)
        m_seen.start();
    m_pending = true;
    m_refused = false;
    if (m_inFlight)
        m_again = true;
    else if (isStarted())
        m_soon.start();
}

void DeviceReporter::start()
{
    m_heartbeat.start();
    if (!m_report.parts.isEmpty())
        m_soon.start();
}

void DeviceReporter::send()
{
    if (!m_client || m_report.parts.isEmpty() || m_device.isEmpty())
        return;
    if (m_inFlight) {
        m_again = true;
        return;
    }
    if (m_refused && m_pending)
        return; // the same refused state again would be refused again; the heartbeat waits for a change
    m_retry.stop();
    m_inFlight = true;
    m_again = false;
    DeviceReport report = m_report;
    report.ageSeconds = m_pending ? int(m_seen.elapsed() / 1000) : 0; // a heartbeat: as of now
    m_client->reportDeviceStatus(m_device, report, this, [this](const Result<DeviceStatusInfo> &r) { answered(r); });
}

void DeviceReporter::answered(const Result<DeviceStatusInfo> &result)
{
    m_inFlight = false;
    if (result) {
        m_backoff.reset();
        if (!m_again)
            m_pending = false;
        Q_EMIT reported(*result);
    } else {
        const ApiError &e = result.error();
        const bool refused = e.kind == ApiError::Kind::Protocol
            || (e.kind == ApiError::Kind::Http && e.httpStatus >= 400 && e.httpStatus < 500 && e.httpStatus != 401 && e.httpStatus != 408
                && e.httpStatus != 429);
        if (refused) {
            qCWarning(lcNet).noquote() << "device status of" << m_device << "refused:" << e.code << e.detail;
            m_refused = !m_again;
        } else {
            const int delay = e.retryAfterSeconds > 0 ? e.retryAfterSeconds * 1000 : m_backoff.nextDelayMs();
            qCInfo(lcNet).noquote() << "device status of" << m_device << "not delivered (" << e.code << "), again in" << delay << "ms";
            m_pending = true;
            m_retry.start(delay);
        }
        Q_EMIT failed(e);
    }
    if (m_again)
        m_soon.start();
}

} // namespace hall::net
