// The wall's layout reader, its part of the PC's config (schedule), and the call queue that
// enlarges every call in turn — without a window or a server.

#include <display/callqueue.h>
#include <display/displayconfig.h>
#include <display/layout.h>

#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace hall;
using namespace hall::display;

namespace {

Call call(const QString &number, const QString &window, const QString &kind = QStringLiteral("next"))
{
    Call c;
    c.number = number;
    c.window = window;
    c.kind = kind;
    return c;
}

// JSON written with single quotes, for readability in C++ strings.
QString j(const char *text)
{
    return QString::fromUtf8(text).replace(u'\'', u'"');
}

QByteArray withAreas(const QString &areas, const QString &extra = {})
{
    return QStringLiteral("{%1\"areas\": [%2]}").arg(extra.isEmpty() ? QString() : extra + u',', areas).toUtf8();
}

const QString Windows = j("{'kind': 'windows', 'rect': [0, 120, 1920, 840], 'rows': 6, 'columns': 2}");

} // namespace

class TestDisplayParts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void builtInLayoutIsValid()
    {
        Layout layout;
        QString error;
        QVERIFY2(Layout::load(Layout::defaultFile(), &layout, &error), qPrintable(error));
        QVERIFY(layout.area(Area::Kind::Windows));
        QCOMPARE(layout.area(Area::Kind::Windows)->rows * layout.area(Area::Kind::Windows)->columns, 12);
        QVERIFY(layout.area(Area::Kind::Notice) && !layout.area(Area::Kind::Notice)->text.isEmpty());
        for (const Area &a : layout.areas)
            QVERIFY2(a.kind == Area::Kind::Media || a.fontSize >= Layout::MinimumFontSize, "every text readable from 10 m");
    }

    void layoutReaderRefusesWithPath_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("{\"areas\": [") << QStringLiteral("not valid JSON");
        QTest::newRow("not an object") << QByteArray("[]") << QStringLiteral("must be a JSON object: {\"design\"");
        QTest::newRow("no areas") << QByteArray("{}") << QStringLiteral("areas: required field is missing");
        QTest::newRow("unknown field") << withAreas(Windows, QStringLiteral("\"colour\": {}")) << QStringLiteral("colour");
        QTest::newRow("unknown area field") << withAreas(j("{'kind': 'windows', 'rect': [0, 0, 1920, 900], 'colums': 3}"))
                                            << QStringLiteral("areas[0]");
        QTest::newRow("unknown kind") << withAreas(Windows + j(", {'kind': 'weather', 'rect': [0, 0, 100, 100]}"))
                                      << QStringLiteral("areas[1].kind: \"weather\" is none of header, windows, waiting, media, notice");
        QTest::newRow("outside") << withAreas(j("{'kind': 'windows', 'rect': [0, 120, 1920, 1000]}"))
                                 << QStringLiteral("areas[0].rect: [0, 120, 1920, 1000] reaches outside the screen (1920×1080)");
        QTest::newRow("overlap") << withAreas(Windows + j(", {'kind': 'header', 'rect': [0, 0, 1920, 130]}"))
                                 << QStringLiteral("areas[1].rect: overlaps areas[0]");
        QTest::newRow("rect not 4 numbers") << withAreas(j("{'kind': 'windows', 'rect': [0, 0, 'wide', 10]}"))
                                            << QStringLiteral("areas[0].rect: [x, y, width, height]");
        QTest::newRow("font too small") << withAreas(Windows + j(", {'kind': 'notice', 'rect': [0, 960, 1920, 120], 'fontSize': 24}"))
                                        << QStringLiteral("areas[1].fontSize: 24 px cannot be read from 10 m; at least 36 px");
        QTest::newRow("rows do not fit") << withAreas(j("{'kind': 'windows', 'rect': [0, 0, 1920, 400], 'rows': 10, 'fontSize': 56}"))
                                         << QStringLiteral("areas[0]: 10 rows of 56 px type do not fit in 400 px");
        QTest::newRow("bad colour") << withAreas(Windows, j("'colors': {'number': 'gold-ish'}"))
                                    << QStringLiteral("colors.number: \"gold-ish\" is no colour");
        QTest::newRow("two headers") << withAreas(Windows + j(", {'kind': 'header', 'rect': [0, 0, 900, 110]}, {'kind': 'header', 'rect': [1000, 0, 900, 110]}"))
                                     << QStringLiteral("areas[2].kind: a second \"header\" area");
        QTest::newRow("no windows") << withAreas(j("{'kind': 'header', 'rect': [0, 0, 1920, 110]}"))
                                    << QStringLiteral("a wall needs a \"windows\" area");
        QTest::newRow("window list of numbers") << withAreas(j("{'kind': 'windows', 'rect': [0, 0, 1920, 900], 'windows': [1, 2]}"))
                                                << QStringLiteral("areas[0].windows[0]: must be a window number");
        QTest::newRow("design too small") << withAreas(Windows, j("'design': [320, 200]")) << QStringLiteral("design:");
    }
    void layoutReaderRefusesWithPath()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        Layout layout;
        QString error;
        QVERIFY2(!Layout::parse(json, QStringLiteral("/tmp"), &layout, &error), "a bad layout must be refused");
        QVERIFY2(error.contains(expected), qPrintable(QStringLiteral("got: %1\nexpected: %2").arg(error, expected)));
    }

    // A file's message names the file, and places bad JSON by line and column (characters).
    void layoutFileErrorsSayWhere()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("wall.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"areas\": [\n  {\"kind\": \"notice\", \"text\": \"欢迎光临\" \"rect\": [0, 0, 10, 10]}\n]}\n");
        file.close();
        Layout layout;
        QString error;
        QVERIFY(!Layout::load(file.fileName(), &layout, &error));
        QVERIFY2(error.contains(QLatin1String("the wall layout ") + file.fileName()), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("not valid JSON at line 2, column 37:")), qPrintable(error));
        QVERIFY(!Layout::load(dir.filePath(QStringLiteral("none.json")), &layout, &error));
        QVERIFY2(error.contains(QLatin1String("Cannot read the wall layout ") + dir.filePath(QStringLiteral("none.json"))), qPrintable(error));
    }

    void layoutMediaFolderIsRelativeToTheFile()
    {
        Layout layout;
        QString error;
        QVERIFY2(Layout::parse(withAreas(Windows + j(", {'kind': 'media', 'rect': [0, 0, 400, 100], 'folder': 'clips'}")),
                               QStringLiteral("/etc/hallsuite"), &layout, &error),
                 qPrintable(error));
        QCOMPARE(layout.area(Area::Kind::Media)->folder, QStringLiteral("/etc/hallsuite/clips"));
    }

    void scheduleSaysWhenTheWallIsOn()
    {
        DisplayConfig config;
        QString error;
        const QJsonObject app = QJsonDocument::fromJson(j("{'layout': 'wall.json', 'schedule': [ {'days': [1, 2, 3, 4, 5], 'on': '08:00', 'off': '18:00'}, {'days': [6], 'on': '09:00', 'off': '12:00'}]}").toUtf8()).object();
        QVERIFY2(DisplayConfig::read(app, QStringLiteral("/etc/hallsuite/display.json"), &config, &error), qPrintable(error));
        QCOMPARE(config.layoutFile, QStringLiteral("/etc/hallsuite/wall.json"));
        const Schedule &s = config.schedule;
        const QDate monday(2026, 11, 23);
        QVERIFY(!s.isOn(QDateTime(monday, QTime(7, 59))));
        QVERIFY(s.isOn(QDateTime(monday, QTime(8, 0))));
        QVERIFY(s.isOn(QDateTime(monday, QTime(17, 59))));
        QVERIFY(!s.isOn(QDateTime(monday, QTime(18, 0))));
        QVERIFY(s.isOn(QDateTime(monday.addDays(5), QTime(10, 0))));   // Saturday morning
        QVERIFY(!s.isOn(QDateTime(monday.addDays(5), QTime(13, 0))));  // Saturday afternoon
        QVERIFY(!s.isOn(QDateTime(monday.addDays(6), QTime(10, 0))));  // Sunday
        QCOMPARE(s.nextChange(QDateTime(monday, QTime(18, 30))), QDateTime(monday.addDays(1), QTime(8, 0)));
        QCOMPARE(s.nextChange(QDateTime(monday.addDays(5), QTime(12, 0))), QDateTime(monday.addDays(7), QTime(8, 0)));
        QVERIFY2(Schedule().isOn(QDateTime(monday, QTime(3, 0))), "no schedule: always on");
    }

    void configRefusesABadSchedule_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("day 8") << j("{'schedule': [{'days': [8], 'on': '08:00', 'off': '18:00'}]}").toUtf8() << QStringLiteral("app.schedule[0].days");
        QTest::newRow("off before on") << j("{'schedule': [{'days': [1], 'on': '18:00', 'off': '08:00'}]}").toUtf8()
                                       << QStringLiteral("app.schedule[0]: \"off\" (08:00) must come after \"on\" (18:00)");
        QTest::newRow("no time") << j("{'schedule': [{'days': [1], 'on': 'eight', 'off': '18:00'}]}").toUtf8() << QStringLiteral("app.schedule[0].on");
        QTest::newRow("unknown") << j("{'layuot': 'x.json'}").toUtf8() << QStringLiteral("layuot");
    }
    void configRefusesABadSchedule()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        DisplayConfig config;
        QString error;
        QVERIFY(!DisplayConfig::read(QJsonDocument::fromJson(json).object(), QStringLiteral("/etc/hallsuite/display.json"), &config, &error));
        QVERIFY2(error.contains(expected) && error.contains(QStringLiteral("/etc/hallsuite/display.json")), qPrintable(error));
    }

    // Three windows call within one moment: each call is enlarged in turn, none skipped, each
    // naming its own window.
    void callsArrivingTogetherAreEachShown()
    {
        CallQueue queue;
        queue.setShowMs(300);
        queue.setMinimumMs(100);
        QList<Call> shown;
        connect(&queue, &CallQueue::shown, this, [&](const Call &c) { shown.append(c); });
        queue.add(call(QStringLiteral("A001"), QStringLiteral("1")));
        queue.add(call(QStringLiteral("B002"), QStringLiteral("3")));
        queue.add(call(QStringLiteral("A003"), QStringLiteral("2")));
        queue.add(call(QStringLiteral("A001"), QStringLiteral("1"), QStringLiteral("recall")));
        QCOMPARE(queue.current()->number, QStringLiteral("A001"));
        QCOMPARE(queue.pending(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 4, 3000);
        QTRY_VERIFY_WITH_TIMEOUT(!queue.current(), 3000);
        const QList<Call> expected = {call(QStringLiteral("A001"), QStringLiteral("1")), call(QStringLiteral("B002"), QStringLiteral("3")),
                                      call(QStringLiteral("A003"), QStringLiteral("2")),
                                      call(QStringLiteral("A001"), QStringLiteral("1"), QStringLiteral("recall"))};
        QCOMPARE(shown, expected);
        QVERIFY(shown.last().isRecall());
    }

    void aBacklogIsShownShorter()
    {
        CallQueue queue;
        queue.setShowMs(800);
        queue.setMinimumMs(200);
        QElapsedTimer t;
        QList<qint64> at;
        connect(&queue, &CallQueue::shown, this, [&] { at.append(t.elapsed()); });
        t.start();
        for (int i = 0; i < 7; ++i)
            queue.add(call(QStringLiteral("A%1").arg(i, 3, 10, QLatin1Char('0')), QStringLiteral("1")));
        QTRY_COMPARE_WITH_TIMEOUT(at.size(), 7, 5000);
        // With 6 behind it the first is shown 200 ms, not 800; alone, the last gets the full time.
        QVERIFY2(at.at(1) - at.at(0) < 500, qPrintable(QString::number(at.at(1) - at.at(0))));
        QTRY_VERIFY_WITH_TIMEOUT(!queue.current(), 3000);
        QVERIFY2(t.elapsed() - at.last() >= 750, "a call shown alone gets its whole time");
    }

    // The voice hook: with waiting on, the next enlargement starts only when the voice has said
    // the current call — and not later than the maximum wait.
    void theNextCallWaitsForTheAnnouncement()
    {
        CallQueue queue;
        queue.setShowMs(100);
        queue.setMinimumMs(100);
        queue.setWaitForAnnouncement(true, 1500);
        const Call a = call(QStringLiteral("A001"), QStringLiteral("1"));
        const Call b = call(QStringLiteral("B001"), QStringLiteral("3"));
        const Call c = call(QStringLiteral("C001"), QStringLiteral("5"));
        queue.add(a);
        queue.add(b);
        queue.add(c);
        QTest::qWait(400);
        QCOMPARE(queue.current()->number, QStringLiteral("A001")); // shown long enough, but not yet said
        // The voice may run ahead: C is said before B's enlargement began, and is remembered.
        queue.announced(c.announcementId());
        queue.announced(QStringLiteral("Z999@9")); // not ours: ignored
        queue.announced(a.announcementId());
        QCOMPARE(queue.current()->number, QStringLiteral("B001"));
        QElapsedTimer t;
        t.start();
        QTRY_COMPARE_WITH_TIMEOUT(queue.current()->number, QStringLiteral("C001"), 3000); // B never said: the maximum wait
        QVERIFY2(t.elapsed() >= 1300, qPrintable(QString::number(t.elapsed())));
        QTRY_VERIFY_WITH_TIMEOUT(!queue.current(), 1000); // C was said already: its own time only
    }

    void theQueueIsBounded()
    {
        CallQueue queue;
        queue.setShowMs(60000);
        for (int i = 0; i < CallQueue::Capacity + 50; ++i)
            queue.add(call(QString::number(i), QStringLiteral("1")));
        QCOMPARE(queue.pending(), CallQueue::Capacity);
    }
};

QTEST_GUILESS_MAIN(TestDisplayParts)
#include "tst_display_parts.moc"
