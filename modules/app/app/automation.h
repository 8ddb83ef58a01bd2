#pragma once

#include <app/app_export.h>

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QWidget> // QPointer<QWidget> below needs the whole type

#include <functional>

QT_BEGIN_NAMESPACE
class QLocalServer;
class QLocalSocket;
QT_END_NAMESPACE

namespace hall::app {

class Commands;

// A script's hands on a running app (--automation NAME; the demo, never a hall's PC): a local
// socket, readable and writable by this user only, that takes one command a line and answers
// each with "ok [text]" or "error text", and sends the app's events as "event NAME [text]"
// lines to every connected script, so the script waits for what happened instead of guessing
// how long it takes. Built in:
//
//   click NAME           clicks the visible button with this object name (as a touch would)
//   type NAME TEXT       types TEXT into the visible text field with this object name
//   trigger ID           runs a command by id, as its key would (Commands::trigger)
//   screenshot FILE      saves a picture of the main window (PNG)
//   quit                 ends the app (exit code 0)
//
// The first event is "ready" (the main window's first frame); an app adds its own commands
// (addCommand) and events (publish).
class HALL_APP_EXPORT Automation : public QObject
{
    Q_OBJECT
public:
    Automation(Commands *commands, QObject *parent = nullptr);
    ~Automation() override;

    // Listens on `name` (a socket name or path); false with *error when it cannot.
    bool listen(const QString &name, QString *error);
    void setWindow(QWidget *window) { m_window = window; }

    // A command's handler gets the words after its name; it returns false when it could not do
    // it. *reply is the text after "ok" or "error".
    using Handler = std::function<bool(const QStringList &arguments, QString *reply)>;
    void addCommand(const QString &name, Handler handler);
    // "event NAME TEXT" to every connected script.
    void publish(const QString &name, const QString &text = {});
    // The main window has shown its first frame: "event ready", now and to every script that
    // connects later.
    void setReady();

    // One line of the protocol, answered as on the socket ("ok …" / "error …").
    QString execute(const QString &line);

private:
    template<typename T>
    T *visible(const QString &objectName) const;
    QString click(const QString &objectName);
    QString type(const QString &objectName, const QString &text);

    Commands *m_commands;
    QLocalServer *m_server;
    QList<QLocalSocket *> m_clients;
    QPointer<QWidget> m_window;
    QHash<QString, Handler> m_handlers;
    bool m_ready = false;
};

} // namespace hall::app
