#include "signindialog.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace hall::app {

namespace {

QLineEdit *field(QWidget *parent, const char *name, bool secret)
{
    auto *e = new QLineEdit(parent);
    e->setObjectName(QLatin1String(name));
    if (secret)
        e->setEchoMode(QLineEdit::Password);
    e->setMinimumWidth(260);
    return e;
}

} // namespace

SignInDialog::SignInDialog(net::HallClient *client, const QString &appTitle, QWidget *parent)
    : QDialog(parent), m_controller(new SignInController(client, this))
{
    setObjectName(QStringLiteral("signIn"));
    setMinimumWidth(480); // the rules on one line each at the default font
    setWindowTitle(tr("Sign in — %1").arg(appTitle));
    auto *heading = new QLabel(appTitle, this);
    QFont big = heading->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    heading->setFont(big);

    // Page one: who.
    auto *credentials = new QWidget(this);
    m_login = field(credentials, "login", false);
    m_password = field(credentials, "password", true);
    auto *credentialsForm = new QFormLayout(credentials);
    credentialsForm->setContentsMargins(0, 0, 0, 0);
    auto *hint = new QLabel(tr("Sign in with your own account; never with a colleague's."), credentials);
    hint->setWordWrap(true);
    credentialsForm->addRow(hint);
    credentialsForm->addRow(tr("&User name:"), m_login);
    credentialsForm->addRow(tr("&Password:"), m_password);

    // Page two: a new password first.
    auto *change = new QWidget(this);
    m_reason = new QLabel(change);
    m_reason->setObjectName(QStringLiteral("reason"));
    m_reason->setWordWrap(true);
    QFont bold = m_reason->font();
    bold.setBold(true);
    m_reason->setFont(bold);
    m_current = field(change, "current", true);
    m_new = field(change, "newPassword", true);
    m_repeat = field(change, "repeat", true);
    m_rules = new QLabel(change);
    m_rules->setObjectName(QStringLiteral("rules"));
    m_rules->setWordWrap(true);
    m_rules->setTextFormat(Qt::RichText);
    auto *changeForm = new QFormLayout;
    changeForm->addRow(tr("&Current password:"), m_current);
    changeForm->addRow(tr("&New password:"), m_new);
    changeForm->addRow(tr("&Repeat it:"), m_repeat);
    auto *changeLayout = new QVBoxLayout(change);
    changeLayout->setContentsMargins(0, 0, 0, 0);
    changeLayout->addWidget(m_reason);
    changeLayout->addLayout(changeForm);
    changeLayout->addWidget(m_rules);

    m_pages = new QStackedWidget(this);
    m_pages->setObjectName(QStringLiteral("pages"));
    m_pages->addWidget(credentials);
    m_pages->addWidget(change);
    change->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Ignored);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #c0392b;"));

    m_submit = new QPushButton(this);
    m_submit->setObjectName(QStringLiteral("submit"));
    m_submit->setDefault(true);
    m_back = new QPushButton(tr("&Back"), this);
    m_back->setObjectName(QStringLiteral("back"));
    auto *cancel = new QPushButton(tr("Cancel"), this);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_back);
    buttons->addStretch();
    buttons->addWidget(cancel);
    buttons->addWidget(m_submit);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(32, 28, 32, 24);
    layout->setSpacing(14);
    layout->addWidget(heading);
    layout->addWidget(m_pages);
    layout->addWidget(m_message);
    layout->addStretch();
    layout->addLayout(buttons);

    connect(m_submit, &QPushButton::clicked, this, &SignInDialog::submit);
    connect(m_back, &QPushButton::clicked, m_controller, &SignInController::back);
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    // Enter presses the default button only: never Back or Cancel, even while it is disabled.
    for (QPushButton *b : {m_back, cancel})
        b->setAutoDefault(false);
    connect(m_controller, &SignInController::changed, this, &SignInDialog::refresh);
    connect(m_controller, &SignInController::signedIn, this, &QDialog::accept);
    refresh();
    m_login->setFocus();
}

void SignInDialog::setLogin(const QString &login)
{
    m_login->setText(login);
    (login.isEmpty() ? m_login : m_password)->setFocus();
}

void SignInDialog::submit()
{
    if (m_controller->step() == SignInController::Step::ChangePassword)
        m_controller->changePassword(m_current->text(), m_new->text(), m_repeat->text());
    else
        m_controller->signIn(m_login->text(), m_password->text());
}

void SignInDialog::refresh()
{
    const bool changing = m_controller->step() == SignInController::Step::ChangePassword;
    const int page = changing ? 1 : 0;
    if (m_pages->currentIndex() != page) {
        m_pages->setCurrentIndex(page);
        // The stack takes the size of its current page only, so the message sits under the
        // fields the person just typed into.
        for (int i = 0; i < m_pages->count(); ++i)
            m_pages->widget(i)->setSizePolicy(QSizePolicy::Preferred, i == page ? QSizePolicy::Preferred : QSizePolicy::Ignored);
        adjustSize();
        if (changing) {
            // The password just typed is the current one; the new one is typed from scratch.
            m_current->setText(m_password->text());
            m_new->clear();
            m_repeat->clear();
            m_new->setFocus();
        } else {
            m_password->clear();
            m_password->setFocus();
        }
    }
    m_reason->setText(m_controller->changeReason());
    QString rules = tr("The new password must have:") + QStringLiteral("<ul style=\"margin-left: -20px\">");
    for (const QString &rule : m_controller->passwordRules())
        rules += QStringLiteral("<li>%1</li>").arg(rule.toHtmlEscaped());
    m_rules->setText(rules + QStringLiteral("</ul>"));
    m_back->setVisible(changing);
    m_message->setText(m_controller->isBusy() ? QString() : m_controller->message());
    m_submit->setText(m_controller->isBusy() ? tr("Signing in…") : changing ? tr("&Change and sign in") : tr("&Sign in"));
    m_submit->setEnabled(m_controller->canSubmit());
    for (QLineEdit *e : {m_login, m_password, m_current, m_new, m_repeat})
        e->setEnabled(!m_controller->isBusy());
    // Disabled while busy, a field lost the keyboard: give it back where the person types next.
    if (!m_controller->isBusy() && isVisible() && (!focusWidget() || !focusWidget()->isEnabled()))
        (changing ? m_new : m_password)->setFocus();
}

} // namespace hall::app
