// The test-fake driver: FakeDevice as the "FakeGadget" class, and a device list.
#include "fakedevice.h"

#include <devices/deviceinfo.h>

#include <QObject>

namespace hall::devices::test {

class FakePlugin : public QObject, public FakeGadgetFactory, public DeviceEnumerator
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallFakeGadgetFactory_iid FILE "fakeplugin.json")
    Q_INTERFACES(hall::devices::test::FakeGadgetFactory hall::devices::DeviceEnumerator)
public:
    Device *createFakeGadget(const DeviceConfig &config) override { return new FakeDevice(config); }
    QList<DeviceInfo> availableDevices(QString *) const override
    {
        DeviceInfo a;
        a.port = QStringLiteral("fake:0");
        a.description = QStringLiteral("first fake");
        a.vendorId = 0x1234;
        DeviceInfo b;
        b.port = QStringLiteral("fake:1");
        b.description = QStringLiteral("second fake");
        return {a, b};
    }
};

} // namespace hall::devices::test

#include "fakeplugin.moc"
