#include <core/jsonreader.h>

#include <QJsonDocument>
#include <QTest>

using namespace hall::core;
using namespace Qt::StringLiterals;

namespace {

QJsonObject parse(const QByteArray &json)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("bad test JSON: %s", qPrintable(err.errorString()));
    return doc.object();
}

} // namespace

class TestJsonReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsEveryType();
    void fallbacks();
    void nullIsMissing();
    void string_data();
    void string();
    void integer_data();
    void integer();
    void int64_data();
    void int64();
    void time_data();
    void time();
    void wrongContainerTypes_data();
    void wrongContainerTypes();
    void finishRejectsUnknownFields();
    void firstErrorIsKept();
    void pathOf();
};

void TestJsonReader::readsEveryType()
{
    JsonReader r(parse(R"({"s": "  天河  ", "i": 42, "l": 9007199254740991, "b": true,
                           "t": "08:30", "a": [1, 2], "o": {"x": 1}})"));
    QCOMPARE(r.string(u"s"_s), u"天河"_s); // trimmed
    QCOMPARE(r.integer(u"i"_s, 0), 42);
    QCOMPARE(r.int64(u"l"_s, 0), Q_INT64_C(9007199254740991));
    QCOMPARE(r.boolean(u"b"_s, false), true);
    QCOMPARE(r.time(u"t"_s, {}), QTime(8, 30));
    QCOMPARE(r.array(u"a"_s).size(), 2);
    QCOMPARE(r.object(u"o"_s).value(u"x"_s).toInt(), 1);
    QVERIFY2(r.finish(), qPrintable(r.error()));
    QVERIFY(r.ok());
}

void TestJsonReader::fallbacks()
{
    JsonReader r(QJsonObject{});
    QCOMPARE(r.string(u"s"_s, false, u"dflt"_s), u"dflt"_s);
    QCOMPARE(r.integer(u"i"_s, 7), 7);
    QCOMPARE(r.int64(u"l"_s, 8), Q_INT64_C(8));
    QCOMPARE(r.boolean(u"b"_s, true), true);
    QCOMPARE(r.time(u"t"_s, QTime(18, 30)), QTime(18, 30));
    QVERIFY(r.array(u"a"_s).isEmpty());
    QVERIFY(r.object(u"o"_s).isEmpty());
    QVERIFY2(r.finish(), qPrintable(r.error()));
}

void TestJsonReader::nullIsMissing()
{
    JsonReader optional(parse(R"({"n": null})"));
    QCOMPARE(optional.integer(u"n"_s, 5), 5);
    QVERIFY2(optional.finish(), qPrintable(optional.error()));

    JsonReader required(parse(R"({"n": null})"), u"hall"_s);
    required.string(u"n"_s, true);
    QVERIFY(!required.ok());
    QCOMPARE(required.error(), u"hall.n: required field is missing"_s);
}

void TestJsonReader::string_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("required");
    QTest::addColumn<QString>("error");

    QTest::newRow("number") << QByteArray(R"({"k": 1})") << false << u"k: must be text"_s;
    QTest::newRow("bool") << QByteArray(R"({"k": true})") << false << u"k: must be text"_s;
    QTest::newRow("list") << QByteArray(R"({"k": ["a"]})") << false << u"k: must be text"_s;
    QTest::newRow("missing, required") << QByteArray("{}") << true << u"k: required field is missing"_s;
    QTest::newRow("blank, required") << QByteArray(R"({"k": "  "})") << true << u"k: must not be empty"_s;
    QTest::newRow("blank, optional") << QByteArray(R"({"k": "  "})") << false << QString();
    QTest::newRow("missing, optional") << QByteArray("{}") << false << QString();
}

void TestJsonReader::string()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, required);
    QFETCH(QString, error);
    JsonReader r(parse(json));
    r.string(u"k"_s, required);
    r.finish();
    QCOMPARE(r.error(), error);
}

void TestJsonReader::integer_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("value");
    QTest::addColumn<QString>("error");

    QTest::newRow("min") << QByteArray(R"({"k": 1})") << 1 << QString();
    QTest::newRow("max") << QByteArray(R"({"k": 10})") << 10 << QString();
    QTest::newRow("whole double") << QByteArray(R"({"k": 5.0})") << 5 << QString();
    QTest::newRow("below min") << QByteArray(R"({"k": 0})") << -99 << u"k: must be between 1 and 10"_s;
    QTest::newRow("above max") << QByteArray(R"({"k": 11})") << -99 << u"k: must be between 1 and 10"_s;
    QTest::newRow("fraction") << QByteArray(R"({"k": 2.5})") << -99 << u"k: must be a whole number"_s;
    QTest::newRow("text") << QByteArray(R"({"k": "5"})") << -99 << u"k: must be a whole number"_s;
    QTest::newRow("bool") << QByteArray(R"({"k": true})") << -99 << u"k: must be a whole number"_s;
    QTest::newRow("huge") << QByteArray(R"({"k": 1e300})") << -99 << u"k: must be between 1 and 10"_s;
}

void TestJsonReader::integer()
{
    QFETCH(QByteArray, json);
    QFETCH(int, value);
    QFETCH(QString, error);
    JsonReader r(parse(json));
    QCOMPARE(r.integer(u"k"_s, -99, 1, 10), value);
    QCOMPARE(r.error(), error);
}

void TestJsonReader::int64_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<qint64>("value");
    QTest::addColumn<bool>("ok");

    QTest::newRow("zero") << QByteArray(R"({"k": 0})") << qint64(0) << true;
    QTest::newRow("beyond int") << QByteArray(R"({"k": 5000000000})") << Q_INT64_C(5000000000) << true;
    QTest::newRow("negative") << QByteArray(R"({"k": -1})") << qint64(-7) << false;
    QTest::newRow("fraction") << QByteArray(R"({"k": 1.5})") << qint64(-7) << false;
    QTest::newRow("text") << QByteArray(R"({"k": "1"})") << qint64(-7) << false;
}

void TestJsonReader::int64()
{
    QFETCH(QByteArray, json);
    QFETCH(qint64, value);
    QFETCH(bool, ok);
    JsonReader r(parse(json));
    QCOMPARE(r.int64(u"k"_s, -7), value);
    QVERIFY2(r.ok() == ok, qPrintable(r.error()));
}

void TestJsonReader::time_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QTime>("time");

    QTest::newRow("08:30") << QJsonValue(u"08:30"_s) << QTime(8, 30);
    QTest::newRow("00:00") << QJsonValue(u"00:00"_s) << QTime(0, 0);
    QTest::newRow("23:59") << QJsonValue(u"23:59"_s) << QTime(23, 59);
    QTest::newRow("24:00") << QJsonValue(u"24:00"_s) << QTime();
    QTest::newRow("12:60") << QJsonValue(u"12:60"_s) << QTime();
    QTest::newRow("with seconds") << QJsonValue(u"08:30:00"_s) << QTime();
    QTest::newRow("words") << QJsonValue(u"noon"_s) << QTime();
    QTest::newRow("number") << QJsonValue(830) << QTime();
    QTest::newRow("empty") << QJsonValue(u""_s) << QTime();
}

void TestJsonReader::time()
{
    QFETCH(QJsonValue, value);
    QFETCH(QTime, time);
    JsonReader r(QJsonObject{{u"t"_s, value}}, u"rules"_s);
    const QTime fallback(1, 2);
    const QTime got = r.time(u"t"_s, fallback);
    if (time.isValid()) {
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(got, time);
    } else {
        QCOMPARE(got, fallback);
        QCOMPARE(r.error(), u"rules.t: must be a time like 08:30"_s);
    }
}

void TestJsonReader::wrongContainerTypes_data()
{
    QTest::addColumn<QString>("accessor");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("error");

    QTest::newRow("bool from text") << u"boolean"_s << QJsonValue(u"true"_s) << u"k: must be true or false"_s;
    QTest::newRow("bool from 1") << u"boolean"_s << QJsonValue(1) << u"k: must be true or false"_s;
    QTest::newRow("array from object") << u"array"_s << QJsonValue(QJsonObject{}) << u"k: must be a list"_s;
    QTest::newRow("array from text") << u"array"_s << QJsonValue(u"a,b"_s) << u"k: must be a list"_s;
    QTest::newRow("object from array") << u"object"_s << QJsonValue(QJsonArray{}) << u"k: must be an object"_s;
    QTest::newRow("object from number") << u"object"_s << QJsonValue(3) << u"k: must be an object"_s;
}

void TestJsonReader::wrongContainerTypes()
{
    QFETCH(QString, accessor);
    QFETCH(QJsonValue, value);
    QFETCH(QString, error);
    JsonReader r(QJsonObject{{u"k"_s, value}});
    if (accessor == u"boolean")
        QCOMPARE(r.boolean(u"k"_s, true), true);
    else if (accessor == u"array")
        QVERIFY(r.array(u"k"_s).isEmpty());
    else
        QVERIFY(r.object(u"k"_s).isEmpty());
    QCOMPARE(r.error(), error);
}

void TestJsonReader::finishRejectsUnknownFields()
{
    JsonReader r(parse(R"({"known": 1, "typo": 2})"), u"windows[2]"_s);
    r.integer(u"known"_s, 0);
    QVERIFY(r.ok());
    QVERIFY(!r.finish());
    QCOMPARE(r.error(), u"windows[2].typo: unknown field"_s);

    // A field that was asked for but absent is not "unknown"; one asked for is accepted
    // even when its value was wrong (that error is the one reported).
    JsonReader all(parse(R"({"a": 1, "b": "x"})"));
    all.integer(u"a"_s, 0);
    all.integer(u"b"_s, 0);
    all.string(u"c"_s);
    QVERIFY(!all.finish());
    QCOMPARE(all.error(), u"b: must be a whole number"_s);
}

void TestJsonReader::firstErrorIsKept()
{
    JsonReader r(parse(R"({"a": "x", "b": "y"})"));
    r.integer(u"a"_s, 0);
    r.integer(u"b"_s, 0);
    r.fail(u"later"_s);
    QCOMPARE(r.error(), u"a: must be a whole number"_s);
}

void TestJsonReader::pathOf()
{
    QCOMPARE(JsonReader(QJsonObject{}).pathOf(u"code"_s), u"code"_s);
    QCOMPARE(JsonReader(QJsonObject{}, u"businesses[1].hours"_s).pathOf(u"morning"_s),
             u"businesses[1].hours.morning"_s);
}

QTEST_GUILESS_MAIN(TestJsonReader)
#include "tst_jsonreader.moc"
