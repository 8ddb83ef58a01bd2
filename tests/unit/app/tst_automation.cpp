// app::Automation through its real local socket, as the whole-hall demo uses it: buttons
// clicked and fields typed by object name, commands by id, pictures, the app's own commands
// and events, and clear errors for what cannot be done.

#include <app/automation.h>
#include <app/commands.h>

#include <QAction>
#include <QLineEdit>
#include <QLocalSocket>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QVBoxLayout>

using namespace hall;

class TestAutomation : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<app::Commands> m_commands;
    std::unique_ptr<app::Automation> m_automation;
    std::unique_ptr<QWidget> m_window;
    QPushButton *m_visible = nullptr;
    QPushButton *m_hidden = nullptr;
    QLineEdit *m_field = nullptr;
    QLocalSocket m_socket;
    QStringList m_lines;

    QString socketName() const { return m_dir.filePath(QStringLiteral("app.sock")); }

    // One line sent, the next non-event line received.
    QString send(const QString &line)
    {
        m_socket.write(line.toUtf8() + '\n');
        QString answer;
        QTest::qWaitFor([&] { return takeAnswer(&answer); }, 5000); // (QTRY would take it twice)
        return answer;
    }
    bool takeAnswer(QString *answer)
    {
        read();
        for (int i = 0; i < m_lines.size(); ++i) {
            if (!m_lines.at(i).startsWith(QLatin1String("event "))) {
                *answer = m_lines.takeAt(i);
                return true;
            }
        }
        return false;
    }
    void read()
    {
        while (m_socket.canReadLine())
            m_lines.append(QString::fromUtf8(m_socket.readLine()).trimmed());
    }

private Q_SLOTS:
    void init()
    {
        m_commands = std::make_unique<app::Commands>();
        m_automation = std::make_unique<app::Automation>(m_commands.get());
        QString error;
        QVERIFY2(m_automation->listen(socketName(), &error), qPrintable(error));
        m_window = std::make_unique<QWidget>();
        auto *l = new QVBoxLayout(m_window.get());
        m_hidden = new QPushButton(QStringLiteral("hidden"));
        m_hidden->setObjectName(QStringLiteral("ok"));
        m_visible = new QPushButton(QStringLiteral("visible"));
        m_visible->setObjectName(QStringLiteral("ok"));
        m_field = new QLineEdit;
        m_field->setObjectName(QStringLiteral("code"));
        l->addWidget(m_hidden);
        l->addWidget(m_visible);
        l->addWidget(m_field);
        m_window->show();
        m_hidden->hide();
        m_automation->setWindow(m_window.get());
        m_socket.connectToServer(socketName());
        QVERIFY(m_socket.waitForConnected(3000));
        m_lines.clear();
    }
    void cleanup()
    {
        m_socket.abort();
        m_automation.reset();
        m_window.reset();
        m_commands.reset();
    }

    void clickTouchesTheVisibleButtonOfThatName()
    {
        int visible = 0, hidden = 0;
        connect(m_visible, &QPushButton::clicked, this, [&] { ++visible; });
        connect(m_hidden, &QPushButton::clicked, this, [&] { ++hidden; });
        QCOMPARE(send(QStringLiteral("click ok")), QStringLiteral("ok"));
        QCOMPARE(visible, 1);
        QCOMPARE(hidden, 0);
        m_visible->setEnabled(false);
        QVERIFY(send(QStringLiteral("click ok")).startsWith(QLatin1String("error ")));
        QVERIFY(send(QStringLiteral("click nothing")).startsWith(QLatin1String("error ")));
        QCOMPARE(visible, 1);
    }

    void typeFillsTheField()
    {
        QCOMPARE(send(QStringLiteral("type code 2026 1207")), QStringLiteral("ok"));
        QCOMPARE(m_field->text(), QStringLiteral("2026 1207"));
    }

    void triggerRunsACommandById()
    {
        QAction action;
        int runs = 0;
        connect(&action, &QAction::triggered, this, [&] { ++runs; });
        m_commands->registerAction(&action, QStringLiteral("test.run"), QStringLiteral("test"));
        m_commands->setContextActive(QStringLiteral("test"), true);
        QCOMPARE(send(QStringLiteral("trigger test.run")), QStringLiteral("ok"));
        QCOMPARE(runs, 1);
        action.setEnabled(false);
        QVERIFY(send(QStringLiteral("trigger test.run")).startsWith(QLatin1String("error ")));
        QVERIFY(send(QStringLiteral("trigger no.such")).startsWith(QLatin1String("error ")));
        QCOMPARE(runs, 1);
    }

    void screenshotSavesThePicture()
    {
        const QString file = m_dir.filePath(QStringLiteral("window.png"));
        QCOMPARE(send(QStringLiteral("screenshot ") + file), QStringLiteral("ok"));
        QImage image(file);
        QCOMPARE(image.size(), m_window->size());
    }

    void appCommandsAnswerAndEventsArrive()
    {
        m_automation->addCommand(QStringLiteral("status"), [](const QStringList &args, QString *reply) {
            *reply = QStringLiteral("fine %1").arg(args.join(u','));
            return true;
        });
        m_automation->addCommand(QStringLiteral("refuse"), [](const QStringList &, QString *reply) {
            *reply = QStringLiteral("not now");
            return false;
        });
        QCOMPARE(send(QStringLiteral("status a b")), QStringLiteral("ok fine a,b"));
        QCOMPARE(send(QStringLiteral("refuse")), QStringLiteral("error not now"));
        QVERIFY(send(QStringLiteral("dance")).startsWith(QLatin1String("error ")));

        m_automation->publish(QStringLiteral("printed"), QStringLiteral("A001 online"));
        QTRY_VERIFY_WITH_TIMEOUT((read(), m_lines.contains(QStringLiteral("event printed A001 online"))), 5000);
    }

    // "ready" reaches a script that connects after the first frame, too.
    void readyIsToldToLateScripts()
    {
        m_automation->setReady();
        QTRY_VERIFY_WITH_TIMEOUT((read(), m_lines.contains(QStringLiteral("event ready"))), 5000);
        QLocalSocket late;
        late.connectToServer(socketName());
        QVERIFY(late.waitForConnected(3000));
        QTRY_VERIFY_WITH_TIMEOUT(late.canReadLine(), 5000);
        QCOMPARE(QString::fromUtf8(late.readLine()).trimmed(), QStringLiteral("event ready"));
    }
};

QTEST_MAIN(TestAutomation)
#include "tst_automation.moc"
