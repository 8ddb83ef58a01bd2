#include "automation.h"

#include <app/commands.h>
#include <core/logging.h>

#include <QAbstractButton>
#include <QApplication>
#include <QLineEdit>
#include <QLocalServer>
#include <QLocalSocket>
#include <QWidget>

namespace hall::app {

Automation::Automation(Commands *commands, QObject *parent)
    : QObject(parent)
    , m_commands(commands)
    , m_server(new QLocalServer(this))
{
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    connect(m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket *s = m_server->nextPendingConnection()) {
            m_clients.append(s);
            if (m_ready)
                s->write("event ready\n");
            connect(s, &QLocalSocket::disconnected, this, [this, s] {
                m_clients.removeOne(s);
                s->deleteLater();
            });
            auto serve = [this, s] {
                while (s->canReadLine()) {
                    const QString line = QString::fromUtf8(s->readLine()).trimmed();
                    if (!line.isEmpty())
                        s->write(execute(line).toUtf8() + '\n');
                }
            };
            connect(s, &QLocalSocket::readyRead, this, serve);
            serve(); // lines sent before the connection was taken

        }
    });
}

Automation::~Automation() = default;

bool Automation::listen(const QString &name, QString *error)
{
    QLocalServer::removeServer(name); // a socket file left by a crashed run
    if (!m_server->listen(name)) {
        *error = tr("Automation: cannot listen on %1: %2").arg(name, m_server->errorString());
        return false;
    }
    qCInfo(lcApp(), "automation listening on %s", qPrintable(m_server->fullServerName()));
    return true;
}

void Automation::addCommand(const QString &name, Handler handler)
{
    m_handlers.insert(name, std::move(handler));
}

void Automation::publish(const QString &name, const QString &text)
{
    const QByteArray line = (text.isEmpty() ? QStringLiteral("event %1\n").arg(name) : QStringLiteral("event %1 %2\n").arg(name, text)).toUtf8();
    for (QLocalSocket *s : std::as_const(m_clients))
        s->write(line);
}

void Automation::setReady()
{
    m_ready = true;
    publish(QStringLiteral("ready"));
}

QString Automation::execute(const QString &line)
{
    QStringList words = line.split(u' ', Qt::SkipEmptyParts);
    if (words.isEmpty())
        return QStringLiteral("error ") + tr("an empty line");
    const QString command = words.takeFirst();
    QString problem;
    if (const auto it = m_handlers.constFind(command); it != m_handlers.cend()) {
        QString reply;
        if ((*it)(words, &reply))
            return reply.isEmpty() ? QStringLiteral("ok") : QStringLiteral("ok ") + reply;
        problem = reply.isEmpty() ? tr("%1 failed").arg(command) : reply;
    } else if (command == QLatin1String("click") && words.size() == 1) {
        problem = click(words.first());
    } else if (command == QLatin1String("type") && words.size() >= 2) {
        problem = type(words.first(), words.mid(1).join(u' '));
    } else if (command == QLatin1String("trigger") && words.size() == 1) {
        if (!m_commands || !m_commands->trigger(words.first()))
            problem = tr("command %1 is not available now").arg(words.first());
    } else if (command == QLatin1String("screenshot") && words.size() == 1) {
        if (!m_window || !m_window->grab().save(words.first(), "PNG"))
            problem = tr("cannot write the screenshot %1").arg(words.first());
    } else if (command == QLatin1String("quit")) {
        QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
    } else {
        problem = tr("unknown command: %1").arg(line);
    }
    if (!problem.isEmpty())
        qCWarning(lcApp(), "automation: %s: %s", qPrintable(line), qPrintable(problem));
    return problem.isEmpty() ? QStringLiteral("ok") : QStringLiteral("error ") + problem;
}

template<typename T>
T *Automation::visible(const QString &objectName) const
{
    // The main window first, then dialogs it opened (settings).
    QList<QWidget *> windows;
    if (m_window)
        windows.append(m_window);
    for (QWidget *w : QApplication::topLevelWidgets()) {
        if (w != m_window && w->isVisible())
            windows.append(w);
    }
    for (QWidget *w : std::as_const(windows)) {
        for (T *child : w->findChildren<T *>(objectName)) {
            if (child->isVisible())
                return child;
        }
    }
    return nullptr;
}

QString Automation::click(const QString &objectName)
{
    QAbstractButton *b = visible<QAbstractButton>(objectName);
    if (!b)
        return tr("no visible button %1").arg(objectName);
    if (!b->isEnabled())
        return tr("the button %1 is disabled").arg(objectName);
    b->click();
    return {};
}

QString Automation::type(const QString &objectName, const QString &text)
{
    QLineEdit *field = visible<QLineEdit>(objectName);
    if (!field)
        return tr("no visible field %1").arg(objectName);
    field->insert(text);
    return {};
}

} // namespace hall::app
