#pragma once

#include "scanprotocol.h"

#include <devices/codescanner.h>
#include <devices/evdev.h>
#include <devices/transport.h>

#include <QTimer>

#include <memory>

namespace hall::drivers::codescanner {

// A barcode/QR scanner, one scanned() per code. options.mode chooses how it is reached:
//  - "serial": a serial (or USB COM) scanner through Transport, 9600 baud 8N1 by default;
//  - "hid": a keyboard-wedge scanner, read from its Linux evdev node (options.device) and
//    grabbed (EVIOCGRAB) so its keystrokes do not also land in the focused window.
// Both end in the same LineSplitter/decodeLine; see docs/protocols/codescanner.md.
class ScannerDevice final : public devices::CodeScanner
{
    Q_OBJECT
    Q_PROPERTY(bool grabbed READ isGrabbed)
public:
    explicit ScannerDevice(devices::DeviceConfig config, QObject *parent = nullptr);
    ~ScannerDevice() override;

    bool isGrabbed() const { return m_evdev.grab() == devices::EvdevReader::Grab::Grabbed; }

protected:
    bool openDevice() override;
    void closeDevice() override;

private:
    bool openSerial();
    bool openHid();
    void hidLost(devices::EvdevReader::Problem problem);
    void consume(const QByteArray &bytes);
    void idle();

    Options m_options;
    LineSplitter m_splitter;
    KeyDecoder m_keys;
    std::unique_ptr<devices::Transport> m_link; // serial
    devices::EvdevReader m_evdev;               // hid
    QTimer m_idle;  // an unterminated scan that stopped arriving
    bool m_warnedGrab = false;
};

} // namespace hall::drivers::codescanner
