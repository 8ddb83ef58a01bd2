// A driver built for another device API version: PluginLoader must refuse it before loading.
#include <devices/idcard.h>

#include <QObject>
#include <QtPlugin>

class OldApiPlugin : public QObject, public hall::devices::IdCardReaderFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallIdCardReaderFactory_iid FILE "oldapi.json")
    Q_INTERFACES(hall::devices::IdCardReaderFactory)
public:
    hall::devices::IdCardReader *createIdCardReader(const hall::devices::DeviceConfig &) override { return nullptr; }
};

#include "oldapi.moc"
