#include "sanescanner.h"

#include <devices/options.h>

#include <core/logging.h>

#include <sane/saneopts.h>

#include <QLoggingCategory>
#include <QMutex>

#include <cstring>

// Lives here until core/logging.h, the list of categories, gains it.

namespace hall::drivers::sane {

using devices::ScannerOptions;
using devices::ScanSettings;

namespace {

// sane_init()/sane_exit() are process-wide and not reference counted: every SaneScanner holds
// one reference while it exists. The device list, sane_open() and sane_close() go through the
// dll backend's shared state and are serialised; scanning on two handles runs in parallel.
QMutex g_saneMutex;

// Statuses of later SANE versions, #if 0 in sane.h, which some backends return already.
constexpr int StatusWarmingUp = 12; // lamp not ready, retry
constexpr int StatusHwLocked = 13;  // mechanism locked for transport

int g_saneUsers = 0;

SANE_Status acquireSane()
{
    QMutexLocker lock(&g_saneMutex);
    if (g_saneUsers == 0) {
        SANE_Int version = 0;
        const SANE_Status status = sane_init(&version, nullptr);
        if (status != SANE_STATUS_GOOD)
            return status;
        qCDebug(lcDriverSane) << "sane_init" << SANE_VERSION_MAJOR(version) << SANE_VERSION_MINOR(version)
                              << SANE_VERSION_BUILD(version);
    }
    ++g_saneUsers;
    return SANE_STATUS_GOOD;
}

void releaseSane()
{
    QMutexLocker lock(&g_saneMutex);
    if (--g_saneUsers == 0)
        sane_exit();
}

QString fromSane(SANE_String_Const s)
{
    return s ? QString::fromUtf8(s) : QString();
}

bool containsAny(const QString &text, std::initializer_list<const char *> words)
{
    for (const char *w : words) {
        if (text.contains(QLatin1String(w), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

// Which mode string of a backend is which colour mode ("Color", "24bit Color", "Gray",
// "Grayscale", "Lineart", "Binary", "Black & White" …). "Color Lineart" and halftones are none.
std::optional<ScanSettings::ColourMode> modeOf(const QString &name)
{
    if (containsAny(name, {"halftone", "dither"}))
        return std::nullopt;
    if (containsAny(name, {"lineart", "line art", "binary", "black & white", "black and white", "monochrome"}))
        return containsAny(name, {"color", "colour"}) ? std::nullopt : std::optional(ScanSettings::ColourMode::Lineart);
    if (containsAny(name, {"color", "colour"}))
        return ScanSettings::ColourMode::Colour;
    if (containsAny(name, {"gray", "grey"}))
        return ScanSettings::ColourMode::Gray;
    return std::nullopt;
}

// "Automatic Document Feeder", "ADF", "ADF Front", "ADF Duplex" … and "Flatbed", "Normal".
std::optional<ScanSettings::Source> sourceOf(const QString &name)
{
    if (containsAny(name, {"adf", "feeder", "automatic"}))
        return ScanSettings::Source::Adf;
    if (containsAny(name, {"flatbed", "normal", "document table", "platen"}))
        return ScanSettings::Source::Flatbed;
    return std::nullopt;
}

int sampleAt(const uchar *line, int i, int depth)
{
    switch (depth) {
    case 1:
        return (line[i >> 3] >> (7 - (i & 7))) & 1 ? 255 : 0;
    case 16: {
        quint16 v;
        std::memcpy(&v, line + 2 * i, 2); // native byte order, as SANE sends it
        return v >> 8;
    }
    default:
        return line[i];
    }
}

// One frame of sane_read() data into the page image. Gray and RGB frames make the image;
// red, green and blue frames (three-pass scanners) fill one channel of it each.
bool frameToImage(const SANE_Parameters &p, const QByteArray &data, QImage *image)
{
    const int bpl = p.bytes_per_line;
    const int w = p.pixels_per_line;
    if (bpl <= 0 || w <= 0)
        return false;
    int lines = int(data.size() / bpl); // also for hand scanners (lines == -1)
    if (p.lines > 0)
        lines = std::min(lines, int(p.lines));
    if (lines <= 0)
        return false;
    const auto *src = reinterpret_cast<const uchar *>(data.constData());
    switch (p.format) {
    case SANE_FRAME_GRAY:
        if (p.depth == 1) {
            // SANE line art: a set bit is black, most significant bit first, as Format_Mono.
            QImage img(w, lines, QImage::Format_Mono);
            img.setColorTable({qRgb(255, 255, 255), qRgb(0, 0, 0)});
            const int n = (w + 7) / 8;
            for (int y = 0; y < lines; ++y)
                std::memcpy(img.scanLine(y), src + qsizetype(y) * bpl, n);
            *image = img;
        } else {
            QImage img(w, lines, QImage::Format_Grayscale8);
            for (int y = 0; y < lines; ++y) {
                const uchar *line = src + qsizetype(y) * bpl;
                uchar *out = img.scanLine(y);
                if (p.depth == 8) {
                    std::memcpy(out, line, w);
                } else {
                    for (int x = 0; x < w; ++x)
                        out[x] = uchar(sampleAt(line, x, p.depth));
                }
            }
            *image = img;
        }
        return true;
    case SANE_FRAME_RGB: {
        QImage img(w, lines, QImage::Format_RGB888);
        for (int y = 0; y < lines; ++y) {
            const uchar *line = src + qsizetype(y) * bpl;
            uchar *out = img.scanLine(y);
            if (p.depth == 8) {
                std::memcpy(out, line, qsizetype(w) * 3);
            } else {
                for (int i = 0; i < w * 3; ++i)
                    out[i] = uchar(sampleAt(line, i, p.depth));
            }
        }
        *image = img;
        return true;
    }
    case SANE_FRAME_RED:
    case SANE_FRAME_GREEN:
    case SANE_FRAME_BLUE: {
        const int channel = p.format == SANE_FRAME_RED ? 0 : p.format == SANE_FRAME_GREEN ? 1 : 2;
        if (image->format() != QImage::Format_RGB888 || image->width() != w || image->height() < lines) {
            *image = QImage(w, lines, QImage::Format_RGB888);
            image->fill(Qt::black);
        }
        for (int y = 0; y < lines; ++y) {
            const uchar *line = src + qsizetype(y) * bpl;
            uchar *out = image->scanLine(y);
            for (int x = 0; x < w; ++x)
                out[x * 3 + channel] = uchar(sampleAt(line, x, p.depth));
        }
        return true;
    }
    default:
        return false;
    }
}

} // namespace

SaneScanner::SaneScanner(devices::DeviceConfig config, QObject *parent) : Scanner(std::move(config), parent) {}

SaneScanner::~SaneScanner()
{
    closeDevice();
    if (m_session)
        releaseSane();
}

devices::Device::Error SaneScanner::statusError(SANE_Status status)
{
    switch (int(status)) {
    case SANE_STATUS_GOOD:
    case SANE_STATUS_EOF:
        return Error::NoError;
    case SANE_STATUS_UNSUPPORTED:
        return Error::NotSupported;
    case SANE_STATUS_CANCELLED:
        return Error::Cancelled;
    case SANE_STATUS_INVAL:
        return Error::Configuration;
    case SANE_STATUS_IO_ERROR:
        return Error::ConnectionLost;
    case SANE_STATUS_ACCESS_DENIED:
        return Error::PermissionDenied;
    case SANE_STATUS_DEVICE_BUSY:
    case SANE_STATUS_JAMMED:
    case SANE_STATUS_NO_DOCS:
    case SANE_STATUS_COVER_OPEN:
    case SANE_STATUS_NO_MEM:
    case StatusWarmingUp:
    case StatusHwLocked:
    default:
        return Error::DeviceReported;
    }
}

QString SaneScanner::statusMessage(SANE_Status status, const QString &device)
{
    switch (int(status)) {
    case SANE_STATUS_GOOD:
    case SANE_STATUS_EOF:
        return {};
    case SANE_STATUS_UNSUPPORTED:
        return tr("Scanner %1 does not support this operation.").arg(device);
    case SANE_STATUS_CANCELLED:
        return tr("The scan on %1 was cancelled.").arg(device);
    case SANE_STATUS_DEVICE_BUSY:
        return tr("Scanner %1 is busy, perhaps used by another program: wait a moment and scan again.").arg(device);
    case SANE_STATUS_INVAL:
        return tr("Scanner %1 refused the scan settings.").arg(device);
    case SANE_STATUS_JAMMED:
        return tr("Paper jam in the document feeder of %1: clear the jammed page and scan again.").arg(device);
    case SANE_STATUS_NO_DOCS:
        return tr("The document feeder of %1 is empty: put the pages in and scan again.").arg(device);
    case SANE_STATUS_COVER_OPEN:
        return tr("The cover of scanner %1 is open: close it and scan again.").arg(device);
    case SANE_STATUS_IO_ERROR:
        return tr("Lost contact with scanner %1 (input/output error): check its cable and power.").arg(device);
    case SANE_STATUS_NO_MEM:
        return tr("Not enough memory to scan on %1: scan at a lower resolution.").arg(device);
    case SANE_STATUS_ACCESS_DENIED:
        return tr("Access to scanner %1 was denied: this user may not use it (check the scanner group or udev rules).").arg(device);
    case StatusWarmingUp:
        return tr("Scanner %1 is warming up its lamp: scan again in a moment.").arg(device);
    case StatusHwLocked:
        return tr("The mechanism of scanner %1 is locked for transport: unlock it (see its manual) and scan again.").arg(device);
    default:
        return tr("Scanner %1 reported an unknown SANE status %2.").arg(device).arg(int(status));
    }
}

SaneScanner::Failure SaneScanner::statusFailure(SANE_Status status) const
{
    return {statusError(status), statusMessage(status, m_name)};
}

SaneScanner::Failure SaneScanner::cancelledFailure(const QString &jobId) const
{
    return {Error::Cancelled, tr("Scan %1 was cancelled.").arg(jobId)};
}

bool SaneScanner::ensureSession(Failure *failure)
{
    if (m_session)
        return true;
    const SANE_Status status = acquireSane();
    if (status != SANE_STATUS_GOOD) {
        *failure = {Error::NotSupported, tr("SANE could not be initialised: %1").arg(fromSane(sane_strstatus(status)))};
        return false;
    }
    m_session = true;
    return true;
}

void SaneScanner::listDevices()
{
    Failure failure;
    QList<devices::ScannerInfo> out;
    if (!ensureSession(&failure)) {
        setError(failure.error, failure.message);
        Q_EMIT devicesListed(out);
        return;
    }
    const SANE_Device **list = nullptr;
    SANE_Status status;
    {
        QMutexLocker lock(&g_saneMutex);
        status = sane_get_devices(&list, SANE_FALSE);
        for (int i = 0; status == SANE_STATUS_GOOD && list && list[i]; ++i)
            out.append({fromSane(list[i]->name), fromSane(list[i]->vendor), fromSane(list[i]->model), fromSane(list[i]->type)});
    }
    if (status != SANE_STATUS_GOOD)
        setError(statusError(status), tr("SANE could not list the scanners: %1").arg(fromSane(sane_strstatus(status))));
    Q_EMIT devicesListed(out);
}

bool SaneOptions::parse(const QVariantMap &options, SaneOptions *out, QString *error)
{
    // Typos in the configuration are refused, not ignored.
    for (auto it = options.cbegin(); it != options.cend(); ++it) {
        if (it.key() != QLatin1String("saneOptions") && !devices::commonOptionKeys().contains(it.key())) {
            *error = SaneScanner::tr("options.%1: unknown option (saneOptions, reconnectMs).").arg(it.key());
            return false;
        }
    }
    const QVariant backend = options.value(QStringLiteral("saneOptions"));
    if (backend.isValid() && backend.typeId() != QMetaType::QVariantMap) {
        *error = SaneScanner::tr("options.saneOptions: give the backend's options as an object, like {\"mode\": \"Color\"}, not \"%1\".")
                     .arg(backend.toString());
        return false;
    }
    out->saneOptions = backend.toMap();
    return true;
}

QList<devices::DeviceInfo> SaneScanner::availableDevices(QString *error)
{
    QList<devices::DeviceInfo> out;
    const SANE_Status init = acquireSane();
    if (init != SANE_STATUS_GOOD) {
        *error = tr("SANE could not be initialised: %1").arg(fromSane(sane_strstatus(init)));
        return out;
    }
    SANE_Status status;
    {
        QMutexLocker lock(&g_saneMutex);
        const SANE_Device **list = nullptr;
        status = sane_get_devices(&list, SANE_FALSE);
        for (int i = 0; status == SANE_STATUS_GOOD && list && list[i]; ++i) {
            devices::DeviceInfo info;
            info.port = fromSane(list[i]->name);
            info.manufacturer = fromSane(list[i]->vendor);
            info.description = QStringLiteral("%1 %2").arg(info.manufacturer, fromSane(list[i]->model)).trimmed();
            info.details = {{QStringLiteral("model"), fromSane(list[i]->model)}, {QStringLiteral("type"), fromSane(list[i]->type)}};
            out.append(info);
        }
    }
    if (status != SANE_STATUS_GOOD)
        *error = tr("SANE could not list the scanners: %1").arg(fromSane(sane_strstatus(status)));
    releaseSane();
    return out;
}

bool SaneScanner::openDevice()
{
    // A wrong configuration first: it is wrong whether SANE works or not.
    QString error;
    if (!SaneOptions::parse(config().options, &m_options, &error)) {
        setError(Error::Configuration, error);
        return false;
    }
    Failure failure;
    if (!ensureSession(&failure)) {
        setError(failure.error, failure.message);
        return false;
    }
    QString name = config().port.trimmed();
    SANE_Status status;
    {
        QMutexLocker lock(&g_saneMutex);
        if (name.isEmpty() || name == QLatin1String("auto")) {
            const SANE_Device **list = nullptr;
            status = sane_get_devices(&list, SANE_FALSE);
            if (status != SANE_STATUS_GOOD || !list || !list[0]) {
                lock.unlock();
                setError(Error::NotFound, tr("No scanner found: SANE sees none. Is the scanner plugged in and switched on? "
                                             "(scanimage -L lists the scanners SANE sees.)"));
                return false;
            }
            name = fromSane(list[0]->name);
        }
        status = sane_open(name.toUtf8().constData(), &m_handle);
    }
    m_name = name;
    if (status != SANE_STATUS_GOOD) {
        m_handle = nullptr;
        if (status == SANE_STATUS_INVAL || status == SANE_STATUS_IO_ERROR)
            setError(Error::NotFound, tr("No scanner \"%1\": SANE cannot open it (%2). Is it plugged in and switched on? "
                                         "(scanimage -L lists the scanners SANE sees.)")
                                          .arg(name, fromSane(sane_strstatus(status))));
        else
            setError(statusError(status), statusMessage(status, name));
        return false;
    }
    indexOptions();

    // The backend options of the configuration; some only become active once another is set
    // (the test backend's read-delay-duration after read-delay), so the refused ones get a
    // second round.
    QVariantMap pending = m_options.saneOptions;
    for (int round = 0; round < 2 && !pending.isEmpty(); ++round) {
        QVariantMap refused;
        for (auto it = pending.cbegin(); it != pending.cend(); ++it) {
            Failure f;
            if (!setOption(it.key(), it.value(), &f))
                refused.insert(it.key(), it.value());
        }
        if (refused.size() == pending.size())
            break;
        pending = refused;
    }
    if (!pending.isEmpty()) {
        Failure f;
        setOption(pending.firstKey(), pending.first(), &f);
        setError(Error::Configuration, tr("saneOptions of %1: %2").arg(name, f.message));
        closeDevice();
        return false;
    }
    setOptions(readOptions());
    return true;
}

void SaneScanner::closeDevice()
{
    if (!m_handle)
        return;
    QMutexLocker lock(&g_saneMutex);
    sane_cancel(m_handle);
    sane_close(m_handle);
    m_handle = nullptr;
    m_index.clear();
}

void SaneScanner::indexOptions()
{
    m_index.clear();
    SANE_Int count = 0;
    if (sane_control_option(m_handle, 0, SANE_ACTION_GET_VALUE, &count, nullptr) != SANE_STATUS_GOOD)
        count = 0;
    for (int i = 1; i < count; ++i) {
        const SANE_Option_Descriptor *d = sane_get_option_descriptor(m_handle, i);
        if (d && d->name && *d->name && d->type != SANE_TYPE_GROUP)
            m_index.insert(fromSane(d->name), i);
    }
}

const SANE_Option_Descriptor *SaneScanner::descriptor(int index) const
{
    // Fetched each time: setting one option may change another's descriptor.
    return index > 0 && m_handle ? sane_get_option_descriptor(m_handle, index) : nullptr;
}

QVariant SaneScanner::optionValue(const QString &name) const
{
    const int i = optionIndex(name);
    const SANE_Option_Descriptor *d = descriptor(i);
    if (!d || (d->cap & SANE_CAP_INACTIVE) || d->size <= 0)
        return {};
    QByteArray buf(d->size + 1, '\0');
    if (sane_control_option(m_handle, i, SANE_ACTION_GET_VALUE, buf.data(), nullptr) != SANE_STATUS_GOOD)
        return {};
    SANE_Word w;
    switch (d->type) {
    case SANE_TYPE_BOOL:
        std::memcpy(&w, buf.constData(), sizeof w);
        return w == SANE_TRUE;
    case SANE_TYPE_INT:
        std::memcpy(&w, buf.constData(), sizeof w);
        return int(w);
    case SANE_TYPE_FIXED:
        std::memcpy(&w, buf.constData(), sizeof w);
        return SANE_UNFIX(w);
    case SANE_TYPE_STRING:
        return QString::fromUtf8(buf.constData());
    default:
        return {};
    }
}

QStringList SaneScanner::stringList(const QString &name) const
{
    QStringList out;
    const SANE_Option_Descriptor *d = descriptor(optionIndex(name));
    if (d && !(d->cap & SANE_CAP_INACTIVE) && d->constraint_type == SANE_CONSTRAINT_STRING_LIST) {
        for (int i = 0; d->constraint.string_list[i]; ++i)
            out.append(fromSane(d->constraint.string_list[i]));
    }
    return out;
}

bool SaneScanner::setOption(const QString &name, const QVariant &value, Failure *failure)
{
    const int i = optionIndex(name);
    const SANE_Option_Descriptor *d = descriptor(i);
    if (!d) {
        *failure = {Error::Configuration, tr("scanner %1 has no option \"%2\".").arg(m_name, name)};
        return false;
    }
    if (d->cap & SANE_CAP_INACTIVE) {
        *failure = {Error::Configuration, tr("option \"%1\" of scanner %2 is inactive with the other settings.").arg(name, m_name)};
        return false;
    }
    if (!(d->cap & SANE_CAP_SOFT_SELECT)) {
        *failure = {Error::Configuration, tr("option \"%1\" of scanner %2 cannot be set by software.").arg(name, m_name)};
        return false;
    }
    const auto bad = [&] {
        *failure = {Error::Configuration, tr("\"%1\" is not a valid value for option \"%2\" of scanner %3.")
                                              .arg(value.toString(), name, m_name)};
        return false;
    };
    QByteArray buf;
    SANE_Word w = 0;
    bool ok = true;
    switch (d->type) {
    case SANE_TYPE_BOOL: {
        const QString s = value.toString().toLower();
        if (value.typeId() == QMetaType::Bool || s == QLatin1String("true") || s == QLatin1String("false"))
            w = value.toBool() ? SANE_TRUE : SANE_FALSE;
        else if (s == QLatin1String("yes") || s == QLatin1String("no"))
            w = s == QLatin1String("yes") ? SANE_TRUE : SANE_FALSE;
        else
            return bad();
        break;
    }
    case SANE_TYPE_INT:
        w = SANE_Word(value.toInt(&ok));
        break;
    case SANE_TYPE_FIXED:
        w = SANE_FIX(value.toDouble(&ok));
        break;
    case SANE_TYPE_STRING: {
        const QByteArray s = value.toString().toUtf8();
        if (s.size() >= d->size)
            return bad();
        if (d->constraint_type == SANE_CONSTRAINT_STRING_LIST && !stringList(name).contains(value.toString()))
            return bad();
        buf = s;
        buf.resize(d->size, '\0');
        break;
    }
    case SANE_TYPE_BUTTON:
        break;
    default:
        return bad();
    }
    if (!ok)
        return bad();
    if ((d->type == SANE_TYPE_INT || d->type == SANE_TYPE_FIXED) && d->size != sizeof(SANE_Word)) {
        *failure = {Error::Configuration, tr("option \"%1\" of scanner %2 is a list, which the configuration cannot set.").arg(name, m_name)};
        return false;
    }
    if ((d->type == SANE_TYPE_INT || d->type == SANE_TYPE_FIXED) && d->constraint_type == SANE_CONSTRAINT_RANGE) {
        const SANE_Range *r = d->constraint.range;
        if (w < r->min || w > r->max)
            return bad();
    }
    if ((d->type == SANE_TYPE_INT || d->type == SANE_TYPE_FIXED) && d->constraint_type == SANE_CONSTRAINT_WORD_LIST) {
        const SANE_Word *list = d->constraint.word_list;
        if (std::find(list + 1, list + 1 + list[0], w) == list + 1 + list[0])
            return bad();
    }
    void *data = d->type == SANE_TYPE_STRING ? static_cast<void *>(buf.data())
               : d->type == SANE_TYPE_BUTTON ? nullptr
                                             : static_cast<void *>(&w);
    SANE_Int info = 0;
    const SANE_Status status = sane_control_option(m_handle, i, SANE_ACTION_SET_VALUE, data, &info);
    if (status != SANE_STATUS_GOOD) {
        if (status == SANE_STATUS_INVAL)
            return bad();
        *failure = statusFailure(status);
        return false;
    }
    qCDebug(lcDriverSane) << m_name << name << "=" << value << "info" << info;
    return true;
}

ScannerOptions SaneScanner::readOptions() const
{
    ScannerOptions o;
    if (const SANE_Option_Descriptor *d = descriptor(optionIndex(QStringLiteral(SANE_NAME_SCAN_RESOLUTION)))) {
        const auto dpi = [d](SANE_Word w) { return d->type == SANE_TYPE_FIXED ? int(SANE_UNFIX(w) + 0.5) : int(w); };
        if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST) {
            for (int i = 1; i <= d->constraint.word_list[0]; ++i)
                o.resolutions.append(dpi(d->constraint.word_list[i]));
        } else if (d->constraint_type == SANE_CONSTRAINT_RANGE) {
            o.minDpi = dpi(d->constraint.range->min);
            o.maxDpi = dpi(d->constraint.range->max);
        }
    }
    const QStringList modes = stringList(QStringLiteral(SANE_NAME_SCAN_MODE));
    for (const QString &m : modes) {
        if (const auto mode = modeOf(m); mode && !o.modes.contains(*mode))
            o.modes.append(*mode);
    }
    // No line-art mode, but gray at one bit is line art (the test backend, some CIS scanners).
    const SANE_Option_Descriptor *depth = descriptor(optionIndex(QStringLiteral(SANE_NAME_BIT_DEPTH)));
    if (!o.modes.contains(ScanSettings::ColourMode::Lineart) && o.modes.contains(ScanSettings::ColourMode::Gray) && depth
        && depth->constraint_type == SANE_CONSTRAINT_WORD_LIST) {
        const SANE_Word *list = depth->constraint.word_list;
        if (std::find(list + 1, list + 1 + list[0], 1) != list + 1 + list[0])
            o.modes.append(ScanSettings::ColourMode::Lineart);
    }
    const QStringList sources = stringList(QStringLiteral(SANE_NAME_SCAN_SOURCE));
    for (const QString &s : sources) {
        if (const auto source = sourceOf(s); source && !o.sources.contains(*source))
            o.sources.append(*source);
    }
    if (optionIndex(QStringLiteral(SANE_NAME_SCAN_SOURCE)) < 0)
        o.sources.append(ScanSettings::Source::Flatbed);
    return o;
}

bool SaneScanner::applySettings(const ScanSettings &settings, int *dpi, Failure *failure)
{
    // Source first, then mode and depth: each may change what the next one offers.
    if (optionIndex(QStringLiteral(SANE_NAME_SCAN_SOURCE)) >= 0) {
        QString pick;
        const QStringList sources = stringList(QStringLiteral(SANE_NAME_SCAN_SOURCE));
        for (const QString &s : sources) {
            // Simplex before duplex: the first non-duplex name of the kind.
            if (sourceOf(s) == settings.source && (pick.isEmpty() || (pick.contains(QLatin1String("duplex"), Qt::CaseInsensitive)
                                                                       && !s.contains(QLatin1String("duplex"), Qt::CaseInsensitive))))
                pick = s;
        }
        if (pick.isEmpty()) {
            *failure = {Error::Configuration, settings.source == ScanSettings::Source::Adf
                                                  ? tr("Scanner %1 has no document feeder (it offers: %2).").arg(m_name, sources.join(QStringLiteral(", ")))
                                                  : tr("Scanner %1 has no flatbed (it offers: %2).").arg(m_name, sources.join(QStringLiteral(", ")))};
            return false;
        }
        if (!setOption(QStringLiteral(SANE_NAME_SCAN_SOURCE), pick, failure))
            return false;
    } else if (settings.source != ScanSettings::Source::Flatbed) {
        *failure = {Error::Configuration, tr("Scanner %1 has no document feeder.").arg(m_name)};
        return false;
    }

    if (settings.mode != ScanSettings::ColourMode::Colour && settings.mode != ScanSettings::ColourMode::Gray
        && settings.mode != ScanSettings::ColourMode::Lineart) {
        *failure = {Error::Configuration, tr("Unknown colour mode %1 (colour, gray or line art).").arg(int(settings.mode))};
        return false;
    }
    int depth = 8;
    if (optionIndex(QStringLiteral(SANE_NAME_SCAN_MODE)) >= 0) {
        const QStringList modes = stringList(QStringLiteral(SANE_NAME_SCAN_MODE));
        QString pick;
        for (const QString &m : modes) {
            if (pick.isEmpty() && modeOf(m) == settings.mode)
                pick = m;
        }
        if (pick.isEmpty() && settings.mode == ScanSettings::ColourMode::Lineart
            && readOptions().modes.contains(ScanSettings::ColourMode::Lineart)) {
            for (const QString &m : modes) {
                if (pick.isEmpty() && modeOf(m) == ScanSettings::ColourMode::Gray)
                    pick = m;
            }
            depth = 1;
        }
        if (pick.isEmpty()) {
            const char *names[] = {QT_TR_NOOP("colour"), QT_TR_NOOP("gray"), QT_TR_NOOP("line art")};
            *failure = {Error::Configuration, tr("Scanner %1 cannot scan in %2 (it offers: %3).")
                                                  .arg(m_name, tr(names[int(settings.mode)]), modes.join(QStringLiteral(", ")))};
            return false;
        }
        if (!setOption(QStringLiteral(SANE_NAME_SCAN_MODE), pick, failure))
            return false;
    }
    const SANE_Option_Descriptor *depthOption = descriptor(optionIndex(QStringLiteral(SANE_NAME_BIT_DEPTH)));
    if (depthOption && !(depthOption->cap & SANE_CAP_INACTIVE) && (depthOption->cap & SANE_CAP_SOFT_SELECT)
        && optionValue(QStringLiteral(SANE_NAME_BIT_DEPTH)).toInt() != depth) {
        if (!setOption(QStringLiteral(SANE_NAME_BIT_DEPTH), depth, failure))
            return false;
    }

    const QString resolution = QStringLiteral(SANE_NAME_SCAN_RESOLUTION);
    if (optionIndex(resolution) >= 0) {
        const ScannerOptions offered = readOptions();
        if (!offered.offersDpi(settings.dpi)) {
            const QString range = offered.resolutions.isEmpty()
                ? tr("%1–%2 dpi").arg(offered.minDpi).arg(offered.maxDpi)
                : tr("%1 dpi").arg([&] {
                      QStringList l;
                      for (int r : offered.resolutions)
                          l.append(QString::number(r));
                      return l.join(QStringLiteral(", "));
                  }());
            *failure = {Error::Configuration, tr("Scanner %1 cannot scan at %2 dpi (it offers %3).").arg(m_name).arg(settings.dpi).arg(range)};
            return false;
        }
        if (!setOption(resolution, settings.dpi, failure))
            return false;
        // The backend may round to its steps: the page carries what it really used.
        *dpi = qRound(optionValue(resolution).toDouble());
        if (*dpi <= 0)
            *dpi = settings.dpi;
    } else {
        *dpi = settings.dpi;
    }
    return true;
}

void SaneScanner::stopScanner()
{
    sane_cancel(m_handle);
}

SaneScanner::PageResult SaneScanner::readPage(const QString &jobId, int index, int totalPages, int dpi, QImage *page,
                                              Failure *failure)
{
    QImage image;
    int frame = 0;
    int lastPercent = -1;
    QByteArray buffer(64 * 1024, Qt::Uninitialized);
    for (;;) {
        if (cancelRequested(jobId)) {
            *failure = cancelledFailure(jobId);
            return PageResult::Failed;
        }
        SANE_Status status = sane_start(m_handle);
        if (status == SANE_STATUS_NO_DOCS && frame == 0)
            return PageResult::NoDocuments;
        if (status != SANE_STATUS_GOOD) {
            *failure = status == SANE_STATUS_CANCELLED ? cancelledFailure(jobId) : statusFailure(status);
            return PageResult::Failed;
        }
        SANE_Parameters p;
        status = sane_get_parameters(m_handle, &p);
        if (status != SANE_STATUS_GOOD) {
            *failure = statusFailure(status);
            return PageResult::Failed;
        }
        const bool threePass = p.format == SANE_FRAME_RED || p.format == SANE_FRAME_GREEN || p.format == SANE_FRAME_BLUE;
        if ((p.format != SANE_FRAME_GRAY && p.format != SANE_FRAME_RGB && !threePass)
            || (p.depth != 1 && p.depth != 8 && p.depth != 16)) {
            *failure = {Error::NotSupported, tr("Scanner %1 sends frames of type %2 at %3 bits, which HallSuite cannot read.")
                                                 .arg(m_name).arg(int(p.format)).arg(p.depth)};
            return PageResult::Failed;
        }
        const int frames = threePass ? 3 : 1;
        const qint64 expected = p.lines > 0 ? qint64(p.bytes_per_line) * p.lines : -1;
        QByteArray data;
        if (expected > 0)
            data.reserve(expected);
        for (;;) {
            if (cancelRequested(jobId)) {
                *failure = cancelledFailure(jobId);
                return PageResult::Failed;
            }
            SANE_Int length = 0;
            status = sane_read(m_handle, reinterpret_cast<SANE_Byte *>(buffer.data()), SANE_Int(buffer.size()), &length);
            if (status == SANE_STATUS_EOF)
                break;
            if (status != SANE_STATUS_GOOD) {
                *failure = status == SANE_STATUS_CANCELLED ? cancelledFailure(jobId) : statusFailure(status);
                return PageResult::Failed;
            }
            data.append(buffer.constData(), length);
            if (expected > 0) {
                const double pageDone = (frame + std::min(1.0, double(data.size()) / double(expected))) / frames;
                const int percent = totalPages > 0 ? int(100 * (index + pageDone) / totalPages) : int(100 * pageDone);
                if (percent > lastPercent) {
                    lastPercent = percent;
                    Q_EMIT progress(jobId, percent);
                }
            }
        }
        if (!frameToImage(p, data, &image)) {
            *failure = {Error::Protocol, tr("Scanner %1 sent an incomplete page (%2 bytes).").arg(m_name).arg(data.size())};
            return PageResult::Failed;
        }
        ++frame;
        if (p.last_frame)
            break;
    }
    const int dpm = qRound(dpi / 0.0254);
    image.setDotsPerMeterX(dpm);
    image.setDotsPerMeterY(dpm);
    *page = image;
    return PageResult::Page;
}

void SaneScanner::scan(const QString &jobId, const ScanSettings &settings)
{
    const auto fail = [&](const Failure &f, bool deviceError = true) {
        forgetCancel(jobId);
        if (m_handle)
            stopScanner();
        Q_EMIT failed(jobId, f.error, f.message);
        if (f.error == Error::ConnectionLost) {
            connectionLost(f.message);
            return;
        }
        if (deviceError && f.error != Error::Cancelled)
            setError(f.error, f.message);
        if (isOpen())
            setState(State::Ready);
    };
    if (!isOpen() || state() == State::Busy) {
        fail({state() == State::Busy ? Error::DeviceReported : Error::NotFound,
              state() == State::Busy ? tr("Scanner %1 is already scanning.").arg(m_name)
                                     : tr("Scanner %1 is not ready: %2").arg(config().port, errorString())},
             false); // the device's own error says it already
        return;
    }
    setState(State::Busy);
    Failure failure;
    int dpi = settings.dpi;
    if (!applySettings(settings, &dpi, &failure)) {
        fail(failure);
        return;
    }
    const bool adf = settings.source == ScanSettings::Source::Adf;
    const int totalPages = adf ? std::max(0, settings.maxPages) : 1;
    int pages = 0;
    for (;;) {
        QImage page;
        const PageResult result = readPage(jobId, pages, totalPages, dpi, &page, &failure);
        if (result == PageResult::Failed) {
            fail(failure);
            return;
        }
        if (result == PageResult::NoDocuments) {
            if (pages == 0) {
                fail(statusFailure(SANE_STATUS_NO_DOCS));
                return;
            }
            break;
        }
        Q_EMIT pageScanned(jobId, pages, page);
        ++pages;
        if (!adf || (settings.maxPages > 0 && pages >= settings.maxPages))
            break;
    }
    stopScanner(); // ends the batch (SANE: sane_cancel after the last page)
    forgetCancel(jobId);
    Q_EMIT progress(jobId, 100);
    Q_EMIT finished(jobId, pages);
    setState(State::Ready);
}

} // namespace hall::drivers::sane
