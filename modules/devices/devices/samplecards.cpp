#include "samplecards.h"

namespace hall::devices {

namespace {

IdCard resident()
{
    IdCard c;
    c.type = IdCard::Type::Resident;
    c.name = QStringLiteral("陈晓梅");
    c.genderCode = QStringLiteral("2");
    c.nationCode = QStringLiteral("01");
    c.birthDate = QDate(1986, 3, 14);
    c.address = QStringLiteral("广东省汕尾市城区香洲街道二马路东十巷8号");
    c.idNumber = QStringLiteral("441502198603140029");
    c.authority = QStringLiteral("汕尾市公安局城区分局");
    c.validFrom = QDate(2016, 5, 20);
    c.validUntil = QDate(2036, 5, 20);
    QByteArray photo(1024, '\0');
    for (int i = 0; i < photo.size(); ++i)
        photo[i] = char((i * 37 + 11) & 0xFF); // stands for the encrypted WLT image
    c.photoWlt = photo;
    c.fingerprint = QByteArray(1024, '\x5C');
    return c;
}

IdCard hkMacauTaiwan()
{
    IdCard c;
    c.type = IdCard::Type::HkMacauTaiwan;
    c.name = QStringLiteral("黄家明");
    c.genderCode = QStringLiteral("1");
    c.birthDate = QDate(1979, 11, 2);
    c.address = QStringLiteral("广东省深圳市福田区福华三路88号");
    c.idNumber = QStringLiteral("810000197911020014");
    c.authority = QStringLiteral("深圳市公安局");
    c.validFrom = QDate(2019, 1, 8);
    c.validUntil = QDate(2024, 1, 8);
    c.passNumber = QStringLiteral("H12345678");
    c.issueCount = 2;
    c.photoWlt = QByteArray(1024, '\x21');
    return c;
}

IdCard foreign()
{
    IdCard c;
    c.type = IdCard::Type::ForeignPermanent;
    c.englishName = QStringLiteral("MUELLER, ANNA MARIA");
    c.name = QStringLiteral("安娜");
    c.genderCode = QStringLiteral("2");
    c.idNumber = QStringLiteral("DEU440519850712");
    c.nationCode = QStringLiteral("DEU");
    c.birthDate = QDate(1985, 7, 12);
    c.validFrom = QDate(2018, 9, 1);
    c.longTerm = false;
    c.validUntil = QDate(2028, 9, 1);
    c.cardVersion = QStringLiteral("01");
    c.authority = QStringLiteral("1500");
    c.photoWlt = QByteArray(1024, '\x33');
    return c;
}

} // namespace

IdCard sampleCard(IdCard::Type type)
{
    switch (type) {
    case IdCard::Type::Resident: return resident();
    case IdCard::Type::HkMacauTaiwan: return hkMacauTaiwan();
    case IdCard::Type::ForeignPermanent: return foreign();
    }
    return resident();
}

} // namespace hall::devices
