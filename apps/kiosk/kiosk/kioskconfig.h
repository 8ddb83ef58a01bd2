#pragma once

#include <kiosk/kiosk_export.h>

#include <core/schedule.h>

#include <QCoreApplication>
#include <QJsonObject>

namespace hall::kiosk {

// hall-kiosk's own part of the PC's config ("app" in PcConfig), read strictly:
//
//   "app": {
//     "orientation": "portrait",           // or "landscape": 1080×1920 or 1920×1080 touch screen
//     "hours": [{"days": [1, 2, 3, 4, 5], "on": "08:30", "off": "17:30"}],  // default: always open
//     "followUrl": "https://hall.example.gov.cn/q/{hall}/{number}",          // the ticket's QR code
//     "ticketTemplate": "ticket.txt",      // relative to the config file; default: built in
//     "cache": "kiosk-cache.db",           // the offline cache; default: in the app's data folder
//     "voice": "auto",                     // speech engine for elderly mode (voice module), "off": none
//     "reminders": true                    // after the business, offer a text reminder (the hall's
//                                          // server needs a gateway: hall-server --notify); default off
//   }
struct HALL_KIOSK_EXPORT KioskConfig
{
    Q_DECLARE_TR_FUNCTIONS(KioskConfig)
public:
    enum class Orientation { Portrait, Landscape };
    Orientation orientation = Orientation::Portrait;
    core::WeekSchedule hours;
    QString followUrl = QStringLiteral("https://hall.invalid/q/{hall}/{number}");
    QString ticketTemplateFile; // absolute; empty: devices::TicketTemplate::defaultText()
    QString cacheFile;          // absolute; empty: the app's data folder
    QString voice = QStringLiteral("auto");
    bool reminders = false; // ask for a mobile number for text reminders (Q8, Q14)

    QSize screenSize() const;
    // `configFile` is where the section came from (relative paths are relative to it).
    static bool read(const QJsonObject &app, const QString &configFile, KioskConfig *out, QString *error);
};

} // namespace hall::kiosk
