#include "device.h"

#include "transport.h"

#include <core/logging.h>

#include <QMetaEnum>

namespace hall::devices {

Device::Device(DeviceConfig config, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_reconnect(this)
{
    // Unplugged devices come back within this interval of being plugged in again.
    m_reconnect.setInterval(m_config.options.value(QStringLiteral("reconnectMs"), 500).toInt());
    connect(&m_reconnect, &QTimer::timeout, this, [this] {
        if (!m_wanted || isOpen())
            return;
        setState(State::Opening);
        if (openDevice()) {
            m_reconnect.stop();
            m_error = Error::NoError;
            m_errorString.clear();
            m_openedFor.start();
            setState(State::Ready);
        } else {
            setState(State::Disconnected);
        }
    });
}

Device::~Device() = default;

void Device::open()
{
    m_wanted = true;
    if (isOpen())
        return;
    setState(State::Opening);
    if (openDevice()) {
        m_error = Error::NoError;
        m_errorString.clear();
        m_openedFor.start();
        setState(State::Ready);
        return;
    }
    setState(m_error == Error::Configuration ? State::Failed : State::Disconnected);
    if (m_error != Error::Configuration)
        m_reconnect.start();
}

void Device::close()
{
    m_wanted = false;
    m_reconnect.stop();
    ++m_link;
    if (state() != State::Closed) {
        closeDevice();
        setState(State::Closed);
    }
}

void Device::setState(State state)
{
    if (state == m_state.load())
        return;
    m_state = state;
    qCDebug(lcDevices) << m_config.role << m_config.driver << stateName(state);
    Q_EMIT stateChanged(state);
}

void Device::setError(Error error, const QString &message)
{
    // The reconnect loop fails the same way every half second while a device is unplugged:
    // say it once, not twice a second for hours.
    if (error == m_error && message == m_errorString && !isOpen())
        return;
    m_error = error;
    m_errorString = message;
    qCWarning(lcDevices) << m_config.role << m_config.driver << errorName(error) << message;
    Q_EMIT errorOccurred(error, message);
}

std::unique_ptr<Transport> Device::openLink(int defaultBaud)
{
    QString error;
    std::unique_ptr<Transport> link = Transport::create(m_config.port, m_config.options, defaultBaud, &error);
    if (!link) {
        setError(Error::Configuration, error);
        return nullptr;
    }
    if (!link->open(&error)) {
        setError(Error::NotFound, error);
        return nullptr;
    }
    const quint64 generation = ++m_link;
    connect(link.get(), &Transport::lost, this, [this, generation](const QString &reason) {
        if (generation == m_link && isOpen())
            connectionLost(reason);
    }, Qt::QueuedConnection);
    return link;
}

void Device::connectionLost(const QString &message)
{
    ++m_link; // losses still queued from this link are stale now
    closeDevice();
    // A device that opens and is lost again at once (a camera held by another program) would
    // report the same loss at every reconnect: say it once until it stays open for a while.
    const bool again = message == m_lastLoss && m_openedFor.isValid() && m_openedFor.elapsed() < FlappingMs;
    m_lastLoss = message;
    if (again) {
        m_error = Error::ConnectionLost;
        m_errorString = message;
    } else {
        setError(Error::ConnectionLost, message);
    }
    setState(State::Disconnected);
    if (m_wanted)
        m_reconnect.start();
}

QString stateName(Device::State state)
{
    return QString::fromLatin1(QMetaEnum::fromType<Device::State>().valueToKey(int(state))).toLower();
}

QString errorName(Device::Error error)
{
    return QString::fromLatin1(QMetaEnum::fromType<Device::Error>().valueToKey(int(error)));
}

QString stateText(Device::State state)
{
    switch (state) {
    case Device::State::Closed: return Device::tr("not open");
    case Device::State::Opening: return Device::tr("connecting");
    case Device::State::Ready: return Device::tr("ready");
    case Device::State::Busy: return Device::tr("busy");
    case Device::State::Disconnected: return Device::tr("disconnected, reconnecting");
    case Device::State::Failed: return Device::tr("out of order");
    }
    return stateName(state);
}

QString errorText(Device::Error error)
{
    switch (error) {
    case Device::Error::NoError: return Device::tr("no error");
    case Device::Error::NotFound: return Device::tr("device not found");
    case Device::Error::PermissionDenied: return Device::tr("no permission to use the device");
    case Device::Error::Timeout: return Device::tr("the device did not answer");
    case Device::Error::Protocol: return Device::tr("garbled answer from the device");
    case Device::Error::Checksum: return Device::tr("damaged answer from the device");
    case Device::Error::DeviceReported: return Device::tr("the device reported a fault");
    case Device::Error::ConnectionLost: return Device::tr("connection lost");
    case Device::Error::NotSupported: return Device::tr("not supported by the device");
    case Device::Error::Configuration: return Device::tr("wrong device configuration");
    case Device::Error::Cancelled: return Device::tr("cancelled");
    }
    return errorName(error);
}

} // namespace hall::devices
