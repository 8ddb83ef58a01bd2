#pragma once

#include <ui/ui_export.h>

#include <QObject>
#include <QStringList>

namespace hall::ui {

// Pinyin to Chinese characters with librime and the luna_pinyin_simp schema compiled at build
// time (modules/ui/CMakeLists.txt). One Rime session per engine; librime itself is opened
// (QLibrary: a PC without it still gets the letter and digit pads) and set up once per process.
// The data folder is only read: the schema is never deployed here, and the schema keeps no user
// dictionary, so nothing one citizen types is remembered for the next. Nothing typed is logged.
//
// When librime or the data is missing the engine is unavailable and errorString() says why;
// every other call is then a no-op.
class HALL_UI_EXPORT PinyinEngine : public QObject
{
    Q_OBJECT
public:
    // `dataDir` holds the deployed schema in build/; empty means defaultDataDir().
    explicit PinyinEngine(const QString &dataDir = {}, QObject *parent = nullptr);
    ~PinyinEngine() override;

    // $HALL_RIME_DATA, else <application dir>/../share/hallsuite/rime (the build tree and the
    // installed layout alike). $HALL_RIME_LIBRARY names another librime (tests).
    static QString defaultDataDir();

    bool isAvailable() const;
    QString errorString() const;

    // The keys a touch keyboard has. Each returns whether the engine took the key: a letter
    // always, backspace, space and enter only while composing (otherwise they belong to the
    // text field).
    bool typeLetter(QChar letter);   // a–z; ' parts syllables (xi'an); ',' '.' give ，。
    bool backspace();
    bool space();                    // commits the first candidate
    bool enter();                    // commits the letters as typed
    void clear();                    // drops the composition

    bool isComposing() const;
    QString preedit() const;         // the pinyin being composed, syllables apart: "zheng wu"
    QStringList candidates() const;  // the current page
    bool hasPreviousPage() const;
    bool hasNextPage() const;
    bool selectCandidate(int indexOnPage);
    bool previousPage();
    bool nextPage();

Q_SIGNALS:
    void compositionChanged();
    void committed(const QString &text);

private:
    bool processKey(int keysym);
    void refresh();

    struct Private;
    Private *d;
};

} // namespace hall::ui
