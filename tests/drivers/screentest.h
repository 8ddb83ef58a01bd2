#pragma once

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
    if (!QTest::qWaitFor([&] { return !shown.isEmpty() || !failed.isEmpty(); }, timeoutMs)) {
        *error = QStringLiteral("no answer from the driver");
        return false;
    }
    if (!failed.isEmpty()) {
        if (failed.first().at(0).toInt() != address)
            *error = QStringLiteral("failure reported for the wrong address %1").arg(failed.first().at(0).toInt());
        else
            *error = errorName(failed.first().at(1).value<devices::Device::Error>()) + u':' + failed.first().at(2).toString();
        return false;
    }
    if (shown.first().first().toInt() != address) {
        *error = QStringLiteral("shown reported for the wrong address");
        return false;
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
