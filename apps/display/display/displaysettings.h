#pragma once

#include <display/display_export.h>

#include <app/aspects.h>

namespace hall::display {

// What the hall's staff may change on the wall without touching the layout file (the settings
// store of this PC and role; a settings page is built from it).
class HALL_DISPLAY_EXPORT DisplaySettings : public app::AspectContainer
{
    Q_OBJECT
public:
    explicit DisplaySettings(QObject *parent = nullptr);

    app::IntAspect enlargeSeconds;
    app::BoolAspect waitForAnnouncement;
    app::IntAspect announcementWaitSeconds;
    app::StringAspect notice; // empty: the layout's text
};

} // namespace hall::display
