#include "textrender.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <ft2build.h>
#include FT_FREETYPE_H

namespace hall::drivers::onbon {

namespace {

struct Text
{
    Q_DECLARE_TR_FUNCTIONS(OnbonScreen)
};

} // namespace

struct TextRenderer::Face
{
    FT_Library library = nullptr;
    FT_Face face = nullptr;
    ~Face()
    {
        if (face)
            FT_Done_Face(face);
        if (library)
            FT_Done_FreeType(library);
    }
};

TextRenderer::TextRenderer() = default;
TextRenderer::~TextRenderer() = default;

QStringList TextRenderer::defaultFonts()
{
    return {QStringLiteral("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
            QStringLiteral("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
            QStringLiteral("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
            QStringLiteral("C:/Windows/Fonts/simsun.ttc"),
            QStringLiteral("C:/Windows/Fonts/msyh.ttc")};
}

bool TextRenderer::load(const QString &file, QString *error)
{
    auto face = std::make_unique<Face>();
    if (FT_Init_FreeType(&face->library) != 0) {
        *error = Text::tr("The font library could not start.");
        return false;
    }
    const QByteArray path = QFile::encodeName(file);
    if (!QFileInfo::exists(file) || FT_New_Face(face->library, path.constData(), 0, &face->face) != 0) {
        *error = Text::tr("font: \"%1\" is no font file this PC can read.").arg(file);
        return false;
    }
    // A collection (NotoSansCJK .ttc) holds one face per region: take the Simplified Chinese one.
    for (FT_Long i = 1; i < face->face->num_faces; ++i) {
        if (QByteArray(face->face->family_name ? face->face->family_name : "").endsWith(" SC"))
            break;
        FT_Face next = nullptr;
        if (FT_New_Face(face->library, path.constData(), i, &next) != 0)
            break;
        if (QByteArray(next->family_name ? next->family_name : "").endsWith(" SC")) {
            FT_Done_Face(face->face);
            face->face = next;
            break;
        }
        FT_Done_Face(next);
    }
    d = std::move(face);
    m_file = file;
    return true;
}

Pixels TextRenderer::render(const QString &text, int height, int pixelSize, quint8 colour, QString *missing) const
{
    Pixels out;
    out.height = height;
    if (missing)
        missing->clear();
    if (!d)
        return out;
    FT_Face f = d->face;
    if (FT_Set_Pixel_Sizes(f, 0, FT_UInt(pixelSize)) != 0 && f->num_fixed_sizes > 0)
        FT_Select_Size(f, 0); // a bitmap font with other sizes: its first
    // Centre the ink of an ideograph (国 fills the em box), so Chinese text sits in the middle
    // of a bar whatever the font's line metrics; without one, the font's ascent and descent.
    int baseline = 0;
    const FT_UInt reference = FT_Get_Char_Index(f, 0x56FD);
    if (reference != 0 && FT_Load_Glyph(f, reference, FT_LOAD_RENDER | FT_LOAD_TARGET_MONO) == 0) {
        baseline = (height - int(f->glyph->bitmap.rows)) / 2 + f->glyph->bitmap_top;
    } else {
        const int ascender = int(f->size->metrics.ascender >> 6);
        const int descender = int(-(f->size->metrics.descender >> 6));
        baseline = (height - (ascender + descender)) / 2 + ascender;
    }

    struct Glyph { int left, top, width, rows, pitch, advance; QByteArray bits; };
    QList<Glyph> glyphs;
    int width = 0;
    for (const uint c : text.toUcs4()) {
        const FT_UInt index = FT_Get_Char_Index(f, c);
        if (index == 0) {
            if (missing)
                missing->append(QString::fromUcs4(reinterpret_cast<const char32_t *>(&c), 1));
            continue;
        }
        if (FT_Load_Glyph(f, index, FT_LOAD_RENDER | FT_LOAD_TARGET_MONO) != 0)
            continue;
        const FT_GlyphSlot g = f->glyph;
        Glyph gl{g->bitmap_left, g->bitmap_top, int(g->bitmap.width), int(g->bitmap.rows), g->bitmap.pitch,
                 int(g->advance.x >> 6), {}};
        if (g->bitmap.pixel_mode == FT_PIXEL_MODE_MONO && gl.pitch > 0)
            gl.bits = QByteArray(reinterpret_cast<const char *>(g->bitmap.buffer), qsizetype(gl.pitch) * gl.rows);
        else
            gl.rows = 0;
        width += gl.advance;
        glyphs.append(gl);
    }
    out.width = width;
    out.px = QByteArray(qsizetype(width) * height, '\0');
    int pen = 0;
    for (const Glyph &g : std::as_const(glyphs)) {
        for (int row = 0; row < g.rows; ++row) {
            const int y = baseline - g.top + row;
            if (y < 0 || y >= height)
                continue;
            for (int col = 0; col < g.width; ++col) {
                const int x = pen + g.left + col;
                if (x < 0 || x >= width)
                    continue;
                if (quint8(g.bits.at(row * g.pitch + col / 8)) & (0x80 >> (col % 8)))
                    out.set(x, y, colour);
            }
        }
        pen += g.advance;
    }
    return out;
}

} // namespace hall::drivers::onbon
