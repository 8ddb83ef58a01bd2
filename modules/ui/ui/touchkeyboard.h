#pragma once

#include <ui/ui_export.h>

#include <QList>
#include <QPointer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
QT_END_NAMESPACE

namespace hall::ui {

class PinyinEngine;

// The kiosk's on-screen keyboard (K5): a pinyin pad with candidates from librime
// (PinyinEngine), a QWERTY letter pad with caps, and a digit pad with large keys. Keys and
// committed text go into the attached QLineEdit (through insert(), so its validator and
// maxLength hold); the keyboard never takes the focus. Without librime or its data the pinyin
// key is disabled and the keyboard says why; letters and digits still work.
//
// 确定 while a pinyin composition is open commits the letters as typed (as every Rime front
// end's Enter does) and does not accept; otherwise it emits accepted().
class HALL_UI_EXPORT TouchKeyboard : public QWidget
{
    Q_OBJECT
public:
    enum class Mode { Pinyin, Letters, Digits };
    Q_ENUM(Mode)

    explicit TouchKeyboard(QWidget *parent = nullptr);
    ~TouchKeyboard() override;

    // Pinyin falls back to Letters while pinyin is unavailable.
    void setMode(Mode mode);
    Mode mode() const;

    // Keys and committed text go into `target`; nullptr detaches. An open composition is dropped.
    void attach(QLineEdit *target);
    QLineEdit *target() const;

    bool isPinyinAvailable() const;
    QString pinyinError() const;

Q_SIGNALS:
    void accepted(); // the 确定 key

private:
    enum class Role { Key, Function, Accept, Digit, Candidate, Page };

    QPushButton *key(const QString &name, const QString &label, Role role);
    QWidget *buildQwertyPad(Mode mode);
    QWidget *buildDigitPad();
    QWidget *buildCandidateBar();
    QList<QPushButton *> modeKeys(const QString &pad, Mode current); // to the other two pads

    void insert(const QString &text);
    void typeLetter(QChar letter);
    void backspace();
    void space();
    void clear();
    void ok();
    void setCaps(bool caps);
    void updateBar();

    PinyinEngine *m_engine = nullptr;
    QPointer<QLineEdit> m_target;
    Mode m_mode = Mode::Pinyin;
    bool m_caps = false;
    QWidget *m_bar = nullptr;
    QLabel *m_preedit = nullptr;
    QLabel *m_notice = nullptr;
    QList<QPushButton *> m_candidates;
    QPushButton *m_previousPage = nullptr;
    QPushButton *m_nextPage = nullptr;
    QStackedWidget *m_pads = nullptr;
    QList<QPushButton *> m_letterKeys; // the letter pad's a–z, relabelled by caps
    QPushButton *m_shift = nullptr;
};

} // namespace hall::ui
