#include "idnumber.h"

namespace hall::core {

namespace {

// QChar::isDigit() also accepts full-width and other Unicode digits; numbers here are ASCII.
bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

} // namespace

QChar idNumberCheckChar(QStringView first17)
{
    static constexpr int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static constexpr char checks[] = "10X98765432";
    if (first17.size() != 17)
        return {};
    int sum = 0;
    for (int i = 0; i < 17; ++i) {
        const QChar c = first17.at(i);
        if (!isAsciiDigit(c))
            return {};
        sum += c.digitValue() * weights[i];
    }
    return QLatin1Char(checks[sum % 11]);
}

bool isValidIdNumber(QStringView id)
{
    if (id.size() != 18)
        return false;
    const QChar expected = idNumberCheckChar(id.left(17));
    if (expected.isNull() || id.at(17).toUpper() != expected)
        return false;
    return idNumberBirthDate(id).isValid();
}

QDate idNumberBirthDate(QStringView id)
{
    if (id.size() < 14)
        return {};
    return QDate::fromString(id.mid(6, 8).toString(), QStringLiteral("yyyyMMdd"));
}

bool isValidMobile(QStringView phone)
{
    if (phone.size() != 11 || phone.at(0) != u'1' || phone.at(1) < u'3' || phone.at(1) > u'9')
        return false;
    for (QChar c : phone) {
        if (!isAsciiDigit(c))
            return false;
    }
    return true;
}

} // namespace hall::core
