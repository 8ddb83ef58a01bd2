// Commands by id: registration with a default key, the PC's keymap, contexts deciding which
// screen's action runs, trigger by id (hardware keys), the controller's enabled state, and
// buttons that follow their action. Mostly without a window.

#include <app/commands.h>

#include <QApplication>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QVBoxLayout>

using namespace hall;

namespace {

// Stands in for a device with a key signal beside its class interface (camera-uvc's pedal).
class FakePedal : public QObject
{
    Q_OBJECT
Q_SIGNALS:
    void pedalPressed(const QString &jobId);
    void keyDown();
};

} // namespace

class TestCommands : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void registeringGivesTheDefaultKey()
    {
        app::Commands commands;
        QAction shoot(QStringLiteral("Shoot"));
        app::Command *command = commands.registerAction(&shoot, QStringLiteral("capture.shoot"), QStringLiteral("a"), Qt::Key_F12);
        QCOMPARE(commands.command(QStringLiteral("capture.shoot")), command);
        QCOMPARE(command->key(), QKeySequence(Qt::Key_F12));
        QCOMPARE(command->action()->shortcut(), QKeySequence(Qt::Key_F12));
        QCOMPARE(commands.ids(), QStringList{QStringLiteral("capture.shoot")});
    }

    void theKeymapOverridesAndFallsBackToTheDefault()
    {
        app::Commands commands;
        // A keymap may name commands registered later (the config is read before screens exist).
        commands.setKeymap({{QStringLiteral("capture.shoot"), QKeySequence(Qt::Key_F9)}});
        QAction shoot;
        QAction remove;
        app::Command *s = commands.registerAction(&shoot, QStringLiteral("capture.shoot"), QStringLiteral("a"), Qt::Key_F12);
        app::Command *d = commands.registerAction(&remove, QStringLiteral("capture.deletePage"), QStringLiteral("a"), QKeySequence::Delete);
        QCOMPARE(s->key(), QKeySequence(Qt::Key_F9));
        QCOMPARE(d->key(), QKeySequence(QKeySequence::Delete));
        QSignalSpy keyChanged(s, &app::Command::keyChanged);
        commands.setKeymap({{QStringLiteral("capture.deletePage"), QKeySequence()}});
        QVERIFY2(s->key() == QKeySequence(Qt::Key_F12), "an id no longer in the keymap gets its default back");
        QVERIFY2(d->key().isEmpty(), "an empty key in the keymap removes the shortcut");
        QCOMPARE(keyChanged.size(), 1);
        commands.setKey(QStringLiteral("capture.shoot"), Qt::Key_F5);
        QCOMPARE(s->action()->shortcut(), QKeySequence(Qt::Key_F5));
    }

    void theActiveContextDecidesWhichActionRuns()
    {
        app::Commands commands;
        QAction a;
        QAction b;
        QSignalSpy aRan(&a, &QAction::triggered);
        QSignalSpy bRan(&b, &QAction::triggered);
        app::Command *c = commands.registerAction(&a, QStringLiteral("capture.shoot"), QStringLiteral("desk"));
        commands.registerAction(&b, QStringLiteral("capture.shoot"), QStringLiteral("kiosk"));
        QVERIFY2(!commands.trigger(QStringLiteral("capture.shoot")), "no context is active: nothing runs");
        QVERIFY(!c->isActive());
        commands.setContextActive(QStringLiteral("kiosk"), true);
        QCOMPARE(c->currentAction(), &b);
        QVERIFY(commands.trigger(QStringLiteral("capture.shoot")));
        QCOMPARE(bRan.size(), 1);
        QCOMPARE(aRan.size(), 0);
        commands.setContextActive(QStringLiteral("kiosk"), false);
        commands.setContextActive(QStringLiteral("desk"), true);
        c->action()->trigger(); // the proxy, as its shortcut or a menu would
        QCOMPARE(aRan.size(), 1);
        QCOMPARE(bRan.size(), 1);
    }

    void aDisabledActionIsNotTriggeredAndTheProxyFollowsIt()
    {
        app::Commands commands;
        QAction a;
        QSignalSpy ran(&a, &QAction::triggered);
        app::Command *c = commands.registerAction(&a, QStringLiteral("capture.crop"), QStringLiteral("desk"));
        commands.setContextActive(QStringLiteral("desk"), true);
        QVERIFY(c->action()->isEnabled());
        a.setEnabled(false); // the controller decides: no page to crop
        QVERIFY2(!c->action()->isEnabled(), "the proxy (shortcut, menu) is disabled with the action");
        QVERIFY(!commands.trigger(QStringLiteral("capture.crop")));
        QCOMPARE(ran.size(), 0);
        a.setEnabled(true);
        QVERIFY(commands.trigger(QStringLiteral("capture.crop")));
        QCOMPARE(ran.size(), 1);
        QVERIFY(!commands.trigger(QStringLiteral("no.such")));
    }

    void aDestroyedActionIsForgotten()
    {
        app::Commands commands;
        commands.setContextActive(QStringLiteral("desk"), true);
        auto *a = new QAction;
        app::Command *c = commands.registerAction(a, QStringLiteral("capture.shoot"), QStringLiteral("desk"));
        QVERIFY(c->isActive());
        delete a;
        QVERIFY(!c->isActive());
        QVERIFY(!commands.trigger(QStringLiteral("capture.shoot")));
    }

    void aHardwareKeyTriggersTheCommandWithItsArgument()
    {
        app::Commands commands;
        commands.setContextActive(QStringLiteral("desk"), true);
        QAction shoot;
        QStringList arguments;
        connect(&shoot, &QAction::triggered, this, [&] { arguments.append(commands.triggerArgument().toString()); });
        commands.registerAction(&shoot, QStringLiteral("capture.shoot"), QStringLiteral("desk"));
        FakePedal pedal;
        QString error;
        QVERIFY2(commands.bindHardwareKey(&pedal, "pedalPressed", QStringLiteral("capture.shoot"), &error), qPrintable(error));
        QVERIFY2(commands.bindHardwareKey(&pedal, "keyDown", QStringLiteral("capture.shoot"), &error), qPrintable(error));
        Q_EMIT pedal.pedalPressed(QStringLiteral("pedal-1"));
        Q_EMIT pedal.keyDown();
        QCOMPARE(arguments, (QStringList{QStringLiteral("pedal-1"), QString()}));
        QVERIFY2(!commands.triggerArgument().isValid(), "the argument holds only while the action runs");
        QVERIFY(!commands.bindHardwareKey(&pedal, "noSuchSignal", QStringLiteral("capture.shoot"), &error));
        QVERIFY2(error.contains(QLatin1String("noSuchSignal")), qPrintable(error));
        commands.unbindHardwareKeys(&pedal);
        Q_EMIT pedal.pedalPressed(QStringLiteral("pedal-2"));
        QVERIFY2(arguments.size() == 2, "an unbound device triggers nothing");
    }

    void theFocusedWidgetsContextIsActiveAndItsShortcutWorks()
    {
        app::Commands commands;
        QWidget window;
        auto *left = new QPushButton(QStringLiteral("left"), &window);
        auto *right = new QPushButton(QStringLiteral("right"), &window);
        auto *layout = new QVBoxLayout(&window);
        layout->addWidget(left);
        layout->addWidget(right);
        QAction a;
        QAction b;
        QSignalSpy aRan(&a, &QAction::triggered);
        QSignalSpy bRan(&b, &QAction::triggered);
        commands.registerAction(&a, QStringLiteral("capture.shoot"), QStringLiteral("left"), Qt::Key_F12);
        commands.registerAction(&b, QStringLiteral("capture.shoot"), QStringLiteral("right"));
        commands.addContextWidget(left, QStringLiteral("left"));
        commands.addContextWidget(right, QStringLiteral("right"));
        commands.attach(&window);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        right->setFocus();
        QTRY_COMPARE(commands.activeContexts(), QStringList{QStringLiteral("right")});
        QTest::keyClick(&window, Qt::Key_F12);
        QCOMPARE(bRan.size(), 1);
        QCOMPARE(aRan.size(), 0);
        left->setFocus();
        QTRY_COMPARE(commands.activeContexts(), QStringList{QStringLiteral("left")});
        QTest::keyClick(&window, Qt::Key_F12);
        QCOMPARE(aRan.size(), 1);
    }

    void aButtonFollowsItsAction()
    {
        QAction action;
        QPushButton button(QStringLiteral("Shoot"));
        QSignalSpy ran(&action, &QAction::triggered);
        app::setButtonAction(&button, &action);
        button.click();
        QCOMPARE(ran.size(), 1);
        action.setEnabled(false);
        QVERIFY(!button.isEnabled());
        action.setEnabled(true);
        QVERIFY(button.isEnabled());
        QCOMPARE(button.text(), QStringLiteral("Shoot"));
    }
};

QTEST_MAIN(TestCommands)
#include "tst_commands.moc"
