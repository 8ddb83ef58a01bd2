#include "pluginloader.h"

#include "callerbus.h"
#include "codescanner.h"
#include "documentcamera.h"
#include "idcard.h"
#include "scanner.h"
#include "ticketprinter.h"
#include "windowscreen.h"

#include <core/logging.h>

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QLibrary>
#include <QPluginLoader>

namespace hall::devices {

PluginLoader::PluginLoader(QStringList searchPaths)
{
    for (const QString &dir : std::as_const(searchPaths)) {
        const QDir d(dir);
        for (const QString &name : d.entryList(QDir::Files, QDir::Name)) {
            const QString file = d.absoluteFilePath(name);
            if (!QLibrary::isLibrary(file))
                continue;
            QPluginLoader probe(file);
            const QJsonObject meta = probe.metaData();
            if (meta.isEmpty())
                continue; // not a Qt plugin
            PluginInfo info;
            info.file = file;
            const QJsonObject md = meta.value(QStringLiteral("MetaData")).toObject();
            info.key = md.value(QStringLiteral("key")).toString();
            for (const QJsonValue &c : md.value(QStringLiteral("classes")).toArray())
                info.classes.append(c.toString());
            info.vendor = md.value(QStringLiteral("vendor")).toString();
            info.description = md.value(QStringLiteral("description")).toString();
            info.apiVersion = md.value(QStringLiteral("apiVersion")).toInt();
            if (info.key.isEmpty() || info.classes.isEmpty())
                info.problem = tr("%1 is not a HallSuite driver (no key or classes in its metadata).").arg(name);
            else if (info.apiVersion != ApiVersion)
                info.problem = tr("Driver %1 is built for device API %2; this HallSuite needs API %3.")
                                   .arg(info.key).arg(info.apiVersion).arg(ApiVersion);
            if (std::any_of(m_plugins.cbegin(), m_plugins.cend(), [&](const PluginInfo &p) { return p.key == info.key; }))
                continue; // the first path wins, as PATH does
            m_plugins.append(info);
        }
    }
}

PluginLoader::~PluginLoader()
{
    // Plugins stay loaded: devices created from them may outlive the loader.
    qDeleteAll(m_loaders);
}

QStringList PluginLoader::defaultSearchPaths()
{
    QStringList paths;
    const QString env = qEnvironmentVariable("HALL_PLUGIN_PATH");
    if (!env.isEmpty())
        paths += env.split(QDir::listSeparator(), Qt::SkipEmptyParts);
    const QString app = QCoreApplication::applicationDirPath();
    paths << app + QStringLiteral("/../plugins/hall") << app + QStringLiteral("/../lib/hallsuite/plugins");
    return paths;
}

QString PluginLoader::classForRole(const QString &role)
{
    if (role.startsWith(QLatin1String("idcard")))
        return QStringLiteral("IdCardReader");
    if (role.startsWith(QLatin1String("printer")))
        return QStringLiteral("TicketPrinter");
    if (role.startsWith(QLatin1String("callerbus")) || role.startsWith(QLatin1String("caller")))
        return QStringLiteral("CallerBus");
    if (role.startsWith(QLatin1String("screen")) || role.startsWith(QLatin1String("ledbar")))
        return QStringLiteral("WindowScreen");
    // Document scanners first: "scanner…" alone stays the barcode/QR scanner.
    if (role.startsWith(QLatin1String("scanner-doc")) || role.startsWith(QLatin1String("docscanner")))
        return QStringLiteral("Scanner");
    if (role.startsWith(QLatin1String("scanner")))
        return QStringLiteral("CodeScanner");
    if (role.startsWith(QLatin1String("camera")))
        return QStringLiteral("DocumentCamera");
    return {};
}

const PluginInfo *PluginLoader::plugin(const QString &key) const
{
    for (const PluginInfo &p : m_plugins) {
        if (p.key == key)
            return &p;
    }
    return nullptr;
}

QObject *PluginLoader::instance(const PluginInfo &info, QString *error)
{
    QPluginLoader *&loader = m_loaders[info.key];
    if (!loader)
        loader = new QPluginLoader(info.file);
    QObject *obj = loader->instance();
    if (!obj)
        *error = tr("Cannot load driver %1: %2").arg(info.key, loader->errorString());
    return obj;
}

Device *PluginLoader::create(const DeviceConfig &config, QString *error)
{
    const PluginInfo *info = plugin(config.driver);
    if (!info) {
        *error = tr("No such driver: \"%1\".").arg(config.driver);
        return nullptr;
    }
    if (!info->problem.isEmpty()) {
        *error = info->problem;
        return nullptr;
    }
    const QString cls = config.options.value(QStringLiteral("class"), classForRole(config.role)).toString();
    if (cls.isEmpty()) {
        *error = tr("Role \"%1\" names no device class; set options.class.").arg(config.role);
        return nullptr;
    }
    if (!info->classes.contains(cls)) {
        *error = tr("Driver %1 provides %2, not %3.").arg(info->key, info->classes.join(QStringLiteral(", ")), cls);
        return nullptr;
    }
    QObject *obj = instance(*info, error);
    if (!obj)
        return nullptr;
    Device *device = nullptr;
    if (cls == QLatin1String("IdCardReader")) {
        if (auto *f = qobject_cast<IdCardReaderFactory *>(obj))
            device = f->createIdCardReader(config);
    } else if (cls == QLatin1String("TicketPrinter")) {
        if (auto *f = qobject_cast<TicketPrinterFactory *>(obj))
            device = f->createTicketPrinter(config);
    } else if (cls == QLatin1String("CallerBus")) {
        if (auto *f = qobject_cast<CallerBusFactory *>(obj))
            device = f->createCallerBus(config);
    } else if (cls == QLatin1String("WindowScreen")) {
        if (auto *f = qobject_cast<WindowScreenFactory *>(obj))
            device = f->createWindowScreen(config);
    } else if (cls == QLatin1String("CodeScanner")) {
        if (auto *f = qobject_cast<CodeScannerFactory *>(obj))
            device = f->createCodeScanner(config);
    } else if (cls == QLatin1String("Scanner")) {
        if (auto *f = qobject_cast<ScannerFactory *>(obj))
            device = f->createScanner(config);
    } else if (cls == QLatin1String("DocumentCamera")) {
        if (auto *f = qobject_cast<DocumentCameraFactory *>(obj))
            device = f->createDocumentCamera(config);
    }
    if (!device)
        *error = tr("Driver %1 does not implement the %2 factory its metadata promises.").arg(info->key, cls);
    return device;
}

} // namespace hall::devices
