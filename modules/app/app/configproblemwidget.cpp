#include "configproblemwidget.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace hall::app {

ConfigProblemWidget::ConfigProblemWidget(const QString &appTitle, const QString &problem, const QString &file,
                                         QWidget *parent)
    : QWidget(parent)
{
    setWindowTitle(appTitle);
    setObjectName(QStringLiteral("configProblem"));
    auto *heading = new QLabel(tr("%1 cannot start: this PC's configuration has a problem").arg(appTitle), this);
    QFont big = heading->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    heading->setFont(big);
    heading->setWordWrap(true);
    heading->setStyleSheet(QStringLiteral("color: #c0392b;"));

    auto *what = new QLabel(problem, this);
    what->setObjectName(QStringLiteral("problem"));
    what->setWordWrap(true);
    what->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont larger = what->font();
    larger.setPointSizeF(larger.pointSizeF() * 1.2);
    what->setFont(larger);

    auto *where = new QLabel(file.isEmpty() ? QString() : tr("File: %1").arg(file), this);
    where->setObjectName(QStringLiteral("file"));
    where->setTextInteractionFlags(Qt::TextSelectableByMouse);
    where->setVisible(!file.isEmpty());

    auto *todo = new QLabel(tr("Correct the file and start the program again, or call the hall's IT support "
                               "and tell them the text above."), this);
    todo->setWordWrap(true);

    auto *quit = new QPushButton(tr("Quit"), this);
    quit->setObjectName(QStringLiteral("quit"));
    connect(quit, &QPushButton::clicked, this, &ConfigProblemWidget::quitRequested);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(48, 48, 48, 48);
    layout->setSpacing(18);
    layout->addWidget(heading);
    layout->addWidget(what);
    layout->addWidget(where);
    layout->addWidget(todo);
    layout->addStretch();
    layout->addWidget(quit, 0, Qt::AlignRight);
}

} // namespace hall::app
