#include "kiosksettings.h"

#include <QRegularExpression>

namespace hall::kiosk {

KioskSettings::KioskSettings(QObject *parent)
    : app::AspectContainer(QStringLiteral("kiosk"), tr("Self-service kiosk"), parent),
      idleSeconds(this, QStringLiteral("idleSeconds"), tr("Back to the start screen after no touch for"), 30, 10, 600, tr(" s")),
      idleAfterPrintSeconds(this, QStringLiteral("idleAfterPrintSeconds"), tr("Back to the start screen after a ticket was printed, after"), 15, 5, 120, tr(" s")),
      maintenanceCode(this, QStringLiteral("maintenanceCode"), tr("Maintenance code"), QStringLiteral("20261207"), [](const QString &code) {
          static const QRegularExpression digits(QStringLiteral("^[0-9]{6,12}$"));
          return digits.match(code).hasMatch() ? QString() : tr("6 to 12 digits.");
      }),
      paperWarnAfter(this, QStringLiteral("paperWarnAfter"), tr("Warn that the paper roll is low after"), 1500, 0, 100000, tr(" tickets")),
      ticketsOnRoll(this, QStringLiteral("ticketsOnRoll"), tr("Tickets printed on this roll"), 0, 0, 10000000)
{
    maintenanceCode.setToolTip(tr("Typed on the kiosk to reach the maintenance screen; the only way out of the kiosk."));
}

} // namespace hall::kiosk
