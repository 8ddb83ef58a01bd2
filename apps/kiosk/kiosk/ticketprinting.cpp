#include "ticketprinting.h"

#include <core/logging.h>

namespace hall::kiosk {

using devices::TicketPrinter;

TicketPrinting::TicketPrinting(TicketPrinter *printer, QObject *parent) : QObject(parent), m_printer(printer)
{
    QString error;
    m_template.parse(devices::TicketTemplate::defaultText(), &error);
    m_timeout.setSingleShot(true);
    m_timeout.setInterval(20000);
    connect(&m_timeout, &QTimer::timeout, this, [this] { finish(false, tr("the printer did not answer")); });
    if (!printer)
        return;
    m_paperPoll.setInterval(m_paperPollMs);
    connect(&m_paperPoll, &QTimer::timeout, this, [this] {
        if (m_printer && !isBusy())
            QMetaObject::invokeMethod(m_printer, &TicketPrinter::queryPaper, Qt::QueuedConnection);
    });
    m_paperPoll.start();
    connect(printer, &TicketPrinter::printed, this, [this](const QString &id) {
        if (id == m_jobId)
            finish(true, {});
    });
    connect(printer, &TicketPrinter::printFailed, this, [this](const QString &id, devices::Device::Error, const QString &message) {
        if (id == m_jobId)
            finish(false, message);
    });
    connect(printer, &TicketPrinter::paperStatus, this, [this](TicketPrinter::Paper paper) {
        if (paper == m_paper)
            return;
        m_paper = paper;
        Q_EMIT paperChanged(paper);
    });
    connect(printer, &devices::Device::stateChanged, this, &TicketPrinting::stateChanged);
    QMetaObject::invokeMethod(printer, &TicketPrinter::queryPaper, Qt::QueuedConnection);
}

void TicketPrinting::setPaperPollMs(int ms)
{
    m_paperPollMs = ms;
    m_paperPoll.stop();
    const int every = m_someoneWaiting ? WaitingPollMs : ms;
    if (every > 0 && m_printer)
        m_paperPoll.start(every);
}

void TicketPrinting::setSomeoneWaiting(bool waiting)
{
    if (waiting == m_someoneWaiting)
        return;
    m_someoneWaiting = waiting;
    setPaperPollMs(m_paperPollMs);
}

bool TicketPrinting::setTemplate(const QString &text, QString *error)
{
    devices::TicketTemplate t;
    if (!t.parse(text, error))
        return false;
    m_template = t;
    return true;
}

QString TicketPrinting::unavailableReason() const
{
    if (!m_printer)
        return tr("No ticket printer is configured");
    if (m_paper == TicketPrinter::Paper::Out)
        return tr("The printer is out of paper");
    if (m_paper == TicketPrinter::Paper::CoverOpen)
        return tr("The printer's cover is open");
    const devices::Device::State s = m_printer->state();
    if (s != devices::Device::State::Ready && s != devices::Device::State::Busy)
        return tr("The ticket printer is not ready (%1)").arg(devices::stateText(s));
    return {};
}

QString TicketPrinting::reportState() const
{
    if (!m_printer)
        return QStringLiteral("offline");
    if (const QString device = devices::reportState(m_printer->state()); device != QLatin1String("ok"))
        return device;
    switch (m_paper) {
    case TicketPrinter::Paper::Ok: return QStringLiteral("ok");
    case TicketPrinter::Paper::NearEnd: return QStringLiteral("paper_low");
    case TicketPrinter::Paper::Out: return QStringLiteral("paper_out");
    case TicketPrinter::Paper::CoverOpen: return QStringLiteral("cover_open");
    case TicketPrinter::Paper::Unknown: break;
    }
    return QStringLiteral("unknown");
}

void TicketPrinting::print(const devices::TicketFields &fields, Done done)
{
    Q_ASSERT(!isBusy());
    if (!m_printer) {
        done(false, unavailableReason());
        return;
    }
    devices::TicketFields f = fields;
    f.jobId = QStringLiteral("%1#%2").arg(fields.number).arg(++m_jobs);
    m_jobId = f.jobId;
    m_done = std::move(done);
    const devices::PrintJob job = m_template.render(f);
    qCInfo(lcKiosk, "printing ticket %s", qPrintable(fields.number));
    m_timeout.start();
    QMetaObject::invokeMethod(m_printer, [p = m_printer, job] { p->print(job); }, Qt::QueuedConnection);
}

void TicketPrinting::finish(bool printed, const QString &error)
{
    m_timeout.stop();
    m_jobId.clear();
    Done done = std::move(m_done);
    m_done = {};
    if (!printed)
        qCWarning(lcKiosk, "print failed: %s", qPrintable(error));
    if (done)
        done(printed, error);
    // The printer tells the paper after each job; ask when it did not (a failed job).
    if (m_printer)
        QMetaObject::invokeMethod(m_printer, &TicketPrinter::queryPaper, Qt::QueuedConnection);
}

} // namespace hall::kiosk
