#include <core/masking.h>

#include <QTest>

using namespace hall::core;
using namespace Qt::StringLiterals;

// Public screens and exports never show personal data in clear (D4, SEC3).
class TestMasking : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void maskName_data();
    void maskName();
    void maskIdNumber_data();
    void maskIdNumber();
    void maskPhone_data();
    void maskPhone();
    void neverInClear_data();
    void neverInClear();
};

void TestMasking::maskName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("masked");

    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("1 character") << u"张"_s << u"*"_s;
    QTest::newRow("2 characters") << u"张三"_s << u"张*"_s;
    QTest::newRow("3 characters") << u"张三丰"_s << u"张*丰"_s;
    QTest::newRow("4 characters, compound surname") << u"欧阳娜娜"_s << u"欧**娜"_s;
    QTest::newRow("minority name with middle dot") << u"买买提·艾力"_s << u"买****力"_s;
    QTest::newRow("surrounding spaces") << u" 张三 "_s << u"张*"_s;
    QTest::newRow("latin") << u"Smith"_s << u"S***h"_s;
    // Rare characters outside the BMP (生僻字, CJK Extension B) are one character each:
    // masking must neither split a surrogate pair nor count it as two characters.
    QTest::newRow("ext-B, 1 character") << u"𠮷"_s << u"*"_s;
    QTest::newRow("ext-B surname, 2 characters") << u"𠮷三"_s << u"𠮷*"_s;
    QTest::newRow("ext-B given name, 2 characters") << u"李𠮷"_s << u"李*"_s;
    QTest::newRow("ext-B middle, 3 characters") << u"王𠮷明"_s << u"王*明"_s;
    QTest::newRow("ext-B last, 3 characters") << u"王明𠮷"_s << u"王*𠮷"_s;
}

void TestMasking::maskName()
{
    QFETCH(QString, name);
    QFETCH(QString, masked);
    QCOMPARE(hall::core::maskName(name), masked);
}

void TestMasking::maskIdNumber_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("masked");

    QTest::newRow("18 digits") << u"440106199003071231"_s << u"4401**********1231"_s;
    QTest::newRow("X check digit") << u"11010519491231002X"_s << u"1101**********002X"_s;
    QTest::newRow("old 15 digits") << u"440106900307123"_s << u"4401*******7123"_s;
    QTest::newRow("9 characters") << u"123456789"_s << u"1234*6789"_s;
    QTest::newRow("8 characters") << u"12345678"_s << u"********"_s;
    QTest::newRow("3 characters") << u"123"_s << u"***"_s;
    QTest::newRow("empty") << QString() << QString();
}

void TestMasking::maskIdNumber()
{
    QFETCH(QString, id);
    QFETCH(QString, masked);
    QCOMPARE(hall::core::maskIdNumber(id), masked);
}

void TestMasking::maskPhone_data()
{
    QTest::addColumn<QString>("phone");
    QTest::addColumn<QString>("masked");

    QTest::newRow("mobile") << u"13812345678"_s << u"138****5678"_s;
    QTest::newRow("landline with area code") << u"02012345678"_s << u"020****5678"_s;
    QTest::newRow("12 characters") << u"075512345678"_s << u"075*****5678"_s;
    QTest::newRow("8-digit local number") << u"20123456"_s << u"201*3456"_s;
    QTest::newRow("7-digit local number") << u"8765432"_s << u"*******"_s;
    QTest::newRow("6 characters") << u"123456"_s << u"******"_s;
    QTest::newRow("empty") << QString() << QString();
}

void TestMasking::maskPhone()
{
    QFETCH(QString, phone);
    QFETCH(QString, masked);
    QCOMPARE(hall::core::maskPhone(phone), masked);
}

void TestMasking::neverInClear_data()
{
    QTest::addColumn<int>("length");
    for (int n = 1; n <= 20; ++n)
        QTest::addRow("%d characters", n) << n;
}

// Whatever the length, at least one character is hidden and the length is kept.
void TestMasking::neverInClear()
{
    QFETCH(int, length);
    QString digits;
    for (int i = 0; i < length; ++i)
        digits += QChar(u'1' + i % 9);
    QString han;
    for (int i = 0; i < length; ++i)
        han += QChar(0x4e00 + i);

    const QList<std::pair<QString, QString>> results = {
        {u"maskName"_s, hall::core::maskName(han)},
        {u"maskIdNumber"_s, hall::core::maskIdNumber(digits)},
        {u"maskPhone"_s, hall::core::maskPhone(digits)},
    };
    for (const auto &[fn, masked] : results) {
        QVERIFY2(masked.contains(u'*'), qPrintable(u"%1 left %2 characters in clear: %3"_s.arg(fn).arg(length).arg(masked)));
        QVERIFY2(masked.size() == length, qPrintable(u"%1 changed the length: %2"_s.arg(fn, masked)));
    }
}

QTEST_GUILESS_MAIN(TestMasking)
#include "tst_masking.moc"
