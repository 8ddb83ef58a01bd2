#include "masking.h"

#include <QList>

namespace hall::core {

QString maskName(const QString &name)
{
    // Count characters, not UTF-16 units: rare name characters (CJK Extension B and later)
    // are surrogate pairs, which must neither be split nor counted twice.
    const QList<uint> n = name.trimmed().toUcs4();
    if (n.isEmpty())
        return {};
    if (n.size() == 1)
        return QStringLiteral("*");
    const auto text = [](uint c) { return QStringView(QChar::fromUcs4(c)).toString(); };
    if (n.size() == 2)
        return text(n.first()) + u'*';
    return text(n.first()) + QString(n.size() - 2, u'*') + text(n.last());
}

QString maskIdNumber(const QString &id)
{
    if (id.size() <= 8)
        return QString(id.size(), u'*');
    return id.left(4) + QString(id.size() - 8, u'*') + id.right(4);
}

QString maskPhone(const QString &phone)
{
    if (phone.size() <= 7) // keeping 3 + 4 would leave nothing hidden
        return QString(phone.size(), u'*');
    return phone.left(3) + QString(phone.size() - 7, u'*') + phone.right(4);
}

} // namespace hall::core
