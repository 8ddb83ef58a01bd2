#include "displayautomation.h"

#include "displaycontroller.h"

#include <app/automation.h>

namespace hall::display {

void automate(app::Automation *automation, DisplayController *controller)
{
    if (!automation)
        return;
    QObject::connect(controller->calls(), &CallQueue::shown, automation, [automation](const Call &call) {
        automation->publish(QStringLiteral("call"), QStringLiteral("%1 %2 %3").arg(call.number, call.window, call.kind));
    });
    QObject::connect(controller->calls(), &CallQueue::currentChanged, automation, [automation, controller] {
        if (!controller->calls()->current())
            automation->publish(QStringLiteral("calm")); // no call enlarged: the wall shows the hall
    });
    QObject::connect(controller, &DisplayController::offlineChanged, automation, [automation](bool offline) {
        automation->publish(offline ? QStringLiteral("offline") : QStringLiteral("online"));
    });
    QObject::connect(controller, &DisplayController::stateChanged, automation, [automation] { automation->publish(QStringLiteral("state")); });
    automation->addCommand(QStringLiteral("status"), [controller](const QStringList &, QString *reply) {
        const auto &current = controller->calls()->current();
        *reply = QStringLiteral("offline=%1 enlarged=%2").arg(controller->isOffline() ? 1 : 0).arg(current ? current->announcementId() : QString());
        return true;
    });
}

} // namespace hall::display
