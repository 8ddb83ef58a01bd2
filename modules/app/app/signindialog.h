#pragma once

#include <app/app_export.h>
#include <app/signincontroller.h>

#include <QDialog>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QRadioButton;
class QLineEdit;
class QPushButton;
class QStackedWidget;
QT_END_NAMESPACE

namespace hall::app {

// The people sign-in screen of every staff app (workbench, approval, queue manager): a thin
// view of SignInController. Page one asks for the user name and password; page two, when the
// server wants a new password first, for the current one and the new one twice, with the rules
// beside them. Problems show under the fields, in words; Enter submits; accepted once signed in.
// The certificate way (a switch above the pages; the only way where the hall takes certificates
// only) asks for a USB key's certificate and its PIN, a certificate in this PC's certificate
// store (and the store's password, if it has one), or a certificate file and its password.
class HALL_APP_EXPORT SignInDialog : public QDialog
{
    Q_OBJECT
public:
    // `appTitle` heads the dialog ("HallSuite window workbench").
    SignInDialog(net::HallClient *client, const QString &appTitle, QWidget *parent = nullptr);

    SignInController *controller() const { return m_controller; }
    void setLogin(const QString &login); // e.g. the last one used at this PC
    // The PKCS#11 module of this PC's USB keys (SignInSettings::pkcs11Module); its tokens are read.
    void setPkcs11Module(const QString &module);
    // This PC's certificate store (SignInSettings::certificateStore; empty: the user's own); its
    // certificates are read, and chosen when no USB key holds one.
    void setCertificateStore(const QString &folder);

private:
    void submit();
    void refresh();
    void fillTokens();
    void fillStore();
    // Where the person types next on the store's choice: its password, if it has one.
    QWidget *storeField() const;
    QWidget *certificatePage();

    SignInController *m_controller;
    QStackedWidget *m_pages;
    QLineEdit *m_login;
    QLineEdit *m_password;
    QLineEdit *m_current;
    QLineEdit *m_new;
    QLineEdit *m_repeat;
    QLabel *m_reason;
    QLabel *m_rules;
    QLabel *m_message;
    QPushButton *m_submit;
    QPushButton *m_back;
    QPushButton *m_wayPassword;
    QPushButton *m_wayCertificate;
    QRadioButton *m_fromFile;
    QRadioButton *m_fromToken;
    QRadioButton *m_fromStore;
    QWidget *m_fileFields;
    QWidget *m_tokenFields;
    QWidget *m_storeFields;
    QLineEdit *m_file;
    QLineEdit *m_filePassword;
    QComboBox *m_tokenCertificate;
    QLabel *m_pinState;
    QLabel *m_certificateHint;
    QLineEdit *m_pin;
    QComboBox *m_storeCertificate;
    QLineEdit *m_storePassword;
    QLabel *m_storeNote;
};

} // namespace hall::app
