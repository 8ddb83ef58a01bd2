// libFuzzer harness for the SAM frame parser and the three card record layouts.
#include <samprotocol.h>

#include <cstddef>
#include <cstdint>

using namespace hall::drivers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QByteArray stream(reinterpret_cast<const char *>(data), qsizetype(size));
    // As the driver sees a byte stream: frames, garbage, partial frames, in any mix.
    for (int i = 0; i < 256; ++i) {
        QByteArray payload;
        const sam::Parse r = sam::takeFrame(stream, &payload);
        if (r == sam::Parse::NeedMore)
            break;
        if (r == sam::Parse::Frame && payload.size() >= 3) {
            (void)sam::statusOf(quint8(payload.at(2)));
            hall::devices::IdCard card;
            QString error;
            (void)sam::parseRead(payload.mid(3), false, &card, &error);
            (void)sam::parseRead(payload.mid(3), true, &card, &error);
            (void)sam::samIdString(payload.mid(3));
        }
    }
    if (size >= 256) {
        hall::devices::IdCard card;
        QString error;
        (void)sam::parseText(QByteArray(reinterpret_cast<const char *>(data), 256), &card, &error);
    }
    return 0;
}
