#include "cameraoptions.h"

#include <devices/evdev.h>
#include <devices/options.h>

#include <QCoreApplication>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace hall::drivers::camerauvc {

using devices::Device;

namespace {

// Messages of this file are translated in the DocumentCamera context.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(DocumentCamera)
};

qint64 area(const QSize &s)
{
    return qint64(s.width()) * s.height();
}

} // namespace

bool parseOptions(const QVariantMap &map, Options *out, QString *error)
{
    // Keys read elsewhere: Device (reconnectMs), PluginLoader (class).
    static const QSet<QString> known{QStringLiteral("resolution"), QStringLiteral("fieldMm"), QStringLiteral("previewFps"),
                                     QStringLiteral("previewWidth"), QStringLiteral("captureTimeoutMs"), QStringLiteral("pedal"),
                                     QStringLiteral("pedalKey"), QStringLiteral("pedalGrab"), QStringLiteral("reconnectMs"),
                                     QStringLiteral("class")};
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (!known.contains(it.key())) {
            *error = Text::tr("options.%1: unknown option of the camera-uvc driver (a typo?).").arg(it.key());
            return false;
        }
    }
    Options o;
    if (map.contains(QStringLiteral("resolution"))) {
        const QString text = map.value(QStringLiteral("resolution")).toString();
        o.resolution = parseSize(text);
        if (!o.resolution.isValid()) {
            *error = Text::tr("options.resolution: \"%1\" is not a size like 4160x3120.").arg(text);
            return false;
        }
    }
    if (map.contains(QStringLiteral("fieldMm"))) {
        const QVariant v = map.value(QStringLiteral("fieldMm"));
        bool ok = false;
        const double mm = v.toDouble(&ok);
        if (!ok || devices::isBoolValue(v) || (mm != 0 && (mm < 50 || mm > 2000))) {
            *error = Text::tr("options.fieldMm: \"%1\" is not a length from 50 to 2000 mm (or 0: unknown).").arg(v.toString());
            return false;
        }
        o.fieldMm = mm;
    }
    if (!devices::intOption(map, QStringLiteral("previewFps"), 1, 60, &o.previewFps, error)
        || !devices::intOption(map, QStringLiteral("previewWidth"), 160, 4096, &o.previewWidth, error)
        || !devices::intOption(map, QStringLiteral("captureTimeoutMs"), 100, 120000, &o.captureTimeoutMs, error))
        return false;
    o.pedal = map.value(QStringLiteral("pedal")).toString().trimmed();
    for (const char *k : {"pedalKey", "pedalGrab"}) {
        if (map.contains(QLatin1String(k)) && o.pedal.isEmpty()) {
            *error = Text::tr("options.%1 needs options.pedal, the foot pedal's input device.").arg(QLatin1String(k));
            return false;
        }
    }
    if (map.contains(QStringLiteral("pedalKey"))) {
        const QString key = map.value(QStringLiteral("pedalKey")).toString();
        if (key.compare(QLatin1String("any"), Qt::CaseInsensitive) != 0) {
            o.pedalKey = devices::evdevKeyCode(key);
            if (o.pedalKey < 0) {
                *error = Text::tr("options.pedalKey: \"%1\" is no key name like KEY_B or KEY_F5 (or \"any\").").arg(key);
                return false;
            }
        }
    }
    if (!devices::boolOption(map, QStringLiteral("pedalGrab"), &o.pedalGrab, error))
        return false;
    *out = o;
    return true;
}

QSize parseSize(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^\\s*(\\d{1,5})\\s*[xX×*]\\s*(\\d{1,5})\\s*$"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return {};
    const QSize s(m.captured(1).toInt(), m.captured(2).toInt());
    return s.width() > 0 && s.height() > 0 ? s : QSize();
}

QString sizeText(const QSize &size)
{
    return QStringLiteral("%1×%2").arg(size.width()).arg(size.height());
}

QString sizesText(const QList<QSize> &sizes)
{
    if (sizes.isEmpty())
        return Text::tr("none");
    QStringList out;
    for (const QSize &s : sizes)
        out.append(sizeText(s));
    return out.join(QStringLiteral(", "));
}

QList<QSize> sortedResolutions(QList<QSize> sizes)
{
    sizes.removeIf([](const QSize &s) { return s.width() <= 0 || s.height() <= 0; });
    std::sort(sizes.begin(), sizes.end(), [](const QSize &a, const QSize &b) {
        return area(a) != area(b) ? area(a) > area(b) : a.width() > b.width();
    });
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    return sizes;
}

QSize chooseStillResolution(const QList<QSize> &offered, const QSize &wanted)
{
    const QList<QSize> sorted = sortedResolutions(offered);
    if (wanted.isEmpty())
        return sorted.value(0);
    return sorted.contains(wanted) ? wanted : QSize();
}

Port parsePort(const QString &port)
{
    const QString p = port.trimmed();
    if (p.isEmpty() || p.compare(QLatin1String("default"), Qt::CaseInsensitive) == 0)
        return {Port::Default, {}};
    if (p.startsWith(QLatin1String("file:")))
        return {Port::File, p.mid(5)};
    return {Port::Camera, p};
}

int matchCamera(const QList<CameraInfo> &cameras, const Port &port)
{
    if (cameras.isEmpty() || port.kind == Port::File)
        return -1;
    if (port.kind == Port::Default) {
        for (qsizetype i = 0; i < cameras.size(); ++i) {
            if (cameras.at(i).isDefault)
                return int(i);
        }
        return 0;
    }
    for (qsizetype i = 0; i < cameras.size(); ++i) {
        if (cameras.at(i).id == port.value)
            return int(i);
    }
    for (qsizetype i = 0; i < cameras.size(); ++i) {
        if (cameras.at(i).description.contains(port.value, Qt::CaseInsensitive))
            return int(i);
    }
    return -1;
}

int chooseFormat(const QList<StreamFormat> &formats, const QSize &still)
{
    int best = -1;
    for (qsizetype i = 0; i < formats.size(); ++i) {
        const StreamFormat &f = formats.at(i);
        if (f.resolution != still)
            continue;
        if (best < 0)
            best = int(i);
        const StreamFormat &b = formats.at(best);
        if (f.maxFps > b.maxFps || (f.maxFps == b.maxFps && f.compressed && !b.compressed))
            best = int(i);
    }
    return best;
}

int dotsPerMeter(const QSize &still, double fieldMm)
{
    if (fieldMm <= 0 || still.isEmpty())
        return 0;
    return qRound(std::max(still.width(), still.height()) / (fieldMm / 1000.0));
}

CameraProblem classifyCameraError(const QString &camera, const QString &text)
{
    const QString t = text.toLower();
    if (t.contains(QLatin1String("busy")) || t.contains(QLatin1String("in use")) || t.contains(QLatin1String("ebusy")))
        return {Device::Error::DeviceReported,
                Text::tr("Camera %1 is in use by another program (another capture window, a video call?): close it and "
                         "try again.").arg(camera)};
    if (t.contains(QLatin1String("permission")) || t.contains(QLatin1String("not permitted")) || t.contains(QLatin1String("eacces")))
        return {Device::Error::PermissionDenied,
                Text::tr("Camera %1 may not be opened by this user: add the user to the \"video\" group or install a "
                         "udev rule for the camera.").arg(camera)};
    return {Device::Error::DeviceReported, Text::tr("Camera %1 reported an error: %2").arg(camera, text)};
}

} // namespace hall::drivers::camerauvc
