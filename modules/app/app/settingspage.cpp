#include "settingspage.h"

#include "aspects.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>

namespace hall::app {

SettingsPage::SettingsPage(AspectContainer *settings, QWidget *parent)
    : QWidget(parent), m_settings(settings)
{
    setObjectName(settings->group());
    auto *form = new QFormLayout(this);
    for (Aspect *aspect : settings->aspects()) {
        QWidget *editor = aspect->createEditor(this);
        editor->setObjectName(aspect->key());
        editor->setToolTip(aspect->toolTip());
        auto *error = new QLabel(this);
        error->setObjectName(aspect->key() + QLatin1String("Error"));
        error->setStyleSheet(QStringLiteral("color: #c0392b;"));
        error->setWordWrap(true);
        error->setVisible(false);
        auto *row = new QHBoxLayout;
        row->addWidget(editor);
        row->addWidget(error, 1);
        form->addRow(aspect->label(), row);
        m_editors.insert(aspect->key(), editor);
        m_errors.insert(aspect->key(), error);
    }
    cancel();
}

bool SettingsPage::validate()
{
    bool ok = true;
    for (Aspect *aspect : m_settings->aspects()) {
        const QString problem = aspect->validate(aspect->editorValue(m_editors.value(aspect->key())));
        QLabel *error = m_errors.value(aspect->key());
        error->setText(problem);
        error->setVisible(!problem.isEmpty());
        ok = ok && problem.isEmpty();
    }
    return ok;
}

bool SettingsPage::apply()
{
    if (!validate())
        return false;
    for (Aspect *aspect : m_settings->aspects())
        aspect->setVariant(aspect->editorValue(m_editors.value(aspect->key())));
    return true;
}

void SettingsPage::cancel()
{
    for (Aspect *aspect : m_settings->aspects()) {
        aspect->setEditorValue(m_editors.value(aspect->key()), aspect->variant());
        m_errors.value(aspect->key())->setVisible(false);
    }
}

bool SettingsPage::isModified() const
{
    for (Aspect *aspect : m_settings->aspects()) {
        if (aspect->editorValue(m_editors.value(aspect->key())) != aspect->variant())
            return true;
    }
    return false;
}

} // namespace hall::app
