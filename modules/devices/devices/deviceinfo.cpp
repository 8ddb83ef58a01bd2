#include "deviceinfo.h"

#include <QSerialPortInfo>

namespace hall::devices {

QList<DeviceInfo> serialPortDevices()
{
    QList<DeviceInfo> out;
    const auto ports = QSerialPortInfo::availablePorts();
    for (const QSerialPortInfo &p : ports) {
        DeviceInfo info;
        info.port = p.systemLocation();
        info.description = p.description();
        info.manufacturer = p.manufacturer();
        info.serialNumber = p.serialNumber();
        if (p.hasVendorIdentifier())
            info.vendorId = p.vendorIdentifier();
        if (p.hasProductIdentifier())
            info.productId = p.productIdentifier();
        out.append(info);
    }
    return out;
}

} // namespace hall::devices
