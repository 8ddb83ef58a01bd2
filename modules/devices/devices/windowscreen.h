#pragma once

#include <devices/device.h>

#include <QMetaType>

namespace hall::devices {

// What a window LED bar or a central display card shows for one window.
struct ScreenContent
{
    enum class Mode { Serving, Paused, Idle, Text };
    Mode mode = Mode::Idle;
    QString number;  // Serving: the ticket number
    QString text;    // Text: free text; otherwise an optional override of the standard words
};

class HALL_DEVICES_EXPORT WindowScreen : public Device
{
    Q_OBJECT
public:
    using Device::Device;
    // Dynamic content goes to the screen's RAM, never its flash (flash wears out).
    Q_INVOKABLE virtual void show(int address, const hall::devices::ScreenContent &content) = 0;

Q_SIGNALS:
    void shown(int address);
};

class WindowScreenFactory
{
public:
    virtual ~WindowScreenFactory() = default;
    virtual WindowScreen *createWindowScreen(const DeviceConfig &config) = 0;
};

} // namespace hall::devices

Q_DECLARE_METATYPE(hall::devices::ScreenContent)
#define HallWindowScreenFactory_iid "org.hallsuite.devices.WindowScreenFactory/1"
Q_DECLARE_INTERFACE(hall::devices::WindowScreenFactory, HallWindowScreenFactory_iid)
