#include "escposprinter.h"

#include "escposprotocol.h"

#include <core/logging.h>
#include <devices/options.h>

#include <QThread>

namespace hall::drivers::escpos {

using devices::Device;

EscPosPrinter::EscPosPrinter(devices::DeviceConfig config, QObject *parent)
    : TicketPrinter(std::move(config), parent)
{
}

EscPosPrinter::~EscPosPrinter() = default;

QStringList EscPosPrinter::knownOptions()
{
    return {QStringLiteral("baud"), QStringLiteral("dataBits"), QStringLiteral("parity"), QStringLiteral("stopBits"),
            QStringLiteral("timeoutMs"), QStringLiteral("settleMs"), QStringLiteral("checkBefore"),
            QStringLiteral("chineseMode"), QStringLiteral("reconnectMs"), QStringLiteral("class")};
}

bool EscPosOptions::parse(const QVariantMap &o, EscPosOptions *out, QString *error)
{
    const QStringList known = EscPosPrinter::knownOptions();
    for (auto it = o.cbegin(); it != o.cend(); ++it) {
        if (!known.contains(it.key())) {
            *error = EscPosPrinter::tr("Unknown printer option \"%1\" (known: %2).").arg(it.key(), known.join(QLatin1String(", ")));
            return false;
        }
    }
    auto number = [&](const QString &key, int fallback, int min, int max, int *target) {
        if (!o.contains(key)) {
            *target = fallback;
            return true;
        }
        bool ok = false;
        const int v = o.value(key).toInt(&ok);
        if (!ok || v < min || v > max) {
            *error = EscPosPrinter::tr("Printer option %1: \"%2\" is not a number from %3 to %4.").arg(key, o.value(key).toString()).arg(min).arg(max);
            return false;
        }
        *target = v;
        return true;
    };
    auto flag = [&](const QString &key, bool fallback, bool *target) {
        if (!o.contains(key)) {
            *target = fallback;
            return true;
        }
        const QVariant v = o.value(key);
        const QString s = v.toString();
        if (v.typeId() == QMetaType::Bool || s == QLatin1String("true") || s == QLatin1String("false")) {
            *target = v.toBool();
            return true;
        }
        *error = EscPosPrinter::tr("Printer option %1: \"%2\" is not true or false.").arg(key, s);
        return false;
    };
    EscPosOptions p;
    if (!number(QStringLiteral("timeoutMs"), 1000, 10, 60000, &p.timeoutMs)
        || !number(QStringLiteral("settleMs"), 200, 0, 60000, &p.settleMs)
        || !flag(QStringLiteral("checkBefore"), true, &p.checkBefore)
        || !flag(QStringLiteral("chineseMode"), true, &p.chineseMode)
        || !devices::checkLinkOptions(o, error))
        return false;
    *out = p;
    return true;
}

bool EscPosPrinter::openDevice()
{
    QString error;
    if (!EscPosOptions::parse(config().options, &m_options, &error)) {
        setError(Error::Configuration, error);
        return false;
    }
    // 9,600 baud stays the default: it is the factory setting of many printers (Epson's TM-T88
    // DIP switches), and some take no more than 57,600 on RS-232 (SNBC BK-T680).
    m_link = openLink(9600);
    if (!m_link)
        return false;
    qCDebug(lcDriverEscPos) << "open" << config().port;
    // A queue ticket is about 330 bytes: 340 ms on the line alone at 9,600 baud, where the
    // kiosk's touch → ticket target is 500 ms (docs/performance.md, docs/operations.md).
    if (const int ms = m_link->wireMs(330); ms > 60)
        qCWarning(lcDriverEscPos, "%s at %d baud: a ticket takes about %d ms on the line alone; the kiosk's touch-to-ticket "
                                  "target of 500 ms needs 57600 baud or more: set the printer and \"baud\" in devices.json to 115200 "
                                  "where the printer takes it, or connect it by USB",
                  qPrintable(config().port), m_link->baudRate(), ms);
    return true;
}

void EscPosPrinter::closeDevice()
{
    if (m_link) {
        m_link->disconnect(this);
        m_link->close();
        m_link.reset();
    }
}

int EscPosPrinter::wireMs(qsizetype bytes) const
{
    return m_link ? m_link->wireMs(bytes) : 0;
}

std::optional<PrinterStatus> EscPosPrinter::queryStatus(int extraWaitMs)
{
    if (!m_link || !isOpen()) {
        setError(Error::ConnectionLost, tr("The ticket printer is not connected."));
        return std::nullopt;
    }
    QIODevice *io = m_link->io();
    io->readAll(); // stale answers of an abandoned query
    const int timeout = m_options.timeoutMs + extraWaitMs + 2 * wireMs(9);
    // Real-time commands: the printer answers each at once, one byte each, in order.
    const QByteArray queries = statusQuery(status::Printer) + statusQuery(status::Offline) + statusQuery(status::Paper);
    if (!m_link->writeAll(queries, timeout)) {
        setError(Error::ConnectionLost, tr("Cannot send a status query to the ticket printer."));
        return std::nullopt;
    }
    bool timedOut = false;
    QByteArray answer = m_link->readUntil([](const QByteArray &b) { return b.size() >= 3; }, timeout, &timedOut);
    if (!m_link || !isOpen() || !io->isOpen()) {
        setError(Error::ConnectionLost, tr("The ticket printer was disconnected."));
        return std::nullopt;
    }
    if (answer.size() < 3) {
        setError(Error::Timeout, tr("The ticket printer did not report its status within %1 ms (%2 of 3 status bytes arrived); "
                                    "check that it is switched on and connected.").arg(timeout).arg(answer.size()));
        return std::nullopt;
    }
    PrinterStatus s;
    const quint8 asked[] = {status::Printer, status::Offline, status::Paper};
    for (int i = 0; i < 3; ++i) {
        if (!decodeStatus(asked[i], quint8(answer.at(i)), &s)) {
            setError(Error::Protocol, tr("The ticket printer answered a status query with 0x%1, which is no status byte.")
                                          .arg(quint8(answer.at(i)), 2, 16, QLatin1Char('0')));
            return std::nullopt;
        }
    }
    if (s.error) { // what kind of error: n = 3
        if (!m_link->writeAll(statusQuery(status::Error), timeout)) {
            setError(Error::ConnectionLost, tr("Cannot send a status query to the ticket printer."));
            return std::nullopt;
        }
        const QByteArray detail = m_link->readUntil([](const QByteArray &b) { return !b.isEmpty(); }, timeout, &timedOut);
        if (!detail.isEmpty())
            decodeStatus(status::Error, quint8(detail.at(0)), &s);
    }
    qCDebug(lcDriverEscPos) << "status" << answer.toHex() << "fault" << int(s.fault()) << "paper" << s.paper();
    return s;
}

void EscPosPrinter::fail(const QString &jobId, Error error, const QString &message)
{
    // Ready first: a state change to Ready clears the error the DeviceManager shows, and the
    // officer must still see why the ticket failed.
    if (isOpen())
        setState(State::Ready);
    setError(error, message);
    Q_EMIT printFailed(jobId, error, message);
}

namespace {
QString errorKinds(const PrinterStatus &s)
{
    QStringList kinds;
    if (s.cutterError)
        kinds << QCoreApplication::translate("EscPosPrinter", "cutter error");
    if (s.mechanicalError)
        kinds << QCoreApplication::translate("EscPosPrinter", "mechanical error");
    if (s.unrecoverable)
        kinds << QCoreApplication::translate("EscPosPrinter", "unrecoverable error");
    if (s.autoRecoverable)
        kinds << QCoreApplication::translate("EscPosPrinter", "print head too hot or voltage out of range");
    if (kinds.isEmpty())
        kinds << QCoreApplication::translate("EscPosPrinter", "unspecified error");
    return kinds.join(QLatin1String(", "));
}
} // namespace

void EscPosPrinter::print(const hall::devices::PrintJob &job)
{
    if (!m_link || !isOpen()) {
        fail(job.id, Error::ConnectionLost,
             tr("The ticket printer is not connected: ticket %1 was not printed. Check its cable and power.").arg(job.id));
        return;
    }
    QString reason;
    const QByteArray bytes = encodeJob(job, &reason, m_options.chineseMode);
    if (bytes.isEmpty()) {
        fail(job.id, Error::NotSupported, tr("Ticket %1 cannot be printed: %2").arg(job.id, reason));
        return;
    }
    setState(State::Busy);
    if (m_options.checkBefore) {
        // A printer without paper would take the job and print nothing (or half of it).
        const auto before = queryStatus(0);
        if (!before) {
            fail(job.id, error(), tr("Ticket %1 was not printed: %2").arg(job.id, errorString()));
            return;
        }
        Q_EMIT paperStatus(before->paper());
        switch (before->fault()) {
        case PrinterStatus::Fault::None:
            break;
        case PrinterStatus::Fault::PaperOut:
            return fail(job.id, Error::DeviceReported,
                        tr("The ticket printer is out of paper: ticket %1 was not printed. Load a new paper roll.").arg(job.id));
        case PrinterStatus::Fault::CoverOpen:
            return fail(job.id, Error::DeviceReported,
                        tr("The ticket printer's cover is open: ticket %1 was not printed. Close the cover.").arg(job.id));
        case PrinterStatus::Fault::Error:
            return fail(job.id, Error::DeviceReported,
                        tr("The ticket printer reports an error (%1): ticket %2 was not printed. Clear jammed paper or the cutter, "
                           "then switch the printer off and on.").arg(errorKinds(*before), job.id));
        case PrinterStatus::Fault::Offline:
            return fail(job.id, Error::DeviceReported,
                        tr("The ticket printer is offline: ticket %1 was not printed. Check the printer's panel.").arg(job.id));
        }
    }
    const int wire = wireMs(bytes.size());
    if (!m_link->writeAll(bytes, m_options.timeoutMs + 2 * wire) ) {
        const bool gone = !m_link->io()->isOpen();
        fail(job.id, gone ? Error::ConnectionLost : Error::Timeout,
             tr("Ticket %1 could not be sent to the ticket printer (%2); it is not counted as printed.")
                 .arg(job.id, m_link->io()->errorString()));
        return;
    }
    qCDebug(lcDriverEscPos) << "job" << job.id << bytes.size() << "bytes sent";
    if (m_options.settleMs > 0)
        QThread::msleep(m_options.settleMs); // the printer prints while we wait; then its status means this ticket
    // The ticket's bytes may still be on the wire ahead of the query: allow for them.
    const auto after = queryStatus(wire);
    if (!after) {
        const Error e = error();
        fail(job.id, e, e == Error::Timeout
                 ? tr("The ticket printer did not confirm ticket %1 (no status within %2 ms). Check whether the ticket came out; "
                      "it is not counted as printed.").arg(job.id).arg(m_options.timeoutMs + wire)
                 : tr("Ticket %1 is not confirmed: %2").arg(job.id, errorString()));
        return;
    }
    Q_EMIT paperStatus(after->paper());
    switch (after->fault()) {
    case PrinterStatus::Fault::None:
        break;
    case PrinterStatus::Fault::PaperOut:
        return fail(job.id, Error::DeviceReported,
                    tr("The ticket printer ran out of paper while printing ticket %1. Load a new paper roll and print the ticket again.").arg(job.id));
    case PrinterStatus::Fault::CoverOpen:
        return fail(job.id, Error::DeviceReported,
                    tr("The ticket printer's cover was opened while printing ticket %1. Close the cover and print the ticket again.").arg(job.id));
    case PrinterStatus::Fault::Error:
        return fail(job.id, Error::DeviceReported,
                    tr("The ticket printer reports an error (%1) after ticket %2; the ticket may be incomplete. Clear jammed paper or the "
                       "cutter and print the ticket again.").arg(errorKinds(*after), job.id));
    case PrinterStatus::Fault::Offline:
        return fail(job.id, Error::DeviceReported,
                    tr("The ticket printer went offline while printing ticket %1. Check the printer's panel and print the ticket again.").arg(job.id));
    }
    if (after->paperNearEnd)
        qCWarning(lcDriverEscPos) << config().role << "paper near end";
    if (isOpen())
        setState(State::Ready);
    Q_EMIT printed(job.id);
}

void EscPosPrinter::queryPaper()
{
    const auto s = queryStatus(0);
    if (!s) {
        Q_EMIT paperStatus(Paper::Unknown);
        return;
    }
    Q_EMIT paperStatus(s->paper());
}

} // namespace hall::drivers::escpos
