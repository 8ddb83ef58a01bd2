#pragma once

#include <bridge/bridge_export.h>

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QTime>

namespace hall::bridge {

// hall-bridge's file (the PC's config names it as app.bridge, or --bridge FILE), read strictly:
// unknown fields, wrong types, a window or address given twice are errors with their path.
//
//   {
//     "bars": [{"window": "3", "device": "ledbar-bus", "address": 3}],   // D2: which screen, where
//     "texts": {"serving": "请 %number 号", "paused": "暂停服务", "idle": "为您服务", "closed": "暂停服务"},
//     "callerBus": "callerbus",                                         // the device role of the bus
//     "callers": [{"address": 3, "window": "3", "officer": "officer03"}], // Q17: caller address → window
//     "evaluators": [{"address": 103, "window": "3"}],                    // E2: evaluator address → window
//     "loginMode": "staff-id" | "window",
//     "voice": {"engine": "clips", "text": "请{number}号到{window}号窗口办理", "repeat": 1,
//               "volume": 100, "quiet": {"from": "22:00", "to": "07:00"}, "wavFiles": "said/call-%1.wav"},
//     "outbox": "bridge-outbox.db"                                       // ratings, store-and-forward
//   }
//
// Files are relative to the bridge file. Every part is optional: a bridge may drive only bars,
// only the voice or only the callers.
struct HALL_BRIDGE_EXPORT BridgeConfig
{
    Q_DECLARE_TR_FUNCTIONS(BridgeConfig)
public:
    struct Bar
    {
        QString window;
        QString device; // a WindowScreen role of the PC's devices.json
        int address = 0; // the screen's address on that device (the driver maps it to a card and area)
    };
    struct Station
    {
        int address = 0;
        QString window;
        QString officer; // window login mode: the officer this caller signs in
    };
    // D2: what a bar says in each state; %number is the ticket, %window the window. Empty: the
    // translated default (defaultTexts()).
    struct Texts
    {
        QString serving;
        QString paused;
        QString idle;
        QString closed; // nobody signed in at the window
    };
    struct Voice
    {
        bool enabled = false;
        QString engine = QStringLiteral("auto");
        QString text; // empty: voice::Announcement's default
        int repeat = 1;
        int volumePercent = 100;
        QTime quietFrom, quietTo;
        QString wavFiles; // absolute; set: write WAV files instead of playing (no sound card, tests)
    };

    QList<Bar> bars;
    Texts texts;
    QString callerBus = QStringLiteral("callerbus");
    QList<Station> callers;
    QList<Station> evaluators;
    bool windowLogin = false; // loginMode "window"
    Voice voice;
    QString outbox; // absolute; empty: ratings are not kept (and evaluators are refused)

    static Texts defaultTexts();
    // The texts with every empty one filled from defaultTexts().
    Texts effectiveTexts() const;
    const Station *caller(int address) const;
    const Station *evaluator(int address) const;
    const Station *evaluatorOf(const QString &window) const;

    // hall-bridge's part of the PC's config (PcConfig::app): {"bridge": "bridge.json"}, relative
    // to the config file. *file is left empty when the section names none.
    static bool fileFromApp(const QJsonObject &app, const QString &configFile, QString *file, QString *error);
    static bool load(const QString &file, BridgeConfig *out, QString *error);
    // `file` names where the text came from (relative paths, messages).
    static bool parse(const QByteArray &json, const QString &file, BridgeConfig *out, QString *error);
};

} // namespace hall::bridge
