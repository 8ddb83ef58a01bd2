#include "deviceclass.h"

#include "callerbus.h"
#include "codescanner.h"
#include "documentcamera.h"
#include "idcard.h"
#include "scanner.h"
#include "ticketprinter.h"
#include "windowscreen.h"

#include <QCoreApplication>
#include <QReadWriteLock>

namespace hall::devices {

namespace {

struct Text
{
    Q_DECLARE_TR_FUNCTIONS(hall::devices::DeviceClass)
};

template<typename Factory, auto Create>
DeviceClass entry(const char *name, QStringList prefixes, const char *label)
{
    return {QString::fromLatin1(name), std::move(prefixes), DeviceClasses::iidOf<Factory>(),
            &DeviceClasses::createWith<Factory, Create>, label};
}

struct Registry
{
    QReadWriteLock lock;
    QList<DeviceClass> classes{
        entry<IdCardReaderFactory, &IdCardReaderFactory::createIdCardReader>(
            "IdCardReader", {QStringLiteral("idcard")}, QT_TRANSLATE_NOOP("hall::devices::DeviceClass", "ID card reader")),
        entry<TicketPrinterFactory, &TicketPrinterFactory::createTicketPrinter>(
            "TicketPrinter", {QStringLiteral("printer")}, QT_TRANSLATE_NOOP("hall::devices::DeviceClass", "ticket printer")),
        entry<CallerBusFactory, &CallerBusFactory::createCallerBus>(
            "CallerBus", {QStringLiteral("callerbus"), QStringLiteral("caller")},
            QT_TRANSLATE_NOOP("hall::devices::DeviceClass", "caller and evaluator bus")),
        entry<WindowScreenFactory, &WindowScreenFactory::createWindowScreen>(
            "WindowScreen", {QStringLiteral("screen"), QStringLiteral("ledbar")},
            QT_TRANSLATE_NOOP("hall::devices::DeviceClass", "window screen (LED bar)")),
        entry<CodeScannerFactory, &CodeScannerFactory::createCodeScanner>(
            "CodeScanner", {QStringLiteral("scanner")}, QT_TRANSLATE_NOOP("hall::devices::DeviceClass", "barcode/QR scanner")),
        entry<ScannerFactory, &ScannerFactory::createScanner>(
            "Scanner", {QStringLiteral("scanner-doc"), QStringLiteral("docscanner")},
            QT_TRANSLATE_NOOP("hall::devices::DeviceClass", "document scanner")),
        entry<DocumentCameraFactory, &DocumentCameraFactory::createDocumentCamera>(
            "DocumentCamera", {QStringLiteral("camera")}, QT_TRANSLATE_NOOP("hall::devices::DeviceClass", "document camera")),
    };
};

Registry &registry()
{
    static Registry r;
    return r;
}

} // namespace

QString DeviceClass::text() const
{
    return label ? QCoreApplication::translate("hall::devices::DeviceClass", label) : name;
}

QList<DeviceClass> DeviceClasses::all()
{
    QReadLocker lock(&registry().lock);
    return registry().classes;
}

std::optional<DeviceClass> DeviceClasses::find(const QString &name)
{
    QReadLocker lock(&registry().lock);
    for (const DeviceClass &c : std::as_const(registry().classes)) {
        if (c.name == name)
            return c;
    }
    return std::nullopt;
}

std::optional<DeviceClass> DeviceClasses::forRole(const QString &role)
{
    QReadLocker lock(&registry().lock);
    const DeviceClass *best = nullptr;
    qsizetype bestLength = 0;
    for (const DeviceClass &c : std::as_const(registry().classes)) {
        for (const QString &prefix : c.rolePrefixes) {
            if (prefix.size() > bestLength && role.startsWith(prefix)) {
                best = &c;
                bestLength = prefix.size();
            }
        }
    }
    return best ? std::optional<DeviceClass>(*best) : std::nullopt;
}

QString DeviceClasses::roleList()
{
    QReadLocker lock(&registry().lock);
    QStringList out;
    for (const DeviceClass &c : std::as_const(registry().classes)) {
        for (const QString &prefix : c.rolePrefixes)
            out.append(prefix + QStringLiteral("…"));
    }
    return out.join(QStringLiteral(", "));
}

bool DeviceClasses::add(const DeviceClass &cls, QString *error)
{
    if (cls.name.isEmpty() || !cls.create) {
        *error = Text::tr("A device class needs a name and a create function.");
        return false;
    }
    QWriteLocker lock(&registry().lock);
    for (const DeviceClass &c : std::as_const(registry().classes)) {
        if (c.name == cls.name) {
            *error = Text::tr("Device class %1 is registered already.").arg(cls.name);
            return false;
        }
        for (const QString &prefix : cls.rolePrefixes) {
            if (c.rolePrefixes.contains(prefix)) {
                *error = Text::tr("Role prefix \"%1\" already selects %2.").arg(prefix, c.name);
                return false;
            }
        }
    }
    registry().classes.append(cls);
    return true;
}

} // namespace hall::devices
