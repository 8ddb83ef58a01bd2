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

    // Safe from any thread (the UI asks devices that live on their own threads).
    State state() const { return m_state.load(std::memory_order_relaxed); }
    Error error() const { return m_error; }
    QString errorString() const { return m_errorString; }
    const DeviceConfig &config() const { return m_config; }
    virtual Capabilities capabilities() const { return NoCapability; }

    // Opens the device; on failure the reconnect loop retries every reconnectInterval ms.
    Q_INVOKABLE void open();
    Q_INVOKABLE void close();
    void setReconnectInterval(int ms) { m_reconnect.setInterval(ms); }

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
    // Creates and opens the link of config().port (Configuration or NotFound error on
    // failure) and ties its loss to connectionLost(). The loss is delivered queued and only
    // for the current link: a transport reports loss from inside its own blocking reads, and
    // handling it there would delete the transport under the read.
    std::unique_ptr<Transport> openLink(int defaultBaud);
    bool isOpen() const { return state() == State::Ready || state() == State::Busy; }

private:
    DeviceConfig m_config;
    std::atomic<State> m_state{State::Closed};
    Error m_error = Error::NoError;
    QString m_errorString;
    QTimer m_reconnect;
    bool m_wanted = false; // open() was asked for and close() was not
    quint64 m_link = 0;    // generation of the current link (openLink); 0: none
    QElapsedTimer m_openedFor; // since the last successful open
    QString m_lastLoss;        // the last connectionLost() message
    static constexpr int FlappingMs = 10000;
};

// Enum names for logs and the command line ("ready", "Timeout").
HALL_DEVICES_EXPORT QString stateName(Device::State state);
HALL_DEVICES_EXPORT QString errorName(Device::Error error);
// The same, translated, for people ("就绪", "无应答").
HALL_DEVICES_EXPORT QString stateText(Device::State state);
HALL_DEVICES_EXPORT QString errorText(Device::Error error);

} // namespace hall::devices

Q_DECLARE_OPERATORS_FOR_FLAGS(hall::devices::Device::Capabilities)
