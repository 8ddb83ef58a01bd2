// The ledbar-onbon driver plugin: Onbon BX-5E/BX-6E controllers' dynamic areas over TCP, UDP
// or a serial link.

#include "onbonscreen.h"

#include <devices/deviceinfo.h>

#include <QObject>
#include <QtPlugin>

namespace hall::drivers::onbon {

class OnbonPlugin : public QObject, public devices::WindowScreenFactory, public devices::DeviceEnumerator
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallWindowScreenFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::WindowScreenFactory hall::devices::DeviceEnumerator)
public:
    devices::WindowScreen *createWindowScreen(const devices::DeviceConfig &config) override
    {
        return new OnbonScreen(config);
    }
    // Serial cards sit on the PC's serial ports; network cards are configured by address.
    QList<devices::DeviceInfo> availableDevices(QString *) const override { return devices::serialPortDevices(); }
};

} // namespace hall::drivers::onbon

#include "plugin.moc"
