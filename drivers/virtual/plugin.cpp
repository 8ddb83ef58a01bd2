// The virtual driver: a simulator for every device class, always built. The demo, the GUI
// tests and training use it instead of hardware.

#include "virtualcamera.h"
#include "virtualdevices.h"
#include "virtualidcard.h"
#include "virtualscanner.h"

#include <devices/deviceclass.h>
#include <devices/deviceinfo.h>

#include <QObject>
#include <QtPlugin>

namespace hall::drivers::virt {

class VirtualPlugin : public QObject,
                      public devices::IdCardReaderFactory,
                      public devices::CallerBusFactory,
                      public devices::WindowScreenFactory,
                      public devices::CodeScannerFactory,
                      public devices::TicketPrinterFactory,
                      public devices::ScannerFactory,
                      public devices::DocumentCameraFactory,
                      public devices::DeviceEnumerator
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID HallIdCardReaderFactory_iid FILE "plugin.json")
    Q_INTERFACES(hall::devices::IdCardReaderFactory hall::devices::CallerBusFactory hall::devices::WindowScreenFactory
                 hall::devices::CodeScannerFactory hall::devices::TicketPrinterFactory hall::devices::ScannerFactory
                 hall::devices::DocumentCameraFactory hall::devices::DeviceEnumerator)
public:
    devices::IdCardReader *createIdCardReader(const devices::DeviceConfig &config) override
    {
        return new VirtualIdCardReader(config);
    }
    devices::CallerBus *createCallerBus(const devices::DeviceConfig &config) override
    {
        return new VirtualCallerBus(config);
    }
    devices::WindowScreen *createWindowScreen(const devices::DeviceConfig &config) override
    {
        return new VirtualWindowScreen(config);
    }
    devices::CodeScanner *createCodeScanner(const devices::DeviceConfig &config) override
    {
        return new VirtualCodeScanner(config);
    }
    devices::TicketPrinter *createTicketPrinter(const devices::DeviceConfig &config) override
    {
        return new VirtualTicketPrinter(config);
    }
    devices::Scanner *createScanner(const devices::DeviceConfig &config) override
    {
        return new VirtualScanner(config);
    }
    devices::DocumentCamera *createDocumentCamera(const devices::DeviceConfig &config) override
    {
        return new VirtualDocumentCamera(config);
    }
    // One simulated device of every class, always there; the port is not used.
    QList<devices::DeviceInfo> availableDevices(QString *) const override
    {
        static const char *const classes[] = {"IdCardReader", "TicketPrinter", "CallerBus", "WindowScreen",
                                              "CodeScanner", "Scanner", "DocumentCamera"};
        QList<devices::DeviceInfo> out;
        for (const char *name : classes) {
            const QString cls = QString::fromLatin1(name);
            const std::optional<devices::DeviceClass> c = devices::DeviceClasses::find(cls);
            devices::DeviceInfo info;
            info.port = QStringLiteral("virtual");
            info.description = tr("Simulated %1").arg(c ? c->text() : cls);
            info.manufacturer = QStringLiteral("HallSuite");
            info.classes = {cls};
            out.append(info);
        }
        return out;
    }
};

} // namespace hall::drivers::virt

#include "plugin.moc"
