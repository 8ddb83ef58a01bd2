#include "signindialog.h"

#include <net/hallclient.h>

#include <QButtonGroup>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
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

// A button beside a field that Enter never presses.
QPushButton *sideButton(QWidget *parent, const QString &text, const char *name)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(QLatin1String(name));
    b->setAutoDefault(false);
    return b;
}

// The form of one choice, indented under its radio button: `first` (a field and its button),
// then `second`.
QFormLayout *choiceForm(QWidget *fields, const QString &firstLabel, QWidget *first, QPushButton *button, const QString &secondLabel,
                        QWidget *second)
{
    auto *row = new QHBoxLayout;
    row->addWidget(first, 1);
    row->addWidget(button);
    auto *form = new QFormLayout(fields);
    form->setContentsMargins(24, 0, 0, 0);
    form->addRow(firstLabel, row);
    form->addRow(secondLabel, second);
    return form;
}

// The certificates of `tokens` into `box`: the holder's name and the end of validity shown, the
// URI as the item's data, `where` it is as its tooltip.
template<typename Where>
void listCertificates(QComboBox *box, const QList<net::TokenInfo> &tokens, Where where)
{
    box->clear();
    for (const net::TokenInfo &t : tokens) {
        for (const auto &c : t.certificates) {
            const QString who = c.certificate.subjectInfo(QSslCertificate::CommonName).value(0, c.label);
            box->addItem(SignInDialog::tr("%1 (until %2)").arg(who, c.certificate.expiryDate().date().toString(Qt::ISODate)), c.uri);
            box->setItemData(box->count() - 1, where(t, c.certificate), Qt::ToolTipRole);
        }
    }
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
    m_pages->addWidget(certificatePage());
    for (int i = 1; i < m_pages->count(); ++i)
        m_pages->widget(i)->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Ignored);

    // The ways in, as two halves of one switch.
    m_wayPassword = new QPushButton(tr("Pass&word"), this);
    m_wayPassword->setObjectName(QStringLiteral("wayPassword"));
    m_wayCertificate = new QPushButton(tr("Cer&tificate or USB key"), this);
    m_wayCertificate->setObjectName(QStringLiteral("wayCertificate"));
    auto *ways = new QButtonGroup(this);
    auto *wayRow = new QHBoxLayout;
    wayRow->setSpacing(0);
    for (QPushButton *b : {m_wayPassword, m_wayCertificate}) {
        b->setCheckable(true);
        b->setAutoDefault(false);
        b->setMinimumHeight(32);
        ways->addButton(b);
        wayRow->addWidget(b);
    }
    wayRow->addStretch();
    connect(m_wayPassword, &QPushButton::clicked, this, [this] { m_controller->setWay(SignInController::Way::Password); });
    connect(m_wayCertificate, &QPushButton::clicked, this, [this] { m_controller->setWay(SignInController::Way::Certificate); });

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
    layout->addLayout(wayRow);
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
    m_controller->checkWays(client->hall());
}

QWidget *SignInDialog::certificatePage()
{
    auto *page = new QWidget(this);
    m_fromFile = new QRadioButton(tr("Certificate &file (.p12 / .pfx)"), page);
    m_fromFile->setObjectName(QStringLiteral("fromFile"));
    m_fromToken = new QRadioButton(tr("&USB key"), page);
    m_fromToken->setObjectName(QStringLiteral("fromToken"));
    m_fromToken->setChecked(true);
    m_fromStore = new QRadioButton(tr("Certificate store of this &PC"), page);
    m_fromStore->setObjectName(QStringLiteral("fromStore"));

    m_fileFields = new QWidget(page);
    m_file = field(m_fileFields, "certificateFile", false);
    auto *browse = sideButton(m_fileFields, tr("&Browse…"), "browse");
    m_filePassword = field(m_fileFields, "filePassword", true);
    choiceForm(m_fileFields, tr("File:"), m_file, browse, tr("Its password:"), m_filePassword);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Your certificate file"), m_file->text(),
                                                          tr("Certificate files (*.p12 *.pfx);;All files (*)"));
        if (!file.isEmpty()) {
            m_file->setText(file);
            m_filePassword->setFocus();
        }
    });

    m_tokenFields = new QWidget(page);
    m_tokenCertificate = new QComboBox(m_tokenFields);
    m_tokenCertificate->setObjectName(QStringLiteral("tokenCertificate"));
    m_tokenCertificate->setMinimumWidth(300);
    m_tokenCertificate->setSizeAdjustPolicy(QComboBox::AdjustToContents); // the expiry date stays readable
    auto *refreshTokens = sideButton(m_tokenFields, tr("&Refresh"), "refreshTokens");
    m_pinState = new QLabel(m_tokenFields);
    m_pinState->setObjectName(QStringLiteral("pinState"));
    m_pinState->setWordWrap(true);
    m_pinState->setStyleSheet(QStringLiteral("color: #b9770e;"));
    m_pin = field(m_tokenFields, "pin", true);
    choiceForm(m_tokenFields, tr("Certificate:"), m_tokenCertificate, refreshTokens, tr("P&IN:"), m_pin)->addRow(m_pinState);
    connect(refreshTokens, &QPushButton::clicked, this, [this] {
        m_controller->refreshTokens();
        fillTokens();
    });
    connect(m_tokenCertificate, &QComboBox::currentIndexChanged, this, &SignInDialog::refresh);

    // This PC's certificate store: its certificates that can sign in, the store's password where
    // it has one, and why it lists none.
    m_storeFields = new QWidget(page);
    m_storeCertificate = new QComboBox(m_storeFields);
    m_storeCertificate->setObjectName(QStringLiteral("storeCertificate"));
    m_storeCertificate->setMinimumWidth(300);
    m_storeCertificate->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto *refreshStore = sideButton(m_storeFields, tr("Refres&h"), "refreshStore");
    m_storePassword = field(m_storeFields, "storePassword", true);
    m_storeNote = new QLabel(m_storeFields);
    m_storeNote->setObjectName(QStringLiteral("storeNote"));
    m_storeNote->setWordWrap(true);
    m_storeNote->setStyleSheet(QStringLiteral("color: #b9770e;"));
    choiceForm(m_storeFields, tr("Certificate:"), m_storeCertificate, refreshStore, tr("Store passwor&d:"), m_storePassword)->addRow(m_storeNote);
    connect(refreshStore, &QPushButton::clicked, this, [this] {
        m_controller->refreshStore();
        fillStore();
    });

    m_certificateHint = new QLabel(page);
    m_certificateHint->setObjectName(QStringLiteral("certificateHint"));
    m_certificateHint->setWordWrap(true);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_certificateHint);
    layout->addWidget(m_fromToken);
    layout->addWidget(m_tokenFields);
    layout->addWidget(m_fromStore);
    layout->addWidget(m_storeFields);
    layout->addWidget(m_fromFile);
    layout->addWidget(m_fileFields);
    for (QRadioButton *r : {m_fromFile, m_fromToken, m_fromStore})
        connect(r, &QRadioButton::toggled, this, &SignInDialog::refresh);
    return page;
}

void SignInDialog::setPkcs11Module(const QString &module)
{
    m_controller->setPkcs11Module(module);
    m_controller->refreshTokens();
    fillTokens();
}

void SignInDialog::fillTokens()
{
    listCertificates(m_tokenCertificate, m_controller->tokens(),
                     [](const net::TokenInfo &t, const QSslCertificate &) { return tr("On the USB key \"%1\"").arg(t.label); });
    refresh();
    adjustSize();
}

void SignInDialog::setCertificateStore(const QString &folder)
{
    m_controller->setCertificateStore(folder);
    m_controller->refreshStore();
    fillStore();
}

QWidget *SignInDialog::storeField() const
{
    return m_controller->storeNeedsPassword() ? static_cast<QWidget *>(m_storePassword) : m_storeCertificate;
}

void SignInDialog::fillStore()
{
    listCertificates(m_storeCertificate, m_controller->storeTokens(),
                     [](const net::TokenInfo &, const QSslCertificate &c) { return tr("Issued by %1").arg(c.issuerDisplayName()); });
    // No USB key with a certificate, but one in the store: that is the officer's way in.
    if (m_storeCertificate->count() > 0 && m_tokenCertificate->count() == 0 && m_fromToken->isChecked())
        m_fromStore->setChecked(true);
    refresh();
    adjustSize();
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
    else if (m_controller->way() == SignInController::Way::Password)
        m_controller->signIn(m_login->text(), m_password->text());
    else if (m_fromFile->isChecked())
        m_controller->signInWithFile(m_file->text().trimmed(), m_filePassword->text());
    else if (m_fromStore->isChecked())
        m_controller->signInWithStore(m_storeCertificate->currentData().toString(), m_storePassword->text());
    else
        m_controller->signInWithToken(m_tokenCertificate->currentData().toString(), m_pin->text());
    // A PIN or file password is typed again for every try.
    if (!m_controller->isBusy() && m_controller->step() != SignInController::Step::SignedIn) {
        m_pin->clear();
        m_filePassword->clear();
        m_storePassword->clear();
    }
}

void SignInDialog::refresh()
{
    const bool changing = m_controller->step() == SignInController::Step::ChangePassword;
    const bool byCertificate = m_controller->way() == SignInController::Way::Certificate;
    const int page = changing ? 1 : byCertificate ? 2 : 0;
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
        } else if (byCertificate) {
            (m_fromFile->isChecked() ? m_file : m_fromStore->isChecked() ? storeField() : m_pin)->setFocus();
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
    // Where the hall takes certificates only, the password way is not offered at all.
    m_wayPassword->setVisible(m_controller->passwordAllowed() && !changing);
    m_wayCertificate->setVisible(m_controller->passwordAllowed() && !changing);
    m_certificateHint->setText(m_controller->passwordAllowed()
                                   ? tr("Sign in with the certificate the hall issued to you; never with a colleague's.")
                                   : tr("This hall signs in by certificate only: use the certificate the hall issued to you, never a colleague's."));
    m_wayPassword->setChecked(!byCertificate);
    m_wayCertificate->setChecked(byCertificate);
    m_fileFields->setEnabled(m_fromFile->isChecked());
    m_tokenFields->setEnabled(m_fromToken->isChecked());
    m_storeFields->setEnabled(m_fromStore->isChecked());
    // A store without a password asks for none.
    m_storePassword->setEnabled(m_controller->storeNeedsPassword());
    const bool storeWithoutPassword = !m_controller->storeTokens().isEmpty() && !m_controller->storeNeedsPassword();
    m_storePassword->setPlaceholderText(storeWithoutPassword ? tr("none set") : QString());
    m_storeNote->setText(m_controller->storeNote());
    m_storeNote->setVisible(!m_controller->storeNote().isEmpty());
    const QString uri = m_tokenCertificate->currentData().toString();
    QString pinState;
    for (const net::TokenInfo &t : m_controller->tokens()) {
        for (const auto &c : t.certificates) {
            if (c.uri == uri)
                pinState = SignInController::pinState(t);
        }
    }
    m_pinState->setText(pinState);
    m_pinState->setVisible(!pinState.isEmpty());
    m_message->setText(m_controller->isBusy() ? QString() : m_controller->message());
    m_submit->setText(m_controller->isBusy() ? tr("Signing in…") : changing ? tr("&Change and sign in") : tr("&Sign in"));
    m_submit->setEnabled(m_controller->canSubmit());
    for (QLineEdit *e : {m_login, m_password, m_current, m_new, m_repeat, m_file, m_filePassword, m_pin, m_storePassword})
        e->setReadOnly(m_controller->isBusy());
    for (QLineEdit *e : {m_login, m_password, m_current, m_new, m_repeat})
        e->setEnabled(!m_controller->isBusy());
    // Disabled while busy, a field lost the keyboard: give it back where the person types next.
    if (!m_controller->isBusy() && isVisible() && (!focusWidget() || !focusWidget()->isEnabled()))
        (changing ? m_new
                  : byCertificate ? (m_fromFile->isChecked() ? m_filePassword : m_fromStore->isChecked() ? storeField() : m_pin)
                                  : m_password)
            ->setFocus();
}

} // namespace hall::app
