#include "settingspage.h"

#include "aspects.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

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

bool execSettingsDialog(AspectContainer *settings, QWidget *parent)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(settings->title());
    SettingsPage *page = settings->createPage(&dialog);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::Apply, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, [&dialog, page] {
        if (page->apply())
            dialog.accept();
    });
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    QObject::connect(buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, page, [page] { page->apply(); });
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(page);
    layout->addWidget(buttons);
    return dialog.exec() == QDialog::Accepted;
}

} // namespace hall::app
