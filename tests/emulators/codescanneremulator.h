#pragma once

// Barcode/QR scanners at the far end of a pty, for the codescanner driver's tests.
//
// SerialScannerEmulator: a serial scanner as it is configured in the field — prefix, AIM
// identifier, suffix and terminator around every code, payload in UTF-8 or GB18030 — paced at
// its baud rate. Tests script scans, split writes, several scans in one burst, garbage.
//
// HidScannerEmulator: a keyboard-wedge scanner as Linux evdev reports it: real 24-byte
// struct input_event records (x86_64/arm64 layout) — MSC_SCAN, key press/release, SYN_REPORT —
// typing the code on a US layout with Shift, characters outside ASCII as Alt + keypad digits,
// and Enter at the end. The driver reads them from the pty slave as from /dev/input/event*.
// Both unplug and replug behind a stable symlink (PtyDevice).

#include "ptydevice.h"

#include <QStringList>

namespace hall::emulators {

class SerialScannerEmulator : public PtyDevice
{
    Q_OBJECT
public:
    SerialScannerEmulator(QString linkPath, int baud = 9600, QObject *parent = nullptr);

    // The scanner's settings, added around every code.
    QByteArray prefix;
    QByteArray suffix;
    QByteArray terminator = "\r\n";
    QByteArray encoding = "UTF-8"; // or "GB18030"

    // The bytes of one scan as this scanner sends them.
    QByteArray frame(const QString &code, const QByteArray &aimId = {}) const;
    void scan(const QString &code, const QByteArray &aimId = {}, int delayMs = 0);
    // One scan in `pieces` writes, `gapMs` apart.
    void scanSplit(const QString &code, int pieces, int gapMs, const QByteArray &aimId = {});
    // Bytes released all at once (not paced), so the driver reads them together.
    void burst(const QByteArray &bytes);
    void scanMany(const QStringList &codes) { QByteArray all; for (const QString &c : codes) all += frame(c); burst(all); }
    void sendRaw(const QByteArray &bytes, int delayMs = 0) { send(bytes, delayMs); }
};

class HidScannerEmulator : public PtyDevice
{
    Q_OBJECT
public:
    enum class AltCodes { Unicode, Gb18030 };

    explicit HidScannerEmulator(QString linkPath, QObject *parent = nullptr);

    AltCodes altCodes = AltCodes::Unicode;
    bool shiftWithRightKey = false; // some scanners press the right Shift
    bool capsLockFirst = false;     // toggle Caps Lock before typing, as a scanner following the host's LED does

    // One input_event record.
    static QByteArray event(quint16 type, quint16 code, qint32 value);
    // The events of typing `text` (and Enter when `enter`), with SYN_REPORTs as a keyboard sends them.
    QByteArray keystrokes(const QString &text, bool enter = true) const;
    void scan(const QString &text, int delayMs = 0) { send(keystrokes(text), delayMs); }
    void scanSplit(const QString &text, int pieces, int gapMs);
    void sendEvents(const QByteArray &events, int delayMs = 0) { send(events, delayMs); }

private:
    void key(QByteArray &out, quint16 code, bool shift) const;
};

} // namespace hall::emulators
