// The printer-escpos driver plugin: thermal ticket printers speaking ESC/POS over serial,
// TCP port 9100 or a device node.

#include "escposprinter.h"

#include <devices/deviceinfo.h>

#include <QDir>
#include <QObject>
#include <QtPlugin>

namespace hall::drivers::escpos {

class EscPosPlugin : public QObject, public devices::TicketPrinterFactory, public devices::DeviceEnumerator
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallTicketPrinterFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::TicketPrinterFactory hall::devices::DeviceEnumerator)
public:
    devices::TicketPrinter *createTicketPrinter(const devices::DeviceConfig &config) override
    {
        return new EscPosPrinter(config);
    }
    // Serial printers, and USB printer-class nodes written as plain files (file:/dev/usb/lp0).
    QList<devices::DeviceInfo> availableDevices(QString *) const override
    {
        QList<devices::DeviceInfo> out = devices::serialPortDevices();
        const QDir usb(QStringLiteral("/dev/usb"));
        for (const QString &node : usb.entryList({QStringLiteral("lp*")}, QDir::System | QDir::Files, QDir::Name)) {
            devices::DeviceInfo info;
            info.port = QStringLiteral("file:") + usb.absoluteFilePath(node);
            info.description = tr("USB printer");
            out.append(info);
        }
        return out;
    }
};

} // namespace hall::drivers::escpos

#include "plugin.moc"
