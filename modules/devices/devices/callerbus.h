#pragma once

#include <devices/device.h>

#include <QMetaType>

namespace hall::devices {

// A key pressed on a hardware caller (呼叫器), or a rating given on an evaluator (评价器); both
// sit on one addressed bus.
struct CallerEvent
{
    enum class Key { Next, Recall, SpecialCall, Pause, Evaluate, Transfer, Settings, Query, Digits, Login, Rating };
    int address = 0;   // the caller's or evaluator's bus address (usually the window number)
    Key key = Key::Next;
    QString argument;  // Digits: the number typed (ticket for special call, window for transfer …)
    int rating = 0;    // Rating: 1 (非常不满意) … 5 (非常满意)
};

// What the host shows back on a caller's display.
struct CallerDisplay
{
    QString number;    // the number being served, or a short message
    int waiting = -1;  // people waiting; -1 = do not show
    bool beep = false; // a new ticket arrived (Q17 buzzer)
};

class HALL_DEVICES_EXPORT CallerBus : public Device
{
    Q_OBJECT
public:
    using Device::Device;
    Q_INVOKABLE virtual void show(int address, const hall::devices::CallerDisplay &display) = 0;
    Q_INVOKABLE virtual void promptRating(int address) = 0;

Q_SIGNALS:
    void keyPressed(const hall::devices::CallerEvent &event);
    // A caller or evaluator stopped answering (unplugged, switched off, wrong address) or
    // answers again. Drivers that cannot tell never emit it.
    void addressStatusChanged(int address, bool answering);
};

class CallerBusFactory
{
public:
    virtual ~CallerBusFactory() = default;
    virtual CallerBus *createCallerBus(const DeviceConfig &config) = 0;
};

} // namespace hall::devices

Q_DECLARE_METATYPE(hall::devices::CallerEvent)
Q_DECLARE_METATYPE(hall::devices::CallerDisplay)
#define HallCallerBusFactory_iid "org.hallsuite.devices.CallerBusFactory/1"
Q_DECLARE_INTERFACE(hall::devices::CallerBusFactory, HallCallerBusFactory_iid)
