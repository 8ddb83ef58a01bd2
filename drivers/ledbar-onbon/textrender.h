#pragma once

// Text to LED pixels. BX-5E/BX-6E dynamic areas take pictures only, so the PC draws the text
// (Onbon's own SDK does the same with FreeType). FreeType directly, not QPainter: the driver
// runs in headless processes (hall-bridge, hall-devices) that have no QGuiApplication, and a
// one-bit rendering of one font file is the same on every PC.

#include "onbonprotocol.h"

#include <QString>

#include <memory>

namespace hall::drivers::onbon {

class TextRenderer
{
public:
    TextRenderer();
    ~TextRenderer();
    TextRenderer(const TextRenderer &) = delete;
    TextRenderer &operator=(const TextRenderer &) = delete;

    // The CJK fonts looked for when no font is configured (Debian fonts-noto-cjk, WenQuanYi,
    // Windows' SimSun); the first that exists is used.
    static QStringList defaultFonts();
    // Loads a font file (TTF/OTF/TTC/PCF/BDF); in a collection the Simplified Chinese face.
    bool load(const QString &file, QString *error);
    QString file() const { return m_file; }

    // One line of text `height` pixels tall, drawn with glyphs of `pixelSize`, centred
    // vertically, in `colour` (Red, Green or both). Its width is the text's. Characters the font
    // lacks are listed in *missing (and drawn as nothing).
    Pixels render(const QString &text, int height, int pixelSize, quint8 colour, QString *missing) const;

private:
    struct Face;
    std::unique_ptr<Face> d;
    QString m_file;
};

} // namespace hall::drivers::onbon
