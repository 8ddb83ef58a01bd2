#pragma once

#include <app/app_export.h>

#include <QHash>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
QT_END_NAMESPACE

namespace hall::app {

class Aspect;
class AspectContainer;

// The page of one feature's settings, built from its aspects (after Qt Creator's options
// pages): a labelled field per aspect with room beside it for what is wrong. Nothing changes
// until apply(), and apply() changes nothing unless every field is valid.
class HALL_APP_EXPORT SettingsPage : public QWidget
{
    Q_OBJECT
public:
    explicit SettingsPage(AspectContainer *settings, QWidget *parent = nullptr);

    // Checks every field; each refused one says why beside it. True when all are acceptable.
    bool validate();
    // validate(), then every value goes to its aspect (and so to the store it is bound to).
    bool apply();
    // The fields show the aspects' values again.
    void cancel();
    bool isModified() const;

    // The field of an aspect (its object name is the aspect's key) and its error label.
    QWidget *editor(const QString &key) const { return m_editors.value(key); }
    QLabel *errorLabel(const QString &key) const { return m_errors.value(key); }

private:
    AspectContainer *m_settings;
    QHash<QString, QWidget *> m_editors;
    QHash<QString, QLabel *> m_errors;
};

// The page in a dialog (OK applies only what is valid, Apply applies and stays, Cancel leaves
// everything as it was); true when OK closed it.
HALL_APP_EXPORT bool execSettingsDialog(AspectContainer *settings, QWidget *parent);

} // namespace hall::app
