// The printer-escpos driver plugin: thermal ticket printers speaking ESC/POS over serial,
// TCP port 9100 or a device node.

#include "escposprinter.h"

#include <QObject>
#include <QtPlugin>

namespace hall::drivers::escpos {

class EscPosPlugin : public QObject, public devices::TicketPrinterFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallTicketPrinterFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::TicketPrinterFactory)
public:
    devices::TicketPrinter *createTicketPrinter(const devices::DeviceConfig &config) override
    {
        return new EscPosPrinter(config);
    }
};

} // namespace hall::drivers::escpos

#include "plugin.moc"
