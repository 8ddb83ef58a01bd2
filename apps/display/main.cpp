// hall-display: the hall's wall screen (REQUIREMENTS D1, D4, D5). Everything it does is in
// libhall_display (apps/display/display): DisplayController follows the hall, WallScreen
// paints it, displayapp.cpp wires them onto the application shell.

#include <display/displayapp.h>

#include <app/hallapplication.h>

int main(int argc, char *argv[])
{
    hall::app::HallApplication app(argc, argv, QStringLiteral("hall-display"));
    hall::display::addOptions(app);
    if (!app.start())
        return app.showProblem();
    return hall::display::run(app);
}
