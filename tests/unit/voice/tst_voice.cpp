// The hall voice: what an announcement is said in (clip sequence), how it sounds (rendered
// from the real espeak-ng clips of the build into a WAV file), and the announcer's queue.

#include <voice/announcer.h>
#include <voice/clipengine.h>
#include <voice/cliplibrary.h>
#include <voice/phrase.h>
#include <voice/speechengine.h>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace hall;
using namespace hall::voice;

namespace {

// An engine that takes a fixed time per announcement and checks it is never asked twice at once.
class FakeEngine : public SpeechEngine
{
public:
    int durationMs = 15;
    bool busy = false;
    bool overlapped = false;
    QStringList said;
    QStringList breakOff; // ids that start but then fail, as a TTS daemon gone mid-sentence
    bool say(const Announcement &a, double, QString *) override
    {
        overlapped = overlapped || busy;
        busy = true;
        said.append(a.id);
        QTimer::singleShot(durationMs, this, [this, broken = breakOff.contains(a.id)] {
            busy = false;
            if (broken)
                Q_EMIT failed(QStringLiteral("speaker gone"));
            else
                Q_EMIT finished();
        });
        return true;
    }
};

QStringList clips(const char *spaceSeparated)
{
    return QString::fromLatin1(spaceSeparated).split(u' ');
}

Announcement call(const QString &number, const QString &window, bool recall = false)
{
    Announcement a;
    a.fields = {{QStringLiteral("number"), number}, {QStringLiteral("window"), window}};
    a.id = number;
    a.recall = recall;
    return a;
}

} // namespace

class TestVoice : public QObject
{
    Q_OBJECT

    ClipLibrary m_clips;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_clips.load(QStringLiteral(":/voice/zh_CN"), &error), qPrintable(error));
    }

    void numbersAreSaidAsHallsSayThem_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<QString>("said");
        QTest::newRow("0") << 0 << "零";
        QTest::newRow("3") << 3 << "三";
        QTest::newRow("10") << 10 << "十";
        QTest::newRow("12") << 12 << "十二";
        QTest::newRow("20") << 20 << "二十";
        QTest::newRow("99") << 99 << "九十九";
        QTest::newRow("105 digit by digit") << 105 << "一零五";
    }

    void numbersAreSaidAsHallsSayThem()
    {
        QFETCH(int, n);
        QFETCH(QString, said);
        QCOMPARE(chineseNumber(n), said);
    }

    void clipSequence_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("number");
        QTest::addColumn<QString>("window");
        QTest::addColumn<QStringList>("clips");
        QTest::newRow("A001 to window 3") << "请{number}号到{window}号窗口办理" << "A001" << "3"
                                          << clips("qing lA d0 d0 d1 hao dao d3 hao chuangkou banli");
        QTest::newRow("lower-case letter, window 12") << "请{number}号到{window}号窗口办理" << "yb20" << "12"
                                                      << clips("qing lY lB d2 d0 hao dao d10 d2 hao chuangkou banli");
        QTest::newRow("punctuation is a pause") << "请 {number} 号，到 {window} 号窗口。" << "B7" << "20"
                                                << clips("qing lB d7 hao dao d2 d10 hao chuangkou");
    }

    void clipSequence()
    {
        QFETCH(QString, text);
        QFETCH(QString, number);
        QFETCH(QString, window);
        QFETCH(QStringList, clips);
        Announcement a = call(number, window);
        a.text = text;
        QStringList names;
        QString error;
        QVERIFY2(voice::clipSequence(a, m_clips, &names, &error), qPrintable(error));
        QCOMPARE(names, clips);
    }

    void whatCannotBeSaidIsRefused_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("a word without a clip") << "请{number}号到{window}号窗口缴费" << "缴";
        QTest::newRow("a missing field") << "请{number}号到{desk}" << "{desk}";
    }

    void whatCannotBeSaidIsRefused()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        Announcement a = call(QStringLiteral("A1"), QStringLiteral("2"));
        a.text = text;
        QStringList names;
        QString error;
        QVERIFY(!voice::clipSequence(a, m_clips, &names, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void renderedAnnouncementHasTheClipsAndTheirDuration()
    {
        QTemporaryDir dir;
        ClipEngine engine(&m_clips);
        engine.setOutputFile(dir.filePath(QStringLiteral("call-%1.wav")));
        QSignalSpy done(&engine, &SpeechEngine::finished);
        Announcement a = call(QStringLiteral("A001"), QStringLiteral("3"));
        QString error;
        QVERIFY2(engine.say(a, 1.0, &error), qPrintable(error));
        QTRY_COMPARE(done.size(), 1);
        QFile f(dir.filePath(QStringLiteral("call-1.wav")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        Pcm pcm;
        QVERIFY2(readWav(f.readAll(), &pcm, &error), qPrintable(error));
        QCOMPARE(pcm.sampleRate, m_clips.sampleRate());

        // The file is exactly the clips in order with 60 ms gaps between them.
        Pcm again;
        QList<ClipRenderer::Segment> segments;
        QVERIFY(engine.renderer().render(a, 1.0, &again, &segments, &error));
        QCOMPARE(again.samples, pcm.samples);
        QStringList order;
        qint64 expectedFrames = 0;
        for (const auto &s : segments) {
            order.append(s.clip);
            QCOMPARE(s.startFrame, expectedFrames);
            QCOMPARE(s.frames, m_clips.clip(s.clip).frames());
            expectedFrames += s.frames + m_clips.sampleRate() * 60 / 1000;
        }
        QCOMPARE(order, clips("qing lA d0 d0 d1 hao dao d3 hao chuangkou banli"));
        QCOMPARE(pcm.frames(), expectedFrames - m_clips.sampleRate() * 60 / 1000);
        QVERIFY2(pcm.seconds() > 2.0 && pcm.seconds() < 8.0, qPrintable(QString::number(pcm.seconds())));

        // Said twice: twice the words and the pause between.
        a.repeat = 2;
        Pcm twice;
        QVERIFY(engine.renderer().render(a, 1.0, &twice, &segments, &error));
        QCOMPARE(twice.frames(), 2 * pcm.frames() + m_clips.sampleRate() * 900 / 1000);
        QCOMPARE(segments.size(), 22);

        // Volume scales the samples.
        Pcm quiet;
        QVERIFY(engine.renderer().render(call(QStringLiteral("A001"), QStringLiteral("3")), 0.5, &quiet, &segments, &error));
        const auto *loud = reinterpret_cast<const qint16 *>(pcm.samples.constData());
        const auto *soft = reinterpret_cast<const qint16 *>(quiet.samples.constData());
        qint64 peakLoud = 0, peakSoft = 0;
        for (qint64 i = 0; i < pcm.frames(); ++i) {
            peakLoud = std::max<qint64>(peakLoud, std::abs(loud[i]));
            peakSoft = std::max<qint64>(peakSoft, std::abs(soft[i]));
        }
        QVERIFY(peakLoud > 1000);
        QVERIFY(std::abs(peakSoft * 2 - peakLoud) <= 2);
    }

    void burstsAreSaidInOrderWithoutOverlapOrLoss()
    {
        core::ManualClock clock(QDateTime(QDate(2026, 11, 23), QTime(9, 0)));
        FakeEngine engine;
        Announcer announcer(&engine, &clock);
        QSignalSpy said(&announcer, &Announcer::said);
        QStringList expected;
        for (int i = 1; i <= 40; ++i) {
            const QString number = QStringLiteral("A%1").arg(i, 3, 10, QLatin1Char('0'));
            announcer.announce(call(number, QString::number(i % 12 + 1)));
            expected.append(number);
        }
        QTRY_COMPARE_WITH_TIMEOUT(said.size(), 40, 10000);
        QCOMPARE(engine.said, expected);
        QVERIFY(!engine.overlapped);
        QCOMPARE(announcer.pending(), 0);
    }

    void recallsGoFirstButNeverInterrupt()
    {
        core::ManualClock clock(QDateTime(QDate(2026, 11, 23), QTime(9, 0)));
        FakeEngine engine;
        engine.durationMs = 30;
        Announcer announcer(&engine, &clock);
        QSignalSpy said(&announcer, &Announcer::said);
        announcer.announce(call(QStringLiteral("A001"), QStringLiteral("1")));  // speaking now
        announcer.announce(call(QStringLiteral("A002"), QStringLiteral("2")));
        announcer.announce(call(QStringLiteral("A003"), QStringLiteral("3")));
        announcer.announce(call(QStringLiteral("B009"), QStringLiteral("4"), true));
        announcer.announce(call(QStringLiteral("B010"), QStringLiteral("5"), true));
        QTRY_COMPARE_WITH_TIMEOUT(said.size(), 5, 5000);
        QCOMPARE(engine.said, (clips("A001 B009 B010 A002 A003")));
        QVERIFY(!engine.overlapped);
    }

    void quietHoursSayNothingButReportIt()
    {
        core::ManualClock clock(QDateTime(QDate(2026, 11, 23), QTime(12, 30)));
        FakeEngine engine;
        Announcer announcer(&engine, &clock);
        announcer.setQuietHours(QTime(12, 0), QTime(14, 0));
        QSignalSpy suppressed(&announcer, &Announcer::suppressed);
        announcer.announce(call(QStringLiteral("A001"), QStringLiteral("1")));
        QCOMPARE(suppressed.size(), 1);
        QVERIFY(engine.said.isEmpty());
        clock.set(QDateTime(QDate(2026, 11, 23), QTime(14, 0)));
        announcer.announce(call(QStringLiteral("A002"), QStringLiteral("1")));
        QCOMPARE(engine.said, QStringList{QStringLiteral("A002")});
        // Across midnight.
        announcer.setQuietHours(QTime(22, 0), QTime(7, 0));
        clock.set(QDateTime(QDate(2026, 11, 24), QTime(6, 59)));
        QVERIFY(announcer.isQuiet());
        clock.set(QDateTime(QDate(2026, 11, 24), QTime(7, 0)));
        QVERIFY(!announcer.isQuiet());
    }

    void anAnnouncementThatBreaksOffIsReportedAndTheQueueGoesOn()
    {
        core::ManualClock clock(QDateTime(QDate(2026, 11, 23), QTime(9, 0)));
        FakeEngine engine;
        engine.breakOff = QStringList{QStringLiteral("A002")};
        Announcer announcer(&engine, &clock);
        QSignalSpy said(&announcer, &Announcer::said);
        QSignalSpy failed(&announcer, &Announcer::failed);
        for (const char *n : {"A001", "A002", "A003"})
            announcer.announce(call(QString::fromLatin1(n), QStringLiteral("1")));
        QTRY_COMPARE(said.size() + failed.size(), 3);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().at(0).value<Announcement>().id, QStringLiteral("A002"));
        QCOMPARE(failed.first().at(1).toString(), QStringLiteral("speaker gone"));
        QCOMPARE(said.last().at(0).value<Announcement>().id, QStringLiteral("A003"));
        QVERIFY(!engine.overlapped);
        QVERIFY(!announcer.isSpeaking());
    }

    // The engine reports the end later, never from inside say() or its output's own signal:
    // the Announcer starts the next announcement from that report, replacing the output.
    void aBurstThroughTheClipEngineWritesEachAnnouncementInTurn()
    {
        core::ManualClock clock(QDateTime(QDate(2026, 11, 23), QTime(9, 0)));
        ClipEngine engine(&m_clips);
        QTemporaryDir dir;
        engine.setOutputFile(dir.filePath(QStringLiteral("burst-%1.wav")));
        QSignalSpy finished(&engine, &SpeechEngine::finished);
        QString error;
        QVERIFY2(engine.say(call(QStringLiteral("A001"), QStringLiteral("1")), 1.0, &error), qPrintable(error));
        QCOMPARE(finished.size(), 0); // not yet: later
        QTRY_COMPARE(finished.size(), 1);

        Announcer announcer(&engine, &clock);
        QStringList events;
        connect(&announcer, &Announcer::started, this, [&events](const Announcement &a) { events.append(QStringLiteral("start ") + a.id); });
        connect(&announcer, &Announcer::said, this, [&events](const Announcement &a) { events.append(QStringLiteral("said ") + a.id); });
        QStringList expected;
        for (int i = 2; i <= 6; ++i) {
            const QString number = QStringLiteral("A%1").arg(i, 3, 10, QLatin1Char('0'));
            announcer.announce(call(number, QString::number(i)));
            expected << QStringLiteral("start ") + number << QStringLiteral("said ") + number;
        }
        QCOMPARE(events.size(), 1); // the first one started, nothing said inside announce()
        QTRY_COMPARE(events.size(), expected.size());
        QCOMPARE(events, expected);
        // One file per announcement, each the clips of its own number.
        for (int i = 2; i <= 6; ++i) {
            QFile f(dir.filePath(QStringLiteral("burst-%1.wav").arg(i)));
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
            Pcm written, rendered;
            QList<ClipRenderer::Segment> segments;
            QVERIFY2(readWav(f.readAll(), &written, &error), qPrintable(error));
            QVERIFY(engine.renderer().render(call(QStringLiteral("A%1").arg(i, 3, 10, QLatin1Char('0')), QString::number(i)), 1.0,
                                             &rendered, &segments, &error));
            QCOMPARE(written.samples, rendered.samples);
        }
    }

    void aFailedAnnouncementIsReportedAndTheNextOneStillSaid()
    {
        core::ManualClock clock(QDateTime(QDate(2026, 11, 23), QTime(9, 0)));
        ClipEngine engine(&m_clips);
        QTemporaryDir dir;
        engine.setOutputFile(dir.filePath(QStringLiteral("a-%1.wav")));
        Announcer announcer(&engine, &clock);
        QSignalSpy failed(&announcer, &Announcer::failed);
        QSignalSpy said(&announcer, &Announcer::said);
        Announcement bad = call(QStringLiteral("A001"), QStringLiteral("1"));
        bad.text = QStringLiteral("请{number}号缴费");
        announcer.announce(bad);
        announcer.announce(call(QStringLiteral("A002"), QStringLiteral("2")));
        QTRY_COMPARE(said.size(), 1);
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("缴")));
    }
};

QTEST_GUILESS_MAIN(TestVoice)
#include "tst_voice.moc"
