#include "displaysettings.h"

namespace hall::display {

DisplaySettings::DisplaySettings(QObject *parent)
    : app::AspectContainer(QStringLiteral("display"), tr("Hall display"), parent),
      enlargeSeconds(this, QStringLiteral("enlargeSeconds"), tr("Show a new call enlarged for"), 8, 1, 60, tr(" s")),
      waitForAnnouncement(this, QStringLiteral("waitForAnnouncement"), tr("Show the next call only after the voice has said this one"), false),
      announcementWaitSeconds(this, QStringLiteral("announcementWaitSeconds"), tr("Wait for the voice at most"), 30, 5, 120, tr(" s")),
      notice(this, QStringLiteral("notice"), tr("Scrolling notice"), QString(), [](const QString &text) {
          return text.size() > 500 ? tr("At most 500 characters (this has %1).").arg(text.size()) : QString();
      })
{
    enlargeSeconds.setToolTip(tr("When several calls come together, each is shown in turn, shorter while others wait."));
    notice.setToolTip(tr("Empty: the text of the wall layout. ID numbers and mobile numbers are masked on the wall."));
}

} // namespace hall::display
