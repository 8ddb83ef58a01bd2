#include <core/idnumber.h>

#include <QTest>

using namespace hall::core;
using namespace Qt::StringLiterals;

// Resident ID numbers (GB 11643-1999, ISO 7064 MOD 11-2) and mainland mobile numbers.
class TestIdNumber : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void checkChar_data();
    void checkChar();
    void checkCharRejectsBadInput_data();
    void checkCharRejectsBadInput();
    void everyCheckCharIsReachable();
    void validId_data();
    void validId();
    void invalidId_data();
    void invalidId();
    void birthDate_data();
    void birthDate();
    void mobile_data();
    void mobile();
};

void TestIdNumber::checkChar_data()
{
    QTest::addColumn<QString>("first17");
    QTest::addColumn<QChar>("check");

    // The two worked examples printed in GB 11643-1999 itself.
    QTest::newRow("gb11643 example, X") << u"11010519491231002"_s << QChar(u'X');
    QTest::newRow("gb11643 example, 4") << u"44052418800101001"_s << QChar(u'4');
    // Weighted sum ≡ 0 (mod 11) maps to '1', ≡ 2 maps to 'X', ≡ 8 maps to '0'.
    QTest::newRow("sum mod 11 = 0 -> 1") << u"11010119900101001"_s << QChar(u'5');
    QTest::newRow("Guangzhou Tianhe") << u"44010619900307123"_s << QChar(u'1');
    QTest::newRow("check 0") << u"11010119900101009"_s << QChar(u'0');
    QTest::newRow("check X again") << u"11010119900101004"_s << QChar(u'X');
    QTest::newRow("leap day 2000") << u"31011520000229456"_s << QChar(u'7');
}

void TestIdNumber::checkChar()
{
    QFETCH(QString, first17);
    QFETCH(QChar, check);
    QCOMPARE(idNumberCheckChar(first17), check);
}

void TestIdNumber::checkCharRejectsBadInput_data()
{
    QTest::addColumn<QString>("first17");

    QTest::newRow("empty") << QString();
    QTest::newRow("16 digits") << u"1101051949123100"_s;
    QTest::newRow("18 digits") << u"110105194912310021"_s;
    QTest::newRow("letter inside") << u"1101051949123A002"_s;
    QTest::newRow("space inside") << u"11010519491231 02"_s;
    QTest::newRow("X inside") << u"1101051949123100X"_s;
    // Digits other than ASCII 0-9 are not part of an ID number, even if Unicode calls them digits.
    QTest::newRow("full-width digits") << u"１１０１０５１９４９１２３１００２"_s;
    QTest::newRow("arabic-indic digits") << u"١١٠١٠٥١٩٤٩١٢٣١٠٠٢"_s;
}

void TestIdNumber::checkCharRejectsBadInput()
{
    QFETCH(QString, first17);
    const QChar c = idNumberCheckChar(first17);
    QVERIFY2(c.isNull(), qPrintable(u"got check char '%1' for \"%2\""_s.arg(c, first17)));
}

void TestIdNumber::everyCheckCharIsReachable()
{
    // Vary the sequence digits until all eleven check characters have appeared; each
    // resulting number must validate, and each other check character must not.
    const QString check = u"10X98765432"_s;
    QSet<QChar> seen;
    for (int seq = 0; seq < 1000 && seen.size() < 11; ++seq) {
        const QString first17 = u"44010619900307"_s + QString::number(seq).rightJustified(3, u'0');
        const QChar c = idNumberCheckChar(first17);
        QVERIFY2(check.contains(c), qPrintable(first17));
        seen.insert(c);
        QVERIFY2(isValidIdNumber(QString(first17 + c)), qPrintable(first17 + c));
        for (QChar other : check) {
            if (other != c)
                QVERIFY2(!isValidIdNumber(QString(first17 + other)), qPrintable(first17 + other));
        }
    }
    QCOMPARE(seen.size(), 11);
}

void TestIdNumber::validId_data()
{
    QTest::addColumn<QString>("id");

    QTest::newRow("X check digit") << u"11010519491231002X"_s;
    QTest::newRow("lower-case x check digit") << u"11010519491231002x"_s;
    QTest::newRow("born 1880") << u"440524188001010014"_s;
    QTest::newRow("Guangzhou") << u"440106199003071231"_s;
    QTest::newRow("leap day 2000") << u"310115200002294567"_s;
    QTest::newRow("check 0") << u"110101199001010090"_s;
}

void TestIdNumber::validId()
{
    QFETCH(QString, id);
    QVERIFY2(isValidIdNumber(id), qPrintable(id));
}

void TestIdNumber::invalidId_data()
{
    QTest::addColumn<QString>("id");

    QTest::newRow("empty") << QString();
    QTest::newRow("wrong check digit") << u"110105194912310021"_s;
    QTest::newRow("X where a digit belongs") << u"44052418800101001X"_s;
    QTest::newRow("digit where X belongs") << u"110105194912310020"_s;
    QTest::newRow("17 characters") << u"11010519491231002"_s;
    QTest::newRow("19 characters") << u"11010519491231002X0"_s;
    QTest::newRow("old 15-digit number") << u"110105491231002"_s;
    QTest::newRow("letter in body") << u"1101051949123A002X"_s;
    QTest::newRow("spaces") << u"110105 19491231 002X"_s;
    QTest::newRow("trailing space") << u"11010519491231002X "_s;
    QTest::newRow("full-width digits") << u"１１０１０５１９４９１２３１００２X"_s;
    QTest::newRow("other check letter") << u"11010519491231002Y"_s;
    // Correct check characters, impossible birth dates.
    QTest::newRow("30 February") << u"440106199002301234"_s;
    QTest::newRow("month 13") << u"440106199013011232"_s;
    QTest::newRow("29 February 1900") << u"440106190002291231"_s;
    QTest::newRow("29 February 2023") << u"440106202302291239"_s;
    QTest::newRow("day 00") << (u"44010619900300123"_s + idNumberCheckChar(u"44010619900300123"));
    QTest::newRow("month 00") << (u"44010619900001123"_s + idNumberCheckChar(u"44010619900001123"));
}

void TestIdNumber::invalidId()
{
    QFETCH(QString, id);
    QVERIFY2(!isValidIdNumber(id), qPrintable(u"accepted: "_s + id));
}

void TestIdNumber::birthDate_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QDate>("date");

    QTest::newRow("1949-12-31") << u"11010519491231002X"_s << QDate(1949, 12, 31);
    QTest::newRow("1880-01-01") << u"440524188001010014"_s << QDate(1880, 1, 1);
    QTest::newRow("2000-02-29") << u"310115200002294567"_s << QDate(2000, 2, 29);
    QTest::newRow("30 February") << u"440106199002301234"_s << QDate();
    QTest::newRow("too short") << u"4401061990"_s << QDate();
}

void TestIdNumber::birthDate()
{
    QFETCH(QString, id);
    QFETCH(QDate, date);
    QCOMPARE(idNumberBirthDate(id), date);
}

void TestIdNumber::mobile_data()
{
    QTest::addColumn<QString>("phone");
    QTest::addColumn<bool>("valid");

    QTest::newRow("China Mobile 138") << u"13812345678"_s << true;
    QTest::newRow("China Unicom 186") << u"18602001234"_s << true;
    QTest::newRow("China Telecom 199") << u"19912345678"_s << true;
    QTest::newRow("147 data") << u"14712345678"_s << true;
    QTest::newRow("second digit 3") << u"13000000000"_s << true;
    QTest::newRow("second digit 9") << u"19000000000"_s << true;

    QTest::newRow("empty") << QString() << false;
    QTest::newRow("second digit 2") << u"12812345678"_s << false;
    QTest::newRow("second digit 0") << u"10086000000"_s << false;
    QTest::newRow("starts with 2") << u"23812345678"_s << false;
    QTest::newRow("10 digits") << u"1381234567"_s << false;
    QTest::newRow("12 digits") << u"138123456789"_s << false;
    QTest::newRow("landline") << u"02012345678"_s << false;
    QTest::newRow("country code") << u"+8613812345678"_s << false;
    QTest::newRow("dashes") << u"138-1234-567"_s << false;
    QTest::newRow("letter") << u"1381234567a"_s << false;
    QTest::newRow("space") << u"138 1234567"_s << false;
    QTest::newRow("full-width digits") << u"13８１２３４５６７８"_s << false;
}

void TestIdNumber::mobile()
{
    QFETCH(QString, phone);
    QFETCH(bool, valid);
    QVERIFY2(isValidMobile(phone) == valid,
             qPrintable(u"%1 should be %2"_s.arg(phone, valid ? u"valid"_s : u"invalid"_s)));
}

QTEST_GUILESS_MAIN(TestIdNumber)
#include "tst_idnumber.moc"
