#pragma once

#include <devices/apiversion.h>
#include <devices/devices_export.h>

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QVariantMap>

#include <atomic>
#include <memory>

namespace hall::devices {

class Transport;
class DevicePrivate;
struct DeviceStatus;

// One device as the PC's configuration names it: which role it plays, which driver, where.
struct DeviceConfig
{
    QString role;      // "idcard", "printer", "callerbus", "ledbar", "scanner" …
    QString driver;    // plugin key, e.g. "idcard-sam"
    QString port;      // "/dev/ttyUSB0", "serial:COM3?baud=9600", "tcp://10.0.0.5:9100", "udp://…"
    QVariantMap options;
};

// Base of every device class (after QCanBusDevice): state and error enums, change signals,
// and the reconnect loop. Backends implement openDevice()/closeDevice() and report trouble
// with setError() or connectionLost(). A device lives on its own thread (DeviceManager); call
// it through queued invocations or signals.
class HALL_DEVICES_EXPORT Device : public QObject
{
    Q_OBJECT
public:
    enum class State { Closed, Opening, Ready, Busy, Disconnected, Failed };
    Q_ENUM(State)
    enum class Error {
        NoError,
        NotFound,         // the port does not exist (unplugged?)
        PermissionDenied, // the port exists but may not be opened
        Timeout,          // the device did not answer in time
        Protocol,         // an answer that breaks the protocol (garbage, bad length)
        Checksum,         // an answer with a wrong checksum
        DeviceReported,   // the device answered with an error status
        ConnectionLost,   // unplugged or the link dropped
        NotSupported,     // the device cannot do what was asked
        Configuration,    // the configuration is wrong (unknown option, bad port)
        Cancelled,        // the user cancelled the operation (a scan); not a fault of the device
    };
    Q_ENUM(Error)
    enum Capability {
        NoCapability = 0,
        IdPhoto = 1 << 0,        // ID reader returns the photo (as WLT)
        IdFingerprint = 1 << 1,
        SamId = 1 << 2,
        BaudChange = 1 << 3,
        PrintQr = 1 << 4,
        PrintCut = 1 << 5,
        PaperStatus = 1 << 6,
        Beep = 1 << 7,
        Rating = 1 << 8,         // evaluator keys on the caller bus
        ScreenColours = 1 << 9,
    };
    Q_DECLARE_FLAGS(Capabilities, Capability)
    Q_FLAG(Capabilities)

    explicit Device(DeviceConfig config, QObject *parent = nullptr);
    ~Device() override;

    // Safe from any thread (the UI asks devices that live on their own threads): the status
    // is guarded, and the configuration never changes after construction.
    State state() const;
    Error error() const;
    QString errorString() const;
    // State, error and message read together, consistent with each other.
    DeviceStatus status() const;
    const DeviceConfig &config() const;
    virtual Capabilities capabilities() const { return NoCapability; }

    // Opens the device; on failure the reconnect loop retries every reconnectInterval ms.
    Q_INVOKABLE void open();
    Q_INVOKABLE void close();
    // Call before the device is started, or on its thread.
    void setReconnectInterval(int ms);
    int reconnectInterval() const;

Q_SIGNALS:
    void stateChanged(hall::devices::Device::State state);
    void errorOccurred(hall::devices::Device::Error error, const QString &message);

protected:
    virtual bool openDevice() = 0;  // set an error and return false on failure
    virtual void closeDevice() = 0;
    void setState(State state);
    void setError(Error error, const QString &message);
    // The link went away (unplugged, socket closed): close, report, and keep trying to reopen.
    void connectionLost(const QString &message);
    // The same once the current call has unwound, unless the device was closed meanwhile: for
    // a network device found gone in the middle of a request (an LED card that answers nothing).
    void connectionLostLater(const QString &message);
    // Creates and opens the link of config().port (Configuration or NotFound error on
    // failure) and ties its loss to connectionLost(). The loss is delivered queued and only
    // for the current link: a transport reports loss from inside its own blocking reads, and
    // handling it there would delete the transport under the read.
    std::unique_ptr<Transport> openLink(int defaultBaud);
    bool isOpen() const { return state() == State::Ready || state() == State::Busy; }

private:
    // Behind a pointer so the base can change without breaking the drivers built against it.
    std::unique_ptr<DevicePrivate> d;
};

// A device's status as one value: for the UI (DeviceManager::status()) and for reads from
// other threads (Device::status()).
struct DeviceStatus
{
    DeviceConfig config;
    Device::State state = Device::State::Closed;
    Device::Error error = Device::Error::NoError;
    QString message;
};

// Enum names for logs and the command line ("ready", "Timeout").
HALL_DEVICES_EXPORT QString stateName(Device::State state);
HALL_DEVICES_EXPORT QString errorName(Device::Error error);
// The same, translated, for people ("就绪", "无应答").
HALL_DEVICES_EXPORT QString stateText(Device::State state);
HALL_DEVICES_EXPORT QString errorText(Device::Error error);
// A part's state as a device reports it to hall-server (docs/api.md, "Devices"): ok (ready or
// busy), error (failed) or offline (closed, connecting, unplugged).
HALL_DEVICES_EXPORT QString reportState(Device::State state);

} // namespace hall::devices

Q_DECLARE_OPERATORS_FOR_FLAGS(hall::devices::Device::Capabilities)
