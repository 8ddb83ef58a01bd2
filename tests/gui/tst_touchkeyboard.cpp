// The kiosk's touch keyboard, touched as a citizen would: its keys clicked, with the real librime
// and the luna_pinyin_simp schema the build compiled into <build>/share/hallsuite/rime (no
// mock of the engine), typing into a real QLineEdit.
//
// With HALL_SCREENSHOT_DIR set, the pinyin pad, the digit pad and a keyboard without pinyin are
// saved there (docs/screenshots/keyboard-*.png come from this run with fonts-noto-cjk).

#include <ui/pinyinengine.h>
#include <ui/touchkeyboard.h>

#include <core/i18n.h>

#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QVBoxLayout>

using namespace hall;
using ui::TouchKeyboard;

namespace {

QPushButton *keyOf(const TouchKeyboard &keyboard, const QString &name)
{
    auto *button = keyboard.findChild<QPushButton *>(name);
    if (!button)
        qFatal("no key %s", qPrintable(name));
    return button;
}

// Touches `keys` on `pad` one by one ("zhengwu" on "pinyin" is pinyin-z, pinyin-h, …).
void touch(const TouchKeyboard &keyboard, const QString &pad, const QString &keys)
{
    for (const QChar c : keys) {
        const QString name = c == u'\'' ? u"apostrophe"_qs : QString(c);
        QTest::mouseClick(keyOf(keyboard, pad + u'-' + name), Qt::LeftButton);
    }
}

void touchKey(const TouchKeyboard &keyboard, const QString &name)
{
    QTest::mouseClick(keyOf(keyboard, name), Qt::LeftButton);
}

// The candidates the bar shows now.
QStringList shownCandidates(const TouchKeyboard &keyboard)
{
    QStringList out;
    for (int i = 0; i < 6; ++i) {
        QPushButton *button = keyOf(keyboard, QStringLiteral("candidate-%1").arg(i));
        if (button->isVisible())
            out.append(button->text());
    }
    return out;
}

QString preedit(const TouchKeyboard &keyboard)
{
    return keyboard.findChild<QLabel *>(QStringLiteral("preedit"))->text();
}

// Sets an environment variable for one scope.
class ScopedEnv
{
public:
    ScopedEnv(const char *name, const QByteArray &value)
        : m_name(name)
        , m_old(qgetenv(name))
        , m_had(qEnvironmentVariableIsSet(name))
    {
        qputenv(name, value);
    }
    ~ScopedEnv()
    {
        if (m_had)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }

private:
    const char *m_name;
    QByteArray m_old;
    bool m_had;
};

} // namespace

class TestTouchKeyboard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // librime's (empty) user folder goes to the test location, not the tester's own.
        QStandardPaths::setTestModeEnabled(true);
    }

    void init()
    {
        m_edit = new QLineEdit;
        m_keyboard = new TouchKeyboard;
        m_keyboard->attach(m_edit);
        m_keyboard->resize(1280, 460);
        m_keyboard->show();
        QVERIFY2(m_keyboard->isPinyinAvailable(), qPrintable(m_keyboard->pinyinError()));
    }

    void cleanup()
    {
        delete m_keyboard;
        delete m_edit;
    }

    void startsInPinyin()
    {
        QCOMPARE(m_keyboard->mode(), TouchKeyboard::Mode::Pinyin);
        QVERIFY(keyOf(*m_keyboard, QStringLiteral("pinyin-z"))->isVisible());
        QVERIFY(shownCandidates(*m_keyboard).isEmpty());
    }

    void pinyinOffersAndCommitsTheWord_data()
    {
        QTest::addColumn<QString>("pinyin");
        QTest::addColumn<QString>("syllables");
        QTest::addColumn<QString>("word");
        QTest::newRow("zhengwu") << u"zhengwu"_qs << u"zheng wu"_qs << u"政务"_qs;
        QTest::newRow("beijing") << u"beijing"_qs << u"bei jing"_qs << u"北京"_qs;
        QTest::newRow("xi'an") << u"xi'an"_qs << u"xi'an"_qs << u"西安"_qs;
    }

    void pinyinOffersAndCommitsTheWord()
    {
        QFETCH(QString, pinyin);
        QFETCH(QString, syllables);
        QFETCH(QString, word);
        m_edit->setText(u"地址："_qs);
        touch(*m_keyboard, u"pinyin"_qs, pinyin);
        QCOMPARE(preedit(*m_keyboard), syllables);
        QCOMPARE(m_edit->text(), u"地址："_qs); // nothing committed while composing

        const QStringList candidates = shownCandidates(*m_keyboard);
        const int index = candidates.indexOf(word);
        QVERIFY2(index >= 0, qPrintable(candidates.join(u' ')));
        touchKey(*m_keyboard, QStringLiteral("candidate-%1").arg(index));
        QCOMPARE(m_edit->text(), u"地址："_qs + word);
        QVERIFY(shownCandidates(*m_keyboard).isEmpty());
    }

    // Choosing the first word of two commits nothing yet; the second completes the phrase.
    void choosingPartOfTheInputKeepsComposing()
    {
        touch(*m_keyboard, u"pinyin"_qs, u"zhengwu"_qs);
        touchKey(*m_keyboard, u"pinyin-space"_qs);
        QCOMPARE(m_edit->text(), u"政务"_qs);
        touch(*m_keyboard, u"pinyin"_qs, u"zhongxin"_qs);
        const int index = shownCandidates(*m_keyboard).indexOf(u"中心"_qs);
        QVERIFY2(index >= 0, qPrintable(shownCandidates(*m_keyboard).join(u' ')));
        touchKey(*m_keyboard, QStringLiteral("candidate-%1").arg(index));
        QCOMPARE(m_edit->text(), u"政务中心"_qs);
    }

    void backspaceEditsTheCompositionFirst()
    {
        m_edit->setText(u"AB"_qs);
        touch(*m_keyboard, u"pinyin"_qs, u"beijinh"_qs);
        touchKey(*m_keyboard, u"pinyin-backspace"_qs);
        touch(*m_keyboard, u"pinyin"_qs, u"g"_qs);
        QCOMPARE(preedit(*m_keyboard), u"bei jing"_qs);
        QVERIFY(shownCandidates(*m_keyboard).contains(u"北京"_qs));
        QCOMPARE(m_edit->text(), u"AB"_qs);

        for (int i = 0; i < 7; ++i)
            touchKey(*m_keyboard, u"pinyin-backspace"_qs);
        QVERIFY(shownCandidates(*m_keyboard).isEmpty());
        QCOMPARE(m_edit->text(), u"AB"_qs); // the composition went first, the field is untouched
        touchKey(*m_keyboard, u"pinyin-backspace"_qs);
        QCOMPARE(m_edit->text(), u"A"_qs);
    }

    void candidatesPageBackAndForth()
    {
        touch(*m_keyboard, u"pinyin"_qs, u"shi"_qs);
        auto *previous = keyOf(*m_keyboard, u"candidate-previous"_qs);
        auto *next = keyOf(*m_keyboard, u"candidate-next"_qs);
        const QStringList first = shownCandidates(*m_keyboard);
        QCOMPARE(first.size(), 6);
        QVERIFY(!previous->isEnabled());
        QVERIFY(next->isEnabled());

        touchKey(*m_keyboard, u"candidate-next"_qs);
        const QStringList second = shownCandidates(*m_keyboard);
        QVERIFY(!second.isEmpty());
        QVERIFY2(second != first, qPrintable(second.join(u' ')));
        QVERIFY(previous->isEnabled());
        touchKey(*m_keyboard, u"candidate-0"_qs);
        QCOMPARE(m_edit->text(), second.first());

        touch(*m_keyboard, u"pinyin"_qs, u"shi"_qs);
        touchKey(*m_keyboard, u"candidate-next"_qs);
        touchKey(*m_keyboard, u"candidate-previous"_qs);
        QCOMPARE(shownCandidates(*m_keyboard), first);
    }

    // 确定 while composing gives the letters as typed; with nothing composing it accepts.
    void okCommitsTheLettersThenAccepts()
    {
        QSignalSpy accepted(m_keyboard, &TouchKeyboard::accepted);
        touch(*m_keyboard, u"pinyin"_qs, u"zhengwu"_qs);
        touchKey(*m_keyboard, u"pinyin-ok"_qs);
        QCOMPARE(m_edit->text(), u"zhengwu"_qs);
        QCOMPARE(accepted.count(), 0);
        touchKey(*m_keyboard, u"pinyin-ok"_qs);
        QCOMPARE(accepted.count(), 1);
    }

    void pinyinPunctuationIsChinese()
    {
        touch(*m_keyboard, u"pinyin"_qs, u"beijing"_qs);
        touchKey(*m_keyboard, u"pinyin-comma"_qs); // commits the first candidate, then ，
        touchKey(*m_keyboard, u"pinyin-period"_qs);
        QCOMPARE(m_edit->text(), u"北京，。"_qs);
    }

    void digitPadTypesDigitsOnly()
    {
        QSignalSpy accepted(m_keyboard, &TouchKeyboard::accepted);
        m_keyboard->setMode(TouchKeyboard::Mode::Digits);
        QCOMPARE(m_keyboard->mode(), TouchKeyboard::Mode::Digits);
        QVERIFY(!keyOf(*m_keyboard, u"pinyin-z"_qs)->isVisible());
        touch(*m_keyboard, u"digits"_qs, u"13800138000"_qs);
        QCOMPARE(m_edit->text(), u"13800138000"_qs);

        // Every key of the pad that puts text anywhere puts a digit.
        const QWidget *pad = keyOf(*m_keyboard, u"digits-0"_qs)->parentWidget();
        m_edit->clear();
        for (QPushButton *button : pad->findChildren<QPushButton *>()) {
            if (button->property("role").toString() == u"digit"_qs)
                QTest::mouseClick(button, Qt::LeftButton);
        }
        QCOMPARE(m_edit->text().size(), 10);
        for (const QChar c : m_edit->text())
            QVERIFY2(c.isDigit(), qPrintable(m_edit->text()));

        touchKey(*m_keyboard, u"digits-backspace"_qs);
        QCOMPARE(m_edit->text().size(), 9);
        touchKey(*m_keyboard, u"digits-clear"_qs);
        QCOMPARE(m_edit->text(), QString());
        touchKey(*m_keyboard, u"digits-ok"_qs);
        QCOMPARE(accepted.count(), 1);
        touchKey(*m_keyboard, u"digits-pinyin"_qs);
        QCOMPARE(m_keyboard->mode(), TouchKeyboard::Mode::Pinyin);
    }

    void letterPadTypesLettersWithCaps()
    {
        touchKey(*m_keyboard, u"pinyin-letters"_qs);
        QCOMPARE(m_keyboard->mode(), TouchKeyboard::Mode::Letters);
        touch(*m_keyboard, u"letters"_qs, u"ab1"_qs);
        touchKey(*m_keyboard, u"letters-shift"_qs);
        QCOMPARE(keyOf(*m_keyboard, u"letters-q"_qs)->text(), u"Q"_qs);
        touch(*m_keyboard, u"letters"_qs, u"qz"_qs);
        touchKey(*m_keyboard, u"letters-shift"_qs);
        touch(*m_keyboard, u"letters"_qs, u"x"_qs);
        touchKey(*m_keyboard, u"letters-space"_qs);
        touch(*m_keyboard, u"letters"_qs, u"-."_qs);
        QCOMPARE(m_edit->text(), u"ab1QZx -."_qs);
        QVERIFY(shownCandidates(*m_keyboard).isEmpty());
    }

    // The field's own rules hold: keys go through QLineEdit::insert().
    void theFieldsValidatorAndLengthHold()
    {
        m_edit->setMaxLength(4);
        m_keyboard->setMode(TouchKeyboard::Mode::Digits);
        touch(*m_keyboard, u"digits"_qs, u"123456"_qs);
        QCOMPARE(m_edit->text(), u"1234"_qs);

        m_edit->clear();
        m_edit->setMaxLength(32767);
        QRegularExpressionValidator digitsOnly(QRegularExpression(u"[0-9]*"_qs));
        m_edit->setValidator(&digitsOnly);
        m_keyboard->setMode(TouchKeyboard::Mode::Letters);
        touch(*m_keyboard, u"letters"_qs, u"a1b2"_qs);
        m_keyboard->setMode(TouchKeyboard::Mode::Pinyin);
        touch(*m_keyboard, u"pinyin"_qs, u"beijing"_qs);
        touchKey(*m_keyboard, u"pinyin-space"_qs);
        QCOMPARE(m_edit->text(), u"12"_qs);
        m_edit->setValidator(nullptr);
    }

    void keysGoToTheAttachedFieldOnly()
    {
        QLineEdit other;
        m_keyboard->attach(&other);
        touch(*m_keyboard, u"pinyin"_qs, u"beijing"_qs);
        touchKey(*m_keyboard, u"pinyin-space"_qs);
        QCOMPARE(other.text(), u"北京"_qs);
        QCOMPARE(m_edit->text(), QString());

        // Switching fields drops a composition instead of committing it into the next one.
        touch(*m_keyboard, u"pinyin"_qs, u"zheng"_qs);
        m_keyboard->attach(m_edit);
        QVERIFY(shownCandidates(*m_keyboard).isEmpty());
        m_keyboard->attach(nullptr);
        QCOMPARE(m_keyboard->target(), nullptr);
        touch(*m_keyboard, u"pinyin"_qs, u"zhengwu"_qs);
        touchKey(*m_keyboard, u"candidate-0"_qs);
        QCOMPARE(m_edit->text(), QString());
        QCOMPARE(other.text(), u"北京"_qs);

        auto *gone = new QLineEdit;
        m_keyboard->attach(gone);
        delete gone;
        touch(*m_keyboard, u"pinyin"_qs, u"beijing"_qs);
        touchKey(*m_keyboard, u"pinyin-space"_qs); // no target left: nothing to crash on
        QCOMPARE(m_keyboard->target(), nullptr);
    }

    void missingSchemaDisablesPinyinWithTheReason()
    {
        QTemporaryDir empty;
        ScopedEnv data("HALL_RIME_DATA", QFile::encodeName(empty.path()));
        TouchKeyboard keyboard;
        QLineEdit edit;
        keyboard.attach(&edit);
        keyboard.show();

        QVERIFY(!keyboard.isPinyinAvailable());
        QVERIFY2(keyboard.pinyinError().contains(u"pinyin data is missing"_qs), qPrintable(keyboard.pinyinError()));
        QVERIFY2(keyboard.pinyinError().contains(QDir::toNativeSeparators(empty.path())), qPrintable(keyboard.pinyinError()));
        QCOMPARE(keyboard.mode(), TouchKeyboard::Mode::Letters);
        keyboard.setMode(TouchKeyboard::Mode::Pinyin);
        QCOMPARE(keyboard.mode(), TouchKeyboard::Mode::Letters);
        QVERIFY(!keyOf(keyboard, u"letters-pinyin"_qs)->isEnabled());
        QVERIFY(!keyOf(keyboard, u"digits-pinyin"_qs)->isEnabled());
        auto *notice = keyboard.findChild<QLabel *>(u"notice"_qs);
        QVERIFY(notice->isVisible());
        QVERIFY2(notice->text().contains(keyboard.pinyinError()), qPrintable(notice->text()));

        touch(keyboard, u"letters"_qs, u"ok"_qs);
        touchKey(keyboard, u"letters-digits"_qs);
        touch(keyboard, u"digits"_qs, u"12"_qs);
        QCOMPARE(edit.text(), u"ok12"_qs);
    }

    // Damaged data still opens in librime and then offers nothing: caught before a citizen types.
    void damagedSchemaDisablesPinyinWithTheReason()
    {
        delete m_keyboard; // librime runs one data folder at a time: no other session on it
        m_keyboard = nullptr;
        QTemporaryDir copy;
        const QString good = ui::PinyinEngine::defaultDataDir() + u"/build"_qs;
        QVERIFY(QDir().mkpath(copy.filePath(u"build"_qs)));
        for (const QString &name : QDir(good).entryList(QDir::Files))
            QVERIFY(QFile::copy(good + u'/' + name, copy.filePath(u"build/"_qs + name)));
        QFile prism(copy.filePath(u"build/luna_pinyin_simp.prism.bin"_qs));
        QVERIFY(prism.open(QIODevice::WriteOnly | QIODevice::Truncate));
        prism.write(QByteArray(20000, 'x'));
        prism.close();

        ScopedEnv data("HALL_RIME_DATA", QFile::encodeName(copy.path()));
        TouchKeyboard keyboard;
        QVERIFY(!keyboard.isPinyinAvailable());
        QVERIFY2(keyboard.pinyinError().contains(u"gives no candidates"_qs), qPrintable(keyboard.pinyinError()));
        QCOMPARE(keyboard.mode(), TouchKeyboard::Mode::Letters);
    }

    void missingLibraryDisablesPinyinWithTheReason()
    {
        ScopedEnv library("HALL_RIME_LIBRARY", "/nonexistent/librime.so.1");
        TouchKeyboard keyboard;
        QVERIFY(!keyboard.isPinyinAvailable());
        QVERIFY2(keyboard.pinyinError().contains(u"librime could not be loaded"_qs), qPrintable(keyboard.pinyinError()));
        QCOMPARE(keyboard.mode(), TouchKeyboard::Mode::Letters);
    }

    void screenshot()
    {
        const QString dir = qEnvironmentVariable("HALL_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("HALL_SCREENSHOT_DIR not set");
        core::installTranslations();
        // A kiosk form over the keyboard, as a citizen sees it: an address half typed.
        QWidget form;
        form.setStyleSheet(u"QWidget#form { background: #f4f6f9; } QLabel { font-size: 28px; color: #1c2633; }"
                           " QLineEdit { font-size: 32px; padding: 8px; border: 2px solid #1f6fd1; border-radius: 8px; background: white; }"_qs);
        form.setObjectName(u"form"_qs);
        form.setAttribute(Qt::WA_StyledBackground);
        auto *layout = new QVBoxLayout(&form);
        layout->setContentsMargins(0, 24, 0, 0);
        auto *label = new QLabel(u"您的工作单位"_qs);
        auto *edit = new QLineEdit(u"汕尾市"_qs);
        auto *keyboard = new TouchKeyboard;
        keyboard->attach(edit);
        for (auto *w : {static_cast<QWidget *>(label), static_cast<QWidget *>(edit)}) {
            auto *row = new QHBoxLayout;
            row->setContentsMargins(32, 0, 32, 0);
            row->addWidget(w);
            layout->addLayout(row);
        }
        layout->addSpacing(16);
        layout->addWidget(keyboard);
        form.resize(1280, 720);
        form.show();
        touch(*keyboard, u"pinyin"_qs, u"zhengwu"_qs);
        QCoreApplication::processEvents();
        QVERIFY(form.grab().save(QDir(dir).filePath(u"keyboard-pinyin.png"_qs)));

        // The mobile number pad, and the letter pad of a PC without the pinyin data.
        keyboard->setMode(TouchKeyboard::Mode::Digits);
        label->setText(u"手机号码"_qs);
        edit->setText(u"138"_qs);
        QCoreApplication::processEvents();
        QVERIFY(form.grab().save(QDir(dir).filePath(u"keyboard-digits.png"_qs)));
        QTemporaryDir empty;
        ScopedEnv data("HALL_RIME_DATA", QFile::encodeName(empty.path()));
        TouchKeyboard without;
        without.resize(1280, 560);
        without.show();
        QCoreApplication::processEvents();
        QVERIFY(without.grab().save(QDir(dir).filePath(u"keyboard-no-pinyin.png"_qs)));
    }

private:
    QLineEdit *m_edit = nullptr;
    TouchKeyboard *m_keyboard = nullptr;
};

QTEST_MAIN(TestTouchKeyboard)
#include "tst_touchkeyboard.moc"
