#pragma once

#include <algorithm>

// What the WindowScreen driver tests share: one show() through a screen on its device thread,
// waited for, and the content to show.

#include <devices/windowscreen.h>

#include <QSignalSpy>
#include <QTest>

namespace hall::testing {

// Shows once; true when the screen confirmed it, else the error as "Kind:message".
inline bool showOnce(devices::WindowScreen *s, int address, const devices::ScreenContent &content, QString *error,
                     int timeoutMs = 5000)
{
    QSignalSpy shown(s, &devices::WindowScreen::shown);
    QSignalSpy failed(s, &devices::WindowScreen::showFailed);
    QMetaObject::invokeMethod(s, [s, address, content] { s->show(address, content); }, Qt::QueuedConnection);
    // Only this address's answer counts: a screen that restores what it missed (after a
    // reconnect) may report other addresses meanwhile.
    const auto about = [address](const QSignalSpy &spy) {
        return std::any_of(spy.cbegin(), spy.cend(), [address](const QList<QVariant> &args) { return args.at(0).toInt() == address; });
    };
    if (!QTest::qWaitFor([&] { return about(shown) || about(failed); }, timeoutMs)) {
        *error = QStringLiteral("no answer from the driver for address %1").arg(address);
        return false;
    }
    for (const QList<QVariant> &args : std::as_const(failed)) {
        if (args.at(0).toInt() == address) {
            *error = errorName(args.at(1).value<devices::Device::Error>()) + u':' + args.at(2).toString();
            return false;
        }
    }
    return true;
}

inline devices::ScreenContent screenContent(devices::ScreenContent::Mode mode, const QString &number = {},
                                            const QString &text = {}, const QString &colour = {})
{
    devices::ScreenContent c;
    c.mode = mode;
    c.number = number;
    c.text = text;
    c.colour = colour;
    return c;
}

} // namespace hall::testing
