#pragma once

#include <display/display_export.h>

#include <QColor>
#include <QCoreApplication>
#include <QList>
#include <QRect>
#include <QSize>
#include <QString>
#include <QStringList>

namespace hall::display {

// One rectangle of the wall and what it shows. Coordinates and font sizes are pixels of the
// layout's design size (1920×1080 unless the file says otherwise), scaled to the real screen.
struct Area
{
    enum class Kind { Header, Windows, Waiting, Media, Notice };
    Kind kind = Kind::Header;
    QRect rect;
    int fontSize = 0;
    // windows: a grid, filled row by row; the windows shown (empty: all, in the hall's order);
    // more windows than cells are shown page by page.
    int rows = 1;
    int columns = 1;
    QStringList windows;
    // waiting: the businesses shown (empty: all, in the hall's order).
    QStringList businesses;
    int pageSeconds = 10;
    // media: images and videos from this folder (absolute; relative in the file = relative to it).
    QString folder;
    int imageSeconds = 8;
    // notice: the scrolling text (settings may replace it) and its speed in design pixels/s.
    QString text;
    int speed = 120;
};

// The wall's layout, from a JSON file the hall's IT staff edit (resources/display/
// default-layout.json is the example). Read strictly: an unknown field, a wrong type, an area
// outside the screen or overlapping another, a colour Qt does not know, a font too small to be
// read from 10 m — each is an error that says where ("areas[2].rect: …"), shown on the
// ConfigProblemWidget instead of a wall that silently lacks a part.
struct HALL_DISPLAY_EXPORT Layout
{
    Q_DECLARE_TR_FUNCTIONS(Layout)
public:
    // 36 design pixels on a 1080-line 55" panel (0.63 mm a pixel) are a 23 mm character: the
    // smallest that is still read from 10 m (about 1 mm of letter per 0.4 m of distance).
    static constexpr int MinimumFontSize = 36;
    static constexpr int MaximumFontSize = 900;

    QSize design{1920, 1080};
    QString title; // empty: the hall's name from the server
    QString fontFamily;
    QColor background{0x0b, 0x25, 0x45};
    QColor panel{0x13, 0x31, 0x5c};
    QColor text{Qt::white};
    QColor number{0xff, 0xd1, 0x66};
    QColor muted{0x9f, 0xb3, 0xc8};
    QColor offline{0xc0, 0x39, 0x2b};
    QColor paused{0xf4, 0xa2, 0x59};
    int enlargedFontSize = 300;
    QList<Area> areas;

    const Area *area(Area::Kind kind) const;

    static bool parse(const QByteArray &json, const QString &baseFolder, Layout *out, QString *error);
    // *error names the file.
    static bool load(const QString &file, Layout *out, QString *error);
    static QString defaultFile(); // the built-in layout (a resource)
};

} // namespace hall::display
