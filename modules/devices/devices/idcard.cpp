#include "idcard.h"

#include <QCoreApplication>

namespace hall::devices {

QString IdCard::typeName() const
{
    switch (type) {
    case Type::Resident: return QCoreApplication::translate("IdCard", "Resident identity card");
    case Type::HkMacauTaiwan: return QCoreApplication::translate("IdCard", "Residence permit for Hong Kong, Macau and Taiwan residents");
    case Type::ForeignPermanent: return QCoreApplication::translate("IdCard", "Foreign permanent resident ID card");
    }
    return {};
}

} // namespace hall::devices
