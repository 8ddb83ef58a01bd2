#include "pluginloader.h"

#include "deviceclass.h"

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
    const std::optional<DeviceClass> cls = DeviceClasses::forRole(role);
    return cls ? cls->name : QString();
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
    // A class the table does not know is a promise no factory can keep, like a missing one.
    const std::optional<DeviceClass> deviceClass = DeviceClasses::find(cls);
    Device *device = deviceClass ? deviceClass->create(obj, config) : nullptr;
    if (!device)
        *error = tr("Driver %1 does not implement the %2 factory its metadata promises.").arg(info->key, cls);
    return device;
}

QList<DeviceInfo> PluginLoader::availableDevices(const QString &key, QString *error)
{
    const PluginInfo *info = plugin(key);
    if (!info) {
        *error = tr("No such driver: \"%1\".").arg(key);
        return {};
    }
    if (!info->problem.isEmpty()) {
        *error = info->problem;
        return {};
    }
    QObject *obj = instance(*info, error);
    if (!obj)
        return {};
    const auto *enumerator = qobject_cast<DeviceEnumerator *>(obj);
    if (!enumerator) {
        *error = tr("Driver %1 cannot list its devices; give the port by hand.").arg(key);
        return {};
    }
    return enumerator->availableDevices(error);
}

bool PluginLoader::canListDevices(const QString &key)
{
    const PluginInfo *info = plugin(key);
    QString error;
    QObject *obj = info && info->problem.isEmpty() ? instance(*info, &error) : nullptr;
    return obj && qobject_cast<DeviceEnumerator *>(obj);
}

} // namespace hall::devices
