#pragma once

#include <devices/device.h>

namespace hall::devices {

// Barcode/QR scanners, serial or keyboard-wedge: each scan arrives as one event.
class HALL_DEVICES_EXPORT CodeScanner : public Device
{
    Q_OBJECT
public:
    using Device::Device;

Q_SIGNALS:
    void scanned(const QString &code);
    // The same scan with its AIM symbology identifier (ISO/IEC 15424: "]Q1" QR Code,
    // "]C0" Code 128, "]E0" EAN-13 …), empty when the scanner sends none. Emitted right after
    // scanned() for every scan; connect to one of the two.
    void scannedWithSymbology(const QString &code, const QString &aimId);
};

class CodeScannerFactory
{
public:
    virtual ~CodeScannerFactory() = default;
    virtual CodeScanner *createCodeScanner(const DeviceConfig &config) = 0;
};

} // namespace hall::devices

#define HallCodeScannerFactory_iid "org.hallsuite.devices.CodeScannerFactory/1"
Q_DECLARE_INTERFACE(hall::devices::CodeScannerFactory, HallCodeScannerFactory_iid)
