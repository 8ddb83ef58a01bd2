#include "virtualscanner.h"
#include "virtualdevices.h"

#include <QFont>
#include <QGuiApplication>
#include <QPainter>

namespace hall::drivers::virt {

using devices::ScanSettings;

namespace {
constexpr int Steps = 5; // progress steps per page
}

VirtualScanner::VirtualScanner(devices::DeviceConfig config, QObject *parent)
    : Scanner(std::move(config), parent), m_timer(this)
{
    VirtualOptions o;
    o.delayMs = m_delayMs;
    o.pages = m_feeder;
    VirtualOptions::parse(this->config().options, QStringLiteral("Scanner"), &o, &m_optionsError);
    m_feeder = o.pages;
    m_delayMs = o.delayMs;
    connect(&m_timer, &QTimer::timeout, this, &VirtualScanner::step);
}

bool VirtualScanner::openDevice()
{
    if (!m_optionsError.isEmpty()) {
        setError(Error::Configuration, m_optionsError);
        return false;
    }
    devices::ScannerOptions o;
    o.resolutions = {75, 100, 150, 200, 300, 600};
    o.modes = {ScanSettings::ColourMode::Colour, ScanSettings::ColourMode::Gray, ScanSettings::ColourMode::Lineart};
    o.sources = {ScanSettings::Source::Flatbed, ScanSettings::Source::Adf};
    setOptions(o);
    return true;
}

void VirtualScanner::closeDevice()
{
    if (m_job.isEmpty())
        return;
    const QString job = m_job;
    endJob();
    Q_EMIT failed(job, Error::ConnectionLost, tr("The scanner was closed during scan %1.").arg(job));
}

void VirtualScanner::listDevices()
{
    Q_EMIT devicesListed({{QStringLiteral("virtual"), QStringLiteral("HallSuite"), tr("Simulated document scanner"),
                           QStringLiteral("flatbed scanner")}});
}

void VirtualScanner::scan(const QString &jobId, const ScanSettings &settings)
{
    const auto refuse = [&](Error error, const QString &message) {
        forgetCancel(jobId);
        Q_EMIT failed(jobId, error, message);
    };
    if (!isOpen() || !m_job.isEmpty()) {
        refuse(Error::DeviceReported, m_job.isEmpty() ? tr("The simulated scanner is not open.") : tr("The simulated scanner is already scanning."));
        return;
    }
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance())) {
        refuse(Error::NotSupported, tr("The simulated scanner draws its pages with fonts and needs a GUI application."));
        return;
    }
    if (!options().offersDpi(settings.dpi)) {
        refuse(Error::Configuration, tr("The simulated scanner cannot scan at %1 dpi (75, 100, 150, 200, 300 or 600).").arg(settings.dpi));
        return;
    }
    if (!options().modes.contains(settings.mode)) {
        refuse(Error::Configuration, tr("Unknown colour mode %1 (colour, gray or line art).").arg(int(settings.mode)));
        return;
    }
    if (!m_failNext.isEmpty()) {
        refuse(Error::DeviceReported, std::exchange(m_failNext, QString()));
        return;
    }
    int pages = 1;
    if (settings.source == ScanSettings::Source::Adf) {
        if (m_feeder <= 0) {
            refuse(Error::DeviceReported, tr("The document feeder of the simulated scanner is empty: put the pages in and scan again."));
            return;
        }
        pages = settings.maxPages > 0 ? std::min(settings.maxPages, m_feeder) : m_feeder;
    }
    m_job = jobId;
    m_settings = settings;
    m_pages = pages;
    m_page = 0;
    m_tick = 0;
    setState(State::Busy);
    m_timer.start(std::max(1, m_delayMs / Steps));
}

void VirtualScanner::step()
{
    const QString job = m_job;
    if (cancelRequested(job)) {
        endJob();
        Q_EMIT failed(job, Error::Cancelled, tr("Scan %1 was cancelled.").arg(job));
        return;
    }
    ++m_tick;
    Q_EMIT progress(job, (100 * (m_page * Steps + m_tick)) / (m_pages * Steps));
    if (m_tick < Steps)
        return;
    m_tick = 0;
    Q_EMIT pageScanned(job, m_page, renderPage(m_page + 1, m_pages, m_settings.dpi, m_settings.mode));
    if (++m_page < m_pages)
        return;
    const int pages = m_page;
    endJob();
    Q_EMIT finished(job, pages);
}

void VirtualScanner::endJob()
{
    m_timer.stop();
    forgetCancel(m_job);
    m_job.clear();
    if (state() == State::Busy)
        setState(State::Ready);
}

QImage VirtualScanner::renderPage(int number, int count, int dpi, ScanSettings::ColourMode mode)
{
    const QSize size(qRound(210 / 25.4 * dpi), qRound(297 / 25.4 * dpi)); // A4
    QImage page(size, QImage::Format_RGB32);
    page.fill(Qt::white);
    const auto px = [dpi](double mm) { return mm / 25.4 * dpi; };
    const auto pt = [dpi](double points) { return std::max(1, qRound(points / 72.0 * dpi)); };
    {
        QPainter p(&page);
        p.setRenderHint(QPainter::Antialiasing);
        p.setRenderHint(QPainter::TextAntialiasing);
        QFont title(QStringLiteral("Noto Sans CJK SC"));
        title.setPixelSize(pt(18));
        title.setBold(true);
        QFont body(QStringLiteral("Noto Sans CJK SC"));
        body.setPixelSize(pt(11));
        const double left = px(25), right = px(185);
        p.setPen(Qt::black);
        p.setFont(title);
        p.drawText(QRectF(left, px(25), right - left, px(15)), Qt::AlignHCenter | Qt::AlignVCenter,
                   QStringLiteral("广东省政务服务事项申请表"));
        p.setFont(body);
        // The form: labelled rows in a ruled table, then a statement paragraph.
        const QStringList rows{QStringLiteral("申请人姓名：张明"), QStringLiteral("公民身份号码：440106199001011234"),
                               QStringLiteral("联系电话：020-12345678"), QStringLiteral("住所地址：广州市天河区天河路100号"),
                               QStringLiteral("申请事项：居住证签注"), QStringLiteral("受理窗口：天河区政务服务中心 3 号窗口")};
        double y = px(48);
        const double row = px(11);
        p.setPen(QPen(Qt::black, std::max(1.0, px(0.3))));
        for (const QString &r : rows) {
            p.drawRect(QRectF(left, y, right - left, row));
            p.drawText(QRectF(left + px(3), y, right - left - px(6), row), Qt::AlignLeft | Qt::AlignVCenter, r);
            y += row;
        }
        y += px(10);
        const QString statement = QStringLiteral(
            "本人承诺所填写的信息及提交的材料真实、合法、有效，如有虚假，愿承担相应的法律责任。"
            "申请材料包括：居民身份证复印件、户口簿复印件、近期一寸免冠照片两张、租赁合同或房产证明。"
            "窗口工作人员应当场核验原件，对材料齐全、符合法定形式的申请，当场予以受理并出具受理通知书；"
            "材料不齐全的，一次性告知需要补正的全部内容。");
        p.drawText(QRectF(left, y, right - left, px(60)), Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, statement);
        p.drawText(QRectF(left, px(235), right - left, px(10)), Qt::AlignRight | Qt::AlignVCenter,
                   QStringLiteral("申请人签名：__________    日期：2024年6月12日"));
        // The receiving office's red seal.
        p.setPen(QPen(QColor(200, 30, 30), px(1)));
        p.drawEllipse(QPointF(px(150), px(210)), px(18), px(18));
        p.setFont(title);
        p.drawText(QRectF(px(132), px(200), px(36), px(20)), Qt::AlignCenter, QStringLiteral("受理"));
        p.setPen(Qt::black);
        p.setFont(body);
        p.drawText(QRectF(left, px(272), right - left, px(8)), Qt::AlignHCenter | Qt::AlignVCenter,
                   QStringLiteral("第 %1 页 / 共 %2 页").arg(number).arg(count));
    }
    QImage out;
    switch (mode) {
    case ScanSettings::ColourMode::Gray:
        out = page.convertToFormat(QImage::Format_Grayscale8);
        break;
    case ScanSettings::ColourMode::Lineart:
        out = page.convertToFormat(QImage::Format_Mono, Qt::MonoOnly | Qt::ThresholdDither);
        break;
    case ScanSettings::ColourMode::Colour:
    default:
        out = page.convertToFormat(QImage::Format_RGB888);
        break;
    }
    const int dpm = qRound(dpi / 0.0254);
    out.setDotsPerMeterX(dpm);
    out.setDotsPerMeterY(dpm);
    return out;
}

} // namespace hall::drivers::virt
