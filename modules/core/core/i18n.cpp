#include "i18n.h"

#include <QCoreApplication>
#include <QTranslator>

namespace hall::core {

bool installTranslations(const QString &locale)
{
    QString lang = locale;
    if (lang.isEmpty())
        lang = qEnvironmentVariable("HALL_LANG", QStringLiteral("zh_CN"));
    if (lang == QLatin1String("en"))
        return true;
    auto *translator = new QTranslator(QCoreApplication::instance());
    if (!translator->load(QStringLiteral(":/i18n/hallsuite_%1.qm").arg(lang))) {
        delete translator;
        return false;
    }
    return QCoreApplication::installTranslator(translator);
}

} // namespace hall::core
