// The codescanner driver plugin: barcode/QR scanners, serial or keyboard-wedge (HID).

#include "scannerdevice.h"

#include <devices/deviceinfo.h>

#include <QObject>
#include <QtPlugin>

namespace hall::drivers::codescanner {

class CodeScannerPlugin : public QObject, public devices::CodeScannerFactory, public devices::DeviceEnumerator
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallCodeScannerFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::CodeScannerFactory hall::devices::DeviceEnumerator)
public:
    devices::CodeScanner *createCodeScanner(const devices::DeviceConfig &config) override
    {
        // The mode is read (and bad options refused) when the device opens, on its own thread.
        return new ScannerDevice(config);
    }
    // A serial driver sees the PC's serial ports (USB adapters included).
    QList<devices::DeviceInfo> availableDevices(QString *) const override { return devices::serialPortDevices(); }
};

} // namespace hall::drivers::codescanner

#include "plugin.moc"
