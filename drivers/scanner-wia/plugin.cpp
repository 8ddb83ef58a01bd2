// The scanner-wia driver plugin: document scanners through WIA 2.0 (Windows only).

#include "wiascanner.h"

#include <QObject>
#include <QtPlugin>

namespace hall::drivers::wia {

class WiaPlugin : public QObject, public devices::ScannerFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallScannerFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::ScannerFactory)
public:
    devices::Scanner *createScanner(const devices::DeviceConfig &config) override
    {
        // COM and WIA are set up when the device opens, on its own thread.
        return new WiaScanner(config);
    }
};

} // namespace hall::drivers::wia

#include "plugin.moc"
