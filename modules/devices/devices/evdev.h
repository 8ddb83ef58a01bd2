#pragma once

#include <devices/devices_export.h>

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
QT_END_NAMESPACE

namespace hall::devices {

// Keyboard-like USB HID devices (keyboard-wedge code scanners, foot pedals) read from their
// Linux evdev node. Shared by the drivers so the input_event layout, the grab and the unplug
// handling are written once.

// struct input_event on 64-bit Linux (x86_64, arm64): struct timeval (2 × 8 bytes), then
// __u16 type, __u16 code, __s32 value, little-endian.
inline constexpr int InputEventSize = 24;
inline constexpr quint16 EvKey = 0x01;

struct InputEvent
{
    quint16 type = 0;
    quint16 code = 0;
    qint32 value = 0; // EV_KEY: 1 press, 2 autorepeat, 0 release
};

// Cuts a byte stream into input events; a partial event waits for the next feed (reads and
// FIFO writes may split one anywhere). Pure, so the fuzz harnesses reach it.
class HALL_DEVICES_EXPORT InputEventSplitter
{
public:
    QList<InputEvent> feed(const QByteArray &bytes);
    void reset() { m_pending.clear(); }

private:
    QByteArray m_pending;
};

// Key codes of linux/input-event-codes.h (a stable ABI) by name: "KEY_B", "KEY_F5",
// "KEY_ENTER", "BTN_LEFT"; also a plain number. -1 for a name it does not know.
HALL_DEVICES_EXPORT int evdevKeyCode(const QString &name);
// The name of a key code ("KEY_B"), or the number when it has none here.
HALL_DEVICES_EXPORT QString evdevKeyName(int code);

// One evdev node (/dev/input/by-id/…-event-kbd), read without blocking on the owner's thread.
// A FIFO or pty fed with recorded input_event records works too (tests, bridge processes).
// The reader holds no user-visible text: its owner words the problems for its own device.
class HALL_DEVICES_EXPORT EvdevReader : public QObject
{
    Q_OBJECT
public:
    enum class Problem {
        None,
        NotFound,         // open failed (errorNumber() says why)
        PermissionDenied, // EACCES/EPERM: the user is not in group "input" and no udev rule
        HeldByAnother,    // another program grabbed the device exclusively
        Closed,           // EOF: a pty whose other end closed
        ReadFailed,       // ENODEV from an unplugged node, EIO …
        Gone,             // the node disappeared (a by-id link goes with the device)
        NotSupported,     // not Linux
    };
    Q_ENUM(Problem)
    enum class Grab { NotAsked, Grabbed, NotEvdev };

    explicit EvdevReader(QObject *parent = nullptr);
    ~EvdevReader() override;

    // Opens `path` for reading; with `grab`, takes the device exclusively (EVIOCGRAB) so its
    // keys do not also type into the focused window. A node that is no evdev device (FIFO,
    // pty) cannot be grabbed and is read anyway: grab() says NotEvdev.
    bool open(const QString &path, bool grab);
    void close();
    bool isOpen() const { return m_fd >= 0; }
    QString path() const { return m_path; }
    Problem problem() const { return m_problem; }
    QString systemError() const { return m_systemError; } // strerror of the last failure
    Grab grab() const { return m_grab; }

Q_SIGNALS:
    // Raw input_event bytes as read; events may be split across emissions.
    void bytesRead(const QByteArray &events);
    // The device went away (Closed, ReadFailed or Gone). Bytes read before are emitted first.
    // The reader is still open: the owner closes it (possibly from inside this signal).
    void lost(hall::devices::EvdevReader::Problem problem);

private:
    void readAvailable();
    void fail(Problem problem, int errorNumber);

    QString m_path;
    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr;
    QTimer m_watch; // the node disappearing: a FIFO or pty shows no error when its link goes
    Problem m_problem = Problem::None;
    QString m_systemError;
    Grab m_grab = Grab::NotAsked;
};

} // namespace hall::devices
