#include "devicemanager.h"

#include "deviceclass.h"

#include <core/jsonfile.h>
#include <core/jsonreader.h>

#include <QFile>
#include <QJsonArray>
#include <QDeadlineTimer>
#include <QThread>

#include <core/logging.h>

namespace hall::devices {

DeviceManager::DeviceManager(PluginLoader *loader, QObject *parent) : QObject(parent), m_loader(loader) {}

DeviceManager::~DeviceManager()
{
    const QStringList roles = m_order;
    for (const QString &role : roles)
        remove(role);
}

bool DeviceManager::parseConfig(const QByteArray &json, QList<DeviceConfig> *out, QString *error)
{
    QJsonObject object;
    if (!core::JsonFile::parseObject(json, QStringLiteral("{\"devices\": [{\"role\": …, \"driver\": …, \"port\": …}]}"), &object, error))
        return false;
    core::JsonReader r(object);
    const QJsonArray list = r.array(QStringLiteral("devices"), true);
    QStringList roles;
    for (qsizetype i = 0; i < list.size() && r.ok(); ++i) {
        core::JsonReader d(list.at(i).toObject(), QStringLiteral("devices[%1]").arg(i));
        DeviceConfig c;
        c.role = d.string(QStringLiteral("role"), true);
        c.driver = d.string(QStringLiteral("driver"), true);
        c.port = d.string(QStringLiteral("port"));
        c.options = d.object(QStringLiteral("options")).toVariantMap();
        d.finish();
        if (d.ok() && roles.contains(c.role))
            d.fail(QCoreApplication::translate("DeviceManager", "%1: role \"%2\" is configured twice").arg(d.pathOf(QStringLiteral("role")), c.role));
        if (d.ok() && PluginLoader::classForRole(c.role).isEmpty() && !c.options.contains(QStringLiteral("class")))
            d.fail(QCoreApplication::translate("DeviceManager", "%1: unknown role \"%2\" (%3, or set options.class)")
                       .arg(d.pathOf(QStringLiteral("role")), c.role, DeviceClasses::roleList()));
        if (!d.ok())
            r.fail(d.error());
        roles.append(c.role);
        out->append(c);
    }
    r.finish();
    if (!r.ok())
        *error = r.error();
    return r.ok();
}

bool DeviceManager::loadConfig(const QString &file, QString *error)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QCoreApplication::translate("DeviceManager", "Cannot read %1: %2").arg(file, f.errorString());
        return false;
    }
    QList<DeviceConfig> configs;
    if (!parseConfig(f.readAll(), &configs, error))
        return false;
    for (const DeviceConfig &c : std::as_const(configs)) {
        if (!add(c, error))
            return false;
    }
    return true;
}

bool DeviceManager::add(const DeviceConfig &config, QString *error)
{
    if (m_entries.contains(config.role)) {
        *error = QCoreApplication::translate("DeviceManager", "Role \"%1\" already has a device.").arg(config.role);
        return false;
    }
    Device *device = m_loader->create(config, error);
    if (!device)
        return false;
    Entry e;
    e.device = device;
    e.thread = new QThread(this);
    e.thread->setObjectName(QStringLiteral("device-") + config.role);
    e.status.config = config;
    device->moveToThread(e.thread);
    connect(e.thread, &QThread::finished, device, &QObject::deleteLater);
    const QString role = config.role;
    // Queued into this (the UI's) thread: status is read without touching the device.
    connect(device, &Device::stateChanged, this, [this, role](Device::State s) {
        auto it = m_entries.find(role);
        if (it == m_entries.end())
            return;
        it->status.state = s;
        if (s == Device::State::Ready) {
            it->status.error = Device::Error::NoError;
            it->status.message.clear();
        }
        Q_EMIT statusChanged(role);
    });
    connect(device, &Device::errorOccurred, this, [this, role](Device::Error err, const QString &message) {
        auto it = m_entries.find(role);
        if (it == m_entries.end())
            return;
        it->status.error = err;
        it->status.message = message;
        Q_EMIT statusChanged(role);
    });
    m_entries.insert(role, e);
    m_order.append(role);
    e.thread->start();
    QMetaObject::invokeMethod(device, &Device::open, Qt::QueuedConnection);
    return true;
}

void DeviceManager::remove(const QString &role)
{
    auto it = m_entries.find(role);
    if (it == m_entries.end())
        return;
    Entry e = *it;
    m_entries.erase(it);
    m_order.removeAll(role);
    // Close and stop on the device's own thread, behind whatever it is doing, and wait a bounded
    // time: a device stuck in a long operation must not freeze the window that removes it.
    Q_ASSERT(QThread::currentThread() == thread());
    QMetaObject::invokeMethod(e.device, &Device::close, Qt::QueuedConnection);
    e.thread->quit();
    if (e.thread->wait(QDeadlineTimer(5000))) {
        delete e.thread;
        return;
    }
    qCWarning(lcDevices) << "device" << role << "did not stop within 5 s; it is left to finish on its own";
    e.thread->setParent(nullptr);
    connect(e.thread, &QThread::finished, e.thread, &QObject::deleteLater);
}

QList<DeviceInfo> DeviceManager::availableDevices(const QString &driver, QString *error)
{
    return m_loader->availableDevices(driver, error);
}

Device *DeviceManager::device(const QString &role) const
{
    return m_entries.value(role).device;
}

QList<DeviceStatus> DeviceManager::status() const
{
    QList<DeviceStatus> out;
    for (const QString &role : m_order)
        out.append(m_entries.value(role).status);
    return out;
}

} // namespace hall::devices
