#pragma once

#include <app/app_export.h>

#include <QWidget>

namespace hall::app {

// What a GUI app shows instead of its screens when it cannot start (a wrong configuration
// file, a device configuration it cannot read): what is wrong, which file, and what to do.
// Never a blank window.
class HALL_APP_EXPORT ConfigProblemWidget : public QWidget
{
    Q_OBJECT
public:
    // `file` may be empty when the problem is not in a file.
    ConfigProblemWidget(const QString &appTitle, const QString &problem, const QString &file,
                        QWidget *parent = nullptr);

Q_SIGNALS:
    void quitRequested();
};

} // namespace hall::app
