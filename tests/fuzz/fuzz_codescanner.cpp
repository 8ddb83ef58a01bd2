// libFuzzer harness for the code scanner's line splitting, text decoding and evdev decoding.
#include <scanprotocol.h>

#include <cstddef>
#include <cstdint>

using namespace hall::drivers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    // The first byte picks the pipeline and its options; the rest is the device's bytes.
    const quint8 mode = data[0];
    const QByteArray bytes(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    codescanner::Options options;
    options.mode = (mode & 1) ? codescanner::Mode::Hid : codescanner::Mode::Serial;
    options.terminator = codescanner::Terminator((mode >> 1) % 5);
    options.encoding = codescanner::Encoding((mode >> 4) % 3);
    for (const codescanner::LineResult &r : codescanner::decodeStream(bytes, options)) {
        if (r.kind == codescanner::LineResult::Code && r.scan.code.size() > bytes.size() * 2 + 8)
            __builtin_trap(); // a scan can never be longer than what arrived
    }
    (void)codescanner::decodeKeyEvents(bytes, (mode & 2) ? codescanner::AltCodes::Gb18030 : codescanner::AltCodes::Unicode);
    return 0;
}
