// Stands in for a reader vendor's WLT photo library (the C entry point halls' readers ship
// with): it writes a 102 × 126 24-bit BMP derived from the input, or fails on a photo that
// starts with two zero bytes. Used to test loading and calling a decoder through QLibrary.
#include <cstdint>
#include <cstring>

extern "C" __attribute__((visibility("default"))) int unpack(char *wlt, char *bmp, int /*saveFile*/)
{
    if (wlt[0] == 0 && wlt[1] == 0)
        return -1;
    const int w = 102, h = 126, row = (w * 3 + 3) & ~3, size = 54 + row * h;
    std::memset(bmp, 0, size_t(size));
    auto put32 = [bmp](int at, uint32_t v) { std::memcpy(bmp + at, &v, 4); };
    bmp[0] = 'B';
    bmp[1] = 'M';
    put32(2, uint32_t(size));
    put32(10, 54);
    put32(14, 40);
    put32(18, uint32_t(w));
    put32(22, uint32_t(h));
    bmp[26] = 1;
    bmp[28] = 24;
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w * 3; ++x)
            bmp[54 + y * row + x] = wlt[(y * w * 3 + x) % 1024];
    }
    return 1;
}
