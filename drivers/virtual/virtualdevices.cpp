#include "virtualdevices.h"

#include <devices/callercommands.h>
#include <devices/options.h>

#include <QTimer>

#include <functional>

namespace hall::drivers::virt {

using devices::CallerEvent;
using devices::Device;

bool VirtualOptions::parse(const QVariantMap &options, const QString &deviceClass, VirtualOptions *out, QString *error)
{
    VirtualOptions o = *out;
    devices::OptionReader r(options);
    QString text;
    if (deviceClass == QLatin1String("IdCardReader")) {
        r.choice(QStringLiteral("card"), {QStringLiteral("resident"), QStringLiteral("J"), QStringLiteral("I"), QStringLiteral("none")}, &o.card)
            .integer(QStringLiteral("delayMs"), 0, 60000, &o.delayMs)
            .integer(QStringLiteral("failEvery"), 0, 1000, &o.failEvery);
    } else if (deviceClass == QLatin1String("TicketPrinter")) {
        r.choice(QStringLiteral("paper"), {QStringLiteral("ok"), QStringLiteral("near-end"), QStringLiteral("out"), QStringLiteral("cover-open")}, &o.paper)
            .integer(QStringLiteral("delayMs"), 0, 60000, &o.delayMs);
    } else if (deviceClass == QLatin1String("Scanner")) {
        r.integer(QStringLiteral("pages"), 0, 1000, &o.pages).integer(QStringLiteral("delayMs"), 0, 60000, &o.delayMs);
    } else if (deviceClass == QLatin1String("DocumentCamera")) {
        r.integer(QStringLiteral("delayMs"), 0, 60000, &o.delayMs)
            .integer(QStringLiteral("page"), 1, 1000, &o.page)
            .allow({QStringLiteral("previewFps"), QStringLiteral("resolution")});
    } else if (deviceClass == QLatin1String("WindowScreen")) {
        r.string(QStringLiteral("servingText"), &text).string(QStringLiteral("pausedText"), &text).string(QStringLiteral("idleText"), &text);
    }
    if (!r.finish(QStringLiteral("virtual"))) {
        *error = r.error();
        return false;
    }
    *out = o;
    return true;
}

namespace {
// For the simulated devices without options of their own: only the common ones, no typos.
bool checkOptions(devices::Device *device, const char *deviceClass, const std::function<void(Device::Error, const QString &)> &fail)
{
    VirtualOptions o;
    QString error;
    if (VirtualOptions::parse(device->config().options, QString::fromLatin1(deviceClass), &o, &error))
        return true;
    fail(Device::Error::Configuration, error);
    return false;
}
} // namespace

bool VirtualCallerBus::openDevice()
{
    return checkOptions(this, "CallerBus", [this](Error e, const QString &m) { setError(e, m); });
}

bool VirtualWindowScreen::openDevice()
{
    return checkOptions(this, "WindowScreen", [this](Error e, const QString &m) { setError(e, m); });
}

bool VirtualCodeScanner::openDevice()
{
    return checkOptions(this, "CodeScanner", [this](Error e, const QString &m) { setError(e, m); });
}

void VirtualCallerBus::show(int address, const devices::CallerDisplay &display)
{
    m_shown.insert(address, display);
    if (display.beep)
        ++m_beeps[address];
}

void VirtualCallerBus::promptRating(int address)
{
    ++m_prompts[address];
}

bool VirtualCallerBus::press(int address, const QString &key, const QString &digits)
{
    static const QHash<QString, CallerEvent::Key> keys{
        {QStringLiteral("next"), CallerEvent::Key::Next}, {QStringLiteral("recall"), CallerEvent::Key::Recall},
        {QStringLiteral("special-call"), CallerEvent::Key::SpecialCall}, {QStringLiteral("pause"), CallerEvent::Key::Pause},
        {QStringLiteral("evaluate"), CallerEvent::Key::Evaluate}, {QStringLiteral("transfer"), CallerEvent::Key::Transfer},
        {QStringLiteral("settings"), CallerEvent::Key::Settings}, {QStringLiteral("query"), CallerEvent::Key::Query},
        {QStringLiteral("digits"), CallerEvent::Key::Digits}, {QStringLiteral("login"), CallerEvent::Key::Login}};
    const auto it = keys.constFind(key);
    if (it == keys.constEnd()) {
        setError(Error::Configuration, tr("The simulated caller has no key \"%1\".").arg(key));
        return false;
    }
    CallerEvent e;
    e.address = address;
    e.key = *it;
    e.argument = digits;
    Q_EMIT keyPressed(e);
    return true;
}

void VirtualCallerBus::rate(int address, int rating)
{
    CallerEvent e;
    e.address = address;
    e.key = CallerEvent::Key::Rating;
    e.rating = std::clamp(rating, 1, 5);
    Q_EMIT keyPressed(e);
}

QString VirtualCallerBus::display(int address) const
{
    const auto it = m_shown.constFind(address);
    if (it == m_shown.constEnd())
        return {};
    return it->waiting >= 0 ? QStringLiteral("%1 (%2)").arg(it->number).arg(it->waiting) : it->number;
}

void VirtualWindowScreen::show(int address, const devices::ScreenContent &content)
{
    if (address < 1 || address > 254) {
        const QString message = tr("Screen address %1 is out of range (1–254).").arg(address);
        setError(Error::Configuration, message);
        Q_EMIT showFailed(address, Error::Configuration, message);
        return;
    }
    m_text.insert(address, standardText(content, address, config().options));
    Q_EMIT shown(address);
}

VirtualTicketPrinter::VirtualTicketPrinter(devices::DeviceConfig config, QObject *parent)
    : TicketPrinter(std::move(config), parent)
{
    VirtualOptions o;
    o.delayMs = m_delayMs;
    if (VirtualOptions::parse(this->config().options, QStringLiteral("TicketPrinter"), &o, &m_optionsError)) {
        m_delayMs = o.delayMs;
        setPaper(o.paper);
    }
}

bool VirtualTicketPrinter::openDevice()
{
    if (!m_optionsError.isEmpty()) {
        setError(Error::Configuration, m_optionsError);
        return false;
    }
    return true;
}

bool VirtualTicketPrinter::setPaper(const QString &state)
{
    static const QHash<QString, Paper> states{{QStringLiteral("ok"), Paper::Ok}, {QStringLiteral("near-end"), Paper::NearEnd},
                                              {QStringLiteral("out"), Paper::Out}, {QStringLiteral("cover-open"), Paper::CoverOpen}};
    const auto it = states.constFind(state);
    if (it == states.constEnd()) {
        setError(Error::Configuration, tr("paper: \"%1\" is not ok, near-end, out or cover-open.").arg(state));
        return false;
    }
    m_paper = *it;
    return true;
}

void VirtualTicketPrinter::print(const devices::PrintJob &job)
{
    if (state() != State::Ready) {
        const QString message = tr("The printer is not ready; ticket %1 was not printed.").arg(job.id);
        Q_EMIT printFailed(job.id, Error::ConnectionLost, message);
        return;
    }
    setState(State::Busy);
    QTimer::singleShot(m_delayMs, this, [this, job] {
        setState(State::Ready);
        // As the real driver: a ticket counts as handed out only when the printer is fine.
        if (m_paper == Paper::Out || m_paper == Paper::CoverOpen) {
            const QString message = m_paper == Paper::Out ? tr("The printer is out of paper; ticket %1 was not printed.").arg(job.id)
                                                          : tr("The printer cover is open; ticket %1 was not printed.").arg(job.id);
            setError(Error::DeviceReported, message);
            Q_EMIT printFailed(job.id, Error::DeviceReported, message);
            return;
        }
        for (const devices::PrintElement &e : job.elements) {
            if (e.kind == devices::PrintElement::Kind::Text)
                m_printed.append(e.text);
            else if (e.kind == devices::PrintElement::Kind::Qr)
                m_printed.append(QStringLiteral("[QR] ") + e.text);
            else if (e.kind == devices::PrintElement::Kind::Cut)
                m_printed.append(QStringLiteral("[cut]"));
        }
        if (m_paper == Paper::NearEnd)
            Q_EMIT paperStatus(m_paper);
        Q_EMIT printed(job.id);
    });
}

} // namespace hall::drivers::virt
