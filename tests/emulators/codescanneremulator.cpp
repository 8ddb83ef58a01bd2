#include "codescanneremulator.h"

#include <QDateTime>
#include <QStringEncoder>
#include <QTimer>

#include <linux/input.h>

#include <cstring>

namespace hall::emulators {

namespace {

// Split `bytes` into `pieces` nearly equal parts.
QList<QByteArray> pieces(const QByteArray &bytes, int n)
{
    QList<QByteArray> out;
    n = std::max(1, std::min<int>(n, int(bytes.size())));
    qsizetype at = 0;
    for (int i = 0; i < n; ++i) {
        const qsizetype len = (bytes.size() - at) / (n - i);
        out.append(bytes.mid(at, len));
        at += len;
    }
    return out;
}

} // namespace

// ---- serial ----

SerialScannerEmulator::SerialScannerEmulator(QString linkPath, int baud, QObject *parent)
    : PtyDevice(std::move(linkPath), baud, parent) {}

QByteArray SerialScannerEmulator::frame(const QString &code, const QByteArray &aimId) const
{
    QStringEncoder enc(encoding.constData());
    const QByteArray payload = enc(code);
    return prefix + aimId + payload + suffix + terminator;
}

void SerialScannerEmulator::scan(const QString &code, const QByteArray &aimId, int delayMs)
{
    send(frame(code, aimId), delayMs);
}

void SerialScannerEmulator::scanSplit(const QString &code, int n, int gapMs, const QByteArray &aimId)
{
    int delay = 0;
    for (const QByteArray &p : pieces(frame(code, aimId), n)) {
        send(p, delay);
        delay += gapMs;
    }
}

void SerialScannerEmulator::burst(const QByteArray &bytes)
{
    // PtyDevice paces by baud; a huge rate for a moment lets the pump write it in one go
    // (the short delay lets credit build up first).
    const int old = baud();
    setBaud(100'000'000);
    send(bytes, 5);
    QTimer::singleShot(40, this, [this, old] { setBaud(old); });
}

// ---- HID (evdev) ----

namespace {

struct UsKey
{
    char c;
    quint16 code;
    bool shift;
};
// An independent table (from linux/input-event-codes.h), not the driver's.
const UsKey usKeys[] = {
    {'1', KEY_1, false}, {'!', KEY_1, true}, {'2', KEY_2, false}, {'@', KEY_2, true}, {'3', KEY_3, false},
    {'#', KEY_3, true}, {'4', KEY_4, false}, {'$', KEY_4, true}, {'5', KEY_5, false}, {'%', KEY_5, true},
    {'6', KEY_6, false}, {'^', KEY_6, true}, {'7', KEY_7, false}, {'&', KEY_7, true}, {'8', KEY_8, false},
    {'*', KEY_8, true}, {'9', KEY_9, false}, {'(', KEY_9, true}, {'0', KEY_0, false}, {')', KEY_0, true},
    {'-', KEY_MINUS, false}, {'_', KEY_MINUS, true}, {'=', KEY_EQUAL, false}, {'+', KEY_EQUAL, true},
    {'[', KEY_LEFTBRACE, false}, {'{', KEY_LEFTBRACE, true}, {']', KEY_RIGHTBRACE, false}, {'}', KEY_RIGHTBRACE, true},
    {';', KEY_SEMICOLON, false}, {':', KEY_SEMICOLON, true}, {'\'', KEY_APOSTROPHE, false}, {'"', KEY_APOSTROPHE, true},
    {'`', KEY_GRAVE, false}, {'~', KEY_GRAVE, true}, {'\\', KEY_BACKSLASH, false}, {'|', KEY_BACKSLASH, true},
    {',', KEY_COMMA, false}, {'<', KEY_COMMA, true}, {'.', KEY_DOT, false}, {'>', KEY_DOT, true},
    {'/', KEY_SLASH, false}, {'?', KEY_SLASH, true}, {' ', KEY_SPACE, false}, {'\t', KEY_TAB, false},
};
const quint16 letterKeys[26] = {KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M,
                                KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z};
const quint16 keypadDigits[10] = {KEY_KP0, KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4, KEY_KP5, KEY_KP6, KEY_KP7, KEY_KP8, KEY_KP9};

} // namespace

HidScannerEmulator::HidScannerEmulator(QString linkPath, QObject *parent)
    : PtyDevice(std::move(linkPath), 1'000'000, parent) {}

QByteArray HidScannerEmulator::event(quint16 type, quint16 code, qint32 value)
{
    static_assert(sizeof(input_event) == 24, "the x86_64/arm64 layout");
    input_event ev;
    std::memset(&ev, 0, sizeof ev);
    const qint64 us = QDateTime::currentMSecsSinceEpoch() * 1000;
    ev.input_event_sec = us / 1000000;
    ev.input_event_usec = us % 1000000;
    ev.type = type;
    ev.code = code;
    ev.value = value;
    return QByteArray(reinterpret_cast<const char *>(&ev), sizeof ev);
}

void HidScannerEmulator::key(QByteArray &out, quint16 code, bool shift) const
{
    const quint16 shiftKey = shiftWithRightKey ? KEY_RIGHTSHIFT : KEY_LEFTSHIFT;
    if (shift)
        out += event(EV_KEY, shiftKey, 1) + event(EV_SYN, SYN_REPORT, 0);
    // A USB keyboard reports the HID usage (MSC_SCAN) before each key event.
    out += event(EV_MSC, MSC_SCAN, 0x70000 + code) + event(EV_KEY, code, 1) + event(EV_SYN, SYN_REPORT, 0);
    out += event(EV_MSC, MSC_SCAN, 0x70000 + code) + event(EV_KEY, code, 0) + event(EV_SYN, SYN_REPORT, 0);
    if (shift)
        out += event(EV_KEY, shiftKey, 0) + event(EV_SYN, SYN_REPORT, 0);
}

QByteArray HidScannerEmulator::keystrokes(const QString &text, bool enter) const
{
    QByteArray out;
    if (capsLockFirst)
        key(out, KEY_CAPSLOCK, false);
    const auto codepoints = text.toUcs4();
    for (const char32_t cp : codepoints) {
        if (cp >= 'a' && cp <= 'z') {
            key(out, letterKeys[cp - 'a'], capsLockFirst);
            continue;
        }
        if (cp >= 'A' && cp <= 'Z') {
            key(out, letterKeys[cp - 'A'], !capsLockFirst);
            continue;
        }
        const UsKey *k = nullptr;
        for (const UsKey &u : usKeys) {
            if (cp < 0x80 && u.c == char(cp))
                k = &u;
        }
        if (k) {
            key(out, k->code, k->shift);
            continue;
        }
        if (cp == 0x1D) { // GS: Ctrl+]
            out += event(EV_KEY, KEY_LEFTCTRL, 1);
            key(out, KEY_RIGHTBRACE, false);
            out += event(EV_KEY, KEY_LEFTCTRL, 0) + event(EV_SYN, SYN_REPORT, 0);
            continue;
        }
        // Anything else: Alt held, the character's number on the keypad, Alt released.
        qint64 number = cp;
        if (altCodes == AltCodes::Gb18030) {
            QStringEncoder enc("GB18030");
            const QByteArray b = enc(QString::fromUcs4(&cp, 1));
            number = 0;
            for (const char c : b)
                number = (number << 8) | quint8(c);
        }
        out += event(EV_KEY, KEY_LEFTALT, 1) + event(EV_SYN, SYN_REPORT, 0);
        for (const char d : QByteArray::number(number))
            key(out, keypadDigits[d - '0'], false);
        out += event(EV_KEY, KEY_LEFTALT, 0) + event(EV_SYN, SYN_REPORT, 0);
    }
    if (enter)
        key(out, KEY_ENTER, false);
    if (capsLockFirst)
        key(out, KEY_CAPSLOCK, false);
    return out;
}

void HidScannerEmulator::scanSplit(const QString &text, int n, int gapMs)
{
    int delay = 0;
    // Deliberately not on event boundaries: the driver must reassemble records.
    for (const QByteArray &p : pieces(keystrokes(text), n)) {
        send(p, delay);
        delay += gapMs;
    }
}

} // namespace hall::emulators
