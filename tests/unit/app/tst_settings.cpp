// Typed settings: defaults, validation refusals in words, the store round trip, and the page
// built from the aspects applying only valid values.

#include <app/aspects.h>
#include <app/settingspage.h>

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace hall;

namespace {

// A feature's settings as apps declare them: members, constructed with the container.
class WindowSettings : public app::AspectContainer
{
public:
    WindowSettings()
        : app::AspectContainer(QStringLiteral("window"), QStringLiteral("Window"))
        , number(this, QStringLiteral("number"), QStringLiteral("Window number"), 1, 1, 99)
        , elderly(this, QStringLiteral("elderly"), QStringLiteral("Elderly mode"), false)
        , rotation(this, QStringLiteral("rotation"), QStringLiteral("Turn photos"),
                   {{0, QStringLiteral("As shot")}, {90, QStringLiteral("Right")}, {270, QStringLiteral("Left")}}, 0)
        , hall(this, QStringLiteral("hall"), QStringLiteral("Hall code"), QStringLiteral("GZ-01"),
               [](const QString &s) { return s.startsWith(QLatin1String("GZ-")) ? QString() : QStringLiteral("Must start with GZ-."); })
    {
    }
    app::IntAspect number;
    app::BoolAspect elderly;
    app::ChoiceAspect rotation;
    app::StringAspect hall;
};

} // namespace

class TestSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsHoldBeforeAnythingIsStored()
    {
        WindowSettings s;
        QCOMPARE(s.number.value(), 1);
        QCOMPARE(s.elderly.value(), false);
        QCOMPARE(s.rotation.variant().toInt(), 0);
        QCOMPARE(s.hall.value(), QStringLiteral("GZ-01"));
        QVERIFY(s.number.isDefault());
        QCOMPARE(s.aspects().size(), 4);
        QCOMPARE(s.number.storeKey(), QStringLiteral("window/number"));
    }

    void badValuesAreRefusedInWords()
    {
        WindowSettings s;
        QSignalSpy changed(&s, &app::AspectContainer::changed);
        QString error;
        QVERIFY(!s.number.setValue(100, &error));
        QVERIFY2(error.contains(QLatin1String("99")), qPrintable(error));
        QCOMPARE(s.number.value(), 1);
        QVERIFY(!s.rotation.setVariant(45, &error));
        QVERIFY2(error.contains(QLatin1String("Right")), qPrintable(error));
        QVERIFY(!s.hall.setValue(QStringLiteral("BJ-02"), &error));
        QCOMPARE(error, QStringLiteral("Must start with GZ-."));
        QVERIFY(!s.elderly.setVariant(QStringLiteral("maybe"), &error));
        QCOMPARE(changed.size(), 0);
        QVERIFY(s.number.setValue(7));
        QCOMPARE(changed.size(), 1);
    }

    void valuesSurviveTheStore()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("settings.ini"));
        {
            app::SettingsStore store(file);
            WindowSettings s;
            s.bind(&store);
            QVERIFY(s.number.setValue(12));
            QVERIFY(s.elderly.setValue(true));
            QVERIFY(s.rotation.setVariant(270));
            QVERIFY(s.hall.setValue(QStringLiteral("GZ-TH")));
        }
        app::SettingsStore store(file);
        QCOMPARE(store.value(QStringLiteral("window/number")).toInt(), 12);
        WindowSettings read;
        read.readSettings(store);
        QCOMPARE(read.number.value(), 12);
        QCOMPARE(read.elderly.value(), true);
        QCOMPARE(read.rotation.variant(), QVariant(270));
        QCOMPARE(read.hall.value(), QStringLiteral("GZ-TH"));
        // A default goes back to being no key at all, and a hand-edited bad value is ignored.
        read.bind(&store);
        read.number.reset();
        QVERIFY(!store.contains(QStringLiteral("window/number")));
        store.setValue(QStringLiteral("window/rotation"), QStringLiteral("45"));
        WindowSettings again;
        again.readSettings(store);
        QCOMPARE(again.rotation.variant(), QVariant(0));
    }

    void thePageAppliesValidValues()
    {
        WindowSettings s;
        std::unique_ptr<app::SettingsPage> page(s.createPage());
        auto *number = qobject_cast<QSpinBox *>(page->editor(QStringLiteral("number")));
        auto *rotation = qobject_cast<QComboBox *>(page->editor(QStringLiteral("rotation")));
        auto *hall = qobject_cast<QLineEdit *>(page->editor(QStringLiteral("hall")));
        QVERIFY(number && rotation && hall);
        QCOMPARE(number->maximum(), 99);
        QCOMPARE(rotation->count(), 3);
        QCOMPARE(hall->text(), QStringLiteral("GZ-01"));
        number->setValue(5);
        rotation->setCurrentIndex(rotation->findData(90));
        hall->setText(QStringLiteral("GZ-02"));
        QVERIFY(page->isModified());
        QVERIFY(page->apply());
        QCOMPARE(s.number.value(), 5);
        QCOMPARE(s.rotation.variant(), QVariant(90));
        QCOMPARE(s.hall.value(), QStringLiteral("GZ-02"));
        QVERIFY(!page->isModified());
    }

    void thePageRefusesAndSaysWhyBesideTheField()
    {
        WindowSettings s;
        std::unique_ptr<app::SettingsPage> page(s.createPage());
        page->show();
        auto *number = qobject_cast<QSpinBox *>(page->editor(QStringLiteral("number")));
        auto *hall = qobject_cast<QLineEdit *>(page->editor(QStringLiteral("hall")));
        number->setValue(9);
        hall->setText(QStringLiteral("BJ-01"));
        QVERIFY(!page->apply());
        QVERIFY2(s.number.value() == 1, "nothing is applied while one field is refused");
        QLabel *error = page->errorLabel(QStringLiteral("hall"));
        QVERIFY(error->isVisible());
        QCOMPARE(error->text(), QStringLiteral("Must start with GZ-."));
        QVERIFY(!page->errorLabel(QStringLiteral("number"))->isVisible());
        page->cancel();
        QCOMPARE(hall->text(), QStringLiteral("GZ-01"));
        QCOMPARE(number->value(), 1);
        QVERIFY(!error->isVisible());
    }
};

QTEST_MAIN(TestSettings)
#include "tst_settings.moc"
