// The callerbus-serial driver plugin: hardware callers and key evaluators on one addressed
// RS-485/serial bus (docs/protocols/callerbus.md).

#include "callerbusserial.h"

#include <QObject>
#include <QtPlugin>

namespace hall::drivers::callerbus {

class CallerBusPlugin : public QObject, public devices::CallerBusFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallCallerBusFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::CallerBusFactory)
public:
    devices::CallerBus *createCallerBus(const devices::DeviceConfig &config) override
    {
        return new CallerBusSerial(config);
    }
};

} // namespace hall::drivers::callerbus

#include "plugin.moc"
