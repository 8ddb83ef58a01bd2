// libFuzzer harness for the Onbon BX-5/BX-6 frame parser (escaping, CRC), the request and
// response decoders, the dynamic-area decoders of both generations and the pixel decoders.
#include <onbonprotocol.h>

#include <cstddef>
#include <cstdint>

using namespace hall::drivers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QByteArray stream(reinterpret_cast<const char *>(data), qsizetype(size));
    for (int i = 0; i < 512 && !stream.isEmpty(); ++i) {
        onbon::Packet packet;
        const qsizetype before = stream.size();
        const onbon::Parse r = onbon::takeFrame(stream, &packet);
        if (r == onbon::Parse::NeedMore)
            break;
        if (stream.size() >= before)
            __builtin_trap(); // every result but NeedMore must consume bytes, or the driver spins
        if (r != onbon::Parse::Packet)
            continue;
        QString error;
        onbon::Response response;
        (void)onbon::parseResponse(packet.data, &response, &error);
        (void)onbon::isReplyTo(packet, packet);
        onbon::Request request;
        if (!onbon::parseRequest(packet.data, &request, &error))
            continue;
        for (auto g : {onbon::Generation::Bx5, onbon::Generation::Bx6}) {
            onbon::DynamicArea area;
            if (!onbon::parseUpdateArea(g, request.payload, &area, &error))
                continue;
            for (const onbon::Page &page : std::as_const(area.pages)) {
                onbon::Pixels pixels;
                for (bool dual : {false, true})
                    (void)onbon::decodePixels(g, dual, area.x, area.width, area.height, page.pixels, &pixels);
            }
        }
        QList<int> ids;
        bool all = false;
        (void)onbon::parseDeleteAreas(request.payload, &ids, &all, &error);
    }
    return 0;
}
