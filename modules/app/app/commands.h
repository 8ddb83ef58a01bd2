#pragma once

#include <app/app_export.h>

#include <QAction>
#include <QHash>
#include <QKeySequence>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QVariant>

QT_BEGIN_NAMESPACE
class QAbstractButton;
QT_END_NAMESPACE

namespace hall::app {

class Commands;

// One user operation by id ("capture.shoot"), after Qt Creator's Command: a proxy QAction that
// carries the shortcut (the default, or the PC's keymap) and, when triggered, triggers the
// action registered for the active context. Screens register their own QAction (owned and
// enabled by their controller); buttons use that action, so a button always acts on its own
// screen, while the key, the menu and hardware keys act on the screen in front.
class HALL_APP_EXPORT Command : public QObject
{
    Q_OBJECT
public:
    QString id() const { return m_id; }
    QAction *action() const { return m_proxy; } // for menus; holds the shortcut
    QKeySequence defaultKey() const { return m_defaultKey; }
    QKeySequence key() const { return m_proxy->shortcut(); }
    QString keyText() const { return key().toString(QKeySequence::NativeText); }
    QAction *actionForContext(const QString &context) const;
    // The action of the first active context that has one, or nullptr.
    QAction *currentAction() const { return m_current; }
    bool isActive() const { return m_current; }
    bool isEnabled() const { return m_current && m_current->isEnabled(); }

Q_SIGNALS:
    void keyChanged(const QKeySequence &key);
    void currentActionChanged();

private:
    friend class Commands;
    Command(const QString &id, Commands *commands);
    void update();
    void setKey(const QKeySequence &key);

    Commands *m_commands;
    QString m_id;
    QAction *m_proxy;
    QKeySequence m_defaultKey;
    struct Registration
    {
        QString context;
        QPointer<QAction> action;
    };
    QList<Registration> m_actions;
    QPointer<QAction> m_current;
};

// The registry of an application's commands (after Qt Creator's ActionManager).
//  - registerAction(action, id, context, defaultKey): `action` does `id` while `context` is
//    active. The owner (a controller) enables and disables its action: one place decides.
//  - Contexts are active explicitly (setContextActive) or by focus: a context widget's context
//    is active while the focus is inside it, or, when no context widget of the active window
//    holds the focus, while its window is active.
//  - The keymap (the PC's config) overrides default keys by id.
//  - trigger(id) runs a command as its key would: hardware keys (a document camera's foot
//    pedal, later caller keys) come in this way, bound with bindHardwareKey().
class HALL_APP_EXPORT Commands : public QObject
{
    Q_OBJECT
public:
    explicit Commands(QObject *parent = nullptr);
    ~Commands() override;

    // The first registration of an id sets its default key.
    Command *registerAction(QAction *action, const QString &id, const QString &context,
                            const QKeySequence &defaultKey = {});
    void unregisterAction(QAction *action, const QString &id);
    Command *command(const QString &id) const { return m_commands.value(id); }
    QStringList ids() const;

    // id → key; an empty key removes the shortcut. Ids not in the map have their default key;
    // ids not registered yet are kept for when they are.
    void setKeymap(const QHash<QString, QKeySequence> &keymap);
    void setKey(const QString &id, const QKeySequence &key);
    QHash<QString, QKeySequence> keymap() const { return m_keymap; }

    void setContextActive(const QString &context, bool active);
    bool isContextActive(const QString &context) const { return activeContexts().contains(context); }
    QStringList activeContexts() const;
    void addContextWidget(QWidget *widget, const QString &context);

    // The commands' shortcuts work while `window` (the app's main window) is active.
    void attach(QWidget *window);

    // Runs `id` as its key would: false when there is no such command, no active context has
    // it, or its action is disabled. `argument` is readable with triggerArgument() while the
    // action runs: a hardware key may say what the device already did (camera-uvc's pedal
    // takes the still itself and gives its job id).
    bool trigger(const QString &id, const QVariant &argument = {});
    QVariant triggerArgument() const { return m_argument; }

    // `source`'s signal (by name, e.g. "pedalPressed": device drivers add such signals beside
    // their class interface) triggers `id`; a first QString argument becomes the trigger
    // argument. False, with *error, when the signal does not exist.
    bool bindHardwareKey(QObject *source, const QByteArray &signalName, const QString &id, QString *error);
    // Forgets every key bound from `source` (a device that is no longer used here).
    void unbindHardwareKeys(QObject *source);

Q_SIGNALS:
    void activeContextsChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void updateContexts();
    void updateCommands();

    QHash<QString, Command *> m_commands;
    QHash<QString, QKeySequence> m_keymap;
    QStringList m_explicitContexts;
    struct ContextWidget
    {
        QPointer<QWidget> widget;
        QString context;
    };
    QList<ContextWidget> m_contextWidgets;
    QStringList m_focusContexts;
    QList<QPointer<QWidget>> m_windows;
    QVariant m_argument;
};

// A push button that does `action`: a click triggers it and the button is enabled as the action
// is (QToolButton has setDefaultAction for this). Text and tool tip stay the button's own.
HALL_APP_EXPORT void setButtonAction(QAbstractButton *button, QAction *action);

} // namespace hall::app
