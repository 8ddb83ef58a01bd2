#include "videoplayer.h"

#include <core/lazylibrary.h>

namespace hall::ui {

VideoPlayer *VideoPlayer::create(QWidget *parent, QString *error)
{
    using Create = VideoPlayer *(*)(QWidget *parent);
    static Create create = nullptr;
    if (!create)
        create = reinterpret_cast<Create>(core::resolveLazily(QStringLiteral("hall_ui_video"), "hall_ui_createVideoPlayer", &create, error));
    return create ? create(parent) : nullptr;
}

} // namespace hall::ui
