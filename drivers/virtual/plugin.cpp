// The virtual driver: a simulator for every device class, always built. The demo, the GUI
// tests and training use it instead of hardware.

#include "virtualidcard.h"

#include <QObject>
#include <QtPlugin>

namespace hall::drivers::virt {

class VirtualPlugin : public QObject, public devices::IdCardReaderFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallIdCardReaderFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::IdCardReaderFactory)
public:
    devices::IdCardReader *createIdCardReader(const devices::DeviceConfig &config) override
    {
        return new VirtualIdCardReader(config);
    }
};

} // namespace hall::drivers::virt

#include "plugin.moc"
