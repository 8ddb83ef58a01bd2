// The idcard-sam driver plugin: resident ID card readers speaking GA/T 467 SAM over serial.

#include "samreader.h"

#include <QObject>
#include <QtPlugin>

namespace hall::drivers::sam {

class SamPlugin : public QObject, public devices::IdCardReaderFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallIdCardReaderFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::IdCardReaderFactory)
public:
    devices::IdCardReader *createIdCardReader(const devices::DeviceConfig &config) override
    {
        return new SamReader(config);
    }
};

} // namespace hall::drivers::sam

#include "plugin.moc"
