#include <core/hall.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace hall::core;
using namespace Qt::StringLiterals;

namespace {

// A complete, valid hall: every section and every optional field appears at least once.
const char *const kHallJson = R"({
  "code": "gz-tianhe",
  "name": "天河区政务服务中心",
  "rules": {
    "recallLimit": 4, "missedRecallMinutes": 15, "missedPriorityBoost": 2, "missedLimit": 3,
    "countdownSeconds": 90, "clearAt": "18:00", "blockUnserved": false,
    "appointmentEarlyMinutes": 30, "appointmentGraceMinutes": 10, "maxPauseMinutes": 20
  },
  "floors": [
    {"code": "F1", "name": "一楼大厅"},
    {"code": "F2", "name": "二楼"}
  ],
  "groups": [
    {"code": "G-SB", "name": "社保组", "quota": {"morning": 120, "afternoon": 100, "daily": 200}},
    {"code": "G-HJ", "name": "户籍组"}
  ],
  "businesses": [
    {"code": "shebao", "name": "社保业务", "prefix": "A", "appointmentPrefix": "AY", "greenPrefix": "AG",
     "specialPrefix": "AT", "digits": 3, "range": [1, 499], "group": "G-SB",
     "hours": {"morning": ["08:30", "12:00"], "afternoon": ["13:30", "17:30"]},
     "quota": {"morning": 80, "afternoon": 60, "daily": 140},
     "priorities": {"老年人": 2, "军人": 3}, "paused": false,
     "ticketLines": ["请携带身份证原件", "请留意叫号屏"]},
    {"code": "huji", "name": "户籍业务", "prefix": "B",
     "hours": {"morning": ["09:00", "12:00"]}},
    {"code": "gongjijin", "name": "公积金", "prefix": "C", "digits": 4, "range": [1000, 9999],
     "paused": true, "hours": {"afternoon": ["14:00", "17:00"]}}
  ],
  "windows": [
    {"number": "1", "name": "1号综合窗口", "floor": "F1", "group": "G-SB", "policy": "order",
     "businesses": [{"code": "shebao", "order": 2}, {"code": "huji", "order": 1}]},
    {"number": "2", "floor": "F1", "policy": "weight",
     "businesses": [{"code": "shebao", "weight": 3}, {"code": "gongjijin", "weight": 1}]},
    {"number": "12", "floor": "F2", "group": "G-HJ", "businesses": [{"code": "huji"}]}
  ],
  "accounts": [
    {"login": "admin", "name": "系统管理员", "role": "admin", "password": "change-me-now"},
    {"login": "officer01", "name": "李明", "role": "officer", "password": "12345678"}
  ]
})";

QJsonObject baseHall()
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(kHallJson), &err);
    if (err.error != QJsonParseError::NoError)
        qFatal("test JSON does not parse: %s", qPrintable(err.errorString()));
    return doc.object();
}

// "businesses/1/hours/morning" → set (or, for an undefined value, remove) that member.
// Array indices may equal the array size to append.
QJsonValue edited(QJsonValue node, QStringList path, const QJsonValue &value)
{
    if (path.isEmpty())
        return value;
    const QString key = path.takeFirst();
    if (node.isArray()) {
        QJsonArray a = node.toArray();
        bool ok = false;
        const int i = key.toInt(&ok);
        if (!ok || i < 0 || i > a.size())
            qFatal("bad test path segment %s", qPrintable(key));
        if (path.isEmpty() && value.isUndefined())
            a.removeAt(i);
        else if (i == a.size())
            a.append(edited(QJsonValue(QJsonValue::Undefined), path, value));
        else
            a[i] = edited(a.at(i), path, value);
        return a;
    }
    QJsonObject o = node.toObject();
    if (path.isEmpty() && value.isUndefined())
        o.remove(key);
    else
        o.insert(key, edited(o.value(key), path, value));
    return o;
}

QJsonObject edit(const QJsonObject &base, const QString &path, const QJsonValue &value)
{
    return edited(base, path.split(u'/'), value).toObject();
}

QJsonValue json(const char *text)
{
    // Wrap so scalars parse too.
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[") + text + "]");
    if (!doc.isArray())
        qFatal("bad test JSON value: %s", text);
    return doc.array().at(0);
}

const QJsonValue kRemove(QJsonValue::Undefined);

struct Edit
{
    QString path;
    QJsonValue value; // undefined: remove the member
};
using Edits = QList<Edit>;

} // namespace

Q_DECLARE_METATYPE(Edit)

namespace {

QJsonObject applied(const Edits &edits)
{
    QJsonObject hall = baseHall();
    for (const Edit &e : edits)
        hall = edit(hall, e.path, e.value);
    return hall;
}

QString describe(const Edits &edits)
{
    QStringList parts;
    for (const Edit &e : edits) {
        parts.append(e.value.isUndefined()
                         ? u"remove %1"_s.arg(e.path)
                         : u"%1 = %2"_s.arg(e.path, QString::fromUtf8(QJsonDocument(QJsonArray{e.value}).toJson(QJsonDocument::Compact).chopped(1).mid(1))));
    }
    return parts.join(u"; "_s);
}

// One edit of the base hall that must be rejected with a message starting with `error`.
void reject(const char *name, const QString &path, const QJsonValue &value, const QString &error)
{
    QTest::newRow(name) << Edits{{path, value}} << error;
}

} // namespace

class TestHallConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesBase();
    void accepted_data();
    void accepted();
    void rejected_data();
    void rejected();
    void failureLeavesOutputAlone();
    void roundTrip();
    void accountsAreNeverWrittenOut();
    void lookups();
    void halfAt_data();
    void halfAt();
    void formatNumber();
};

void TestHallConfig::parsesBase()
{
    HallConfig cfg;
    QString error;
    QVERIFY2(HallConfig::fromJson(baseHall(), &cfg, &error), qPrintable(error));

    QCOMPARE(cfg.code, u"gz-tianhe"_s);
    QCOMPARE(cfg.name, u"天河区政务服务中心"_s);
    QCOMPARE(cfg.rules.recallLimit, 4);
    QCOMPARE(cfg.rules.missedRecallMinutes, 15);
    QCOMPARE(cfg.rules.missedPriorityBoost, 2);
    QCOMPARE(cfg.rules.missedLimit, 3);
    QCOMPARE(cfg.rules.countdownSeconds, 90);
    QCOMPARE(cfg.rules.clearAt, QTime(18, 0));
    QCOMPARE(cfg.rules.blockUnserved, false);
    QCOMPARE(cfg.rules.appointmentEarlyMinutes, 30);
    QCOMPARE(cfg.rules.appointmentGraceMinutes, 10);
    QCOMPARE(cfg.rules.maxPauseMinutes, 20);
    QCOMPARE(cfg.floors.size(), 2);
    QCOMPARE(cfg.groups.size(), 2);
    QCOMPARE(cfg.groups.at(0).quota.daily, 200);
    QVERIFY(!cfg.groups.at(1).quota.isLimited());

    QCOMPARE(cfg.businesses.size(), 3);
    const Business &sb = cfg.businesses.at(0);
    QCOMPARE(sb.prefix, u"A"_s);
    QCOMPARE(sb.appointmentPrefix, u"AY"_s);
    QCOMPARE(sb.greenPrefix, u"AG"_s);
    QCOMPARE(sb.specialPrefix, u"AT"_s);
    QCOMPARE(sb.rangeStart, 1);
    QCOMPARE(sb.rangeEnd, 499);
    QCOMPARE(sb.groupCode, u"G-SB"_s);
    QCOMPARE(sb.hours.morningStart, QTime(8, 30));
    QCOMPARE(sb.hours.afternoonEnd, QTime(17, 30));
    QCOMPARE(sb.quota.morning, 80);
    QCOMPARE(sb.priorities.value(u"老年人"_s), 2);
    QCOMPARE(sb.ticketLines, QStringList({u"请携带身份证原件"_s, u"请留意叫号屏"_s}));

    // Defaults: other prefixes follow the walk-in prefix; the range fills the digits.
    const Business &hj = cfg.businesses.at(1);
    QCOMPARE(hj.appointmentPrefix, u"B"_s);
    QCOMPARE(hj.greenPrefix, u"B"_s);
    QCOMPARE(hj.specialPrefix, u"B"_s);
    QCOMPARE(hj.digits, 3);
    QCOMPARE(hj.rangeStart, 1);
    QCOMPARE(hj.rangeEnd, 999);
    QCOMPARE(hj.leaseStart(), 800); // offline leases: the top fifth of the range
    QCOMPARE(sb.leaseStart(), 400);
    QVERIFY(!hj.hours.afternoonStart.isValid());
    QVERIFY(!hj.quota.isLimited());
    QCOMPARE(cfg.businesses.at(2).paused, true);
    QCOMPARE(cfg.businesses.at(2).rangeStart, 1000);

    QCOMPARE(cfg.windows.size(), 3);
    QCOMPARE(cfg.windows.at(0).policy, CallPolicy::Order);
    QCOMPARE(cfg.windows.at(1).policy, CallPolicy::Weight);
    QCOMPARE(cfg.windows.at(2).policy, CallPolicy::Arrival);
    QCOMPARE(cfg.windows.at(1).name, u"Window 2"_s);
    QCOMPARE(cfg.windows.at(1).bindings.at(0).weight, 3);
    QCOMPARE(cfg.windows.at(0).bindings.at(0).order, 2);
    QCOMPARE(cfg.windows.at(0).bindings.at(1).order, 1);
    // Unspecified order follows the list position.
    QCOMPARE(cfg.windows.at(2).bindings.at(0).order, 1);
    QCOMPARE(cfg.windows.at(1).bindings.at(1).order, 2);
    QCOMPARE(cfg.accounts.size(), 2);
    QCOMPARE(cfg.accounts.at(1).role, u"officer"_s);
}

void TestHallConfig::accepted_data()
{
    QTest::addColumn<Edits>("edits");

    auto accept = [](const char *name, const QString &path, const QJsonValue &value) {
        QTest::newRow(name) << Edits{{path, value}};
    };
    QTest::newRow("no floors") << Edits{{u"floors"_s, kRemove}, {u"windows/0/floor"_s, kRemove},
                                        {u"windows/1/floor"_s, kRemove}, {u"windows/2/floor"_s, kRemove}};
    QTest::newRow("no groups") << Edits{{u"groups"_s, kRemove}, {u"businesses/0/group"_s, kRemove},
                                        {u"windows/0/group"_s, kRemove}, {u"windows/2/group"_s, kRemove}};
    accept("no rules section", u"rules"_s, kRemove);
    accept("empty rules", u"rules"_s, json("{}"));
    accept("rules at their limits", u"rules"_s,
           json(R"({"recallLimit": 20, "missedRecallMinutes": 0, "countdownSeconds": 5, "maxPauseMinutes": 1440})"));
    accept("no accounts", u"accounts"_s, kRemove);
    accept("no windows yet", u"windows"_s, json("[]"));
    accept("own prefix repeated as appointment prefix", u"businesses/1/appointmentPrefix"_s, json(R"("B")"));
    accept("own prefix repeated as special prefix", u"businesses/0/specialPrefix"_s, json(R"("A")"));
    // "" for a kind of ticket means "the business's own prefix" (see Business), so two
    // businesses both saying "" do not clash, and the parsed value is the walk-in prefix.
    QTest::newRow("explicit empty kind prefixes") << Edits{{u"businesses/0/greenPrefix"_s, json(R"("")")},
                                                           {u"businesses/1/greenPrefix"_s, json(R"("")")},
                                                           {u"businesses/1/appointmentPrefix"_s, json(R"("")")}};
    accept("prefix of three letters", u"businesses/1/prefix"_s, json(R"("BCD")"));
    accept("empty prefix for one business", u"businesses/1/prefix"_s, json(R"("")"));
    accept("range fills the digits", u"businesses/1/range"_s, json("[1, 999]"));
    accept("range of one number", u"businesses/1/range"_s, json("[7, 7]"));
    accept("six digits", u"businesses/1/digits"_s, json("6"));
    accept("leases from the first number", u"businesses/0/leaseFrom"_s, json("1"));
    accept("leases from the last number", u"businesses/0/leaseFrom"_s, json("499"));
    accept("afternoon only", u"businesses/1/hours"_s, json(R"({"afternoon": ["13:00", "17:00"]})"));
    accept("afternoon right at noon", u"businesses/0/hours/afternoon"_s, json(R"(["12:00", "17:00"])"));
    accept("priority level 0", u"businesses/1/priorities"_s, json(R"({"普通": 0})"));
    accept("priority level 100", u"businesses/1/priorities"_s, json(R"({"军人": 100})"));
    accept("quota -1 means no limit", u"businesses/1/quota"_s, json(R"({"daily": -1})"));
    accept("null optional field", u"businesses/1/group"_s, json("null"));
    accept("window without floor", u"windows/0/floor"_s, kRemove);
    accept("kiosk account", u"accounts/2"_s,
           json(R"({"login": "kiosk-1", "name": "取号机", "role": "kiosk", "password": "kiosk-pass"})"));
}

void TestHallConfig::accepted()
{
    QFETCH(Edits, edits);
    HallConfig cfg;
    QString error;
    QVERIFY2(HallConfig::fromJson(applied(edits), &cfg, &error), qPrintable(describe(edits) + u": "_s + error));
    for (const Business &b : std::as_const(cfg.businesses)) {
        for (const QString &kind : {b.appointmentPrefix, b.greenPrefix, b.specialPrefix})
            QVERIFY2(!kind.isEmpty() || b.prefix.isEmpty(), qPrintable(b.code + u": a kind of ticket has no prefix"_s));
    }
}

void TestHallConfig::rejected_data()
{
    QTest::addColumn<Edits>("edits");
    QTest::addColumn<QString>("error"); // the message starts with this: the path, then what is wrong

    // --- unknown fields, at every level
    const QStringList objects = {
        u""_s, u"rules"_s, u"floors/1"_s, u"groups/0"_s, u"groups/0/quota"_s, u"businesses/0"_s,
        u"businesses/2"_s, u"businesses/0/hours"_s, u"businesses/0/quota"_s, u"windows/0"_s,
        u"windows/2"_s, u"windows/1/businesses/1"_s, u"accounts/1"_s,
    };
    static const QRegularExpression index(u"/(\\d+)"_s);
    for (const QString &o : objects) {
        QString where = o;
        where.replace(index, u"[\\1]"_s).replace(u'/', u'.');
        QTest::addRow("unknown field in %s", o.isEmpty() ? "hall" : qPrintable(o))
            << Edits{{o.isEmpty() ? u"colour"_s : o + u"/colour"_s, json(R"("blue")")}}
            << (where.isEmpty() ? u"colour"_s : where + u".colour"_s) + u": unknown field"_s;
    }
    reject("misspelt field", u"businesses/1/prefx"_s, json(R"("B")"), u"businesses[1].prefx: unknown field"_s);
    reject("id is not configurable", u"windows/0/id"_s, json("5"), u"windows[0].id: unknown field"_s);

    // --- wrong types
    reject("code is a number", u"code"_s, json("5"), u"code: must be text"_s);
    reject("name is a list", u"name"_s, json(R"(["天河"])"), u"name: must be text"_s);
    reject("rules is a list", u"rules"_s, json("[]"), u"rules: must be an object"_s);
    reject("recallLimit as text", u"rules/recallLimit"_s, json(R"("3")"), u"rules.recallLimit: must be a whole number"_s);
    reject("recallLimit fraction", u"rules/recallLimit"_s, json("2.5"), u"rules.recallLimit: must be a whole number"_s);
    reject("blockUnserved as 1", u"rules/blockUnserved"_s, json("1"), u"rules.blockUnserved: must be true or false"_s);
    reject("clearAt as number", u"rules/clearAt"_s, json("1830"), u"rules.clearAt: must be a time like 08:30"_s);
    reject("clearAt in words", u"rules/clearAt"_s, json(R"("6pm")"), u"rules.clearAt: must be a time like 08:30"_s);
    reject("floors is an object", u"floors"_s, json("{}"), u"floors: must be a list"_s);
    reject("group quota is a number", u"groups/0/quota"_s, json("200"), u"groups[0].quota: must be an object"_s);
    reject("group quota as text", u"groups/0/quota/daily"_s, json(R"("200")"), u"groups[0].quota.daily: must be a whole number"_s);
    reject("businesses is an object", u"businesses"_s, json("{}"), u"businesses: must be a list"_s);
    reject("digits as text", u"businesses/0/digits"_s, json(R"("3")"), u"businesses[0].digits: must be a whole number"_s);
    reject("range as text", u"businesses/0/range"_s, json(R"("1-499")"), u"businesses[0].range: must be a list"_s);
    reject("range of text", u"businesses/0/range"_s, json(R"(["1", "499"])"), u"businesses[0].range: must be [first, last]"_s);
    reject("hours as text", u"businesses/0/hours"_s, json(R"("08:30-17:30")"), u"businesses[0].hours: must be an object"_s);
    reject("morning as text", u"businesses/0/hours/morning"_s, json(R"("08:30-12:00")"), u"businesses[0].hours.morning: must be a list"_s);
    reject("priorities as list", u"businesses/0/priorities"_s, json(R"(["老年人"])"), u"businesses[0].priorities: must be an object"_s);
    reject("priority as text", u"businesses/0/priorities/老年人"_s, json(R"("high")"),
           u"businesses[0].priorities.老年人: a priority level must be a whole number"_s);
    reject("priority fraction", u"businesses/0/priorities/老年人"_s, json("1.5"),
           u"businesses[0].priorities.老年人: a priority level must be a whole number"_s);
    reject("paused as text", u"businesses/1/paused"_s, json(R"("no")"), u"businesses[1].paused: must be true or false"_s);
    reject("ticketLines as text", u"businesses/0/ticketLines"_s, json(R"("line")"), u"businesses[0].ticketLines: must be a list"_s);
    reject("ticketLines holding a number", u"businesses/0/ticketLines/1"_s, json("2"),
           u"businesses[0].ticketLines: must be a list of text lines"_s);
    reject("window number as number", u"windows/0/number"_s, json("1"), u"windows[0].number: must be text"_s);
    reject("policy unknown", u"windows/0/policy"_s, json(R"("random")"), u"windows[0].policy: must be arrival, order or weight"_s);
    reject("bindings as bare codes", u"windows/2/businesses"_s, json(R"(["huji"])"), u"windows[2].businesses[0]"_s);
    reject("binding weight as text", u"windows/1/businesses/0/weight"_s, json(R"("3")"),
           u"windows[1].businesses[0].weight: must be a whole number"_s);
    reject("accounts is an object", u"accounts"_s, json("{}"), u"accounts: must be a list"_s);

    // --- missing required fields
    reject("no hall code", u"code"_s, kRemove, u"code: required field is missing"_s);
    reject("null hall code", u"code"_s, json("null"), u"code: required field is missing"_s);
    reject("no hall name", u"name"_s, kRemove, u"name: required field is missing"_s);
    reject("blank hall name", u"name"_s, json(R"("   ")"), u"name: must not be empty"_s);
    reject("no floor code", u"floors/1/code"_s, kRemove, u"floors[1].code: required field is missing"_s);
    reject("no group name", u"groups/1/name"_s, kRemove, u"groups[1].name: required field is missing"_s);
    reject("no businesses", u"businesses"_s, kRemove, u"businesses: required field is missing"_s);
    reject("empty businesses", u"businesses"_s, json("[]"), u"businesses: a hall needs at least one business"_s);
    reject("no business code", u"businesses/2/code"_s, kRemove, u"businesses[2].code: required field is missing"_s);
    reject("no business name", u"businesses/1/name"_s, kRemove, u"businesses[1].name: required field is missing"_s);
    reject("no business hours", u"businesses/1/hours"_s, kRemove, u"businesses[1].hours: required field is missing"_s);
    reject("no windows", u"windows"_s, kRemove, u"windows: required field is missing"_s);
    reject("no window number", u"windows/2/number"_s, kRemove, u"windows[2].number: required field is missing"_s);
    reject("window without businesses", u"windows/0/businesses"_s, kRemove, u"windows[0].businesses: required field is missing"_s);
    reject("window with no business", u"windows/0/businesses"_s, json("[]"),
           u"windows[0].businesses: a window serves at least one business"_s);
    reject("binding without code", u"windows/0/businesses/1/code"_s, kRemove,
           u"windows[0].businesses[1].code: required field is missing"_s);
    reject("account without password", u"accounts/0/password"_s, kRemove, u"accounts[0].password: required field is missing"_s);
    reject("account without role", u"accounts/1/role"_s, kRemove, u"accounts[1].role: required field is missing"_s);

    // --- codes: duplicates and characters
    reject("duplicate floor", u"floors/1/code"_s, json(R"("F1")"), uR"(floors[1].code: "F1" is used twice)"_s);
    reject("duplicate group", u"groups/1/code"_s, json(R"("G-SB")"), uR"(groups[1].code: "G-SB" is used twice)"_s);
    reject("duplicate business", u"businesses/2/code"_s, json(R"("shebao")"), uR"(businesses[2].code: "shebao" is used twice)"_s);
    reject("duplicate window number", u"windows/2/number"_s, json(R"("1")"), uR"(windows[2].number: "1" is used twice)"_s);
    reject("duplicate login", u"accounts/1/login"_s, json(R"("admin")"), uR"(accounts[1].login: "admin" is used twice)"_s);
    reject("hall code in Chinese", u"code"_s, json(R"("天河")"), uR"(code: "天河" may hold only letters, digits, - and _)"_s);
    reject("business code with space", u"businesses/0/code"_s, json(R"("she bao")"), uR"(businesses[0].code: "she bao" may hold only)"_s);
    reject("code of 33 characters", u"floors/0/code"_s, QJsonValue(QString(33, u'F')),
           u"floors[0].code: \"%1\" may hold only"_s.arg(QString(33, u'F')));

    // --- dangling references
    reject("window → unknown business", u"windows/1/businesses/1/code"_s, json(R"("gongan")"),
           uR"(windows[1].businesses[1].code: no business "gongan")"_s);
    reject("window → unknown group", u"windows/2/group"_s, json(R"("G-X")"), uR"(windows[2].group: no window group "G-X")"_s);
    reject("window → unknown floor", u"windows/0/floor"_s, json(R"("F9")"), uR"(windows[0].floor: no floor "F9")"_s);
    reject("window → floor, none defined", u"floors"_s, kRemove, uR"(windows[0].floor: no floor "F1")"_s);
    reject("business → group, none defined", u"groups"_s, json("[]"), uR"(businesses[0].group: no window group "G-SB")"_s);
    reject("business → unknown group", u"businesses/1/group"_s, json(R"("G-X")"), uR"(businesses[1].group: no window group "G-X")"_s);
    reject("business bound twice", u"windows/0/businesses/1/code"_s, json(R"("shebao")"),
           uR"(windows[0].businesses[1].code: business "shebao" is bound twice)"_s);

    // --- prefixes: format, and conflicts between businesses
    reject("lower-case prefix", u"businesses/1/prefix"_s, json(R"("b")"),
           uR"(businesses[1].prefix: "b" must be up to three capital letters)"_s);
    reject("four-letter prefix", u"businesses/1/prefix"_s, json(R"("BCDE")"),
           uR"(businesses[1].prefix: "BCDE" must be up to three capital letters)"_s);
    reject("digit in prefix", u"businesses/1/greenPrefix"_s, json(R"("B1")"),
           uR"(businesses[1].greenPrefix: "B1" must be up to three capital letters)"_s);
    reject("full-width prefix", u"businesses/1/prefix"_s, json(R"("Ｂ")"),
           uR"(businesses[1].prefix: "Ｂ" must be up to three capital letters)"_s);
    reject("same walk-in prefix", u"businesses/1/prefix"_s, json(R"("A")"),
           uR"(businesses[1].prefix: prefix "A" is already used by another business)"_s);
    reject("prefix = other's appointment prefix", u"businesses/1/prefix"_s, json(R"("AY")"),
           uR"(businesses[1].prefix: prefix "AY" is already used)"_s);
    reject("appointment prefix = other's prefix", u"businesses/1/appointmentPrefix"_s, json(R"("A")"),
           uR"(businesses[1].appointmentPrefix: prefix "A" is already used)"_s);
    reject("appointment prefix = later business's prefix", u"businesses/0/appointmentPrefix"_s, json(R"("C")"),
           uR"(businesses[2].prefix: prefix "C" is already used)"_s);
    reject("green prefix = other's green prefix", u"businesses/1/greenPrefix"_s, json(R"("AG")"),
           uR"(businesses[1].greenPrefix: prefix "AG" is already used)"_s);
    reject("special prefix = other's prefix", u"businesses/2/specialPrefix"_s, json(R"("B")"),
           uR"(businesses[2].specialPrefix: prefix "B" is already used)"_s);
    // Without a prefix, the other kinds default to "": numbers "001" from two businesses would clash.
    QTest::newRow("two empty prefixes") << Edits{{u"businesses/1/prefix"_s, json(R"("")")},
                                                 {u"businesses/2/prefix"_s, json(R"("")")}}
                                        << uR"(businesses[2].prefix: prefix "" is already used)"_s;

    // --- ranges and digits
    reject("digits 0", u"businesses/1/digits"_s, json("0"), u"businesses[1].digits: must be between 1 and 6"_s);
    reject("digits 7", u"businesses/1/digits"_s, json("7"), u"businesses[1].digits: must be between 1 and 6"_s);
    reject("range of one value", u"businesses/0/range"_s, json("[1]"), u"businesses[0].range: must be [first, last]"_s);
    reject("range of three values", u"businesses/0/range"_s, json("[1, 2, 3]"), u"businesses[0].range: must be [first, last]"_s);
    reject("range reversed", u"businesses/0/range"_s, json("[499, 1]"), u"businesses[0].range: must be [first, last]"_s);
    reject("range negative", u"businesses/0/range"_s, json("[-1, 499]"), u"businesses[0].range: must be [first, last]"_s);
    reject("range fraction", u"businesses/0/range"_s, json("[1.5, 499]"), u"businesses[0].range: must be [first, last]"_s);
    reject("range empty", u"businesses/0/range"_s, json("[]"), u"businesses[0].range: must be [first, last]"_s);
    reject("leases outside the range", u"businesses/0/leaseFrom"_s, json("500"), u"businesses[0].leaseFrom: must be between 1 and 499"_s);
    reject("leases from a fraction", u"businesses/0/leaseFrom"_s, json("400.5"), u"businesses[0].leaseFrom: must be a whole number"_s);
    reject("range beyond digits", u"businesses/0/range"_s, json("[1, 1000]"),
           u"businesses[0].range: the range end 1000 does not fit in 3 digits"_s);
    QTest::newRow("digits shrunk below range") << Edits{{u"businesses/2/digits"_s, json("3")}}
                                               << u"businesses[2].range: the range end 9999 does not fit in 3 digits"_s;

    // --- hours
    reject("morning reversed", u"businesses/0/hours/morning"_s, json(R"(["12:00", "08:30"])"),
           u"businesses[0].hours.morning: must be [\"start\", \"end\"] with start before end"_s);
    reject("morning of no length", u"businesses/0/hours/morning"_s, json(R"(["08:30", "08:30"])"),
           u"businesses[0].hours.morning: must be [\"start\", \"end\"]"_s);
    reject("morning with one time", u"businesses/0/hours/morning"_s, json(R"(["08:30"])"),
           u"businesses[0].hours.morning: must be [\"start\", \"end\"]"_s);
    reject("morning with three times", u"businesses/0/hours/morning"_s, json(R"(["08:30", "10:00", "12:00"])"),
           u"businesses[0].hours.morning: must be [\"start\", \"end\"]"_s);
    reject("morning with a dot", u"businesses/0/hours/morning"_s, json(R"(["08.30", "12:00"])"),
           u"businesses[0].hours.morning: must be [\"start\", \"end\"]"_s);
    reject("afternoon ends at 25:00", u"businesses/0/hours/afternoon"_s, json(R"(["13:30", "25:00"])"),
           u"businesses[0].hours.afternoon: must be [\"start\", \"end\"]"_s);
    reject("no half at all", u"businesses/1/hours"_s, json("{}"), u"businesses[1].hours: give a morning or an afternoon range"_s);
    reject("afternoon overlaps morning", u"businesses/0/hours/afternoon"_s, json(R"(["11:00", "17:00"])"),
           u"businesses[0].hours: the afternoon starts before the morning ends"_s);
    reject("evening half", u"businesses/0/hours/evening"_s, json(R"(["18:00", "20:00"])"),
           u"businesses[0].hours.evening: unknown field"_s);

    // --- numbers out of range
    reject("recallLimit 0", u"rules/recallLimit"_s, json("0"), u"rules.recallLimit: must be between 1 and 20"_s);
    reject("recallLimit 21", u"rules/recallLimit"_s, json("21"), u"rules.recallLimit: must be between 1 and 20"_s);
    reject("countdown 4 s", u"rules/countdownSeconds"_s, json("4"), u"rules.countdownSeconds: must be between 5 and 3600"_s);
    reject("missedLimit negative", u"rules/missedLimit"_s, json("-1"), u"rules.missedLimit: must be between 0 and 20"_s);
    reject("maxPauseMinutes 0", u"rules/maxPauseMinutes"_s, json("0"), u"rules.maxPauseMinutes: must be between 1 and 1440"_s);
    reject("early check-in over a day", u"rules/appointmentEarlyMinutes"_s, json("1441"),
           u"rules.appointmentEarlyMinutes: must be between 0 and 1440"_s);
    reject("quota -2", u"businesses/0/quota/daily"_s, json("-2"), u"businesses[0].quota.daily: must be between -1 and 100000"_s);
    reject("quota huge", u"groups/0/quota/morning"_s, json("100001"), u"groups[0].quota.morning: must be between -1 and 100000"_s);
    reject("priority 101", u"businesses/0/priorities/军人"_s, json("101"),
           u"businesses[0].priorities.军人: a priority level must be a whole number 0–100"_s);
    reject("priority negative", u"businesses/0/priorities/军人"_s, json("-1"),
           u"businesses[0].priorities.军人: a priority level must be a whole number 0–100"_s);
    reject("binding order 0", u"windows/0/businesses/0/order"_s, json("0"),
           u"windows[0].businesses[0].order: must be between 1 and 1000"_s);
    reject("binding weight 0", u"windows/1/businesses/1/weight"_s, json("0"),
           u"windows[1].businesses[1].weight: must be between 1 and 1000"_s);

    // --- accounts
    reject("unknown role", u"accounts/1/role"_s, json(R"("root")"), u"accounts[1].role: must be one of admin"_s);
    reject("short password", u"accounts/1/password"_s, json(R"("1234567")"), u"accounts[1].password: at least 8 characters"_s);
}

void TestHallConfig::rejected()
{
    QFETCH(Edits, edits);
    QFETCH(QString, error);

    HallConfig cfg;
    QString message;
    QVERIFY2(!HallConfig::fromJson(applied(edits), &cfg, &message), qPrintable(u"accepted: "_s + describe(edits)));
    QVERIFY2(message.startsWith(error),
             qPrintable(u"%1\n   got: %2\nwanted: %3…"_s.arg(describe(edits), message, error)));
}

// A rejected configuration never half-fills the caller's object.
void TestHallConfig::failureLeavesOutputAlone()
{
    HallConfig cfg;
    cfg.code = u"previous"_s;
    QString error;
    QVERIFY(!HallConfig::fromJson(edit(baseHall(), u"windows/2/group"_s, json(R"("G-X")")), &cfg, &error));
    QCOMPARE(cfg.code, u"previous"_s);
    QVERIFY(cfg.businesses.isEmpty());
}

namespace {

void compareConfigs(const HallConfig &a, const HallConfig &b)
{
    QCOMPARE(a.code, b.code);
    QCOMPARE(a.name, b.name);
    QCOMPARE(a.rules.recallLimit, b.rules.recallLimit);
    QCOMPARE(a.rules.missedRecallMinutes, b.rules.missedRecallMinutes);
    QCOMPARE(a.rules.missedPriorityBoost, b.rules.missedPriorityBoost);
    QCOMPARE(a.rules.missedLimit, b.rules.missedLimit);
    QCOMPARE(a.rules.countdownSeconds, b.rules.countdownSeconds);
    QCOMPARE(a.rules.clearAt, b.rules.clearAt);
    QCOMPARE(a.rules.blockUnserved, b.rules.blockUnserved);
    QCOMPARE(a.rules.appointmentEarlyMinutes, b.rules.appointmentEarlyMinutes);
    QCOMPARE(a.rules.appointmentGraceMinutes, b.rules.appointmentGraceMinutes);
    QCOMPARE(a.rules.maxPauseMinutes, b.rules.maxPauseMinutes);

    QCOMPARE(a.floors.size(), b.floors.size());
    for (qsizetype i = 0; i < a.floors.size(); ++i) {
        QCOMPARE(a.floors[i].code, b.floors[i].code);
        QCOMPARE(a.floors[i].name, b.floors[i].name);
    }
    QCOMPARE(a.groups.size(), b.groups.size());
    for (qsizetype i = 0; i < a.groups.size(); ++i) {
        QCOMPARE(a.groups[i].code, b.groups[i].code);
        QCOMPARE(a.groups[i].name, b.groups[i].name);
        QCOMPARE(a.groups[i].quota.morning, b.groups[i].quota.morning);
        QCOMPARE(a.groups[i].quota.afternoon, b.groups[i].quota.afternoon);
        QCOMPARE(a.groups[i].quota.daily, b.groups[i].quota.daily);
    }
    QCOMPARE(a.businesses.size(), b.businesses.size());
    for (qsizetype i = 0; i < a.businesses.size(); ++i) {
        const Business &x = a.businesses[i], &y = b.businesses[i];
        QCOMPARE(x.code, y.code);
        QCOMPARE(x.name, y.name);
        QCOMPARE(x.prefix, y.prefix);
        QCOMPARE(x.appointmentPrefix, y.appointmentPrefix);
        QCOMPARE(x.greenPrefix, y.greenPrefix);
        QCOMPARE(x.specialPrefix, y.specialPrefix);
        QCOMPARE(x.rangeStart, y.rangeStart);
        QCOMPARE(x.rangeEnd, y.rangeEnd);
        QCOMPARE(x.digits, y.digits);
        QCOMPARE(x.groupCode, y.groupCode);
        QCOMPARE(x.hours.morningStart, y.hours.morningStart);
        QCOMPARE(x.hours.morningEnd, y.hours.morningEnd);
        QCOMPARE(x.hours.afternoonStart, y.hours.afternoonStart);
        QCOMPARE(x.hours.afternoonEnd, y.hours.afternoonEnd);
        QCOMPARE(x.quota.morning, y.quota.morning);
        QCOMPARE(x.quota.afternoon, y.quota.afternoon);
        QCOMPARE(x.quota.daily, y.quota.daily);
        QCOMPARE(x.priorities, y.priorities);
        QCOMPARE(x.paused, y.paused);
        QCOMPARE(x.ticketLines, y.ticketLines);
    }
    QCOMPARE(a.windows.size(), b.windows.size());
    for (qsizetype i = 0; i < a.windows.size(); ++i) {
        const Window &x = a.windows[i], &y = b.windows[i];
        QCOMPARE(x.number, y.number);
        QCOMPARE(x.name, y.name);
        QCOMPARE(x.floorCode, y.floorCode);
        QCOMPARE(x.groupCode, y.groupCode);
        QCOMPARE(x.policy, y.policy);
        QCOMPARE(x.bindings.size(), y.bindings.size());
        for (qsizetype j = 0; j < x.bindings.size(); ++j) {
            QCOMPARE(x.bindings[j].businessCode, y.bindings[j].businessCode);
            QCOMPARE(x.bindings[j].order, y.bindings[j].order);
            QCOMPARE(x.bindings[j].weight, y.bindings[j].weight);
        }
    }
}

} // namespace

void TestHallConfig::roundTrip()
{
    HallConfig first;
    QString error;
    QVERIFY2(HallConfig::fromJson(baseHall(), &first, &error), qPrintable(error));

    const QJsonObject written = first.toJson();
    HallConfig second;
    QVERIFY2(HallConfig::fromJson(written, &second, &error),
             qPrintable(error + u"\n"_s + QString::fromUtf8(QJsonDocument(written).toJson())));
    compareConfigs(first, second);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(second.toJson(), written);

    // The same through text, as a config file would travel.
    HallConfig third;
    const QJsonObject reparsed = QJsonDocument::fromJson(QJsonDocument(written).toJson()).object();
    QVERIFY2(HallConfig::fromJson(reparsed, &third, &error), qPrintable(error));
    compareConfigs(first, third);
}

void TestHallConfig::accountsAreNeverWrittenOut()
{
    HallConfig cfg;
    QString error;
    QVERIFY2(HallConfig::fromJson(baseHall(), &cfg, &error), qPrintable(error));
    QVERIFY(!cfg.accounts.isEmpty());
    const QByteArray text = QJsonDocument(cfg.toJson()).toJson();
    QVERIFY(!cfg.toJson().contains(u"accounts"_s));
    QVERIFY2(!text.contains("change-me-now"), text.constData());
}

void TestHallConfig::lookups()
{
    HallConfig cfg;
    QString error;
    QVERIFY2(HallConfig::fromJson(baseHall(), &cfg, &error), qPrintable(error));
    for (qsizetype i = 0; i < cfg.businesses.size(); ++i)
        cfg.businesses[i].id = 100 + i;
    for (qsizetype i = 0; i < cfg.windows.size(); ++i)
        cfg.windows[i].id = 200 + i;

    QVERIFY(cfg.business(u"huji"_s));
    QCOMPARE(cfg.business(u"huji"_s)->name, u"户籍业务"_s);
    QVERIFY(!cfg.business(u"nope"_s));
    QCOMPARE(cfg.businessById(102)->code, u"gongjijin"_s);
    QVERIFY(!cfg.businessById(0));
    QCOMPARE(cfg.window(u"12"_s)->groupCode, u"G-HJ"_s);
    QVERIFY(!cfg.window(u"3"_s));
    QCOMPARE(cfg.windowById(201)->number, u"2"_s);
    QCOMPARE(cfg.group(u"G-SB"_s)->quota.morning, 120);
    QVERIFY(!cfg.group(u"G-X"_s));
    QVERIFY(cfg.window(u"1"_s)->serves(u"huji"_s));
    QVERIFY(!cfg.window(u"12"_s)->serves(u"shebao"_s));
}

void TestHallConfig::halfAt_data()
{
    QTest::addColumn<QTime>("time");
    QTest::addColumn<int>("half");

    QTest::newRow("before opening") << QTime(8, 29) << int(BusinessHours::Half::Closed);
    QTest::newRow("opening minute") << QTime(8, 30) << int(BusinessHours::Half::Morning);
    QTest::newRow("late morning") << QTime(11, 59, 59) << int(BusinessHours::Half::Morning);
    QTest::newRow("noon") << QTime(12, 0) << int(BusinessHours::Half::Closed);
    QTest::newRow("afternoon start") << QTime(13, 30) << int(BusinessHours::Half::Afternoon);
    QTest::newRow("closing minute") << QTime(17, 30) << int(BusinessHours::Half::Closed);
}

void TestHallConfig::halfAt()
{
    QFETCH(QTime, time);
    QFETCH(int, half);
    BusinessHours h{QTime(8, 30), QTime(12, 0), QTime(13, 30), QTime(17, 30)};
    QCOMPARE(int(h.halfAt(time)), half);

    BusinessHours afternoonOnly{QTime(), QTime(), QTime(13, 30), QTime(17, 30)};
    QCOMPARE(afternoonOnly.halfAt(time) == BusinessHours::Half::Morning, false);
}

void TestHallConfig::formatNumber()
{
    Business b;
    b.digits = 3;
    QCOMPARE(b.formatNumber(u"A"_s, 1), u"A001"_s);
    QCOMPARE(b.formatNumber(u"AY"_s, 42), u"AY042"_s);
    QCOMPARE(b.formatNumber(QString(), 999), u"999"_s);
    b.digits = 4;
    QCOMPARE(b.formatNumber(u"C"_s, 1000), u"C1000"_s);
}

QTEST_GUILESS_MAIN(TestHallConfig)
#include "tst_hallconfig.moc"
