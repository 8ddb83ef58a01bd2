#include "wiascanner.h"

#include "wiasession.h"

#include <core/logging.h>

#include <QImage>
#include <QLoggingCategory>
#include <QStringList>
#include <QVariantMap>

#include <algorithm>
#include <climits>
#include <cmath>

namespace hall::drivers::wia {

using devices::ScannerOptions;
using devices::ScanSettings;

namespace {

QString fromW(const std::wstring &s)
{
    return QString::fromStdWString(s);
}

QString hresultString(long hr)
{
    return QString::fromStdString(hresultText(HRESULT(hr)));
}

DataType dataTypeOf(ScanSettings::ColourMode mode)
{
    switch (mode) {
    case ScanSettings::ColourMode::Gray:
        return DataType::Gray;
    case ScanSettings::ColourMode::Lineart:
        return DataType::Threshold;
    case ScanSettings::ColourMode::Colour:
    default:
        return DataType::Colour;
    }
}

// The page as scanner-sane delivers it: RGB888, Grayscale8, or Mono with white 0 and black 1.
QImage decodePage(const std::vector<unsigned char> &data, PageFormat format, ScanSettings::ColourMode mode)
{
    QImage image;
    if (data.empty() || !image.loadFromData(data.data(), int(data.size()), format == PageFormat::Png ? "PNG" : "BMP"))
        return {};
    switch (mode) {
    case ScanSettings::ColourMode::Colour:
        if (image.format() != QImage::Format_RGB888)
            image = image.convertToFormat(QImage::Format_RGB888);
        break;
    case ScanSettings::ColourMode::Gray:
        if (image.format() != QImage::Format_Grayscale8)
            image = image.convertToFormat(QImage::Format_Grayscale8);
        break;
    case ScanSettings::ColourMode::Lineart:
        image = image.convertToFormat(QImage::Format_Mono, {qRgb(255, 255, 255), qRgb(0, 0, 0)}, Qt::ThresholdDither);
        break;
    }
    return image;
}

} // namespace

WiaScanner::WiaScanner(devices::DeviceConfig config, QObject *parent) : Scanner(std::move(config), parent) {}

WiaScanner::~WiaScanner()
{
    closeDevice();
    m_session.reset(); // releases COM only on the device's thread (see ~WiaSession)
}

WiaSession &WiaScanner::session()
{
    // Made here, not in the constructor: the constructor runs on the thread that loads the
    // plugin, and COM must be initialised on the device's thread.
    if (!m_session)
        m_session = std::make_unique<WiaSession>();
    return *m_session;
}

devices::Device::Error WiaScanner::statusError(long hr)
{
    switch (classify(HRESULT(hr))) {
    case Problem::None:
        return Error::NoError;
    case Problem::Cancelled:
        return Error::Cancelled;
    case Problem::NoDevice:
        return Error::NotFound;
    case Problem::ServiceUnavailable:
    case Problem::NotSupported:
        return Error::NotSupported;
    case Problem::Offline:
        return Error::ConnectionLost;
    case Problem::AccessDenied:
        return Error::PermissionDenied;
    case Problem::InvalidSettings:
        return Error::Configuration;
    case Problem::Busy:
    case Problem::PaperEmpty:
    case Problem::PaperJam:
    case Problem::PaperProblem:
    case Problem::MultiFeed:
    case Problem::CoverOpen:
    case Problem::WarmingUp:
    case Problem::Locked:
    case Problem::LampOff:
    case Problem::UserIntervention:
    case Problem::HardwareSetting:
    case Problem::NoMemory:
    case Problem::DriverFault:
    case Problem::Other:
    default:
        return Error::DeviceReported;
    }
}

QString WiaScanner::statusMessage(long hr, const QString &device)
{
    switch (classify(HRESULT(hr))) {
    case Problem::None:
        return {};
    case Problem::Cancelled:
        return tr("The scan on %1 was cancelled.").arg(device);
    case Problem::NoDevice:
        return tr("No scanner \"%1\": WIA does not list it. Is it plugged in and switched on?").arg(device);
    case Problem::ServiceUnavailable:
        return tr("Windows Image Acquisition (WIA 2.0) is not available on this PC (%1): start the service "
                  "\"Windows Image Acquisition (WIA)\" (stisvc) and set it to start automatically.")
            .arg(hresultString(hr));
    case Problem::NotSupported:
        return tr("Scanner %1 does not support this operation.").arg(device);
    case Problem::Busy:
        return tr("Scanner %1 is busy, perhaps used by another program: wait a moment and scan again.").arg(device);
    case Problem::InvalidSettings:
        return tr("Scanner %1 refused the scan settings.").arg(device);
    case Problem::PaperJam:
        return tr("Paper jam in the document feeder of %1: clear the jammed page and scan again.").arg(device);
    case Problem::PaperEmpty:
        return tr("The document feeder of %1 is empty: put the pages in and scan again.").arg(device);
    case Problem::PaperProblem:
        return tr("The document feeder of %1 could not feed the paper: check that the pages are straight and not "
                  "too thin, thick or small, and scan again.")
            .arg(device);
    case Problem::MultiFeed:
        return tr("The document feeder of %1 took several pages at once: fan the pages, put them back and scan again.")
            .arg(device);
    case Problem::CoverOpen:
        return tr("The cover of scanner %1 is open: close it and scan again.").arg(device);
    case Problem::Offline:
        return tr("Lost contact with scanner %1 (it is offline): check its cable and power.").arg(device);
    case Problem::NoMemory:
        return tr("Not enough memory to scan on %1: scan at a lower resolution.").arg(device);
    case Problem::AccessDenied:
        return tr("Access to scanner %1 was denied: this Windows user may not use it.").arg(device);
    case Problem::WarmingUp:
        return tr("Scanner %1 is warming up its lamp: scan again in a moment.").arg(device);
    case Problem::Locked:
        return tr("The mechanism of scanner %1 is locked for transport: unlock it (see its manual) and scan again.")
            .arg(device);
    case Problem::LampOff:
        return tr("The lamp of scanner %1 is off: switch it on (see its manual) and scan again.").arg(device);
    case Problem::UserIntervention:
        return tr("Scanner %1 needs attention: check its display or lights, then scan again.").arg(device);
    case Problem::HardwareSetting:
        return tr("A switch or lever on scanner %1 is set wrong for this scan: check it (see its manual) and scan again.")
            .arg(device);
    case Problem::DriverFault:
        return tr("The WIA driver of scanner %1 failed (%2): switch the scanner off and on; reinstall its driver if "
                  "this happens again.")
            .arg(device, hresultString(hr));
    case Problem::Other:
    default:
        return tr("Scanner %1 reported an unknown WIA error %2.").arg(device, hresultString(hr));
    }
}

WiaScanner::Failure WiaScanner::statusFailure(long hr) const
{
    return {statusError(hr), statusMessage(hr, m_label)};
}

WiaScanner::Failure WiaScanner::cancelledFailure(const QString &jobId) const
{
    return {Error::Cancelled, tr("Scan %1 was cancelled.").arg(jobId)};
}

void WiaScanner::listDevices()
{
    if (m_scanning) {
        // Reached through COM's message loop during a transfer, which WIA is busy with; the
        // last list is still right.
        Q_EMIT devicesListed(m_lastList);
        return;
    }
    std::vector<DeviceInfo> found;
    const HRESULT hr = session().enumerate(&found);
    QList<devices::ScannerInfo> out;
    for (const DeviceInfo &d : found)
        out.append({fromW(d.id), fromW(d.vendor), fromW(d.name), fromW(d.description)});
    if (FAILED(hr)) {
        setError(statusError(hr), classify(hr) == Problem::ServiceUnavailable
                                      ? statusMessage(hr, QString())
                                      : tr("WIA could not list the scanners: %1").arg(hresultString(hr)));
    } else {
        m_lastList = out;
    }
    Q_EMIT devicesListed(out);
}

bool WiaScanner::openDevice()
{
    if (m_scanning) {
        // An open that COM's message loop let in before the last scan returned.
        setError(Error::DeviceReported, tr("Scanner %1 is still finishing a scan: try again in a moment.").arg(m_label));
        return false;
    }
    // Typos in the configuration are refused, not ignored.
    for (auto it = config().options.cbegin(); it != config().options.cend(); ++it) {
        if (it.key() != QLatin1String("wiaProperties") && it.key() != QLatin1String("reconnectMs") && it.key() != QLatin1String("class")) {
            setError(Error::Configuration, tr("options.%1: unknown option (wiaProperties, reconnectMs).").arg(it.key()));
            return false;
        }
    }
    const QString port = config().port.trimmed();
    const bool automatic = port.isEmpty() || port == QLatin1String("auto");
    m_name = automatic ? QString() : port;
    m_label = m_name;
    const HRESULT hr = session().open(automatic ? std::wstring() : port.toStdWString());
    if (FAILED(hr)) {
        qCDebug(lcDriverScannerWia) << "open" << port << hresultString(hr) << session().failedStep();
        const Problem problem = classify(hr);
        if (problem == Problem::NoDevice && automatic)
            setError(Error::NotFound, tr("No scanner found: WIA sees none. Is the scanner plugged in and switched on? "
                                         "(Windows lists the scanners WIA sees under Settings, Printers & scanners.)"));
        else if (problem == Problem::NoDevice || problem == Problem::Offline)
            setError(Error::NotFound, tr("No scanner \"%1\": WIA cannot open it (%2). Is it plugged in and switched on? "
                                         "(Windows lists the scanners WIA sees under Settings, Printers & scanners.)")
                                          .arg(automatic ? QStringLiteral("auto") : port, hresultString(hr)));
        else
            setError(statusError(hr), statusMessage(hr, automatic ? QStringLiteral("auto") : port));
        return false;
    }
    m_name = fromW(session().device().id);
    m_label = fromW(session().device().name);
    qCDebug(lcDriverScannerWia) << "opened" << m_name << m_label << "flatbed" << session().caps(Source::Flatbed).present
                                << "feeder" << session().caps(Source::Feeder).present;
    if (!session().caps(Source::Flatbed).present && !session().caps(Source::Feeder).present) {
        setError(Error::Configuration,
                 tr("\"%1\" offers neither a flatbed nor a document feeder to scan from: is it a scanner?").arg(m_label));
        closeDevice();
        return false;
    }
    Failure f;
    if (!applyProperties(&f)) {
        setError(Error::Configuration, tr("wiaProperties of %1: %2").arg(m_label, f.message));
        closeDevice();
        return false;
    }
    setOptions(readOptions());
    return true;
}

void WiaScanner::closeDevice()
{
    if (m_scanning) {
        // Reached through COM's message loop while Download is on the stack: releasing the
        // items now would pull them from under it. The transfer stops (callbacks.cancelled
        // sees m_closePending) and scan() closes once Download has returned.
        m_closePending = true;
        return;
    }
    if (m_session)
        m_session->close();
}

bool WiaScanner::applyProperties(Failure *failure)
{
    const QVariant value = config().options.value(QStringLiteral("wiaProperties"));
    if (!value.isValid())
        return true;
    if (value.typeId() != QMetaType::QVariantMap) {
        *failure = {Error::Configuration, tr("expected an object of WIA property ids and values, such as {\"6154\": 100}.")};
        return false;
    }
    const QVariantMap properties = value.toMap();
    for (auto it = properties.cbegin(); it != properties.cend(); ++it) {
        bool idOk = false;
        const uint id = it.key().toUInt(&idOk);
        if (!idOk || id < 2) {
            *failure = {Error::Configuration, tr("\"%1\" is not a WIA property id (a number, such as 6154 for brightness).").arg(it.key())};
            return false;
        }
        bool valueOk = false;
        const double number = it.value().toDouble(&valueOk); // JSON numbers arrive as double
        if (!valueOk || it.value().typeId() == QMetaType::Bool || number != std::floor(number) || number < INT_MIN
            || number > INT_MAX) {
            *failure = {Error::Configuration, tr("\"%1\" is not a valid value for property %2 of scanner %3 "
                                                 "(the properties set here take whole numbers).")
                                                  .arg(it.value().toString(), it.key(), m_label)};
            return false;
        }
        int items = 0;
        const HRESULT hr = session().setProperty(PROPID(id), long(number), &items);
        if (SUCCEEDED(hr) && items == 0) {
            *failure = {Error::Configuration, tr("scanner %1 has no property %2.").arg(m_label, it.key())};
            return false;
        }
        if (FAILED(hr)) {
            const Problem problem = classify(hr);
            *failure = problem == Problem::InvalidSettings || problem == Problem::NotSupported
                ? Failure{Error::Configuration, tr("\"%1\" is not a valid value for property %2 of scanner %3.")
                                                     .arg(it.value().toString(), it.key(), m_label)}
                : statusFailure(hr);
            return false;
        }
        qCDebug(lcDriverScannerWia) << m_label << "property" << id << "=" << long(number) << "on" << items << "item(s)";
    }
    return true;
}

ScannerOptions WiaScanner::readOptions() const
{
    ScannerOptions o;
    if (!m_session || !m_session->isOpen())
        return o;
    const SourceCaps &flatbed = m_session->caps(Source::Flatbed);
    const SourceCaps &feeder = m_session->caps(Source::Feeder);
    // ScannerOptions has one set of resolutions and modes: the flatbed's where there is one.
    // scan() checks a feeder job against the feeder's own.
    const SourceCaps &main = flatbed.present ? flatbed : feeder;
    for (long r : main.resolutions)
        o.resolutions.append(int(r));
    o.minDpi = int(main.minDpi);
    o.maxDpi = int(main.maxDpi);
    for (ScanSettings::ColourMode mode :
         {ScanSettings::ColourMode::Colour, ScanSettings::ColourMode::Gray, ScanSettings::ColourMode::Lineart}) {
        if (main.offers(dataTypeOf(mode))) // also when the driver did not say: it judges at scan time
            o.modes.append(mode);
    }
    if (flatbed.present)
        o.sources.append(ScanSettings::Source::Flatbed);
    if (feeder.present)
        o.sources.append(ScanSettings::Source::Adf);
    return o;
}

bool WiaScanner::checkSettings(const ScanSettings &settings, Failure *failure) const
{
    const char *sourceNames[] = {QT_TR_NOOP("flatbed"), QT_TR_NOOP("document feeder")};
    const char *modeNames[] = {QT_TR_NOOP("colour"), QT_TR_NOOP("gray"), QT_TR_NOOP("line art")};
    const bool adf = settings.source == ScanSettings::Source::Adf;
    const SourceCaps &caps = m_session->caps(adf ? Source::Feeder : Source::Flatbed);
    if (!caps.present) {
        QStringList offered;
        if (m_session->caps(Source::Flatbed).present)
            offered.append(tr(sourceNames[0]));
        if (m_session->caps(Source::Feeder).present)
            offered.append(tr(sourceNames[1]));
        const QString list = offered.join(QStringLiteral(", "));
        *failure = {Error::Configuration, adf ? tr("Scanner %1 has no document feeder (it offers: %2).").arg(m_label, list)
                                              : tr("Scanner %1 has no flatbed (it offers: %2).").arg(m_label, list)};
        return false;
    }
    if (settings.mode != ScanSettings::ColourMode::Colour && settings.mode != ScanSettings::ColourMode::Gray
        && settings.mode != ScanSettings::ColourMode::Lineart) {
        *failure = {Error::Configuration, tr("Unknown colour mode %1 (colour, gray or line art).").arg(int(settings.mode))};
        return false;
    }
    if (!caps.offers(dataTypeOf(settings.mode))) {
        QStringList offered;
        for (DataType type : caps.dataTypes)
            offered.append(tr(modeNames[type == DataType::Colour ? 0 : type == DataType::Gray ? 1 : 2]));
        *failure = {Error::Configuration, tr("Scanner %1 cannot scan in %2 (it offers: %3).")
                                              .arg(m_label, tr(modeNames[int(settings.mode)]), offered.join(QStringLiteral(", ")))};
        return false;
    }
    if (!caps.offersDpi(settings.dpi)) {
        QString range;
        if (!caps.resolutions.empty()) {
            QStringList l;
            for (long r : caps.resolutions)
                l.append(QString::number(r));
            range = tr("%1 dpi").arg(l.join(QStringLiteral(", ")));
        } else if (caps.maxDpi > 0) {
            range = tr("%1–%2 dpi").arg(caps.minDpi).arg(caps.maxDpi);
        } else {
            range = tr("more than 0 dpi");
        }
        *failure = {Error::Configuration, tr("Scanner %1 cannot scan at %2 dpi (it offers %3).").arg(m_label).arg(settings.dpi).arg(range)};
        return false;
    }
    return true;
}

void WiaScanner::scan(const QString &jobId, const ScanSettings &settings)
{
    const auto fail = [&](const Failure &f, bool deviceError = true) {
        forgetCancel(jobId);
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
    if (!isOpen() || state() == State::Busy || m_scanning) {
        const bool busy = state() == State::Busy || m_scanning;
        fail({busy ? Error::DeviceReported : Error::NotFound,
              busy ? tr("Scanner %1 is already scanning.").arg(m_label)
                   : tr("Scanner %1 is not ready: %2").arg(config().port, errorString())},
             false); // the device's own error says it already
        return;
    }
    setState(State::Busy);
    Failure failure;
    if (!checkSettings(settings, &failure)) {
        fail(failure);
        return;
    }
    const bool adf = settings.source == ScanSettings::Source::Adf;
    const int totalPages = adf ? std::max(0, settings.maxPages) : 1;
    ScanRequest request;
    request.source = adf ? Source::Feeder : Source::Flatbed;
    request.type = dataTypeOf(settings.mode);
    request.dpi = settings.dpi;
    request.pages = totalPages; // feeder: 0 = until it is empty

    ScanResult result; // result.dpi is set before the first page arrives
    Failure pageFailure;
    int lastPage = -1;
    int lastPercent = -1;
    ScanCallbacks callbacks;
    callbacks.cancelled = [this, &jobId] { return m_closePending || cancelRequested(jobId); };
    callbacks.progress = [&](int page, int percent) {
        if (page != lastPage) { // it never goes down within a page
            lastPage = page;
            lastPercent = -1;
        }
        const int job = std::min(100, totalPages > 0 ? int(100 * (page + percent / 100.0) / totalPages) : percent);
        if (job > lastPercent) {
            lastPercent = job;
            Q_EMIT progress(jobId, job);
        }
    };
    callbacks.page = [&](int index, std::vector<unsigned char> &&data, PageFormat format) {
        QImage page = decodePage(data, format, settings.mode);
        if (page.isNull()) {
            pageFailure = {Error::Protocol, tr("Scanner %1 sent a page HallSuite cannot read (%2 bytes).")
                                                .arg(m_label)
                                                .arg(qulonglong(data.size()))};
            return false;
        }
        // The driver may round the resolution: the page carries what it really used.
        const int dpm = qRound(double(result.dpi > 0 ? result.dpi : settings.dpi) / 0.0254);
        page.setDotsPerMeterX(dpm);
        page.setDotsPerMeterY(dpm);
        Q_EMIT pageScanned(jobId, index, page);
        // A feeder driver that ignores WIA_IPS_PAGES is stopped here.
        return !(adf && settings.maxPages > 0 && index + 1 >= settings.maxPages);
    };

    m_scanning = true;
    const HRESULT hr = session().scan(request, callbacks, &result);
    m_scanning = false;
    qCDebug(lcDriverScannerWia) << m_label << "scan" << jobId << result.pages << "page(s) at" << result.dpi << "dpi"
                                << hresultString(hr) << result.step;
    if (m_closePending) {
        // close() came in during the transfer; Device::close() has set the state already.
        m_closePending = false;
        if (m_session)
            m_session->close();
        forgetCancel(jobId);
        Q_EMIT failed(jobId, Error::Cancelled, tr("The scan on %1 was stopped: the scanner was closed.").arg(m_label));
        return;
    }
    if (pageFailure.error != Error::NoError) {
        fail(pageFailure);
        return;
    }
    if (result.cancelled) {
        fail(cancelledFailure(jobId));
        return;
    }
    const Problem problem = classify(hr);
    const bool ok = result.stopped // had the pages it wanted
        || (SUCCEEDED(hr) && hr != S_FALSE)
        || (adf && result.pages > 0 && problem == Problem::PaperEmpty); // the feeder ran empty after a page
    if (!ok) {
        // S_FALSE without our cancel: the scanner's own cancel button.
        fail(problem == Problem::Cancelled ? cancelledFailure(jobId) : statusFailure(hr));
        return;
    }
    if (result.pages == 0) {
        fail(adf ? statusFailure(kErrPaperEmpty)
                 : Failure{Error::Protocol, tr("Scanner %1 finished the scan without sending a page.").arg(m_label)});
        return;
    }
    forgetCancel(jobId);
    Q_EMIT progress(jobId, 100);
    Q_EMIT finished(jobId, result.pages);
    setState(State::Ready);
}

} // namespace hall::drivers::wia
