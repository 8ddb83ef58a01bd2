#include "commands.h"

#include <QAbstractButton>
#include <QApplication>
#include <QEvent>
#include <QMetaMethod>
#include <QWidget>

namespace hall::app {

namespace {

// Turns a device's signal into trigger(id). Signals found by name need QMetaMethod connects,
// and those need a slot to land on.
class HardwareKeyRelay : public QObject
{
    Q_OBJECT
public:
    HardwareKeyRelay(Commands *commands, QString id, QObject *source)
        : QObject(commands), m_commands(commands), m_id(std::move(id)), m_source(source)
    {
        connect(source, &QObject::destroyed, this, &QObject::deleteLater);
    }
    QObject *source() const { return m_source; }

public Q_SLOTS:
    void fire() { m_commands->trigger(m_id); }
    void fireWith(const QString &argument) { m_commands->trigger(m_id, argument); }

private:
    Commands *m_commands;
    QString m_id;
    QPointer<QObject> m_source;
};

} // namespace

// ---- Command ----

Command::Command(const QString &id, Commands *commands)
    : QObject(commands), m_commands(commands), m_id(id), m_proxy(new QAction(this))
{
    m_proxy->setObjectName(id);
    m_proxy->setShortcutContext(Qt::WindowShortcut);
    m_proxy->setEnabled(false);
    connect(m_proxy, &QAction::triggered, this, [this] {
        if (m_current && m_current->isEnabled())
            m_current->trigger();
    });
}

QAction *Command::actionForContext(const QString &context) const
{
    for (const Registration &r : m_actions) {
        if (r.context == context && r.action)
            return r.action;
    }
    return nullptr;
}

void Command::update()
{
    QAction *current = nullptr;
    const QStringList active = m_commands->activeContexts();
    for (const QString &context : active) {
        if ((current = actionForContext(context)))
            break;
    }
    if (current != m_current) {
        m_current = current;
        if (current) {
            m_proxy->setText(current->text());
            m_proxy->setToolTip(current->toolTip());
        }
        Q_EMIT currentActionChanged();
    }
    m_proxy->setEnabled(current && current->isEnabled());
}

void Command::setKey(const QKeySequence &key)
{
    if (m_proxy->shortcut() == key)
        return;
    m_proxy->setShortcut(key);
    Q_EMIT keyChanged(key);
}

// ---- Commands ----

Commands::Commands(QObject *parent) : QObject(parent)
{
    if (auto *app = qobject_cast<QApplication *>(QCoreApplication::instance()))
        connect(app, &QApplication::focusChanged, this, &Commands::updateContexts);
}

Commands::~Commands() = default;

Command *Commands::registerAction(QAction *action, const QString &id, const QString &context,
                                  const QKeySequence &defaultKey)
{
    Command *command = m_commands.value(id);
    if (!command) {
        command = new Command(id, this);
        command->m_defaultKey = defaultKey;
        command->setKey(m_keymap.value(id, defaultKey));
        m_commands.insert(id, command);
        for (const QPointer<QWidget> &window : std::as_const(m_windows)) {
            if (window)
                window->addAction(command->m_proxy);
        }
    }
    command->m_actions.append({context, action});
    connect(action, &QAction::enabledChanged, command, &Command::update);
    connect(action, &QObject::destroyed, command, [command] {
        command->m_actions.removeIf([](const Command::Registration &r) { return !r.action; });
        command->update();
    });
    command->update();
    return command;
}

void Commands::unregisterAction(QAction *action, const QString &id)
{
    Command *command = m_commands.value(id);
    if (!command)
        return;
    command->m_actions.removeIf([action](const Command::Registration &r) { return r.action == action || !r.action; });
    disconnect(action, nullptr, command, nullptr);
    command->update();
}

QStringList Commands::ids() const
{
    QStringList ids = m_commands.keys();
    ids.sort();
    return ids;
}

void Commands::setKeymap(const QHash<QString, QKeySequence> &keymap)
{
    m_keymap = keymap;
    for (Command *command : std::as_const(m_commands))
        command->setKey(m_keymap.value(command->id(), command->defaultKey()));
}

void Commands::setKey(const QString &id, const QKeySequence &key)
{
    m_keymap.insert(id, key);
    if (Command *command = m_commands.value(id))
        command->setKey(key);
}

void Commands::setContextActive(const QString &context, bool active)
{
    if (active == m_explicitContexts.contains(context))
        return;
    if (active)
        m_explicitContexts.append(context);
    else
        m_explicitContexts.removeAll(context);
    updateCommands();
}

QStringList Commands::activeContexts() const
{
    // Focus first: where the user is working wins over a context switched on for the app.
    QStringList contexts = m_focusContexts;
    for (const QString &c : m_explicitContexts) {
        if (!contexts.contains(c))
            contexts.append(c);
    }
    return contexts;
}

void Commands::addContextWidget(QWidget *widget, const QString &context)
{
    m_contextWidgets.append({widget, context});
    widget->installEventFilter(this);
    connect(widget, &QObject::destroyed, this, [this] {
        m_contextWidgets.removeIf([](const ContextWidget &c) { return !c.widget; });
        updateContexts();
    });
    updateContexts();
}

void Commands::attach(QWidget *window)
{
    m_windows.append(window);
    for (Command *command : std::as_const(m_commands))
        window->addAction(command->m_proxy);
    window->installEventFilter(this);
}

bool Commands::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::Show:
    case QEvent::Hide:
    case QEvent::WindowActivate:
    case QEvent::WindowDeactivate:
    case QEvent::ActivationChange:
    case QEvent::ParentChange:
        updateContexts();
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

void Commands::updateContexts()
{
    QWidget *focus = QApplication::focusWidget();
    QWidget *activeWindow = QApplication::activeWindow();
    QStringList focused;
    QStringList inWindow;
    for (const ContextWidget &c : std::as_const(m_contextWidgets)) {
        QWidget *w = c.widget;
        if (!w || !w->isVisible() || !activeWindow || w->window() != activeWindow)
            continue;
        if (focus && (w == focus || w->isAncestorOf(focus)))
            focused.append(c.context);
        else
            inWindow.append(c.context);
    }
    QStringList contexts = focused.isEmpty() ? inWindow : focused;
    contexts.removeDuplicates();
    if (contexts == m_focusContexts)
        return;
    m_focusContexts = contexts;
    updateCommands();
}

void Commands::updateCommands()
{
    for (Command *command : std::as_const(m_commands))
        command->update();
    Q_EMIT activeContextsChanged();
}

bool Commands::trigger(const QString &id, const QVariant &argument)
{
    Command *command = m_commands.value(id);
    if (!command || !command->isEnabled())
        return false;
    const QVariant previous = std::exchange(m_argument, argument);
    command->currentAction()->trigger();
    m_argument = previous;
    return true;
}

bool Commands::bindHardwareKey(QObject *source, const QByteArray &signalName, const QString &id, QString *error)
{
    const QMetaObject *meta = source->metaObject();
    for (int i = 0; i < meta->methodCount(); ++i) {
        const QMetaMethod signal = meta->method(i);
        if (signal.methodType() != QMetaMethod::Signal || signal.name() != signalName)
            continue;
        auto *relay = new HardwareKeyRelay(this, id, source);
        const bool withArgument = signal.parameterCount() >= 1 && signal.parameterType(0) == QMetaType::QString;
        const QMetaMethod slot = relay->metaObject()->method(
            relay->metaObject()->indexOfSlot(withArgument ? "fireWith(QString)" : "fire()"));
        if (!connect(source, signal, relay, slot)) {
            delete relay;
            break;
        }
        return true;
    }
    *error = tr("%1 has no signal %2 to trigger the command %3.")
                 .arg(source->objectName().isEmpty() ? QString::fromLatin1(meta->className()) : source->objectName(),
                      QString::fromLatin1(signalName), id);
    return false;
}

void Commands::unbindHardwareKeys(QObject *source)
{
    const QList<HardwareKeyRelay *> relays = findChildren<HardwareKeyRelay *>(Qt::FindDirectChildrenOnly);
    for (HardwareKeyRelay *relay : relays) {
        if (relay->source() == source)
            delete relay; // its connection goes with it
    }
}

void setButtonAction(QAbstractButton *button, QAction *action)
{
    if (button->toolTip().isEmpty())
        button->setToolTip(action->toolTip());
    button->setEnabled(action->isEnabled());
    QObject::connect(button, &QAbstractButton::clicked, action, [action] { action->trigger(); });
    QObject::connect(action, &QAction::enabledChanged, button, &QWidget::setEnabled);
}

} // namespace hall::app

#include "commands.moc"
