#pragma once

#include <devices/device.h>

#include <QCoreApplication>
#include <QMetaType>
#include <QVariantMap>

namespace hall::devices {

// What a window LED bar or a central display card shows for one window.
struct ScreenContent
{
    enum class Mode { Serving, Paused, Idle, Text };
    Mode mode = Mode::Idle;
    QString number;  // Serving: the ticket number
    QString text;    // Text: free text; otherwise an optional override of the standard words
    QString window;  // the window's name or number for %window; empty: the screen address
    QString colour;  // "red", "green", "yellow", "blue", "magenta", "cyan", "white"; empty: the
                     // configured colour of the mode (options servingColour, pausedColour …)
};

class HALL_DEVICES_EXPORT WindowScreen : public Device
{
    Q_OBJECT
public:
    using Device::Device;
    // Dynamic content goes to the screen's RAM, never its flash (flash wears out).
    Q_INVOKABLE virtual void show(int address, const hall::devices::ScreenContent &content) = 0;

    // The text a screen shows at power-on, kept in its flash. For field engineers setting a
    // screen up, never for dynamic content. Screens without such a store report NotSupported.
    Q_INVOKABLE virtual void storeStartupText(int address, const QString &text)
    {
        Q_UNUSED(text);
        setError(Error::NotSupported, QCoreApplication::translate("WindowScreen", "Screen %1 cannot store a start-up text.").arg(address));
    }

    // The words of a mode, the same for every WindowScreen driver. Options servingText
    // (default "请%number到%window号窗口"; "%number" shows the number alone), pausedText
    // ("暂停服务") and idleText ("为您服务"); content.text, when set, replaces them. %number is
    // the ticket number, %window content.window or else the address.
    static QString standardText(const ScreenContent &content, int address, const QVariantMap &options)
    {
        QString words = content.text;
        if (words.isEmpty()) {
            // The source texts are the Chinese words the hall's screens show (Q12, D2).
            switch (content.mode) {
            case ScreenContent::Mode::Serving:
                words = options.value(QStringLiteral("servingText"),
                                      QCoreApplication::translate("WindowScreen", "请%number到%window号窗口")).toString();
                break;
            case ScreenContent::Mode::Paused:
                words = options.value(QStringLiteral("pausedText"), QCoreApplication::translate("WindowScreen", "暂停服务")).toString();
                break;
            case ScreenContent::Mode::Idle:
                words = options.value(QStringLiteral("idleText"), QCoreApplication::translate("WindowScreen", "为您服务")).toString();
                break;
            case ScreenContent::Mode::Text:
                break;
            }
        }
        if (content.mode == ScreenContent::Mode::Text)
            return words;
        const QString window = content.window.isEmpty() ? QString::number(address) : content.window;
        return words.replace(QLatin1String("%number"), content.number).replace(QLatin1String("%window"), window);
    }

Q_SIGNALS:
    void shown(int address);
    // show() or storeStartupText() for this address failed (also reported by errorOccurred).
    void showFailed(int address, hall::devices::Device::Error error, const QString &message);
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
