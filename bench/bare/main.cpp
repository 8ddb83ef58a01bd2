// bench-bare: the start-up baseline of bench/start-up.sh, a window of 1920×1080 that quits at
// its first frame, linked to Qt Widgets alone — no HallSuite library is loaded.

#include "barewindow.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    hall::bench::BareWindow w;
    w.resize(1920, 1080);
    w.show();
    return app.exec();
}
