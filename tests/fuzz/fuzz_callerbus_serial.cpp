// libFuzzer harness for the caller-bus frame parser and the reply/display/poll decoders.
#include <callerprotocol.h>

#include <cstddef>
#include <cstdint>

using namespace hall::drivers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QByteArray stream(reinterpret_cast<const char *>(data), qsizetype(size));
    for (int i = 0; i < 512 && !stream.isEmpty(); ++i) {
        callerbus::Frame frame;
        const callerbus::Parse r = callerbus::takeFrame(stream, &frame);
        if (r == callerbus::Parse::NeedMore)
            break;
        if (r != callerbus::Parse::Frame)
            continue;
        callerbus::Reply reply;
        QString error;
        (void)callerbus::decodeReply(frame, &reply, &error);
        hall::devices::CallerDisplay display;
        quint8 seq = 0;
        (void)callerbus::decodeDisplay(frame.data, &display, &seq);
        (void)callerbus::decodePoll(frame.data, &seq);
        // What the parser accepted must survive its own encoder.
        QByteArray again = callerbus::encode(frame);
        callerbus::Frame back;
        if (frame.data.size() <= callerbus::MaxData && callerbus::takeFrame(again, &back) != callerbus::Parse::Frame)
            __builtin_trap();
    }
    return 0;
}
