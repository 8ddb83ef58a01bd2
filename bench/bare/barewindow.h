#pragma once

// The start-up baseline (bench/start-up.sh): a bare Qt Widgets window that quits at its first
// frame. bench-bare shows it from a program linked to Qt Widgets alone; `bench-display bare`
// from one that loads HallSuite's libraries.

#include <QCoreApplication>
#include <QTimer>
#include <QWidget>

namespace hall::bench {

class BareWindow : public QWidget
{
protected:
    void paintEvent(QPaintEvent *) override { QTimer::singleShot(0, qApp, [] { QCoreApplication::exit(0); }); }
};

} // namespace hall::bench
