#include "layout.h"

#include <core/jsonfile.h>
#include <core/jsonreader.h>

#include <QDir>
#include <QFileInfo>

namespace hall::display {

namespace {

struct KindName
{
    Area::Kind kind;
    const char *name;
};
constexpr KindName Kinds[] = {
    {Area::Kind::Header, "header"}, {Area::Kind::Windows, "windows"}, {Area::Kind::Waiting, "waiting"},
    {Area::Kind::Media, "media"},   {Area::Kind::Notice, "notice"},
};

QStringList kindNames()
{
    QStringList names;
    for (const KindName &k : Kinds)
        names.append(QLatin1String(k.name));
    return names;
}

QColor readColor(core::JsonReader &r, const QString &key, const QColor &fallback)
{
    const QString name = r.string(key);
    if (name.isEmpty())
        return fallback;
    const QColor c = QColor::fromString(name);
    if (!c.isValid())
        r.fail(Layout::tr("%1: \"%2\" is no colour (examples: \"#ffd166\", \"white\")").arg(r.pathOf(key), name));
    return c;
}

int readFontSize(core::JsonReader &r, const QString &key, int fallback)
{
    const int size = r.integer(key, fallback, 1, Layout::MaximumFontSize);
    if (r.ok() && size < Layout::MinimumFontSize)
        r.fail(Layout::tr("%1: %2 px cannot be read from 10 m; at least %3 px").arg(r.pathOf(key)).arg(size).arg(Layout::MinimumFontSize));
    return size;
}

QStringList readCodes(core::JsonReader &r, const QString &key)
{
    QStringList out;
    const QJsonArray a = r.array(key);
    for (qsizetype i = 0; i < a.size() && r.ok(); ++i) {
        if (!a.at(i).isString() || a.at(i).toString().trimmed().isEmpty())
            r.fail(Layout::tr("%1[%2]: must be a window number or business code (text)").arg(r.pathOf(key)).arg(i));
        else
            out.append(a.at(i).toString().trimmed());
    }
    return out;
}

} // namespace

const Area *Layout::area(Area::Kind kind) const
{
    for (const Area &a : areas) {
        if (a.kind == kind)
            return &a;
    }
    return nullptr;
}

QString Layout::defaultFile()
{
    return QStringLiteral(":/display/default-layout.json");
}

bool Layout::parse(const QByteArray &json, const QString &baseFolder, Layout *out, QString *error)
{
    QJsonObject object;
    if (!core::JsonFile::parseObject(json, QStringLiteral("{\"design\": [1920, 1080], \"areas\": […]}"), &object, error))
        return false;
    Layout l;
    core::JsonReader r(object);
    const QJsonArray design = r.array(QStringLiteral("design"));
    if (!design.isEmpty()) {
        const int w = design.at(0).toInt(), h = design.at(1).toInt();
        if (design.size() != 2 || w < 640 || h < 360 || w > 7680 || h > 4320)
            r.fail(tr("design: [width, height] in pixels, from [640, 360] to [7680, 4320]"));
        l.design = QSize(w, h);
    }
    l.title = r.string(QStringLiteral("title"));
    l.fontFamily = r.string(QStringLiteral("font"));
    l.enlargedFontSize = readFontSize(r, QStringLiteral("enlargedFontSize"), l.enlargedFontSize);
    const QJsonObject colors = r.object(QStringLiteral("colors"));
    if (r.ok()) {
        core::JsonReader c(colors, QStringLiteral("colors"));
        l.background = readColor(c, QStringLiteral("background"), l.background);
        l.panel = readColor(c, QStringLiteral("panel"), l.panel);
        l.text = readColor(c, QStringLiteral("text"), l.text);
        l.number = readColor(c, QStringLiteral("number"), l.number);
        l.muted = readColor(c, QStringLiteral("muted"), l.muted);
        l.offline = readColor(c, QStringLiteral("offline"), l.offline);
        l.paused = readColor(c, QStringLiteral("paused"), l.paused);
        if (!c.finish() || !c.ok())
            r.fail(c.error());
    }

    const QJsonArray areas = r.array(QStringLiteral("areas"), true);
    const QRect screen(QPoint(0, 0), l.design);
    for (qsizetype i = 0; i < areas.size() && r.ok(); ++i) {
        const QString path = QStringLiteral("areas[%1]").arg(i);
        if (!areas.at(i).isObject()) {
            r.fail(tr("%1: must be an object {\"kind\": …, \"rect\": [x, y, width, height]}").arg(path));
            break;
        }
        core::JsonReader a(areas.at(i).toObject(), path);
        Area area;
        const QString kind = a.string(QStringLiteral("kind"), true);
        bool known = false;
        for (const KindName &k : Kinds) {
            if (kind == QLatin1String(k.name)) {
                area.kind = k.kind;
                known = true;
            }
        }
        if (a.ok() && !known)
            a.fail(tr("%1.kind: \"%2\" is none of %3").arg(path, kind, kindNames().join(QStringLiteral(", "))));
        if (a.ok() && l.area(area.kind))
            a.fail(tr("%1.kind: a second \"%2\" area").arg(path, kind));
        const QJsonArray rect = a.array(QStringLiteral("rect"), true);
        if (a.ok()) {
            bool numbers = rect.size() == 4;
            for (const QJsonValue &v : rect)
                numbers = numbers && v.isDouble();
            area.rect = QRect(rect.at(0).toInt(), rect.at(1).toInt(), rect.at(2).toInt(), rect.at(3).toInt());
            if (!numbers || area.rect.width() < 1 || area.rect.height() < 1)
                a.fail(tr("%1.rect: [x, y, width, height] in pixels, width and height above 0").arg(path));
            else if (!screen.contains(area.rect))
                a.fail(tr("%1.rect: [%2, %3, %4, %5] reaches outside the screen (%6×%7)")
                           .arg(path).arg(area.rect.x()).arg(area.rect.y()).arg(area.rect.width()).arg(area.rect.height())
                           .arg(l.design.width()).arg(l.design.height()));
            for (qsizetype j = 0; j < l.areas.size() && a.ok(); ++j) {
                if (l.areas.at(j).rect.intersects(area.rect))
                    a.fail(tr("%1.rect: overlaps areas[%2]").arg(path).arg(j));
            }
        }
        switch (area.kind) {
        case Area::Kind::Header:
            area.fontSize = readFontSize(a, QStringLiteral("fontSize"), 56);
            break;
        case Area::Kind::Windows:
            area.fontSize = readFontSize(a, QStringLiteral("fontSize"), 56);
            area.rows = a.integer(QStringLiteral("rows"), 6, 1, 20);
            area.columns = a.integer(QStringLiteral("columns"), 2, 1, 8);
            area.windows = readCodes(a, QStringLiteral("windows"));
            area.pageSeconds = a.integer(QStringLiteral("pageSeconds"), area.pageSeconds, 3, 120);
            if (a.ok() && area.rect.height() / area.rows < area.fontSize)
                a.fail(tr("%1: %2 rows of %3 px type do not fit in %4 px").arg(path).arg(area.rows).arg(area.fontSize).arg(area.rect.height()));
            break;
        case Area::Kind::Waiting:
            area.fontSize = readFontSize(a, QStringLiteral("fontSize"), 44);
            area.businesses = readCodes(a, QStringLiteral("businesses"));
            area.pageSeconds = a.integer(QStringLiteral("pageSeconds"), area.pageSeconds, 3, 120);
            break;
        case Area::Kind::Media: {
            const QString folder = a.string(QStringLiteral("folder"));
            area.folder = folder.isEmpty() ? QString() : QDir(baseFolder).absoluteFilePath(folder);
            area.imageSeconds = a.integer(QStringLiteral("imageSeconds"), area.imageSeconds, 2, 600);
            break;
        }
        case Area::Kind::Notice:
            area.fontSize = readFontSize(a, QStringLiteral("fontSize"), 48);
            area.text = a.string(QStringLiteral("text"));
            area.speed = a.integer(QStringLiteral("speed"), area.speed, 20, 1000);
            break;
        }
        if (a.ok() && area.fontSize > area.rect.height())
            a.fail(tr("%1.fontSize: %2 px type does not fit in the area's %3 px height").arg(path).arg(area.fontSize).arg(area.rect.height()));
        if (!a.finish() || !a.ok())
            r.fail(a.error());
        l.areas.append(area);
    }
    if (r.ok() && !l.area(Area::Kind::Windows))
        r.fail(tr("areas: a wall needs a \"windows\" area (the current calls)"));
    if (!r.finish()) {
        *error = r.error();
        return false;
    }
    *out = l;
    return true;
}

bool Layout::load(const QString &file, Layout *out, QString *error)
{
    // A built-in layout's relative folders are relative to the working folder.
    const QString base = file.startsWith(u':') ? QDir::currentPath() : QFileInfo(file).absolutePath();
    return core::JsonFile::load(file, tr("the wall layout"),
                                [&](const QByteArray &json, QString *problem) { return parse(json, base, out, problem); }, error);
}

} // namespace hall::display
