// Metadata promises a TicketPrinter, but the plugin implements no printer factory.
#include <devices/idcard.h>

#include <QObject>
#include <QtPlugin>

class LiarPlugin : public QObject, public hall::devices::IdCardReaderFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallIdCardReaderFactory_iid FILE "liar.json")
    Q_INTERFACES(hall::devices::IdCardReaderFactory)
public:
    hall::devices::IdCardReader *createIdCardReader(const hall::devices::DeviceConfig &) override { return nullptr; }
};

#include "liar.moc"
