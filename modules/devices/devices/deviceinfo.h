#pragma once

#include <devices/devices_export.h>

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVariantMap>

namespace hall::devices {

// A device a driver can see now (after QCanBusDeviceInfo): what to put in DeviceConfig::port,
// and what a maintenance screen shows to tell the devices apart.
struct DeviceInfo
{
    QString port;         // as DeviceConfig::port takes it: "/dev/ttyUSB0", "test:0", "/dev/video0"
    QString description;  // "USB-Serial Controller", "Noname frame-grabber"
    QString manufacturer; // vendor, as the system or the device names it
    QString serialNumber;
    quint16 vendorId = 0;  // USB vendor and product ids; 0: unknown
    quint16 productId = 0;
    QStringList classes;   // device classes the driver runs there; empty: all of the driver's
    QVariantMap details;   // anything else the driver knows (SANE type, camera resolutions …)
};

// Optional interface of a driver plugin, next to its factories (found with qobject_cast): the
// devices it can see now, as QCanBusFactory::availableDevices. Called on the caller's thread.
class DeviceEnumerator
{
public:
    virtual ~DeviceEnumerator() = default;
    // An empty list is an answer ("none plugged in"); on failure also a translated reason.
    virtual QList<DeviceInfo> availableDevices(QString *error) const = 0;
};

// The serial ports of this PC (QSerialPortInfo) as DeviceInfo, for the serial drivers.
HALL_DEVICES_EXPORT QList<DeviceInfo> serialPortDevices();

} // namespace hall::devices

Q_DECLARE_METATYPE(hall::devices::DeviceInfo)
#define HallDeviceEnumerator_iid "org.hallsuite.devices.DeviceEnumerator/1"
Q_DECLARE_INTERFACE(hall::devices::DeviceEnumerator, HallDeviceEnumerator_iid)
