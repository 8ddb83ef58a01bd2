#include "device.h"

#include "options.h"
#include "transport.h"

#include <core/logging.h>

#include <QMetaEnum>
#include <QMutex>

namespace hall::devices {

class DevicePrivate
{
public:
    DevicePrivate(Device *q, DeviceConfig c) : config(std::move(c)), reconnect(q) {}

    const DeviceConfig config; // never changes: read from any thread without a lock

    // The status, read from other threads (the UI, hall-devices) while the device's thread
    // changes it. The state is atomic for the cheap isOpen() checks; it is written under the
    // lock too so status() sees state, error and message from the same moment.
    mutable QMutex mutex;
    std::atomic<Device::State> state{Device::State::Closed};
    Device::Error error = Device::Error::NoError;
    QString errorString;

    // The device's own thread only.
    QTimer reconnect;
    bool wanted = false;   // open() was asked for and close() was not
    quint64 link = 0;      // generation of the current link (openLink); 0: none
    QElapsedTimer openedFor; // since the last successful open
    QString lastLoss;        // the last connectionLost() message
    static constexpr int FlappingMs = 10000;

    void clearError()
    {
        QMutexLocker lock(&mutex);
        error = Device::Error::NoError;
        errorString.clear();
    }
    // Records an error without reporting it; true if it differs from the one recorded.
    bool record(Device::Error e, const QString &message)
    {
        QMutexLocker lock(&mutex);
        const bool changed = e != error || message != errorString;
        error = e;
        errorString = message;
        return changed;
    }
};

Device::Device(DeviceConfig config, QObject *parent)
    : QObject(parent), d(std::make_unique<DevicePrivate>(this, std::move(config)))
{
    // Unplugged devices come back within this interval of being plugged in again. A wrong
    // value is refused when the device opens (checkCommonOptions).
    int reconnectMs = 500;
    QString ignored;
    intOption(d->config.options, QStringLiteral("reconnectMs"), 1, 3600000, &reconnectMs, &ignored);
    d->reconnect.setInterval(reconnectMs);
    connect(&d->reconnect, &QTimer::timeout, this, [this] {
        if (!d->wanted || isOpen())
            return;
        setState(State::Opening);
        if (openDevice()) {
            d->reconnect.stop();
            d->clearError();
            d->openedFor.start();
            setState(State::Ready);
        } else {
            setState(State::Disconnected);
        }
    });
}

Device::~Device() = default;

Device::State Device::state() const
{
    return d->state.load(std::memory_order_acquire);
}

Device::Error Device::error() const
{
    QMutexLocker lock(&d->mutex);
    return d->error;
}

QString Device::errorString() const
{
    QMutexLocker lock(&d->mutex);
    return d->errorString;
}

DeviceStatus Device::status() const
{
    QMutexLocker lock(&d->mutex);
    return {d->config, d->state.load(std::memory_order_relaxed), d->error, d->errorString};
}

const DeviceConfig &Device::config() const
{
    return d->config;
}

void Device::setReconnectInterval(int ms)
{
    d->reconnect.setInterval(ms);
}

int Device::reconnectInterval() const
{
    return d->reconnect.interval();
}

void Device::open()
{
    d->wanted = true;
    if (isOpen())
        return;
    setState(State::Opening);
    // The options of the base (reconnectMs, class) are the same for every driver: checked here.
    if (QString message; !checkCommonOptions(d->config.options, &message)) {
        setError(Error::Configuration, message);
        setState(State::Failed);
        return;
    }
    if (openDevice()) {
        d->clearError();
        d->openedFor.start();
        setState(State::Ready);
        return;
    }
    const bool configuration = error() == Error::Configuration;
    setState(configuration ? State::Failed : State::Disconnected);
    if (!configuration)
        d->reconnect.start();
}

void Device::close()
{
    d->wanted = false;
    d->reconnect.stop();
    ++d->link;
    if (state() != State::Closed) {
        closeDevice();
        setState(State::Closed);
    }
}

void Device::setState(State state)
{
    {
        QMutexLocker lock(&d->mutex);
        if (state == d->state.load(std::memory_order_relaxed))
            return;
        d->state.store(state, std::memory_order_release);
    }
    qCDebug(lcDevices) << d->config.role << d->config.driver << stateName(state);
    Q_EMIT stateChanged(state);
}

void Device::setError(Error error, const QString &message)
{
    // The reconnect loop fails the same way every half second while a device is unplugged:
    // say it once, not twice a second for hours.
    if (!d->record(error, message) && !isOpen())
        return;
    qCWarning(lcDevices) << d->config.role << d->config.driver << errorName(error) << message;
    Q_EMIT errorOccurred(error, message);
}

std::unique_ptr<Transport> Device::openLink(int defaultBaud)
{
    QString error;
    std::unique_ptr<Transport> link = Transport::create(d->config.port, d->config.options, defaultBaud, &error);
    if (!link) {
        setError(Error::Configuration, error);
        return nullptr;
    }
    if (!link->open(&error)) {
        setError(Error::NotFound, error);
        return nullptr;
    }
    const quint64 generation = ++d->link;
    connect(link.get(), &Transport::lost, this, [this, generation](const QString &reason) {
        if (generation == d->link && isOpen())
            connectionLost(reason);
    }, Qt::QueuedConnection);
    return link;
}

void Device::connectionLost(const QString &message)
{
    ++d->link; // losses still queued from this link are stale now
    closeDevice();
    // A device that opens and is lost again at once (a camera held by another program) would
    // report the same loss at every reconnect: say it once until it stays open for a while.
    const bool again = message == d->lastLoss && d->openedFor.isValid() && d->openedFor.elapsed() < DevicePrivate::FlappingMs;
    d->lastLoss = message;
    if (again)
        d->record(Error::ConnectionLost, message);
    else
        setError(Error::ConnectionLost, message);
    setState(State::Disconnected);
    if (d->wanted)
        d->reconnect.start();
}

void Device::connectionLostLater(const QString &message)
{
    QTimer::singleShot(0, this, [this, message] {
        if (isOpen())
            connectionLost(message);
    });
}

QString stateName(Device::State state)
{
    return QString::fromLatin1(QMetaEnum::fromType<Device::State>().valueToKey(int(state))).toLower();
}

QString reportState(Device::State state)
{
    switch (state) {
    case Device::State::Ready:
    case Device::State::Busy: return QStringLiteral("ok");
    case Device::State::Failed: return QStringLiteral("error");
    default: return QStringLiteral("offline");
    }
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
