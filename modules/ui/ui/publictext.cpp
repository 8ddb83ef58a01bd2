#include "publictext.h"

#include <app/logfile.h>
#include <core/masking.h>

namespace hall::ui {

QString publicName(const QString &name)
{
    return core::maskName(publicText(name.trimmed()));
}

QString publicText(const QString &text)
{
    // The log's safety net is exactly the rule for public screens: 18-character ID numbers and
    // 11-digit mobile numbers, wherever they stand in a text.
    return app::maskPersonalData(text);
}

} // namespace hall::ui
