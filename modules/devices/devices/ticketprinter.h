#pragma once

#include <devices/device.h>

#include <QList>
#include <QMetaType>

namespace hall::devices {

// A print job as elements; drivers turn it into their printer language (ESC/POS …).
struct PrintElement
{
    enum class Kind { Text, Qr, Feed, Cut };
    enum class Align { Left, Centre, Right };
    enum class QrLevel { L, M, Q, H }; // QR error correction: 7, 15, 25, 30 % of the code
    Kind kind = Kind::Text;
    QString text;        // Text: the line(s); Qr: the data
    Align align = Align::Left;
    int scale = 1;       // Text: 1–8 times the normal size; Qr: module size 1–16
    bool bold = false;
    int lines = 1;       // Feed
    QrLevel qrLevel = QrLevel::M; // Qr (added last so existing aggregate initialisers still work)
};

struct PrintJob
{
    QString id;
    QList<PrintElement> elements;
};

class HALL_DEVICES_EXPORT TicketPrinter : public Device
{
    Q_OBJECT
public:
    enum class Paper { Ok, NearEnd, Out, CoverOpen, Unknown };
    Q_ENUM(Paper)
    using Device::Device;

    // Prints; printed(id) only once the printer took all of it and reported no fault,
    // otherwise printFailed(id, …): a ticket that did not print must not count as handed out.
    Q_INVOKABLE virtual void print(const hall::devices::PrintJob &job) = 0;
    Q_INVOKABLE virtual void queryPaper() = 0;

Q_SIGNALS:
    void printed(const QString &jobId);
    void printFailed(const QString &jobId, hall::devices::Device::Error error, const QString &message);
    void paperStatus(hall::devices::TicketPrinter::Paper paper);
};

class TicketPrinterFactory
{
public:
    virtual ~TicketPrinterFactory() = default;
    virtual TicketPrinter *createTicketPrinter(const DeviceConfig &config) = 0;
};

} // namespace hall::devices

Q_DECLARE_METATYPE(hall::devices::PrintJob)
#define HallTicketPrinterFactory_iid "org.hallsuite.devices.TicketPrinterFactory/1"
Q_DECLARE_INTERFACE(hall::devices::TicketPrinterFactory, HallTicketPrinterFactory_iid)
