// The hall voice's second engine: the text a synthesizer is given (codes read one character at
// a time), which voices count as Chinese, the engine factory, and — where Qt TextToSpeech,
// speech-dispatcher and its espeak-ng module are installed — real speech through a
// speech-dispatcher of this test alone (own socket and config, audio to libao's null driver,
// so no sound card and no system daemon are needed).

#include <voice/announcer.h>
#include <voice/cliplibrary.h>
#include <voice/enginefactory.h>
#include <voice/phrase.h>
#include <voice/clipengine.h>
#include <voice/speechengine.h>
#ifdef HALL_VOICE_HAS_TTS
#include <voice/ttsengine.h>

#include <QTextToSpeech>
#endif

#include <QDir>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace hall;
using namespace hall::voice;

namespace {

Announcement call(const QString &number, const QString &window, bool recall = false)
{
    Announcement a;
    a.fields = {{QStringLiteral("number"), number}, {QStringLiteral("window"), window}};
    a.id = number;
    a.recall = recall;
    return a;
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(content) == content.size();
}

// A speech-dispatcher for this test only. libspeechd spawns it on first use from the
// environment set here; espeak-ng is its only module, and libao's null driver takes the sound
// (faster than real time). The log, at level 5, says how much audio each utterance made.
class SpeechDispatcherSandbox
{
public:
    // withAudio false: speech-dispatcher's default output (PulseAudio), which a machine
    // without a sound server cannot open.
    bool setUp(QString *why, bool withAudio = true)
    {
        if (!m_dir.isValid()) {
            *why = QStringLiteral("no temporary folder");
            return false;
        }
        const QString root = m_dir.path();
        for (const char *sub : {"config/speech-dispatcher", "run", "home", "log"})
            QDir().mkpath(root + u'/' + QLatin1String(sub));
        QFile::setPermissions(root + QStringLiteral("/run"), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        const QByteArray conf = "LogLevel 5\n"
                                "LogDir \"" + root.toUtf8() + "/log\"\n"
                                + (withAudio ? "AudioOutputMethod \"libao\"\n" : "")
                                + "AddModule \"espeak-ng\" \"sd_espeak-ng\" \"espeak-ng.conf\"\n"
                                  "DefaultModule espeak-ng\n"
                                  "Timeout 20\n";
        if (!writeFile(root + QStringLiteral("/config/speech-dispatcher/speechd.conf"), conf)
            || !writeFile(root + QStringLiteral("/home/.libao"), "default_driver=null\n")) {
            *why = QStringLiteral("cannot write the speech-dispatcher configuration in ") + root;
            return false;
        }
        qputenv("HOME", QFile::encodeName(root + QStringLiteral("/home")));
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(root + QStringLiteral("/config")));
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(root + QStringLiteral("/run")));
        // The spawned server insists on this exact path; setting it keeps a developer's own
        // SPEECHD_ADDRESS from pointing the test at their desktop's speech-dispatcher.
        qputenv("SPEECHD_ADDRESS", "unix_socket:" + QFile::encodeName(root + QStringLiteral("/run/speech-dispatcher/speechd.sock")));
        return true;
    }

    // Seconds of speech the server has played since the last call.
    double audioSecondsSinceLastCall()
    {
        QFile log(m_dir.filePath(QStringLiteral("log/speech-dispatcher.log")));
        if (!log.open(QIODevice::ReadOnly) || !log.seek(m_logOffset))
            return 0;
        const QByteArray text = log.readAll();
        // Only complete lines; a half-written one is read next time.
        const qsizetype end = text.lastIndexOf('\n') + 1;
        m_logOffset += end;
        static const QRegularExpression samples(QStringLiteral("Sending (\\d+) samples to audio"));
        static const QRegularExpression rate(QStringLiteral("Got audio parameter sample_rate (\\d+)"));
        const QString lines = QString::fromUtf8(text.left(end));
        qint64 frames = 0;
        for (auto it = samples.globalMatch(lines); it.hasNext();)
            frames += it.next().captured(1).toLongLong();
        for (auto it = rate.globalMatch(lines); it.hasNext();)
            m_rate = it.next().captured(1).toInt();
        return m_rate ? double(frames) / m_rate : 0.0;
    }

    // Ends the server this test spawned (by the pid it recorded) so none outlives the test.
    // SIGKILL: on SIGTERM it takes 1.7 s, and one whose audio output never opened hangs for
    // ever; its espeak-ng module exits when the server's end of their pipe closes.
    void tearDown()
    {
        QFile pidFile(m_dir.filePath(QStringLiteral("run/speech-dispatcher/pid/speech-dispatcher.pid")));
        if (!pidFile.open(QIODevice::ReadOnly))
            return;
        const int pid = pidFile.readAll().trimmed().toInt();
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (pid <= 0 || !cmdline.open(QIODevice::ReadOnly) || !cmdline.readAll().contains("speech-dispatcher"))
            return;
        ::kill(pid, SIGKILL);
    }

private:
    QTemporaryDir m_dir;
    qint64 m_logOffset = 0;
    int m_rate = 0;
};

} // namespace

class TestVoiceTts : public QObject
{
    Q_OBJECT

    ClipLibrary m_clips;
    SpeechDispatcherSandbox m_sandbox;
    SpeechDispatcherSandbox m_silentSandbox;
    // What real speech needs and is not installed; empty means it must work.
    QStringList m_missing;
#ifdef HALL_VOICE_HAS_TTS
    TtsEngine *m_engine = nullptr;
    QString m_engineError;

    // One engine for the speaking tests (opening one costs Qt's speechd backend about 1.2 s of
    // listing voices; two speaking at once would also get each other's events). It is opened
    // as on a hall PC, in zh_CN, where that backend starts with no voice and in its error state.
    TtsEngine *engine()
    {
        if (!m_engine) {
            const QLocale before;
            QLocale::setDefault(QLocale(QLocale::Chinese, QLocale::China));
            m_engine = new TtsEngine(this);
            m_engine->setRepeatGap(200);
            if (!m_engine->open({}, {}, &m_engineError))
                qWarning("%s", qPrintable(m_engineError));
            QLocale::setDefault(before);
        }
        return m_engine->isOpen() ? m_engine : nullptr;
    }
#endif

    bool realSpeech() const { return m_missing.isEmpty(); }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_clips.load(QStringLiteral(":/voice/zh_CN"), &error), qPrintable(error));
        QVERIFY2(m_sandbox.setUp(&error), qPrintable(error));
#ifdef HALL_VOICE_HAS_TTS
        if (!QTextToSpeech::availableEngines().contains(QLatin1String("speechd")))
            m_missing.append(QStringLiteral("qt6-speech-speechd-plugin"));
#else
        m_missing.append(QStringLiteral("qt6-speech-dev"));
#endif
        if (QStandardPaths::findExecutable(QStringLiteral("speech-dispatcher")).isEmpty())
            m_missing.append(QStringLiteral("speech-dispatcher"));
        if (!QFile::exists(QStringLiteral("/usr/lib/speech-dispatcher-modules/sd_espeak-ng"))
            && !QFile::exists(QStringLiteral("/usr/lib/x86_64-linux-gnu/speech-dispatcher-modules/sd_espeak-ng")))
            m_missing.append(QStringLiteral("speech-dispatcher-espeak-ng"));
        if (!realSpeech())
            qInfo("real speech is not tested, not installed: %s", qPrintable(m_missing.join(QStringLiteral(", "))));
    }

    void cleanupTestCase()
    {
#ifdef HALL_VOICE_HAS_TTS
        delete m_engine;
        m_engine = nullptr;
#endif
        m_sandbox.tearDown();
        m_silentSandbox.tearDown();
    }

    void textForTheSynthesizerReadsCodesOneByOne_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QVariantMap>("fields");
        QTest::addColumn<QString>("spoken");
        const QString usual = QStringLiteral("请{number}号到{window}号窗口办理");
        auto fields = [](const char *number, const char *window) {
            return QVariantMap{{QStringLiteral("number"), QString::fromLatin1(number)}, {QStringLiteral("window"), QString::fromLatin1(window)}};
        };
        QTest::newRow("A001 to window 12") << usual << fields("A001", "12") << "请 A 零 零 一 号到十二号窗口办理";
        QTest::newRow("lower-case letters") << usual << fields("yb20", "3") << "请 Y B 二 零 号到三号窗口办理";
        QTest::newRow("window 10") << usual << fields("C105", "10") << "请 C 一 零 五 号到十号窗口办理";
        QTest::newRow("window that is not a number") << usual << fields("A1", "3B") << "请 A 一 号到 三 B 号窗口办理";
        QTest::newRow("spaces in the template fold") << QStringLiteral("请 {number} 号，到 {window} 号窗口。") << fields("B7", "20")
                                                     << "请 B 七 号，到 二十 号窗口。";
        QTest::newRow("a {code} field") << QStringLiteral("取件码{code}") << QVariantMap{{QStringLiteral("code"), QStringLiteral("K9")}}
                                        << "取件码 K 九";
    }

    void textForTheSynthesizerReadsCodesOneByOne()
    {
        QFETCH(QString, text);
        QFETCH(QVariantMap, fields);
        QFETCH(QString, spoken);
        Announcement a;
        a.text = text;
        a.fields = fields;
        QString said, error;
        QVERIFY2(spokenText(a, &said, &error), qPrintable(error));
        QCOMPARE(said, spoken);
        // Nothing a synthesizer could read as a word or a number: no digits, no letter runs.
        static const QRegularExpression readAsAWhole(QStringLiteral("[0-9]|[A-Za-z]{2}"));
        QVERIFY2(!said.contains(readAsAWhole), qPrintable(said));
    }

    void textForTheSynthesizerNeedsItsFields()
    {
        Announcement a = call(QStringLiteral("A001"), QStringLiteral("3"));
        a.text = QStringLiteral("请{number}号到{desk}");
        QString said, error;
        QVERIFY(!spokenText(a, &said, &error));
        QVERIFY2(error.contains(QLatin1String("{desk}")), qPrintable(error));
    }

    // One phrase code for both engines: the clips are the synthesizer's text, cut up.
    void clipsAndSynthesizerSayTheSameWords()
    {
        for (const Announcement &a : {call(QStringLiteral("A001"), QStringLiteral("12")), call(QStringLiteral("zq7"), QStringLiteral("3"))}) {
            QString said, error;
            QStringList names;
            QVERIFY2(spokenText(a, &said, &error), qPrintable(error));
            QVERIFY2(clipSequence(a, m_clips, &names, &error), qPrintable(error));
            QString fromClips;
            for (const QString &name : std::as_const(names))
                fromClips += m_clips.textOf(name);
            QCOMPARE(fromClips, QString(said).remove(u' '));
        }
    }

    void factoryRefusesWhatItDoesNotKnow()
    {
        QString error;
        QCOMPARE(createSpeechEngine(QStringLiteral("speakers"), &m_clips, this, &error), nullptr);
        QVERIFY2(error.contains(QLatin1String("\"speakers\"")) && error.contains(QLatin1String("clips, tts")), qPrintable(error));
        QCOMPARE(createSpeechEngine(QStringLiteral("clips"), nullptr, this, &error), nullptr);
        QVERIFY2(error.contains(QLatin1String("clips")), qPrintable(error));
        std::unique_ptr<SpeechEngine> clips(createSpeechEngine(QStringLiteral("clips"), &m_clips, nullptr, &error));
        QVERIFY2(qobject_cast<ClipEngine *>(clips.get()), qPrintable(error));
    }

#ifndef HALL_VOICE_HAS_TTS
    void withoutTextToSpeechTheFactorySaysSoAndAutoMeansClips()
    {
        QVERIFY(!hasTextToSpeech());
        QString error;
        QCOMPARE(createSpeechEngine(QStringLiteral("tts"), &m_clips, this, &error), nullptr);
        QVERIFY2(error.contains(QLatin1String("Qt TextToSpeech")) && error.contains(QLatin1String("\"clips\"")), qPrintable(error));
        std::unique_ptr<SpeechEngine> e(createSpeechEngine(QStringLiteral("auto"), &m_clips, nullptr, &error));
        QVERIFY2(qobject_cast<ClipEngine *>(e.get()), qPrintable(error));
    }
#else
    void chineseVoicesAreTold_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("locale");
        QTest::addColumn<bool>("chinese");
        QTest::newRow("espeak-ng Mandarin (cmn → C in Qt 6.4)") << "Chinese (Mandarin, latin as Pinyin)" << "C" << true;
        QTest::newRow("espeak-ng Mandarin, English letters") << "Chinese (Mandarin, latin as English)" << "C" << true;
        QTest::newRow("a zh_CN voice") << "Huihui" << "zh_CN" << true;
        QTest::newRow("a zh_TW voice") << "Hanhan" << "zh_TW" << true;
        QTest::newRow("Cantonese") << "Chinese (Cantonese)" << "yue_HK" << false;
        QTest::newRow("Cantonese filed as zh_HK") << "Chinese (Cantonese)" << "zh_HK" << false;
        QTest::newRow("Hakka (hak → C)") << "Hakka Chinese" << "C" << false;
        QTest::newRow("another unknown code") << "Bishnupriya Manipuri" << "C" << false;
        QTest::newRow("English") << "English (Great Britain)" << "en_GB" << false;
        QTest::newRow("flite") << "kal16" << "en_US" << false;
    }

    void chineseVoicesAreTold()
    {
        QFETCH(QString, name);
        QFETCH(QString, locale);
        QFETCH(bool, chinese);
        QCOMPARE(TtsEngine::chineseVoiceRank(name, QLocale(locale)) > 0, chinese);
    }

    void theBestChineseVoiceIsPreferred()
    {
        const QLocale c = QLocale::c();
        const int pinyin = TtsEngine::chineseVoiceRank(QStringLiteral("Chinese (Mandarin, latin as Pinyin)"), c);
        const int english = TtsEngine::chineseVoiceRank(QStringLiteral("Chinese (Mandarin, latin as English)"), c);
        const int whisper = TtsEngine::chineseVoiceRank(QStringLiteral("Chinese (Mandarin, latin as Pinyin)+whisper"), c);
        const int zhCN = TtsEngine::chineseVoiceRank(QStringLiteral("Huihui"), QLocale(QStringLiteral("zh_CN")));
        QVERIFY(zhCN > pinyin);
        QVERIFY(pinyin > english);
        QVERIFY(english > whisper);
        QVERIFY(whisper > 0);
    }

    // In the C locale this is opened by autoChoosesTheSynthesizer… below.
    void openChoosesAChineseVoiceOrSaysWhyNot()
    {
        if (!realSpeech()) {
            TtsEngine tts;
            QString error;
            QVERIFY2(!tts.open({}, {}, &error), qPrintable(tts.voiceName()));
            QVERIFY2(error.contains(QLatin1String("\"clips\"")), qPrintable(error));
            return;
        }
        QElapsedTimer timer;
        timer.start();
        TtsEngine *hall = engine(); // in zh_CN
        QVERIFY2(hall, qPrintable(m_engineError));
        qInfo("opened %s, voice \"%s\", in %lld ms", qPrintable(hall->engineName()), qPrintable(hall->voiceName()), timer.elapsed());
        QCOMPARE(hall->engineName(), QStringLiteral("speechd"));
        QCOMPARE(hall->voiceName(), QStringLiteral("Chinese (Mandarin, latin as Pinyin)"));
    }

    void whatIsNotChineseIsRefused()
    {
        TtsEngine tts;
        QString error;
        QVERIFY(!tts.open(QStringLiteral("no-such-engine"), {}, &error));
        QVERIFY2(error.contains(QLatin1String("\"no-such-engine\"")) && error.contains(QLatin1String("\"clips\"")), qPrintable(error));
        for (const QString &name : QTextToSpeech::availableEngines())
            QVERIFY2(error.contains(name), qPrintable(error));

        if (QTextToSpeech::availableEngines().contains(QLatin1String("flite"))) {
            // flite speaks English only: refused, never used instead.
            QVERIFY(!tts.open(QStringLiteral("flite"), {}, &error));
            qInfo("flite refused: %s", qPrintable(error));
            QVERIFY(!tts.isOpen());
            QVERIFY2(error.contains(QLatin1String("flite: no Chinese voice")) && error.contains(QLatin1String("en_US"))
                         && error.contains(QLatin1String("\"clips\"")),
                     qPrintable(error));
        }
        if (realSpeech()) {
            // An English voice asked for by name is not taken either.
            QVERIFY(!tts.open(QStringLiteral("speechd"), QStringLiteral("English (Great Britain)"), &error));
            qInfo("English voice refused: %s", qPrintable(error));
            QVERIFY2(error.contains(QLatin1String("no Chinese voice \"English (Great Britain)\""))
                         && error.contains(QLatin1String("Chinese (Mandarin, latin as Pinyin)")),
                     qPrintable(error));
        }
    }

    void sayGoesFromSpeakingToReadyAtTheVolumeAsked()
    {
        if (!realSpeech())
            QSKIP("speech-dispatcher with espeak-ng is not installed");
        TtsEngine *tts = engine();
        QVERIFY2(tts, qPrintable(m_engineError));
        m_sandbox.audioSecondsSinceLastCall();
        QSignalSpy states(tts->textToSpeech(), &QTextToSpeech::stateChanged);
        QSignalSpy finished(tts, &SpeechEngine::finished);
        QSignalSpy failed(tts, &SpeechEngine::failed);
        QElapsedTimer timer;
        timer.start();
        QString error;
        QVERIFY2(tts->say(call(QStringLiteral("A001"), QStringLiteral("12")), 0.4, &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        const qint64 ms = timer.elapsed();
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QList<QTextToSpeech::State> seen;
        for (const auto &args : std::as_const(states))
            seen.append(args.first().value<QTextToSpeech::State>());
        QCOMPARE(seen, (QList<QTextToSpeech::State>{QTextToSpeech::Speaking, QTextToSpeech::Ready}));
        QVERIFY2(qAbs(tts->volume() - 0.4) < 0.02, qPrintable(QString::number(tts->volume())));
        // Real Mandarin was made: "请 A 零 零 一 号到十二号窗口办理" is about 4 s of espeak-ng.
        double seconds = 0;
        QTRY_VERIFY_WITH_TIMEOUT((seconds += m_sandbox.audioSecondsSinceLastCall()) > 2.0, 2000);
        QVERIFY2(seconds < 10.0, qPrintable(QString::number(seconds)));
        qInfo("said in %lld ms (null audio output), %.2f s of speech", ms, seconds);

        // The next announcement takes its own volume.
        QVERIFY2(tts->say(call(QStringLiteral("A002"), QStringLiteral("3")), 1.0, &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 10000);
        QVERIFY2(qAbs(tts->volume() - 1.0) < 0.02, qPrintable(QString::number(tts->volume())));
    }

    void aRepeatIsSaidAgainAfterAPause()
    {
        if (!realSpeech())
            QSKIP("speech-dispatcher with espeak-ng is not installed");
        TtsEngine *tts = engine();
        QVERIFY2(tts, qPrintable(m_engineError));
        m_sandbox.audioSecondsSinceLastCall();
        QSignalSpy states(tts->textToSpeech(), &QTextToSpeech::stateChanged);
        QSignalSpy finished(tts, &SpeechEngine::finished);
        Announcement a = call(QStringLiteral("B020"), QStringLiteral("5"));
        a.repeat = 2;
        QElapsedTimer timer;
        timer.start();
        QString error;
        QVERIFY2(tts->say(a, 1.0, &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QVERIFY2(timer.elapsed() >= 200, "no pause between the two");
        QCOMPARE(states.size(), 4); // Speaking, Ready, Speaking, Ready
        QCOMPARE(states.at(2).first().value<QTextToSpeech::State>(), QTextToSpeech::Speaking);
        double seconds = 0;
        QTRY_VERIFY_WITH_TIMEOUT((seconds += m_sandbox.audioSecondsSinceLastCall()) > 4.0, 2000);
    }

    void whatCannotStartIsRefusedAtOnce()
    {
        if (!realSpeech())
            QSKIP("speech-dispatcher with espeak-ng is not installed");
        TtsEngine *tts = engine();
        QVERIFY2(tts, qPrintable(m_engineError));
        QSignalSpy finished(tts, &SpeechEngine::finished);
        QSignalSpy failed(tts, &SpeechEngine::failed);
        QString error;
        Announcement bad = call(QStringLiteral("A001"), QStringLiteral("1"));
        bad.text = QStringLiteral("请{number}号到{desk}");
        QVERIFY(!tts->say(bad, 1.0, &error));
        QVERIFY2(error.contains(QLatin1String("{desk}")), qPrintable(error));
        QVERIFY2(tts->say(call(QStringLiteral("A003"), QStringLiteral("1")), 1.0, &error), qPrintable(error));
        // Overlap is refused, not mixed in.
        QVERIFY(!tts->say(call(QStringLiteral("A004"), QStringLiteral("1")), 1.0, &error));
        QVERIFY2(error.contains(QLatin1String("still speaking")), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QTest::qWait(100);
        QCOMPARE(finished.size(), 1);
        QVERIFY(failed.isEmpty());
        TtsEngine closed;
        QVERIFY(!closed.say(call(QStringLiteral("A005"), QStringLiteral("1")), 1.0, &error));
        QVERIFY2(error.contains(QLatin1String("not open")), qPrintable(error));
    }

    void aBurstThroughTheAnnouncerIsSaidInOrderOneAtATime()
    {
        if (!realSpeech())
            QSKIP("speech-dispatcher with espeak-ng is not installed");
        TtsEngine *tts = engine();
        QVERIFY2(tts, qPrintable(m_engineError));
        m_sandbox.audioSecondsSinceLastCall();
        core::ManualClock clock(QDateTime(QDate(2026, 11, 23), QTime(9, 0)));
        Announcer announcer(tts, &clock);
        QStringList events;
        connect(&announcer, &Announcer::started, this, [&events](const Announcement &a) { events.append(QStringLiteral("start ") + a.id); });
        connect(&announcer, &Announcer::said, this, [&events](const Announcement &a) { events.append(QStringLiteral("said ") + a.id); });
        QSignalSpy failed(&announcer, &Announcer::failed);
        QSignalSpy states(tts->textToSpeech(), &QTextToSpeech::stateChanged);
        QElapsedTimer timer;
        timer.start();
        QStringList numbers;
        for (int i = 1; i <= 8; ++i) {
            numbers.append(QStringLiteral("A%1").arg(i, 3, 10, QLatin1Char('0')));
            announcer.announce(call(numbers.last(), QString::number(i + 2)));
        }
        announcer.announce(call(QStringLiteral("B009"), QStringLiteral("4"), true)); // a recall: next after A001
        numbers.insert(1, QStringLiteral("B009"));
        QTRY_COMPARE_WITH_TIMEOUT(events.size(), 2 * numbers.size(), 20000);
        qInfo("%lld announcements said in %lld ms", qint64(numbers.size()), timer.elapsed());
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
        QStringList expected;
        for (const QString &n : std::as_const(numbers))
            expected << QStringLiteral("start ") + n << QStringLiteral("said ") + n;
        QCOMPARE(events, expected);
        qsizetype speaking = 0;
        for (const auto &args : std::as_const(states))
            speaking += args.first().value<QTextToSpeech::State>() == QTextToSpeech::Speaking;
        QCOMPARE(speaking, numbers.size());
        QCOMPARE(announcer.pending(), 0);
        double seconds = 0;
        QTRY_VERIFY_WITH_TIMEOUT((seconds += m_sandbox.audioSecondsSinceLastCall()) > 1.5 * double(numbers.size()), 3000);
    }

    void autoChoosesTheSynthesizerWhereItHasAChineseVoice()
    {
        QString error;
        std::unique_ptr<SpeechEngine> e(createSpeechEngine(QStringLiteral("auto"), &m_clips, nullptr, &error));
        QVERIFY2(e, qPrintable(error));
        if (realSpeech()) {
            auto *tts = qobject_cast<TtsEngine *>(e.get());
            QVERIFY2(tts, e->metaObject()->className());
            QCOMPARE(tts->engineName(), QStringLiteral("speechd"));
            QCOMPARE(tts->voiceName(), QStringLiteral("Chinese (Mandarin, latin as Pinyin)"));
        } else {
            QVERIFY(qobject_cast<ClipEngine *>(e.get()));
        }
        e.reset();
        std::unique_ptr<SpeechEngine> named(createSpeechEngine(QStringLiteral("tts:no-such-engine"), &m_clips, nullptr, &error));
        QVERIFY(!named);
        QVERIFY2(error.contains(QLatin1String("\"no-such-engine\"")), qPrintable(error));
    }

    // Last: it points the process at a second speech-dispatcher, one whose audio output
    // cannot open (no sound server here). It stays "speaking" for ever; the engine gives up
    // within its time limit and the Announcer reports the call as failed and goes on.
    void speechThatNeverEndsFailsWithinTheTimeLimit()
    {
        if (!realSpeech())
            QSKIP("speech-dispatcher with espeak-ng is not installed");
        delete m_engine; // its backend would get the other server's events too
        m_engine = nullptr;
        QString error;
        QVERIFY2(m_silentSandbox.setUp(&error, false), qPrintable(error));
        TtsEngine tts;
        QVERIFY2(tts.open(QStringLiteral("speechd"), {}, &error), qPrintable(error));
        tts.setTimeLimit(500, 0);
        core::ManualClock clock(QDateTime(QDate(2026, 11, 23), QTime(9, 0)));
        Announcer announcer(&tts, &clock);
        QSignalSpy said(&announcer, &Announcer::said);
        QSignalSpy failed(&announcer, &Announcer::failed);
        QElapsedTimer timer;
        timer.start();
        announcer.announce(call(QStringLiteral("A001"), QStringLiteral("1")));
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 5000);
        QVERIFY2(timer.elapsed() >= 500, qPrintable(QString::number(timer.elapsed())));
        const QString reason = failed.first().at(1).toString();
        QVERIFY2(reason.contains(QLatin1String("did not finish")) && reason.contains(QLatin1String("AudioOutputMethod")), qPrintable(reason));
        QVERIFY(said.isEmpty());
        QVERIFY(!announcer.isSpeaking());
    }
#endif
};

QTEST_GUILESS_MAIN(TestVoiceTts)
#include "tst_voice_tts.moc"
