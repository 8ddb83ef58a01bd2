#include "callercommands.h"

#include <QCoreApplication>

namespace hall::devices {

namespace {

// Messages of this file are translated in the CallerCommands context (as lupdate files them).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(CallerCommands)
};

QueueCommand windowOp(const QString &operation, const QString &window, QVariantMap arguments = {})
{
    QueueCommand c;
    c.operation = operation;
    c.window = window;
    c.arguments = std::move(arguments);
    return c;
}

QueueCommand localOp(const QString &operation, const QString &window, QVariantMap arguments = {})
{
    QueueCommand c = windowOp(operation, window, std::move(arguments));
    c.local = true;
    return c;
}

QueueCommand failed(const QString &operation, const QString &window, const QString &error)
{
    QueueCommand c = windowOp(operation, window);
    c.error = error;
    return c;
}

// Keypads send digits only; a number typed as "007" means window 7.
QString withoutLeadingZeros(const QString &digits)
{
    qsizetype i = 0;
    while (i + 1 < digits.size() && digits.at(i) == u'0')
        ++i;
    return digits.mid(i);
}

} // namespace

QueueCommand queueCommand(const CallerEvent &event, const CallerContext &context)
{
    using K = CallerEvent::Key;
    const QString window = context.window.isEmpty() ? QString::number(event.address) : context.window;
    const QString digits = event.argument.trimmed();
    switch (event.key) {
    case K::Next:
        return windowOp(QStringLiteral("call-next"), window);
    case K::Recall:
        return windowOp(QStringLiteral("recall"), window);
    case K::SpecialCall:
    case K::Digits: {
        // A number confirmed on its own is a special call too (特呼: type the number, press OK).
        if (digits.isEmpty())
            return failed(QStringLiteral("special-call"), window, Text::tr("Type the ticket number, then press Special call."));
        QueueCommand c = windowOp(QStringLiteral("special-call"), window);
        c.ticketNumber = digits;
        return c;
    }
    case K::Pause:
        // One key toggles, as on the callers themselves.
        if (context.paused)
            return windowOp(QStringLiteral("resume"), window);
        return windowOp(QStringLiteral("pause"), window,
                        {{QStringLiteral("type"), QStringLiteral("break")}, {QStringLiteral("reason"), QString()}});
    case K::Evaluate:
        return localOp(QStringLiteral("prompt-rating"), window);
    case K::Transfer:
        if (digits.isEmpty())
            return failed(QStringLiteral("transfer"), window, Text::tr("Type the window number to transfer to, then press Transfer."));
        return windowOp(QStringLiteral("transfer"), window, {{QStringLiteral("window"), withoutLeadingZeros(digits)}});
    case K::Settings:
        return localOp(QStringLiteral("settings"), window);
    case K::Query:
        return localOp(QStringLiteral("query"), window);
    case K::Login:
        if (digits.isEmpty()) {
            return failed(QStringLiteral("login"), window, context.loginMode == CallerContext::LoginMode::Window
                                                               ? Text::tr("Type the window number, then press Login.")
                                                               : Text::tr("Type your staff ID, then press Login."));
        }
        if (context.loginMode == CallerContext::LoginMode::Window) {
            const QString target = withoutLeadingZeros(digits);
            if (context.officer.isEmpty())
                return failed(QStringLiteral("login"), target, Text::tr("This caller belongs to no officer; set one for window login."));
            return windowOp(QStringLiteral("login"), target, {{QStringLiteral("officer"), context.officer}});
        }
        return windowOp(QStringLiteral("login"), window, {{QStringLiteral("officer"), digits}});
    case K::Rating:
        if (event.rating < 1 || event.rating > 5)
            return failed(QStringLiteral("rate"), window, Text::tr("A rating is 1 to 5, not %1.").arg(event.rating));
        return localOp(QStringLiteral("rate"), window,
                       {{QStringLiteral("rating"), event.rating}, {QStringLiteral("level"), ratingCode(event.rating)}});
    }
    return failed(QString(), window, Text::tr("Unknown caller key."));
}

QString callerKeyName(CallerEvent::Key key)
{
    using K = CallerEvent::Key;
    switch (key) {
    case K::Next: return QStringLiteral("next");
    case K::Recall: return QStringLiteral("recall");
    case K::SpecialCall: return QStringLiteral("special-call");
    case K::Pause: return QStringLiteral("pause");
    case K::Evaluate: return QStringLiteral("evaluate");
    case K::Transfer: return QStringLiteral("transfer");
    case K::Settings: return QStringLiteral("settings");
    case K::Query: return QStringLiteral("query");
    case K::Digits: return QStringLiteral("digits");
    case K::Login: return QStringLiteral("login");
    case K::Rating: return QStringLiteral("rating");
    }
    return {};
}

QString ratingLabel(int rating)
{
    switch (rating) {
    case 1: return Text::tr("Very dissatisfied");  // 非常不满意
    case 2: return Text::tr("Dissatisfied");       // 不满意
    case 3: return Text::tr("Fairly satisfied");   // 基本满意
    case 4: return Text::tr("Satisfied");          // 满意
    case 5: return Text::tr("Very satisfied");     // 非常满意
    }
    return {};
}

QString ratingCode(int rating)
{
    static const char *const codes[] = {"very-dissatisfied", "dissatisfied", "fair", "satisfied", "very-satisfied"};
    return rating >= 1 && rating <= 5 ? QString::fromLatin1(codes[rating - 1]) : QString();
}

} // namespace hall::devices
