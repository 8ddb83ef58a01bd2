#pragma once

#include <app/app_export.h>

#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>
#include <QKeySequence>
#include <QString>
#include <QUrl>

namespace hall::app {

// What the hall client needs to reach the hall service. HallClient (modules/net, a later
// issue) is built from this; until then apps only read it.
struct HallConnection
{
    QUrl server;  // e.g. https://hall-server.local:8443; empty while not configured
    QString hall; // the hall's code
    QString role; // this PC's role/station, as the server knows it
    QString caFile;           // the hall's CA (PEM), instead of the system CAs
    QByteArray pinSha256;     // SHA-256 of the server's public key, raw bytes; empty: no pin
};

// The device account an unattended app (kiosk, display, caller bus) signs in with: its token
// lives in the OS keychain (or, for demos and tests, in memory: the app signs in with the
// password at each start). The password is in a file of its own, readable by the app's user
// only, so the config itself can be shown to anyone.
struct DeviceAccount
{
    enum class TokenStore { Keychain, Memory };
    QString login;        // empty: the app signs in as no device
    QString passwordFile; // absolute (a relative path is relative to the config file)
    TokenStore tokenStore = TokenStore::Keychain;
};

// The PC's configuration of one app: a JSON file the installer or the hall's IT staff writes,
// read strictly (unknown fields and wrong values are errors with their path).
//
// {
//   "server": "https://hall-server.local:8443",
//   "hall": "GZ-TH-01",
//   "role": "window-07",
//   "tls": {"caFile": "/etc/hallsuite/hall-ca.pem", "pinSha256": "<64 hex digits>"},
//   "layout": "desk",                      // or "touch"
//   "keymap": {"capture.shoot": "F9"},     // command id → key ("" removes the key)
//   "log": {"maxKb": 1024, "files": 5},
//   "account": {"login": "display1", "passwordFile": "display1.secret", "tokenStore": "keychain"},
//   "app": {…}                             // the app's own section, read strictly by the app
// }
// Every field is optional; without a file the defaults below hold.
struct HALL_APP_EXPORT PcConfig
{
    Q_DECLARE_TR_FUNCTIONS(PcConfig)
public:
    enum class Layout { Desk, Touch };

    HallConnection connection;
    Layout layout = Layout::Desk;
    QHash<QString, QKeySequence> keymap;
    int logMaxKb = 1024;
    int logFiles = 5;
    DeviceAccount account;
    // The app's own settings (hall-display: its wall layout, schedule …). The shell only checks
    // it is an object; the app reads it with a JsonReader whose path starts at "app".
    QJsonObject app;

    QString role() const { return connection.role.isEmpty() ? QStringLiteral("default") : connection.role; }

    // False with *error saying what is wrong and where ("keymap.capture.shoot: …").
    static bool parse(const QByteArray &json, PcConfig *out, QString *error);
    // The same from a file; *error names the file.
    static bool load(const QString &file, PcConfig *out, QString *error);
};

} // namespace hall::app
