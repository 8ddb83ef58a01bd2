#include "kioskautomation.h"

#include "kioskcontroller.h"

#include <app/automation.h>

#include <QMetaEnum>

namespace hall::kiosk {

namespace {

QString screenName(KioskController::Screen screen)
{
    return QString::fromLatin1(QMetaEnum::fromType<KioskController::Screen>().valueToKey(int(screen)));
}

} // namespace

void automate(app::Automation *automation, KioskController *controller)
{
    if (!automation)
        return;
    QObject::connect(controller, &KioskController::screenChanged, automation, [automation](KioskController::Screen screen) {
        automation->publish(QStringLiteral("screen"), screenName(screen));
    });
    QObject::connect(controller, &KioskController::ticketPrinted, automation, [automation, controller](const net::TicketInfo &t) {
        automation->publish(QStringLiteral("printed"),
                            QStringLiteral("%1 %2").arg(t.number, controller->ticketFromLease() ? QStringLiteral("lease") : QStringLiteral("online")));
    });
    QObject::connect(controller, &KioskController::ticketVoided, automation, [automation](qint64 id, const QString &reason) {
        automation->publish(QStringLiteral("voided"), QStringLiteral("%1 %2").arg(id).arg(reason));
    });
    auto offline = std::make_shared<bool>(controller->isOffline());
    QObject::connect(controller, &KioskController::changed, automation, [automation, controller, offline] {
        if (controller->isOffline() == *offline)
            return;
        *offline = controller->isOffline();
        automation->publish(*offline ? QStringLiteral("offline") : QStringLiteral("online"));
    });
    automation->addCommand(QStringLiteral("status"), [controller](const QStringList &, QString *reply) {
        *reply = QStringLiteral("screen=%1 offline=%2 paper=%3 ticket=%4 newTicket=%5 banner=%6")
                     .arg(screenName(controller->screen()))
                     .arg(controller->isOffline() ? 1 : 0)
                     .arg(controller->paperWarning().isEmpty() ? QStringLiteral("ok") : QStringLiteral("warning"),
                          controller->ticket() ? controller->ticket()->number : QString())
                     .arg(controller->canTakeNewTicket() ? 1 : 0)
                     .arg(controller->statusText());
        return true;
    });
    // Number leases for offline tickets now, as the minute's top-up would (the demo cuts the
    // network sooner).
    automation->addCommand(QStringLiteral("top-up-leases"), [controller](const QStringList &, QString *) {
        controller->topUpLeases();
        return true;
    });
}

} // namespace hall::kiosk
