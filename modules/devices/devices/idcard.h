#pragma once

#include <devices/device.h>

#include <QByteArray>
#include <QDate>
#include <QMetaType>

namespace hall::devices {

// What a resident ID card (居民身份证), a Hong Kong/Macau/Taiwan residence permit (港澳台居民
// 居住证, type 'J') or a foreign permanent residence card (外国人永久居留身份证, type 'I') holds.
// Personal data: never log it, mask it on public screens (core/masking.h).
struct HALL_DEVICES_EXPORT IdCard
{
    enum class Type { Resident, HkMacauTaiwan, ForeignPermanent };

    Type type = Type::Resident;
    QString name;          // Chinese name (for 'I': the Chinese name, may be empty)
    QString englishName;   // 'I' only
    QString gender;        // 男 / 女
    QString genderCode;    // 1 / 2
    QString nationCode;    // resident: GB 3304 code "01"; 'I': ISO 3166 alpha-3 nationality
    QString nation;        // 汉, 蒙古 …; 'I': the nationality code
    QDate birthDate;
    QString address;       // not on 'I'
    QString idNumber;      // resident and 'J': 18 characters; 'I': the permit number
    QString authority;     // 签发机关 ('I': the authority code)
    QDate validFrom;
    QDate validUntil;      // null when longTerm
    bool longTerm = false; // 长期
    QString passNumber;    // 'J': 通行证号码
    int issueCount = 0;    // 'J': 签发次数
    QString cardVersion;   // 'I'
    QByteArray photoWlt;   // the raw 1024-byte WLT photo; decoded only by a vendor library
    QByteArray photoBmp;   // the decoded photo (BMP file bytes) where a decoder is configured
    QString photoError;    // why the photo is not decoded although a decoder is configured
    QByteArray fingerprint; // raw fingerprint data when read with fingerprint

    QString typeName() const;
};

class HALL_DEVICES_EXPORT IdCardReader : public Device
{
    Q_OBJECT
public:
    using Device::Device;

    // Reads the card on the reader once: cardRead() or errorOccurred().
    Q_INVOKABLE virtual void readCard(bool withFingerprint = false) = 0;
    // Watches for cards: each newly placed card is read once. (A SAM reader cannot tell when a
    // card is lifted off: after a read, "find card" fails until the card is placed again.)
    Q_INVOKABLE virtual void setAutoRead(bool on, int intervalMs = 300) = 0;
    Q_INVOKABLE virtual void requestSamId() = 0;

Q_SIGNALS:
    void cardRead(const hall::devices::IdCard &card);
    void samIdRead(const QString &samId);
};

class IdCardReaderFactory
{
public:
    virtual ~IdCardReaderFactory() = default;
    virtual IdCardReader *createIdCardReader(const DeviceConfig &config) = 0;
};

} // namespace hall::devices

Q_DECLARE_METATYPE(hall::devices::IdCard)
#define HallIdCardReaderFactory_iid "org.hallsuite.devices.IdCardReaderFactory/1"
Q_DECLARE_INTERFACE(hall::devices::IdCardReaderFactory, HallIdCardReaderFactory_iid)
