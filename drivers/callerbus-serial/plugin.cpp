// The callerbus-serial driver plugin: hardware callers and key evaluators on one addressed
// RS-485/serial bus (docs/protocols/callerbus.md).

#include "callerbusserial.h"

#include <devices/deviceinfo.h>

#include <QObject>
#include <QtPlugin>

namespace hall::drivers::callerbus {

class CallerBusPlugin : public QObject, public devices::CallerBusFactory, public devices::DeviceEnumerator
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallCallerBusFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::CallerBusFactory hall::devices::DeviceEnumerator)
public:
    devices::CallerBus *createCallerBus(const devices::DeviceConfig &config) override
    {
        return new CallerBusSerial(config);
    }
    // A serial driver sees the PC's serial ports (USB adapters included).
    QList<devices::DeviceInfo> availableDevices(QString *) const override { return devices::serialPortDevices(); }
};

} // namespace hall::drivers::callerbus

#include "plugin.moc"
