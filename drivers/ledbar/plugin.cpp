// The ledbar driver plugin: window LED bars and central display control cards on RS-485 or UDP.

#include "ledbarscreen.h"

#include <QObject>
#include <QtPlugin>

namespace hall::drivers::ledbar {

class LedBarPlugin : public QObject, public devices::WindowScreenFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallWindowScreenFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::WindowScreenFactory)
public:
    devices::WindowScreen *createWindowScreen(const devices::DeviceConfig &config) override
    {
        return new LedBarScreen(config);
    }
};

} // namespace hall::drivers::ledbar

#include "plugin.moc"
