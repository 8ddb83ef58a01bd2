#include "touchkeyboard.h"

#include "pinyinengine.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QStyle>
#include <QVBoxLayout>

namespace hall::ui {

namespace {

constexpr int PageSize = 6; // resources/rime/default.custom.yaml menu/page_size

// Big keys for a touch screen used by elderly citizens: at least 72 px high (about 15 mm on a
// 21.5" 1080p kiosk screen), dark text on light keys, one strong colour for 确定.
const auto KeyboardStyle = QStringLiteral(
    "hall--ui--TouchKeyboard { background: #e4e8ee; }"
    "QPushButton { background: #ffffff; color: #1c2633; border: 1px solid #b9c2cd;"
    "  border-bottom: 3px solid #a3adb9; border-radius: 10px; font-size: 30px; min-height: 72px;"
    "  min-width: 48px; padding: 0 4px; }"
    "QPushButton:pressed { background: #cfe0f7; border-bottom-width: 1px; }"
    "QPushButton:disabled { color: #a6aeb8; background: #eef1f4; border-bottom-width: 1px; }"
    "QPushButton[role=\"function\"] { background: #d3d9e1; font-size: 26px; }"
    "QPushButton[role=\"function\"]:checked { background: #1f6fd1; color: #ffffff; }"
    "QPushButton[role=\"accept\"] { background: #1f6fd1; color: #ffffff; border-color: #1857a6;"
    "  font-size: 30px; font-weight: bold; }"
    "QPushButton[role=\"accept\"]:pressed { background: #1857a6; }"
    "QPushButton[role=\"digit\"] { font-size: 44px; min-height: 88px; }"
    "QPushButton[role=\"candidate\"] { background: transparent; border: none; border-radius: 8px;"
    "  font-size: 34px; min-width: 72px; min-height: 64px; padding: 0 14px; }"
    "QPushButton[role=\"candidate\"]:pressed { background: #cfe0f7; }"
    // The first candidate is the one 空格 takes.
    "QPushButton#candidate-0 { color: #1f6fd1; }"
    "QPushButton[role=\"page\"] { background: #d3d9e1; font-size: 26px; min-height: 56px; min-width: 64px; }"
    "QLabel#preedit { color: #1f6fd1; font-size: 24px; }"
    "QLabel#preedit[hint=\"true\"] { color: #6b7785; font-size: 22px; }"
    "QLabel#notice { color: #b03a2e; font-size: 22px; }"
    "QWidget#bar { background: #ffffff; border-radius: 10px; }");

// Grids are laid out in half keys (a QWERTY row's stagger is half a key): 22 columns.
constexpr int HalfKeys = 22;

QString padName(TouchKeyboard::Mode mode)
{
    switch (mode) {
    case TouchKeyboard::Mode::Pinyin: return QStringLiteral("pinyin");
    case TouchKeyboard::Mode::Letters: return QStringLiteral("letters");
    case TouchKeyboard::Mode::Digits: return QStringLiteral("digits");
    }
    return {};
}

} // namespace

TouchKeyboard::TouchKeyboard(QWidget *parent)
    : QWidget(parent)
    , m_engine(new PinyinEngine({}, this))
{
    setAttribute(Qt::WA_StyledBackground);
    setStyleSheet(KeyboardStyle);

    m_pads = new QStackedWidget(this);
    m_pads->addWidget(buildQwertyPad(Mode::Pinyin));
    m_pads->addWidget(buildQwertyPad(Mode::Letters));
    m_pads->addWidget(buildDigitPad());

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(10);
    layout->addWidget(buildCandidateBar());
    layout->addWidget(m_pads, 1);

    connect(m_engine, &PinyinEngine::committed, this, &TouchKeyboard::insert);
    connect(m_engine, &PinyinEngine::compositionChanged, this, &TouchKeyboard::updateBar);

    // Every way back to pinyin is disabled while it is unavailable; the notice says why.
    if (!m_engine->isAvailable()) {
        for (const QString &name : {QStringLiteral("letters-pinyin"), QStringLiteral("digits-pinyin")})
            findChild<QPushButton *>(name)->setEnabled(false);
        m_notice->setText(tr("Pinyin input is unavailable: %1. Letters and digits still work.")
                              .arg(m_engine->errorString()));
    }
    setMode(Mode::Pinyin);
}

TouchKeyboard::~TouchKeyboard() = default;

void TouchKeyboard::setMode(Mode mode)
{
    if (mode == Mode::Pinyin && !m_engine->isAvailable())
        mode = Mode::Letters;
    if (mode != Mode::Pinyin)
        m_engine->clear();
    m_mode = mode;
    m_pads->setCurrentIndex(int(mode));
    updateBar();
}

TouchKeyboard::Mode TouchKeyboard::mode() const
{
    return m_mode;
}

void TouchKeyboard::attach(QLineEdit *target)
{
    m_engine->clear();
    m_target = target;
}

QLineEdit *TouchKeyboard::target() const
{
    return m_target;
}

bool TouchKeyboard::isPinyinAvailable() const
{
    return m_engine->isAvailable();
}

QString TouchKeyboard::pinyinError() const
{
    return m_engine->errorString();
}

QPushButton *TouchKeyboard::key(const QString &name, const QString &label, Role role)
{
    auto *button = new QPushButton(label);
    button->setObjectName(name);
    static const char *const roles[] = {"key", "function", "accept", "digit", "candidate", "page"};
    button->setProperty("role", QString::fromLatin1(roles[int(role)]));
    // The text field keeps the focus (and its cursor) whatever is touched.
    button->setFocusPolicy(Qt::NoFocus);
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    return button;
}

QWidget *TouchKeyboard::buildQwertyPad(Mode mode)
{
    const QString pad = padName(mode);
    const bool pinyin = mode == Mode::Pinyin;
    auto *widget = new QWidget;
    auto *grid = new QGridLayout(widget);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(8);
    for (int column = 0; column < HalfKeys; ++column)
        grid->setColumnStretch(column, 1);

    int row = 0;
    if (!pinyin) {
        for (int i = 0; i < 10; ++i) {
            const QChar digit = QLatin1Char("1234567890"[i]);
            QPushButton *button = key(pad + QLatin1Char('-') + digit, digit, Role::Key);
            connect(button, &QPushButton::clicked, this, [this, digit] { insert(digit); });
            grid->addWidget(button, row, 2 * i, 1, 2);
        }
        ++row;
    }
    // The letter rows, each starting half a key further right.
    const char *const rows[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
    const int offsets[] = {0, 1, 3};
    for (int r = 0; r < 3; ++r) {
        for (int i = 0; rows[r][i]; ++i) {
            const QChar letter = QLatin1Char(rows[r][i]);
            QPushButton *button = key(pad + QLatin1Char('-') + letter, letter, Role::Key);
            connect(button, &QPushButton::clicked, this, [this, letter] { typeLetter(letter); });
            grid->addWidget(button, row + r, offsets[r] + 2 * i, 1, 2);
            if (!pinyin)
                m_letterKeys.append(button);
        }
    }

    QPushButton *backspaceKey = key(pad + QStringLiteral("-backspace"), QStringLiteral("⌫"), Role::Function);
    backspaceKey->setAutoRepeat(true);
    connect(backspaceKey, &QPushButton::clicked, this, &TouchKeyboard::backspace);
    grid->addWidget(backspaceKey, row, 20, 1, 2);
    QPushButton *clearKey = key(pad + QStringLiteral("-clear"), tr("Clear"), Role::Function);
    connect(clearKey, &QPushButton::clicked, this, &TouchKeyboard::clear);
    grid->addWidget(clearKey, row + 1, 19, 1, 3);

    // Punctuation: through Rime on the pinyin pad (， and 。), as is on the letter pad.
    const QList<std::pair<QString, QChar>> marks = pinyin
        ? QList<std::pair<QString, QChar>>{{QStringLiteral("，"), QLatin1Char(',')}, {QStringLiteral("。"), QLatin1Char('.')}}
        : QList<std::pair<QString, QChar>>{{QStringLiteral("."), QLatin1Char('.')}, {QStringLiteral("-"), QLatin1Char('-')}};
    const QString markNames[] = {QStringLiteral("-comma"), QStringLiteral("-period")};
    for (int i = 0; i < 2; ++i) {
        const QChar mark = marks[i].second;
        QPushButton *button = key(pad + (pinyin ? markNames[i] : QLatin1Char('-') + QString(mark)), marks[i].first, Role::Key);
        connect(button, &QPushButton::clicked, this, [this, mark] { typeLetter(mark); });
        grid->addWidget(button, row + 2, 17 + 2 * i, 1, 2);
    }
    if (pinyin) {
        // Where the letter pad has ⇧: the syllable divider, for xi'an (西安) against xian (先).
        QPushButton *divider = key(pad + QStringLiteral("-apostrophe"), tr("Split '"), Role::Function);
        connect(divider, &QPushButton::clicked, this, [this] { typeLetter(QLatin1Char('\'')); });
        grid->addWidget(divider, row + 2, 0, 1, 3);
    } else {
        m_shift = key(pad + QStringLiteral("-shift"), QStringLiteral("⇧"), Role::Function);
        m_shift->setCheckable(true);
        connect(m_shift, &QPushButton::toggled, this, &TouchKeyboard::setCaps);
        grid->addWidget(m_shift, row + 2, 0, 1, 3);
    }

    const int bottom = row + 3;
    const QList<QPushButton *> modes = modeKeys(pad, mode);
    grid->addWidget(modes[0], bottom, 0, 1, 3);
    grid->addWidget(modes[1], bottom, 3, 1, 3);
    QPushButton *spaceKey = key(pad + QStringLiteral("-space"), tr("Space"), Role::Key);
    connect(spaceKey, &QPushButton::clicked, this, &TouchKeyboard::space);
    grid->addWidget(spaceKey, bottom, 6, 1, 10);
    QPushButton *okKey = key(pad + QStringLiteral("-ok"), tr("OK"), Role::Accept);
    connect(okKey, &QPushButton::clicked, this, &TouchKeyboard::ok);
    grid->addWidget(okKey, bottom, 16, 1, 6);
    return widget;
}

QWidget *TouchKeyboard::buildDigitPad()
{
    const QString pad = padName(Mode::Digits);
    auto *grid = new QGridLayout;
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(10);
    for (int i = 0; i < 10; ++i) {
        const QChar digit = QLatin1Char(char('0' + i));
        QPushButton *button = key(pad + QLatin1Char('-') + digit, digit, Role::Digit);
        connect(button, &QPushButton::clicked, this, [this, digit] { insert(digit); });
        if (i == 0)
            grid->addWidget(button, 3, 1);
        else
            grid->addWidget(button, (i - 1) / 3, (i - 1) % 3);
    }
    QPushButton *backspaceKey = key(pad + QStringLiteral("-backspace"), QStringLiteral("⌫"), Role::Function);
    backspaceKey->setAutoRepeat(true);
    connect(backspaceKey, &QPushButton::clicked, this, &TouchKeyboard::backspace);
    grid->addWidget(backspaceKey, 0, 3);
    QPushButton *clearKey = key(pad + QStringLiteral("-clear"), tr("Clear"), Role::Function);
    connect(clearKey, &QPushButton::clicked, this, &TouchKeyboard::clear);
    grid->addWidget(clearKey, 1, 3);
    QPushButton *okKey = key(pad + QStringLiteral("-ok"), tr("OK"), Role::Accept);
    connect(okKey, &QPushButton::clicked, this, &TouchKeyboard::ok);
    grid->addWidget(okKey, 2, 3, 2, 1);
    // The mode keys either side of 0, as * and # on a telephone.
    const QList<QPushButton *> modes = modeKeys(pad, Mode::Digits);
    grid->addWidget(modes[0], 3, 0);
    grid->addWidget(modes[1], 3, 2);
    for (int column = 0; column < 4; ++column)
        grid->setColumnStretch(column, 1);

    // A telephone pad, not a wall of keys: no wider than a hand can cover.
    auto *widget = new QWidget;
    auto *centre = new QWidget;
    centre->setLayout(grid);
    centre->setMaximumWidth(720);
    auto *row = new QHBoxLayout(widget);
    row->setContentsMargins(0, 0, 0, 0);
    row->addStretch();
    row->addWidget(centre, 4);
    row->addStretch();
    return widget;
}

QList<QPushButton *> TouchKeyboard::modeKeys(const QString &pad, Mode current)
{
    const std::pair<Mode, QString> all[] = {{Mode::Pinyin, tr("Pinyin")}, {Mode::Letters, tr("ABC")}, {Mode::Digits, tr("123")}};
    QList<QPushButton *> keys;
    for (const auto &[mode, label] : all) {
        if (mode == current)
            continue;
        QPushButton *button = key(pad + QLatin1Char('-') + padName(mode), label, Role::Function);
        connect(button, &QPushButton::clicked, this, [this, mode = mode] { setMode(mode); });
        keys.append(button);
    }
    return keys;
}

QWidget *TouchKeyboard::buildCandidateBar()
{
    m_bar = new QWidget;
    m_bar->setObjectName(QStringLiteral("bar"));
    m_bar->setAttribute(Qt::WA_StyledBackground);
    auto *layout = new QVBoxLayout(m_bar);
    layout->setContentsMargins(14, 6, 14, 6);
    layout->setSpacing(2);

    m_preedit = new QLabel;
    m_preedit->setObjectName(QStringLiteral("preedit"));
    layout->addWidget(m_preedit);

    auto *row = new QHBoxLayout;
    row->setSpacing(6);
    for (int i = 0; i < PageSize; ++i) {
        QPushButton *button = key(QStringLiteral("candidate-%1").arg(i), {}, Role::Candidate);
        button->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
        connect(button, &QPushButton::clicked, this, [this, i] { m_engine->selectCandidate(i); });
        row->addWidget(button);
        m_candidates.append(button);
    }
    row->addStretch(1);
    m_previousPage = key(QStringLiteral("candidate-previous"), QStringLiteral("◀"), Role::Page);
    m_nextPage = key(QStringLiteral("candidate-next"), QStringLiteral("▶"), Role::Page);
    for (QPushButton *button : {m_previousPage, m_nextPage}) {
        button->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
        row->addWidget(button);
    }
    connect(m_previousPage, &QPushButton::clicked, m_engine, &PinyinEngine::previousPage);
    connect(m_nextPage, &QPushButton::clicked, m_engine, &PinyinEngine::nextPage);
    layout->addLayout(row);

    m_notice = new QLabel;
    m_notice->setObjectName(QStringLiteral("notice"));
    m_notice->setWordWrap(true);
    layout->addWidget(m_notice);
    return m_bar;
}

void TouchKeyboard::updateBar()
{
    const bool pinyin = m_mode == Mode::Pinyin;
    // Letters and digits need no bar, unless it explains why pinyin is off.
    m_bar->setVisible(pinyin || !m_engine->isAvailable());
    m_notice->setVisible(!m_engine->isAvailable());

    const bool composing = pinyin && m_engine->isComposing();
    if (m_preedit->property("hint").toBool() == composing) {
        m_preedit->setProperty("hint", !composing);
        style()->unpolish(m_preedit);
        style()->polish(m_preedit);
    }
    m_preedit->setText(composing ? m_engine->preedit() : tr("Type pinyin, then touch the characters you want"));
    m_preedit->setVisible(pinyin);

    const QStringList candidates = composing ? m_engine->candidates() : QStringList();
    for (int i = 0; i < m_candidates.size(); ++i) {
        m_candidates[i]->setText(candidates.value(i));
        m_candidates[i]->setVisible(i < candidates.size());
    }
    m_previousPage->setVisible(pinyin);
    m_nextPage->setVisible(pinyin);
    m_previousPage->setEnabled(composing && m_engine->hasPreviousPage());
    m_nextPage->setEnabled(composing && m_engine->hasNextPage());
}

void TouchKeyboard::insert(const QString &text)
{
    if (m_target)
        m_target->insert(text);
}

void TouchKeyboard::typeLetter(QChar letter)
{
    if (m_mode == Mode::Pinyin && m_engine->typeLetter(letter))
        return;
    insert(m_caps ? letter.toUpper() : letter);
}

void TouchKeyboard::backspace()
{
    if (m_mode == Mode::Pinyin && m_engine->backspace())
        return;
    if (m_target)
        m_target->backspace();
}

void TouchKeyboard::space()
{
    if (m_mode == Mode::Pinyin && m_engine->space())
        return;
    insert(QStringLiteral(" "));
}

void TouchKeyboard::clear()
{
    m_engine->clear();
    if (m_target)
        m_target->clear();
}

void TouchKeyboard::ok()
{
    if (m_mode == Mode::Pinyin && m_engine->enter())
        return;
    Q_EMIT accepted();
}

void TouchKeyboard::setCaps(bool caps)
{
    m_caps = caps;
    for (QPushButton *button : std::as_const(m_letterKeys))
        button->setText(caps ? button->text().toUpper() : button->text().toLower());
}

} // namespace hall::ui
