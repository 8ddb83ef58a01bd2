// The scanner-sane driver plugin: document scanners through libsane.

#include "sanescanner.h"

#include <QObject>
#include <QtPlugin>

namespace hall::drivers::sane {

class SanePlugin : public QObject, public devices::ScannerFactory, public devices::DeviceEnumerator
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallScannerFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::ScannerFactory hall::devices::DeviceEnumerator)
public:
    devices::Scanner *createScanner(const devices::DeviceConfig &config) override
    {
        // libsane is initialised when the device opens, on its own thread.
        return new SaneScanner(config);
    }
    QList<devices::DeviceInfo> availableDevices(QString *error) const override
    {
        return SaneScanner::availableDevices(error);
    }
};

} // namespace hall::drivers::sane

#include "plugin.moc"
