#pragma once

#include <devices/device.h>
#include <devices/pluginloader.h>

#include <QHash>
#include <QObject>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace hall::devices {

// Runs the PC's devices: reads its configuration (role → driver, port, options), creates each
// device from its plugin on a thread of its own, opens it, keeps it reconnecting after an
// unplug, and reports every device's status for the UI.
//
// Configuration file: {"devices": [{"role": "idcard", "driver": "idcard-sam",
//                                    "port": "/dev/ttyUSB0", "options": {"baud": 115200}}]}
class HALL_DEVICES_EXPORT DeviceManager : public QObject
{
    Q_OBJECT
public:
    explicit DeviceManager(PluginLoader *loader, QObject *parent = nullptr);
    ~DeviceManager() override;

    bool loadConfig(const QString &file, QString *error);
    static bool parseConfig(const QByteArray &json, QList<DeviceConfig> *out, QString *error);
    bool add(const DeviceConfig &config, QString *error);
    void remove(const QString &role);

    Device *device(const QString &role) const;
    template<typename T>
    T *device(const QString &role) const { return qobject_cast<T *>(device(role)); }
    QStringList roles() const { return m_order; }
    QList<DeviceStatus> status() const;
    // What driver `driver` sees plugged in now, for offering ports (PluginLoader::availableDevices).
    QList<DeviceInfo> availableDevices(const QString &driver, QString *error);

Q_SIGNALS:
    void statusChanged(const QString &role);

private:
    struct Entry
    {
        Device *device = nullptr;
        QThread *thread = nullptr;
        DeviceStatus status;
    };
    PluginLoader *m_loader;
    QHash<QString, Entry> m_entries;
    QStringList m_order;
};

} // namespace hall::devices
