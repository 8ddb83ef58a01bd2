// The touch keyboard's pinyin, timed as a citizen meets it (bench/run-keyboard):
//   first   one fresh keyboard: construction and first show, then show → the first candidates of
//           "zhengwu" (seven touches), and the process's CPU time until then (QApplication
//           included). Run once per process: the first one is what matters.
//   keys N  N touches of pinyin letters and candidate choices: touch → bar updated, p50/p99/max.
// Offscreen platform; the schema the build compiled (or $HALL_RIME_DATA).

#include <ui/touchkeyboard.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPushButton>

#include <algorithm>
#include <cstdio>
#include <ctime>

using hall::ui::TouchKeyboard;

namespace {

double ms(qint64 ns)
{
    return ns / 1e6;
}

void touch(TouchKeyboard &keyboard, const QString &name)
{
    keyboard.findChild<QPushButton *>(name)->click();
}

bool candidatesShown(TouchKeyboard &keyboard)
{
    return keyboard.findChild<QPushButton *>(QStringLiteral("candidate-0"))->isVisible();
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QString mode = argc > 1 ? QString::fromLatin1(argv[1]) : QStringLiteral("first");

    QElapsedTimer timer;
    timer.start();
    QLineEdit edit;
    TouchKeyboard keyboard;
    keyboard.attach(&edit);
    keyboard.resize(1280, 460);
    keyboard.show();
    QCoreApplication::processEvents();
    const qint64 shown = timer.nsecsElapsed();
    if (!keyboard.isPinyinAvailable()) {
        std::fprintf(stderr, "pinyin unavailable: %s\n", qPrintable(keyboard.pinyinError()));
        return 1;
    }

    if (mode == QLatin1String("first")) {
        for (const QChar c : QStringLiteral("zhengwu"))
            touch(keyboard, QStringLiteral("pinyin-") + c);
        QCoreApplication::processEvents();
        const qint64 first = timer.nsecsElapsed();
        if (!candidatesShown(keyboard))
            return 1;
        // CPU time too: on a shared machine the wall clock mostly measures the others.
        std::printf("construct+show %.1f ms, show -> first candidates %.1f ms, process CPU %.1f ms\n", ms(shown),
                    ms(first - shown), std::clock() * 1000.0 / CLOCKS_PER_SEC);
        return 0;
    }

    // Pinyin of a form's usual words, each chosen with 空格 after its last letter.
    const QStringList words = {QStringLiteral("guangdongsheng"), QStringLiteral("shanweishi"),
                               QStringLiteral("zhengwufuwuzhongxin"), QStringLiteral("zhangsan"),
                               QStringLiteral("renminlu"), QStringLiteral("hao")};
    const int touches = argc > 2 ? QString::fromLatin1(argv[2]).toInt() : 2000;
    QList<qint64> times;
    for (int i = 0; times.size() < touches; ++i) {
        const QString &word = words[i % words.size()];
        const QString keys = word + QLatin1Char(' ');
        for (const QChar c : keys) {
            const QString name = c == QLatin1Char(' ') ? QStringLiteral("pinyin-space") : QStringLiteral("pinyin-") + c;
            QElapsedTimer t;
            t.start();
            touch(keyboard, name);
            QCoreApplication::processEvents();
            times.append(t.nsecsElapsed());
        }
        if (edit.text().size() > 200)
            edit.clear();
    }
    std::sort(times.begin(), times.end());
    std::printf("%lld touches: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", qlonglong(times.size()),
                ms(times[times.size() / 2]), ms(times[times.size() * 99 / 100]), ms(times.last()));
    return 0;
}
