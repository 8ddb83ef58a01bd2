#include "masking.h"

namespace hall::core {

QString maskName(const QString &name)
{
    const QString n = name.trimmed();
    if (n.size() <= 1)
        return n;
    if (n.size() == 2)
        return n.left(1) + u'*';
    return n.left(1) + QString(n.size() - 2, u'*') + n.right(1);
}

QString maskIdNumber(const QString &id)
{
    if (id.size() <= 8)
        return QString(id.size(), u'*');
    return id.left(4) + QString(id.size() - 8, u'*') + id.right(4);
}

QString maskPhone(const QString &phone)
{
    if (phone.size() < 7)
        return QString(phone.size(), u'*');
    return phone.left(3) + QString(phone.size() - 7, u'*') + phone.right(4);
}

} // namespace hall::core
