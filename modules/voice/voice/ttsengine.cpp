#include "ttsengine.h"

#include <core/logging.h>

#include <QRegularExpression>
#include <QTextToSpeech>

#include <algorithm>
#include <memory>

namespace hall::voice {

namespace {
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(TtsEngine)
};

// Every voice in a locale the engine may file Chinese under: zh_* and the C locale, where
// Qt 6.4 puts languages it has no code for (speech-dispatcher's espeak-ng Mandarin is "cmn").
// Qt lists the voices of the current locale only, hence switching through them.
QList<QVoice> candidateVoices(QTextToSpeech *tts)
{
    QList<QVoice> out;
    const QList<QLocale> locales = tts->availableLocales();
    for (const QLocale &l : locales) {
        if (l.language() != QLocale::Chinese && l.language() != QLocale::C && l.language() != QLocale::AnyLanguage)
            continue;
        tts->setLocale(l);
        const QList<QVoice> voices = tts->availableVoices();
        for (const QVoice &v : voices) {
            if (!out.contains(v))
                out.append(v);
        }
    }
    return out;
}

// "a, b, c and 5 more": error messages stay readable when an engine has hundreds of voices.
QString shortList(const QStringList &items, int shown = 8)
{
    const QString list = QStringList(items.mid(0, shown)).join(QStringLiteral(", "));
    return items.size() > shown ? Text::tr("%1 and %n more", nullptr, int(items.size() - shown)).arg(list) : list;
}

// What an engine without a Chinese voice offers, for the error message.
QString describe(const QString &engine, const QTextToSpeech &tts)
{
    if (tts.state() == QTextToSpeech::Error && tts.errorReason() == QTextToSpeech::ErrorReason::Initialization)
        return Text::tr("%1: %2").arg(engine, tts.errorString());
    QStringList names;
    const QList<QLocale> locales = tts.availableLocales();
    for (const QLocale &l : locales)
        names.append(l.name());
    names.sort();
    if (names.isEmpty())
        return Text::tr("%1: no voices (%2)").arg(engine, tts.errorString());
    return Text::tr("%1: no Chinese voice among %n language(s): %2", nullptr, int(names.size())).arg(engine, shortList(names));
}
} // namespace

TtsEngine::TtsEngine(QObject *parent) : SpeechEngine(parent)
{
    m_repeatGap.setSingleShot(true);
    m_repeatGap.setInterval(900); // as the clip engine pauses between repeats
    m_watchdog.setSingleShot(true);
    connect(&m_repeatGap, &QTimer::timeout, this, [this] {
        QString error;
        if (!speakOnce(&error))
            fail(error, false);
    });
    connect(&m_watchdog, &QTimer::timeout, this, [this] {
        // Late for what has been said already (a timeout queued as it ended): not a failure,
        // and the announcement now speaking is not this one's to fail.
        if (m_phase != Phase::Starting && m_phase != Phase::Speaking)
            return;
        // An engine that never reports back must not stall the hall's queue.
        const QString reason = tr("The text-to-speech engine %1 did not finish \"%2\" in %3 s; check its audio output "
                                  "(speech-dispatcher: AudioOutputMethod).")
                                   .arg(engineName(), m_text, QString::number(m_watchdog.interval() / 1000.0, 'f', 1));
        fail(reason, true);
    });
}

TtsEngine::~TtsEngine()
{
    if (!m_tts)
        return;
    // No finished() or failed() from a destructor: a listener could call say() on it.
    m_tts->disconnect(this);
    if (m_phase != Phase::Idle)
        m_tts->stop();
}

int TtsEngine::chineseVoiceRank(const QString &name, const QLocale &locale)
{
    static const QRegularExpression mandarin(QStringLiteral("\\bmandarin\\b|\\bcmn\\b|普通话|国语"),
                                             QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression otherChinese(QStringLiteral("cantonese|hakka|粤|客家"), QRegularExpression::CaseInsensitiveOption);
    int rank = 0;
    if (locale.language() == QLocale::Chinese) {
        if (name.contains(otherChinese))
            return 0;
        if (locale.territory() == QLocale::China)
            rank = 40;
        else if (locale.territory() == QLocale::HongKong || locale.territory() == QLocale::Macau)
            rank = 10; // there Chinese voices usually speak Cantonese
        else
            rank = 30;
    } else if (locale.language() == QLocale::C || locale.language() == QLocale::AnyLanguage) {
        if (!name.contains(mandarin))
            return 0;
        rank = 30;
    } else {
        return 0;
    }
    // espeak-ng's "latin as English" Mandarin reads many characters as pinyin with English
    // tone numbers (号 → "hao four", espeak-ng issue #1236); its "latin as Pinyin" one does not.
    if (name.contains(QLatin1String("pinyin"), Qt::CaseInsensitive))
        rank += 5;
    // espeak-ng's variants ("…+whisper", "…+croak") are effects, not hall voices.
    if (name.contains(u'+'))
        rank -= 10;
    return std::max(rank, 1);
}

bool TtsEngine::open(const QString &engine, const QString &voice, QString *error)
{
    close();
    const QStringList installed = QTextToSpeech::availableEngines();
    if (installed.isEmpty()) {
        *error = tr("No text-to-speech engine is installed. Use the clip engine (voice engine \"clips\"), "
                    "or install qt6-speech-speechd-plugin with speech-dispatcher-espeak-ng.");
        return false;
    }
    if (!engine.isEmpty() && !installed.contains(engine)) {
        *error = tr("There is no text-to-speech engine \"%1\" (installed: %2). Use one of those or the clip engine (voice engine \"clips\").")
                     .arg(engine, installed.join(QStringLiteral(", ")));
        return false;
    }
    QStringList found;
    for (const QString &name : engine.isEmpty() ? installed : QStringList{engine}) {
        auto tts = std::make_unique<QTextToSpeech>(name);
        QVoice best;
        int bestRank = 0;
        QList<std::pair<int, QString>> chinese; // rank, name
        const QList<QVoice> voices = candidateVoices(tts.get());
        for (const QVoice &v : voices) {
            const int rank = chineseVoiceRank(v.name(), v.locale());
            if (rank == 0)
                continue;
            chinese.append({-rank, v.name()});
            if (voice.isEmpty() ? rank > bestRank : v.name() == voice) {
                best = v;
                bestRank = rank;
            }
        }
        if (bestRank == 0) {
            if (!voice.isEmpty() && !chinese.isEmpty()) {
                std::sort(chinese.begin(), chinese.end());
                QStringList names;
                for (const auto &c : std::as_const(chinese))
                    names.append(c.second);
                found.append(tr("%1: no Chinese voice \"%2\" (its Chinese voices: %3)").arg(name, voice, shortList(names, 4)));
                continue;
            }
            found.append(describe(name, *tts));
            continue;
        }
        tts->setVoice(best);
        if (tts->voice().name() != best.name()) {
            found.append(tr("%1: the voice %2 cannot be chosen (%3)").arg(name, best.name(), tts->errorString()));
            continue;
        }
        m_tts = tts.release();
        m_tts->setParent(this);
        // The speechd backend reports from its own thread; these arrive queued, in order.
        connect(m_tts, &QTextToSpeech::stateChanged, this, [this](QTextToSpeech::State s) { onStateChanged(int(s)); });
        connect(m_tts, &QTextToSpeech::errorOccurred, this,
                [this](QTextToSpeech::ErrorReason, const QString &reason) { onError(reason); });
        qCInfo(lcVoice) << "text-to-speech engine" << name << "voice" << best.name() << best.locale();
        return true;
    }
    *error = tr("No text-to-speech engine has a Chinese voice for the hall voice (%1). Use the clip engine "
                "(voice engine \"clips\"), or install a Chinese voice (speech-dispatcher-espeak-ng).")
                 .arg(found.join(QStringLiteral("; ")));
    return false;
}

void TtsEngine::close()
{
    if (!m_tts)
        return;
    if (m_phase != Phase::Idle)
        fail(tr("The text-to-speech engine was closed while speaking."), true);
    delete m_tts;
    m_tts = nullptr;
}

QString TtsEngine::engineName() const
{
    return m_tts ? m_tts->engine() : QString();
}

QString TtsEngine::voiceName() const
{
    return m_tts ? m_tts->voice().name() : QString();
}

double TtsEngine::volume() const
{
    return m_tts ? m_tts->volume() : 0.0;
}

bool TtsEngine::say(const Announcement &a, double volume, QString *error)
{
    if (!m_tts) {
        *error = tr("The text-to-speech engine is not open.");
        return false;
    }
    if (m_phase != Phase::Idle) {
        *error = tr("The text-to-speech engine is still speaking; announcements must wait their turn.");
        return false;
    }
    QString text;
    if (!spokenText(a, &text, error))
        return false;
    if (text.isEmpty()) {
        *error = tr("The announcement has nothing to say.");
        return false;
    }
    m_text = text;
    m_left = std::max(1, a.repeat);
    m_tts->setVolume(std::clamp(volume, 0.0, 1.0));
    return speakOnce(error);
}

bool TtsEngine::speakOnce(QString *error)
{
    m_phase = Phase::Starting;
    m_sayError.clear();
    // Engines report a refused text synchronously, inside say().
    m_inSay = true;
    m_tts->say(m_text);
    m_inSay = false;
    if (!m_sayError.isEmpty()) {
        m_phase = Phase::Idle;
        *error = tr("The text-to-speech engine %1 cannot say \"%2\": %3").arg(engineName(), m_text, m_sayError);
        return false;
    }
    // Only while it is still speaking: an engine may have said it all inside say() (and a
    // listener of finished() may have started the next announcement with its own watchdog).
    if (m_phase == Phase::Starting || m_phase == Phase::Speaking)
        m_watchdog.start(m_limitBaseMs + m_limitPerCharMs * int(m_text.size()));
    return true;
}

void TtsEngine::onStateChanged(int state)
{
    switch (QTextToSpeech::State(state)) {
    case QTextToSpeech::Speaking:
        if (m_phase == Phase::Starting)
            m_phase = Phase::Speaking;
        break;
    case QTextToSpeech::Ready:
        // Only the end of what this engine started counts: a Ready before Speaking is an
        // earlier utterance being cancelled.
        if (m_phase != Phase::Speaking)
            break;
        m_watchdog.stop();
        if (--m_left > 0) {
            m_phase = Phase::Pause;
            m_repeatGap.start();
            break;
        }
        m_phase = Phase::Idle;
        Q_EMIT finished();
        break;
    case QTextToSpeech::Error:
        onError(m_tts->errorString());
        break;
    case QTextToSpeech::Paused:
        break;
    }
}

void TtsEngine::onError(const QString &reason)
{
    if (m_inSay) {
        m_sayError = reason.isEmpty() ? tr("unknown error") : reason;
        return;
    }
    if (m_phase == Phase::Idle || m_phase == Phase::Pause) {
        qCWarning(lcVoice) << "text-to-speech engine" << engineName() << "reported:" << reason;
        return;
    }
    fail(tr("The text-to-speech engine %1 broke off \"%2\": %3").arg(engineName(), m_text, reason), true);
}

void TtsEngine::fail(const QString &reason, bool stopEngine)
{
    // Idle first: stopping may report Ready at once, which must not count as said.
    m_phase = Phase::Idle;
    m_watchdog.stop();
    m_repeatGap.stop();
    if (stopEngine)
        m_tts->stop();
    // Queued: an engine reports one error as both a state change and an error signal, and
    // the second must not land on the announcement the Announcer starts next.
    QMetaObject::invokeMethod(this, [this, reason] { Q_EMIT failed(reason); }, Qt::QueuedConnection);
}

} // namespace hall::voice
