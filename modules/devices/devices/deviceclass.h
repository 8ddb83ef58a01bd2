#pragma once

#include <devices/device.h>

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace hall::devices {

// One device class as the plugin loader knows it. Adding a class is one entry: its name (as
// plugins list it in their metadata's "classes"), the role prefixes that select it, its
// factory interface and how to create a device through it, and a label for people.
struct HALL_DEVICES_EXPORT DeviceClass
{
    QString name;             // "IdCardReader"
    QStringList rolePrefixes; // "idcard": roles "idcard", "idcard-2" … are ID card readers
    QString iid;              // the factory interface, "org.hallsuite.devices.IdCardReaderFactory/1"
    // Creates the device through the plugin's factory; nullptr if the plugin does not implement it.
    Device *(*create)(QObject *plugin, const DeviceConfig &config) = nullptr;
    const char *label = nullptr; // QT_TRANSLATE_NOOP("hall::devices::DeviceClass", "ID card reader")

    QString text() const; // the label, translated
};

// The table of device classes: the built-in ones (IdCardReader, TicketPrinter, CallerBus,
// WindowScreen, CodeScanner, Scanner, DocumentCamera) and any added with add(). Safe from any
// thread.
class HALL_DEVICES_EXPORT DeviceClasses
{
public:
    static QList<DeviceClass> all();
    static std::optional<DeviceClass> find(const QString &name);
    // The class a role selects: the longest matching prefix wins, so "scanner-doc…" and
    // "docscanner…" are document scanners while "scanner…" stays the barcode/QR scanner.
    static std::optional<DeviceClass> forRole(const QString &role);
    // The role prefixes for messages: "idcard…, printer…, …".
    static QString roleList();
    // Adds a class; refused (false, translated reason) if its name or a role prefix is taken.
    static bool add(const DeviceClass &cls, QString *error);

    // The create function of a class whose plugins implement `Factory` with `Create`:
    // DeviceClasses::createWith<IdCardReaderFactory, &IdCardReaderFactory::createIdCardReader>.
    template<typename Factory, auto Create>
    static Device *createWith(QObject *plugin, const DeviceConfig &config)
    {
        auto *factory = qobject_cast<Factory *>(plugin);
        return factory ? (factory->*Create)(config) : nullptr;
    }
    template<typename Factory>
    static QString iidOf()
    {
        return QString::fromLatin1(qobject_interface_iid<Factory *>());
    }
};

} // namespace hall::devices
