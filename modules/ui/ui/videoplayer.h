#pragma once

#include <ui/ui_export.h>

#include <QObject>

QT_BEGIN_NAMESPACE
class QWidget;
QT_END_NAMESPACE

namespace hall::ui {

// One video at a time in a widget, for MediaArea. The player is Qt Multimedia's, in
// libhall_ui_video, loaded when the first video is played (core::resolveLazily): a wall or a
// kiosk that shows pictures, or nothing yet, starts without Qt Multimedia's chain of libraries.
class HALL_UI_EXPORT VideoPlayer : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    // A player whose widget is a child of `parent`, or null with the reason in `error`.
    static VideoPlayer *create(QWidget *parent, QString *error);

    virtual QWidget *widget() const = 0;
    // Shows the widget and plays the file; ended() or failed() follows.
    virtual void play(const QString &file) = 0;
    // Stops and hides the widget.
    virtual void stop() = 0;

Q_SIGNALS:
    void ended();
    void failed(const QString &reason);
};

} // namespace hall::ui
