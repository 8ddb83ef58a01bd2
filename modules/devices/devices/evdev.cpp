#include "evdev.h"

#include <QFile>
#include <QFileInfo>
#include <QSocketNotifier>
#include <QtEndian>

#ifdef Q_OS_LINUX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/input.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static_assert(sizeof(input_event) == hall::devices::InputEventSize,
              "InputEventSplitter reads the 64-bit input_event layout (x86_64, arm64)");
#endif

namespace hall::devices {

QList<InputEvent> InputEventSplitter::feed(const QByteArray &bytes)
{
    m_pending += bytes;
    QList<InputEvent> out;
    qsizetype at = 0;
    for (; at + InputEventSize <= m_pending.size(); at += InputEventSize) {
        const auto *p = reinterpret_cast<const uchar *>(m_pending.constData() + at);
        out.append({qFromLittleEndian<quint16>(p + 16), qFromLittleEndian<quint16>(p + 18), qFromLittleEndian<qint32>(p + 20)});
    }
    m_pending.remove(0, at);
    return out;
}

namespace {

struct KeyName
{
    const char *name;
    int code;
};

// The keys a pedal or a scanner is likely to be programmed to send (input-event-codes.h).
constexpr KeyName keyNames[] = {
    {"KEY_ESC", 1}, {"KEY_1", 2}, {"KEY_2", 3}, {"KEY_3", 4}, {"KEY_4", 5}, {"KEY_5", 6}, {"KEY_6", 7},
    {"KEY_7", 8}, {"KEY_8", 9}, {"KEY_9", 10}, {"KEY_0", 11}, {"KEY_MINUS", 12}, {"KEY_EQUAL", 13},
    {"KEY_BACKSPACE", 14}, {"KEY_TAB", 15}, {"KEY_Q", 16}, {"KEY_W", 17}, {"KEY_E", 18}, {"KEY_R", 19},
    {"KEY_T", 20}, {"KEY_Y", 21}, {"KEY_U", 22}, {"KEY_I", 23}, {"KEY_O", 24}, {"KEY_P", 25},
    {"KEY_LEFTBRACE", 26}, {"KEY_RIGHTBRACE", 27}, {"KEY_ENTER", 28}, {"KEY_LEFTCTRL", 29}, {"KEY_A", 30},
    {"KEY_S", 31}, {"KEY_D", 32}, {"KEY_F", 33}, {"KEY_G", 34}, {"KEY_H", 35}, {"KEY_J", 36}, {"KEY_K", 37},
    {"KEY_L", 38}, {"KEY_SEMICOLON", 39}, {"KEY_APOSTROPHE", 40}, {"KEY_GRAVE", 41}, {"KEY_LEFTSHIFT", 42},
    {"KEY_BACKSLASH", 43}, {"KEY_Z", 44}, {"KEY_X", 45}, {"KEY_C", 46}, {"KEY_V", 47}, {"KEY_B", 48},
    {"KEY_N", 49}, {"KEY_M", 50}, {"KEY_COMMA", 51}, {"KEY_DOT", 52}, {"KEY_SLASH", 53}, {"KEY_RIGHTSHIFT", 54},
    {"KEY_KPASTERISK", 55}, {"KEY_LEFTALT", 56}, {"KEY_SPACE", 57}, {"KEY_CAPSLOCK", 58}, {"KEY_F1", 59},
    {"KEY_F2", 60}, {"KEY_F3", 61}, {"KEY_F4", 62}, {"KEY_F5", 63}, {"KEY_F6", 64}, {"KEY_F7", 65},
    {"KEY_F8", 66}, {"KEY_F9", 67}, {"KEY_F10", 68}, {"KEY_NUMLOCK", 69}, {"KEY_SCROLLLOCK", 70},
    {"KEY_KP7", 71}, {"KEY_KP8", 72}, {"KEY_KP9", 73}, {"KEY_KPMINUS", 74}, {"KEY_KP4", 75}, {"KEY_KP5", 76},
    {"KEY_KP6", 77}, {"KEY_KPPLUS", 78}, {"KEY_KP1", 79}, {"KEY_KP2", 80}, {"KEY_KP3", 81}, {"KEY_KP0", 82},
    {"KEY_KPDOT", 83}, {"KEY_F11", 87}, {"KEY_F12", 88}, {"KEY_KPENTER", 96}, {"KEY_RIGHTCTRL", 97},
    {"KEY_KPSLASH", 98}, {"KEY_SYSRQ", 99}, {"KEY_RIGHTALT", 100}, {"KEY_HOME", 102}, {"KEY_UP", 103},
    {"KEY_PAGEUP", 104}, {"KEY_LEFT", 105}, {"KEY_RIGHT", 106}, {"KEY_END", 107}, {"KEY_DOWN", 108},
    {"KEY_PAGEDOWN", 109}, {"KEY_INSERT", 110}, {"KEY_DELETE", 111}, {"KEY_MUTE", 113},
    {"KEY_VOLUMEDOWN", 114}, {"KEY_VOLUMEUP", 115}, {"KEY_PAUSE", 119}, {"KEY_LEFTMETA", 125},
    {"KEY_RIGHTMETA", 126}, {"KEY_NEXTSONG", 163}, {"KEY_PLAYPAUSE", 164}, {"KEY_PREVIOUSSONG", 165},
    {"KEY_F13", 183}, {"KEY_F14", 184}, {"KEY_F15", 185}, {"KEY_F16", 186}, {"KEY_F17", 187}, {"KEY_F18", 188},
    {"KEY_F19", 189}, {"KEY_F20", 190}, {"KEY_F21", 191}, {"KEY_F22", 192}, {"KEY_F23", 193}, {"KEY_F24", 194},
    {"KEY_CAMERA", 212}, {"BTN_0", 256}, {"BTN_1", 257}, {"BTN_2", 258}, {"BTN_LEFT", 272}, {"BTN_RIGHT", 273},
    {"BTN_MIDDLE", 274},
};

constexpr int MaxKeyCode = 0x2ff; // KEY_MAX

} // namespace

int evdevKeyCode(const QString &name)
{
    const QString upper = name.trimmed().toUpper();
    for (const KeyName &k : keyNames) {
        if (upper == QLatin1String(k.name))
            return k.code;
    }
    bool ok = false;
    const int n = upper.toInt(&ok, 0);
    return ok && n > 0 && n <= MaxKeyCode ? n : -1;
}

QString evdevKeyName(int code)
{
    for (const KeyName &k : keyNames) {
        if (k.code == code)
            return QLatin1String(k.name);
    }
    return QString::number(code);
}

EvdevReader::EvdevReader(QObject *parent) : QObject(parent), m_watch(this)
{
    m_watch.setInterval(250);
    connect(&m_watch, &QTimer::timeout, this, [this] {
        if (m_fd >= 0 && !QFileInfo::exists(m_path)) {
            m_watch.stop();
            fail(Problem::Gone, 0);
            Q_EMIT lost(Problem::Gone);
        }
    });
}

EvdevReader::~EvdevReader()
{
    close();
}

void EvdevReader::fail(Problem problem, int errorNumber)
{
    m_problem = problem;
#ifdef Q_OS_LINUX
    m_systemError = errorNumber ? QString::fromLocal8Bit(strerror(errorNumber)) : QString();
#else
    Q_UNUSED(errorNumber);
    m_systemError.clear();
#endif
}

bool EvdevReader::open(const QString &path, bool grab)
{
    close();
    m_path = path;
    m_problem = Problem::None;
    m_systemError.clear();
    m_grab = Grab::NotAsked;
#ifdef Q_OS_LINUX
    const QByteArray name = QFile::encodeName(path);
    int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
    struct stat st{};
    // A FIFO (tests, a bridge process) opened for reading alone reads EOF whenever no writer
    // is attached; holding a write end ourselves keeps it open across its writers.
    if (::stat(name.constData(), &st) == 0 && S_ISFIFO(st.st_mode))
        flags = (flags & ~O_RDONLY) | O_RDWR;
    m_fd = ::open(name.constData(), flags);
    if (m_fd < 0) {
        const int e = errno;
        fail(e == EACCES || e == EPERM ? Problem::PermissionDenied : Problem::NotFound, e);
        return false;
    }
    if (grab) {
        if (::ioctl(m_fd, EVIOCGRAB, 1) == 0) {
            m_grab = Grab::Grabbed;
        } else if (errno == EBUSY) {
            // Someone else holds the device exclusively: we would never see a key.
            const int e = errno;
            ::close(m_fd);
            m_fd = -1;
            fail(Problem::HeldByAnother, e);
            return false;
        } else {
            // Not an evdev node (a FIFO or pty fed with recorded events): nothing to grab.
            m_grab = Grab::NotEvdev;
            m_systemError = QString::fromLocal8Bit(strerror(errno));
        }
    }
    m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &EvdevReader::readAvailable);
    m_watch.start();
    return true;
#else
    Q_UNUSED(grab);
    fail(Problem::NotSupported, 0);
    return false;
#endif
}

void EvdevReader::readAvailable()
{
#ifdef Q_OS_LINUX
    char buf[InputEventSize * 64];
    QByteArray events;
    for (;;) {
        const ssize_t n = ::read(m_fd, buf, sizeof buf);
        if (n > 0) {
            events.append(buf, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        // ENODEV from an unplugged evdev node, EIO or EOF from a closed pty.
        const int e = n == 0 ? 0 : errno;
        if (m_notifier)
            m_notifier->setEnabled(false); // level-triggered: it would fire again and again
        m_watch.stop();
        fail(n == 0 ? Problem::Closed : Problem::ReadFailed, e);
        if (!events.isEmpty())
            Q_EMIT bytesRead(events);
        Q_EMIT lost(m_problem);
        return;
    }
    if (!events.isEmpty())
        Q_EMIT bytesRead(events);
#endif
}

void EvdevReader::close()
{
    m_watch.stop();
    if (m_notifier) {
        m_notifier->setEnabled(false);
        m_notifier->deleteLater(); // we may be inside its activated()
        m_notifier = nullptr;
    }
#ifdef Q_OS_LINUX
    if (m_fd >= 0) {
        if (m_grab == Grab::Grabbed)
            ::ioctl(m_fd, EVIOCGRAB, 0);
        ::close(m_fd);
    }
#endif
    m_fd = -1;
    m_grab = Grab::NotAsked;
}

} // namespace hall::devices
