// The ledbar driver plugin: window LED bars and central display control cards on RS-485 or UDP.

#include "ledbarscreen.h"

#include <devices/deviceinfo.h>

#include <QObject>
#include <QtPlugin>

namespace hall::drivers::ledbar {

class LedBarPlugin : public QObject, public devices::WindowScreenFactory, public devices::DeviceEnumerator
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallWindowScreenFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::WindowScreenFactory hall::devices::DeviceEnumerator)
public:
    devices::WindowScreen *createWindowScreen(const devices::DeviceConfig &config) override
    {
        return new LedBarScreen(config);
    }
    // A serial driver sees the PC's serial ports (USB adapters included).
    QList<devices::DeviceInfo> availableDevices(QString *) const override { return devices::serialPortDevices(); }
};

} // namespace hall::drivers::ledbar

#include "plugin.moc"
