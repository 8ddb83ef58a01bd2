// The idcard-sam driver plugin: resident ID card readers speaking GA/T 467 SAM over serial.

#include "samreader.h"

#include <devices/deviceinfo.h>

#include <QObject>
#include <QtPlugin>

namespace hall::drivers::sam {

class SamPlugin : public QObject, public devices::IdCardReaderFactory, public devices::DeviceEnumerator
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallIdCardReaderFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::IdCardReaderFactory hall::devices::DeviceEnumerator)
public:
    devices::IdCardReader *createIdCardReader(const devices::DeviceConfig &config) override
    {
        return new SamReader(config);
    }
    // A serial driver sees the PC's serial ports (USB adapters included).
    QList<devices::DeviceInfo> availableDevices(QString *) const override { return devices::serialPortDevices(); }
};

} // namespace hall::drivers::sam

#include "plugin.moc"
