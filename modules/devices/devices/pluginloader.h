#pragma once

#include <devices/device.h>
#include <devices/deviceclass.h>
#include <devices/deviceinfo.h>

#include <QCoreApplication>
#include <QHash>
#include <QStringList>

QT_BEGIN_NAMESPACE
class QPluginLoader;
QT_END_NAMESPACE

namespace hall::devices {

struct PluginInfo
{
    QString file;
    QString key;          // "idcard-sam"
    QStringList classes;  // "IdCardReader", "TicketPrinter" …
    QString vendor;
    QString description;
    int apiVersion = 0;
    QString problem;      // why it cannot be used (wrong API version, bad metadata); empty = usable
};

// Finds driver plugins (HALL_PLUGIN_PATH, then <app>/../plugins/hall and
// <app>/../lib/hallsuite/plugins), reads their metadata without loading them, refuses those
// built for another driver API, and creates devices from the rest.
class HALL_DEVICES_EXPORT PluginLoader
{
    Q_DECLARE_TR_FUNCTIONS(PluginLoader)
public:
    explicit PluginLoader(QStringList searchPaths = defaultSearchPaths());
    ~PluginLoader();

    static QStringList defaultSearchPaths();
    // Device class of a role, from the DeviceClasses table: "idcard" → IdCardReader, "printer" →
    // TicketPrinter, "callerbus" → CallerBus, "screen…"/"ledbar…" → WindowScreen, "scanner-doc…"/
    // "docscanner…" → Scanner, "scanner…" → CodeScanner, "camera…" → DocumentCamera.
    static QString classForRole(const QString &role);

    QList<PluginInfo> plugins() const { return m_plugins; }
    const PluginInfo *plugin(const QString &key) const;

    // Creates the device for `config` (class from config.options["class"] or the role).
    // The caller owns it. nullptr with a translated reason in `error` on failure.
    Device *create(const DeviceConfig &config, QString *error);

    // The devices driver `key` sees now (its DeviceEnumerator), for choosing a port. Loads the
    // plugin. An empty list with a translated reason in `error` if the driver is unknown or
    // unusable, cannot enumerate, or failed to; an empty list without one if none is there.
    QList<DeviceInfo> availableDevices(const QString &key, QString *error);
    // Whether the driver can enumerate at all (loads the plugin).
    bool canListDevices(const QString &key);

private:
    QObject *instance(const PluginInfo &info, QString *error);

    QList<PluginInfo> m_plugins;
    QHash<QString, QPluginLoader *> m_loaders;
};

} // namespace hall::devices
