// The text-to-speech engine's own bookkeeping, against a scripted Qt TextToSpeech engine (a
// static plugin of this test) that ends an utterance when the test says: at once inside say(),
// later, or never. Real speech is tst_voice_tts's.

#include <voice/announcer.h>
#include <voice/ttsengine.h>

#include <QSignalSpy>
#include <QTest>
#include <QTextToSpeech>
#include <QTextToSpeechEngine>
#include <QTextToSpeechPlugin>
#include <QTimer>
#include <QtPlugin>

using namespace hall;
using namespace hall::voice;
using namespace Qt::Literals::StringLiterals;

namespace {

// How the scripted engine ends what it is given to say.
enum class Ending { InsideSay, After50ms, Never };
Ending g_ending = Ending::InsideSay;

class ScriptedEngine : public QTextToSpeechEngine
{
    Q_OBJECT
public:
    using QTextToSpeechEngine::QTextToSpeechEngine;

    QList<QLocale> availableLocales() const override { return {QLocale(QLocale::Chinese, QLocale::China)}; }
    QList<QVoice> availableVoices() const override { return {mandarin()}; }
    void say(const QString &) override
    {
        setState(QTextToSpeech::Speaking);
        switch (g_ending) {
        case Ending::InsideSay:
            setState(QTextToSpeech::Ready);
            break;
        case Ending::After50ms:
            QTimer::singleShot(50, this, [this] { setState(QTextToSpeech::Ready); });
            break;
        case Ending::Never:
            break;
        }
    }
    void stop(QTextToSpeech::BoundaryHint) override { setState(QTextToSpeech::Ready); }
    void pause(QTextToSpeech::BoundaryHint) override {}
    void resume() override {}
    double rate() const override { return 0; }
    bool setRate(double) override { return true; }
    double pitch() const override { return 0; }
    bool setPitch(double) override { return true; }
    QLocale locale() const override { return availableLocales().first(); }
    bool setLocale(const QLocale &) override { return true; }
    double volume() const override { return m_volume; }
    bool setVolume(double volume) override
    {
        m_volume = volume;
        return true;
    }
    QVoice voice() const override { return mandarin(); }
    bool setVoice(const QVoice &) override { return true; }
    QTextToSpeech::State state() const override { return m_state; }
    QTextToSpeech::ErrorReason errorReason() const override { return QTextToSpeech::ErrorReason::NoError; }
    QString errorString() const override { return {}; }

private:
    static QVoice mandarin()
    {
        return createVoice(QStringLiteral("Scripted Mandarin"), QLocale(QLocale::Chinese, QLocale::China), QVoice::Female,
                           QVoice::Adult, {});
    }
    void setState(QTextToSpeech::State state)
    {
        if (state == m_state)
            return;
        m_state = state;
        Q_EMIT stateChanged(state);
    }

    QTextToSpeech::State m_state = QTextToSpeech::Ready;
    double m_volume = 1;
};

class ScriptedPlugin : public QObject, public QTextToSpeechPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.qt-project.qt.speech.tts.plugin/6.0" FILE "scriptedtts.json")
    Q_INTERFACES(QTextToSpeechPlugin)
public:
    QTextToSpeechEngine *createTextToSpeechEngine(const QVariantMap &, QObject *parent, QString *) const override
    {
        return new ScriptedEngine(parent);
    }
};

Announcement call(const QString &number, const QString &window)
{
    Announcement a;
    a.fields = {{QStringLiteral("number"), number}, {QStringLiteral("window"), window}};
    a.id = number;
    return a;
}

} // namespace

Q_IMPORT_PLUGIN(ScriptedPlugin)

class TestVoiceTtsEngine : public QObject
{
    Q_OBJECT

    std::unique_ptr<TtsEngine> m_tts;

private Q_SLOTS:
    void init()
    {
        g_ending = Ending::InsideSay;
        m_tts = std::make_unique<TtsEngine>();
        QString error;
        QVERIFY2(m_tts->open(QStringLiteral("hall-scripted"), {}, &error), qPrintable(error));
        QCOMPARE(m_tts->voiceName(), QStringLiteral("Scripted Mandarin"));
        m_tts->setTimeLimit(100, 0);
        m_tts->setRepeatGap(50);
    }

    void cleanup() { m_tts.reset(); }

    // Said inside say(): finished, and no time limit left running to fail it afterwards.
    void anUtteranceEndedInsideSayIsNotFailedLater()
    {
        QSignalSpy finished(m_tts.get(), &SpeechEngine::finished);
        QSignalSpy failed(m_tts.get(), &SpeechEngine::failed);
        QString error;
        QVERIFY2(m_tts->say(call(QStringLiteral("A001"), QStringLiteral("1")), 1.0, &error), qPrintable(error));
        QTRY_COMPARE(finished.size(), 1);
        QTest::qWait(300); // three time limits
        QCOMPARE(finished.size(), 1);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    }

    // The pause between two sayings is no speaking: the time limit does not run through it.
    void aRepeatAfterAnUtteranceEndedInsideSayIsNotCutOff()
    {
        m_tts->setRepeatGap(300);
        QSignalSpy finished(m_tts.get(), &SpeechEngine::finished);
        QSignalSpy failed(m_tts.get(), &SpeechEngine::failed);
        Announcement a = call(QStringLiteral("A002"), QStringLiteral("2"));
        a.repeat = 2;
        QString error;
        QVERIFY2(m_tts->say(a, 1.0, &error), qPrintable(error));
        QTRY_COMPARE(finished.size(), 1);
        QTest::qWait(300);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    }

    // Through the Announcer: each announcement reported once, as said, and none while another speaks.
    void theAnnouncerHearsOfEachAnnouncementOnce()
    {
        core::ManualClock clock(QDateTime(QDate(2026, 11, 23), QTime(9, 0)));
        Announcer announcer(m_tts.get(), &clock);
        QStringList events;
        connect(&announcer, &Announcer::started, this, [&events](const Announcement &a) { events.append(u"start "_s + a.id); });
        connect(&announcer, &Announcer::said, this, [&events](const Announcement &a) { events.append(u"said "_s + a.id); });
        connect(&announcer, &Announcer::failed, this, [&events](const Announcement &a) { events.append(u"failed "_s + a.id); });
        announcer.announce(call(QStringLiteral("A001"), QStringLiteral("1"))); // said inside say()
        g_ending = Ending::After50ms;
        QTest::qWait(20);
        announcer.announce(call(QStringLiteral("A002"), QStringLiteral("2")));
        announcer.announce(call(QStringLiteral("A003"), QStringLiteral("3")));
        QTRY_COMPARE(events.size(), 6);
        QTest::qWait(300);
        QCOMPARE(events, (QStringList{u"start A001"_s, u"said A001"_s, u"start A002"_s, u"said A002"_s, u"start A003"_s,
                                      u"said A003"_s}));
        QVERIFY(!announcer.isSpeaking());
    }

    // An engine that never ends still fails within the limit, and the queue goes on.
    void anUtteranceThatNeverEndsFailsWithinTheLimit()
    {
        core::ManualClock clock(QDateTime(QDate(2026, 11, 23), QTime(9, 0)));
        Announcer announcer(m_tts.get(), &clock);
        QSignalSpy said(&announcer, &Announcer::said);
        QSignalSpy failed(&announcer, &Announcer::failed);
        g_ending = Ending::Never;
        announcer.announce(call(QStringLiteral("A001"), QStringLiteral("1")));
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY2(failed.first().at(1).toString().contains(QLatin1String("did not finish")), qPrintable(failed.first().at(1).toString()));
        g_ending = Ending::InsideSay;
        announcer.announce(call(QStringLiteral("A002"), QStringLiteral("2")));
        QTRY_COMPARE(said.size(), 1);
        QTest::qWait(300);
        QCOMPARE(failed.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestVoiceTtsEngine)
#include "tst_voice_ttsengine.moc"
