#include "samprotocol.h"

#include <core/idnumber.h>

#include <QCoreApplication>
#include <QtEndian>

namespace hall::drivers::sam {

using devices::Device;
using devices::IdCard;

namespace {

quint8 xorOf(const char *p, qsizetype n)
{
    quint8 x = 0;
    for (qsizetype i = 0; i < n; ++i)
        x ^= quint8(p[i]);
    return x;
}

// Messages of this file are translated in the SamReader context (as lupdate files them).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(SamReader)
};

// A field of `bytes` bytes of UCS-2 little-endian text at `offset`, trailing spaces removed.
QString field(const QByteArray &text, int offset, int bytes)
{
    QString s;
    for (int i = offset; i + 1 < offset + bytes && i + 1 < text.size(); i += 2)
        s.append(QChar(char16_t(quint8(text.at(i)) | (quint8(text.at(i + 1)) << 8))));
    while (!s.isEmpty() && (s.back() == u' ' || s.back() == QChar(0)))
        s.chop(1);
    return s.trimmed();
}

void putField(QByteArray &text, int offset, int bytes, const QString &value)
{
    for (int i = 0; i < bytes / 2; ++i) {
        const char16_t c = i < value.size() ? value.at(i).unicode() : u' ';
        text[offset + 2 * i] = char(c & 0xFF);
        text[offset + 2 * i + 1] = char(c >> 8);
    }
}

QDate date(const QString &s)
{
    return QDate::fromString(s, QStringLiteral("yyyyMMdd"));
}

QString dateText(const QDate &d)
{
    return d.toString(QStringLiteral("yyyyMMdd"));
}

// The validity end is a date or 长期 (long-term).
bool parseValidity(const QString &from, const QString &until, IdCard *card)
{
    card->validFrom = date(from);
    card->longTerm = until.startsWith(QStringLiteral("长期"));
    card->validUntil = card->longTerm ? QDate() : date(until);
    return card->validFrom.isValid() && (card->longTerm || card->validUntil.isValid());
}

QString genderName(const QString &code)
{
    if (code == QLatin1String("1"))
        return QStringLiteral("男");
    if (code == QLatin1String("2"))
        return QStringLiteral("女");
    if (code == QLatin1String("0"))
        return QStringLiteral("未知");
    return QStringLiteral("未说明");
}

} // namespace

QByteArray frame(const QByteArray &payload)
{
    QByteArray out(Preamble, PreambleSize);
    const quint16 len = quint16(payload.size() + 1);
    out.append(char(len >> 8)).append(char(len & 0xFF)).append(payload);
    out.append(char(xorOf(out.constData() + PreambleSize, out.size() - PreambleSize)));
    return out;
}

Parse takeFrame(QByteArray &buffer, QByteArray *payload, qsizetype *skipped)
{
    const qsizetype at = buffer.indexOf(QByteArray::fromRawData(Preamble, PreambleSize));
    qsizetype drop = 0;
    if (at < 0) {
        // Keep a possible beginning of a preamble at the end; the rest is garbage.
        qsizetype keep = 0;
        for (qsizetype k = std::min<qsizetype>(PreambleSize - 1, buffer.size()); k > 0; --k) {
            if (buffer.endsWith(QByteArray::fromRawData(Preamble, k))) {
                keep = k;
                break;
            }
        }
        drop = buffer.size() - keep;
        buffer.remove(0, drop);
        if (skipped)
            *skipped = drop;
        return Parse::NeedMore;
    }
    buffer.remove(0, at);
    if (skipped)
        *skipped = at;
    if (buffer.size() < PreambleSize + 2)
        return Parse::NeedMore;
    const int len = (quint8(buffer.at(PreambleSize)) << 8) | quint8(buffer.at(PreambleSize + 1));
    if (len < 2 || len > MaxLength) {
        buffer.remove(0, PreambleSize); // not a frame: look for the next preamble
        return Parse::BadLength;
    }
    const qsizetype total = PreambleSize + 2 + len;
    if (buffer.size() < total)
        return Parse::NeedMore;
    const quint8 expected = xorOf(buffer.constData() + PreambleSize, total - PreambleSize - 1);
    const bool good = quint8(buffer.at(total - 1)) == expected;
    if (good && payload)
        *payload = buffer.mid(PreambleSize + 2, len - 1);
    buffer.remove(0, total);
    return good ? Parse::Frame : Parse::BadChecksum;
}

QByteArray command(quint8 command, quint8 para, const QByteArray &data)
{
    QByteArray p;
    p.append(char(command)).append(char(para)).append(data);
    return frame(p);
}

QByteArray response(quint8 sw3, const QByteArray &data)
{
    QByteArray p(2, '\0');
    p.append(char(sw3)).append(data);
    return frame(p);
}

Status statusOf(quint8 sw3)
{
    using E = Device::Error;
    switch (sw3) {
    case status::Ok:
    case status::CardFound:
        return {E::NoError, {}};
    case status::NoContent: return {E::DeviceReported, Text::tr("The card holds no such information (for example no additional address).")};
    case status::ChecksumError: return {E::Checksum, Text::tr("The reader received a command with a wrong checksum.")};
    case status::LengthError: return {E::Protocol, Text::tr("The reader received a command with a wrong length.")};
    case status::CommandError: return {E::Protocol, Text::tr("The reader does not know this command.")};
    case status::Unauthorized: return {E::DeviceReported, Text::tr("The reader refused an unauthorised operation.")};
    case status::Unrecognized: return {E::DeviceReported, Text::tr("The reader reported an unrecognised error.")};
    case status::CardAuthFailed: return {E::DeviceReported, Text::tr("The card failed to authenticate the reader's security module; place the card again.")};
    case status::SamAuthFailed: return {E::DeviceReported, Text::tr("The reader's security module failed to authenticate the card; the card may be damaged or not genuine.")};
    case status::InfoCheckFailed: return {E::DeviceReported, Text::tr("The information on the card failed verification.")};
    case status::UnknownCardType: return {E::DeviceReported, Text::tr("This is not an identity card the reader knows.")};
    case status::ReadFailed: return {E::DeviceReported, Text::tr("Reading the card failed; keep the card still on the reader and try again.")};
    case status::RandomFailed: return {E::DeviceReported, Text::tr("The card did not give a random number; place the card again.")};
    case status::SamSelfTestFailed: return {E::DeviceReported, Text::tr("The reader's security module failed its self-test; the reader needs service.")};
    case status::SamNotAuthorised: return {E::DeviceReported, Text::tr("The reader's security module is not authorised; the reader needs service.")};
    case status::FindFailed: return {E::DeviceReported, Text::tr("No card on the reader; place the identity card on it.")};
    case status::SelectFailed: return {E::DeviceReported, Text::tr("The card could not be selected; place it again.")};
    default:
        return {E::DeviceReported, Text::tr("The reader answered with an unknown status 0x%1.").arg(sw3, 2, 16, QLatin1Char('0'))};
    }
}

// Field offsets in bytes (GA/T 467 and the permit supplements): the card type character sits
// at byte 248 in all three layouts; a resident card has a space there.
bool parseText(const QByteArray &text, IdCard *card, QString *error)
{
    if (text.size() != 256) {
        *error = Text::tr("The text record has %1 bytes instead of 256.").arg(text.size());
        return false;
    }
    const QString type = field(text, 248, 2);
    if (!type.isEmpty() && type != QLatin1String("I") && type != QLatin1String("J")) {
        *error = Text::tr("The card is of a type this driver does not know (\"%1\"); it may be a newer kind of card.").arg(type);
        return false;
    }
    IdCard c;
    bool datesOk = false;
    if (type == QLatin1String("I")) {
        c.type = IdCard::Type::ForeignPermanent;
        c.englishName = field(text, 0, 120);
        c.genderCode = field(text, 120, 2);
        c.idNumber = field(text, 122, 30);
        c.nationCode = field(text, 152, 6);
        c.nation = c.nationCode;
        c.name = field(text, 158, 30);
        datesOk = parseValidity(field(text, 188, 16), field(text, 204, 16), &c);
        c.birthDate = date(field(text, 220, 16));
        c.cardVersion = field(text, 236, 4);
        c.authority = field(text, 240, 8);
    } else {
        c.type = type == QLatin1String("J") ? IdCard::Type::HkMacauTaiwan : IdCard::Type::Resident;
        c.name = field(text, 0, 30);
        c.genderCode = field(text, 30, 2);
        if (c.type == IdCard::Type::Resident) {
            c.nationCode = field(text, 32, 4);
            c.nation = nationName(c.nationCode);
        }
        c.birthDate = date(field(text, 36, 16));
        c.address = field(text, 52, 70);
        c.idNumber = field(text, 122, 36);
        c.authority = field(text, 158, 30);
        datesOk = parseValidity(field(text, 188, 16), field(text, 204, 16), &c);
        if (c.type == IdCard::Type::HkMacauTaiwan) {
            c.passNumber = field(text, 220, 18);
            c.issueCount = field(text, 238, 4).toInt();
        }
    }
    c.gender = genderName(c.genderCode);
    if (c.idNumber.isEmpty() || !c.birthDate.isValid() || !datesOk) {
        *error = Text::tr("The text record is damaged (number, birth date or validity unreadable).");
        return false;
    }
    // Resident cards and 'J' permits carry an 18-character number with an ISO 7064 MOD 11-2
    // check character: a wrong one means the data was damaged on the way.
    if (c.type != IdCard::Type::ForeignPermanent && !core::isValidIdNumber(c.idNumber)) {
        *error = Text::tr("The number read from the card fails its check digit; read the card again.");
        return false;
    }
    *card = c;
    return true;
}

QByteArray encodeText(const IdCard &c)
{
    QByteArray t(256, '\0');
    putField(t, 0, 256, QString());
    const QString until = c.longTerm ? QStringLiteral("长期") : dateText(c.validUntil);
    if (c.type == IdCard::Type::ForeignPermanent) {
        putField(t, 0, 120, c.englishName);
        putField(t, 120, 2, c.genderCode);
        putField(t, 122, 30, c.idNumber);
        putField(t, 152, 6, c.nationCode);
        putField(t, 158, 30, c.name);
        putField(t, 188, 16, dateText(c.validFrom));
        putField(t, 204, 16, until);
        putField(t, 220, 16, dateText(c.birthDate));
        putField(t, 236, 4, c.cardVersion);
        putField(t, 240, 8, c.authority);
        putField(t, 248, 2, QStringLiteral("I"));
        return t;
    }
    putField(t, 0, 30, c.name);
    putField(t, 30, 2, c.genderCode);
    putField(t, 32, 4, c.type == IdCard::Type::Resident ? c.nationCode : QString());
    putField(t, 36, 16, dateText(c.birthDate));
    putField(t, 52, 70, c.address);
    putField(t, 122, 36, c.idNumber);
    putField(t, 158, 30, c.authority);
    putField(t, 188, 16, dateText(c.validFrom));
    putField(t, 204, 16, until);
    if (c.type == IdCard::Type::HkMacauTaiwan) {
        putField(t, 220, 18, c.passNumber);
        putField(t, 238, 4, QString::number(c.issueCount).rightJustified(2, u'0'));
        putField(t, 248, 2, QStringLiteral("J"));
    }
    return t;
}

bool parseRead(const QByteArray &data, bool withFingerprint, IdCard *card, QString *error)
{
    const int head = withFingerprint ? 6 : 4;
    if (data.size() < head) {
        *error = Text::tr("The card data is too short.");
        return false;
    }
    auto len = [&](int at) { return int(qFromBigEndian<quint16>(data.constData() + at)); };
    const int textLen = len(0), photoLen = len(2), fpLen = withFingerprint ? len(4) : 0;
    if (textLen != 256 || data.size() != head + textLen + photoLen + fpLen) {
        *error = Text::tr("The card data has inconsistent lengths (text %1, photo %2, fingerprint %3, total %4).")
                     .arg(textLen).arg(photoLen).arg(fpLen).arg(data.size());
        return false;
    }
    if (!parseText(data.mid(head, textLen), card, error))
        return false;
    card->photoWlt = data.mid(head + textLen, photoLen);
    card->fingerprint = data.mid(head + textLen + photoLen, fpLen);
    return true;
}

QByteArray encodeRead(const IdCard &card, bool withFingerprint)
{
    const QByteArray text = encodeText(card);
    QByteArray out;
    auto put = [&out](int v) { out.append(char(v >> 8)).append(char(v & 0xFF)); };
    put(int(text.size()));
    put(int(card.photoWlt.size()));
    if (withFingerprint)
        put(int(card.fingerprint.size()));
    out += text + card.photoWlt;
    if (withFingerprint)
        out += card.fingerprint;
    return out;
}

QString nationName(const QString &code)
{
    static const char *const names[] = {
        "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
        "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西",
        "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌",
        "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔",
        "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺"};
    bool ok = false;
    const int n = code.toInt(&ok);
    if (ok && n >= 1 && n <= 56)
        return QString::fromUtf8(names[n - 1]);
    if (ok && n == 97)
        return QStringLiteral("其他");
    if (ok && n == 98)
        return QStringLiteral("外国血统中国籍人士");
    return code;
}

QString samIdString(const QByteArray &d)
{
    if (d.size() < 16)
        return {};
    const auto u16 = [&](int at) { return qFromLittleEndian<quint16>(d.constData() + at); };
    const auto u32 = [&](int at) { return qFromLittleEndian<quint32>(d.constData() + at); };
    return QStringLiteral("%1.%2-%3-%4-%5")
        .arg(u16(0), 2, 10, QLatin1Char('0'))
        .arg(u16(2), 2, 10, QLatin1Char('0'))
        .arg(u32(4), 8, 10, QLatin1Char('0'))
        .arg(u32(8), 10, 10, QLatin1Char('0'))
        .arg(u32(12), 10, 10, QLatin1Char('0'));
}

int baudCode(int baud)
{
    switch (baud) {
    case 115200: return 0x00;
    case 57600: return 0x01;
    case 38400: return 0x02;
    case 19200: return 0x03;
    case 9600: return 0x04;
    default: return -1;
    }
}

int baudOfCode(int code)
{
    static constexpr int bauds[] = {115200, 57600, 38400, 19200, 9600};
    return code >= 0 && code < 5 ? bauds[code] : -1;
}

} // namespace hall::drivers::sam
