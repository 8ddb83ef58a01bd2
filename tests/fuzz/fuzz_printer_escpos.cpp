// libFuzzer harness for the ESC/POS stream parser (as the emulator and tests read printer
// output back), the status decoders and the ticket template language.
#include <escposprotocol.h>

#include <devices/tickettemplate.h>

#include <cstddef>
#include <cstdint>

using namespace hall::drivers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    // Whole, and fed in two pieces: an incremental parser must not depend on where reads split.
    const QList<escpos::Element> whole = escpos::parse(bytes);
    escpos::Parser parser;
    QList<escpos::Element> pieces = parser.feed(bytes.left(bytes.size() / 2));
    pieces += parser.feed(bytes.mid(bytes.size() / 2));
    pieces += parser.finish();
    (void)escpos::toPrintElements(whole);
    for (qsizetype i = 0; i + 1 < bytes.size() && i < 64; i += 2) {
        escpos::PrinterStatus status;
        (void)escpos::decodeStatus(quint8(bytes.at(i)), quint8(bytes.at(i + 1)), &status);
    }
    // The same bytes as a ticket template, rendered and encoded back.
    hall::devices::TicketTemplate tpl;
    QString error;
    if (tpl.parse(QString::fromUtf8(bytes), &error)) {
        hall::devices::TicketFields fields;
        const hall::devices::PrintJob job = tpl.render(fields);
        (void)escpos::encodeJob(job, &error);
    }
    return 0;
}
