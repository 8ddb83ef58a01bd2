// libFuzzer harness for the LED bar frame parser, reply and text-payload decoders.
#include <ledbarprotocol.h>

#include <cstddef>
#include <cstdint>

using namespace hall::drivers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QByteArray stream(reinterpret_cast<const char *>(data), qsizetype(size));
    for (int i = 0; i < 512 && !stream.isEmpty(); ++i) {
        ledbar::Frame frame;
        const qsizetype before = stream.size();
        const ledbar::Parse r = ledbar::takeFrame(stream, &frame);
        if (r == ledbar::Parse::NeedMore)
            break;
        if (stream.size() >= before)
            __builtin_trap(); // every result but NeedMore must consume bytes, or the driver spins
        if (r != ledbar::Parse::Frame)
            continue;
        ledbar::Reply reply;
        QString error;
        (void)ledbar::parseReply(frame, &reply, &error);
        ledbar::TextWrite text;
        if (ledbar::parseTextPayload(frame.payload, &text, &error))
            (void)ledbar::decodeText(text.text);
        (void)ledbar::isReplyTo(frame, frame);
    }
    (void)ledbar::containsIdNumber(QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size)));
    return 0;
}
