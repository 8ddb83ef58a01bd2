#include "aspects.h"

#include "settingspage.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QSpinBox>

namespace hall::app {

// ---- SettingsStore ----

SettingsStore::SettingsStore(const QString &iniFile)
    : m_settings(std::make_unique<QSettings>(iniFile, QSettings::IniFormat))
{
}

SettingsStore::~SettingsStore() = default;

QVariant SettingsStore::value(const QString &key, const QVariant &fallback) const
{
    return m_settings->value(key, fallback);
}

void SettingsStore::setValue(const QString &key, const QVariant &value)
{
    m_settings->setValue(key, value);
}

void SettingsStore::remove(const QString &key)
{
    m_settings->remove(key);
}

bool SettingsStore::contains(const QString &key) const
{
    return m_settings->contains(key);
}

bool SettingsStore::sync(QString *error)
{
    m_settings->sync();
    if (m_settings->status() == QSettings::NoError)
        return true;
    if (error)
        *error = QCoreApplication::translate("hall::app::SettingsStore", "Cannot write the settings file %1.").arg(m_settings->fileName());
    return false;
}

QString SettingsStore::fileName() const
{
    return m_settings->fileName();
}

// ---- Aspect ----

Aspect::Aspect(AspectContainer *container, const QString &key, const QString &label, const QVariant &defaultValue)
    : m_container(container), m_key(key), m_label(label), m_default(defaultValue), m_value(defaultValue)
{
    // Not a QObject child: aspects are members of their container's subclass.
    container->m_aspects.append(this);
    connect(this, &Aspect::changed, container, &AspectContainer::changed);
}

bool Aspect::setVariant(const QVariant &value, QString *error)
{
    const QVariant v = normalise(value);
    const QString problem = validate(v);
    if (!problem.isEmpty()) {
        if (error)
            *error = problem;
        return false;
    }
    if (v != m_value) {
        m_value = v;
        Q_EMIT changed();
    }
    return true;
}

QString Aspect::storeKey() const
{
    return m_container->group().isEmpty() ? m_key : m_container->group() + u'/' + m_key;
}

void Aspect::readFrom(const SettingsStore &store)
{
    if (!store.contains(storeKey())) {
        setVariant(m_default);
        return;
    }
    QString problem;
    if (!setVariant(store.value(storeKey()), &problem)) {
        qWarning("%s: %s; the default is used", qPrintable(storeKey()), qPrintable(problem));
        setVariant(m_default);
    }
}

void Aspect::writeTo(SettingsStore &store) const
{
    if (isDefault())
        store.remove(storeKey());
    else
        store.setValue(storeKey(), m_value);
}

// ---- IntAspect ----

IntAspect::IntAspect(AspectContainer *container, const QString &key, const QString &label, int defaultValue,
                     int min, int max, const QString &suffix)
    : Aspect(container, key, label, defaultValue), m_min(min), m_max(max), m_suffix(suffix)
{
}

QVariant IntAspect::normalise(const QVariant &value) const
{
    bool ok = false;
    const int i = value.toInt(&ok);
    return ok ? QVariant(i) : value;
}

QString IntAspect::validate(const QVariant &value) const
{
    if (value.typeId() != QMetaType::Int)
        return tr("Must be a whole number.");
    const int i = value.toInt();
    if (i < m_min || i > m_max)
        return tr("Must be between %1 and %2.").arg(m_min).arg(m_max);
    return {};
}

QWidget *IntAspect::createEditor(QWidget *parent) const
{
    auto *spin = new QSpinBox(parent);
    spin->setRange(m_min, m_max);
    spin->setSuffix(m_suffix);
    return spin;
}

QVariant IntAspect::editorValue(const QWidget *editor) const
{
    return static_cast<const QSpinBox *>(editor)->value();
}

void IntAspect::setEditorValue(QWidget *editor, const QVariant &value) const
{
    static_cast<QSpinBox *>(editor)->setValue(value.toInt());
}

// ---- BoolAspect ----

BoolAspect::BoolAspect(AspectContainer *container, const QString &key, const QString &label, bool defaultValue)
    : Aspect(container, key, label, defaultValue)
{
}

QVariant BoolAspect::normalise(const QVariant &value) const
{
    // INI files give "true"/"false" back as text.
    if (value.typeId() == QMetaType::QString) {
        const QString s = value.toString();
        if (s == QLatin1String("true"))
            return true;
        if (s == QLatin1String("false"))
            return false;
    }
    return value;
}

QString BoolAspect::validate(const QVariant &value) const
{
    return value.typeId() == QMetaType::Bool ? QString() : tr("Must be on or off.");
}

QWidget *BoolAspect::createEditor(QWidget *parent) const
{
    return new QCheckBox(parent);
}

QVariant BoolAspect::editorValue(const QWidget *editor) const
{
    return static_cast<const QCheckBox *>(editor)->isChecked();
}

void BoolAspect::setEditorValue(QWidget *editor, const QVariant &value) const
{
    static_cast<QCheckBox *>(editor)->setChecked(value.toBool());
}

// ---- ChoiceAspect ----

ChoiceAspect::ChoiceAspect(AspectContainer *container, const QString &key, const QString &label, QList<Option> options,
                           const QVariant &defaultValue)
    : Aspect(container, key, label, defaultValue), m_options(std::move(options))
{
}

int ChoiceAspect::indexOf(const QVariant &value) const
{
    for (int i = 0; i < m_options.size(); ++i) {
        if (m_options.at(i).value == value)
            return i;
    }
    return -1;
}

QVariant ChoiceAspect::normalise(const QVariant &value) const
{
    // From an INI file every value is text: take the option it spells.
    if (indexOf(value) < 0) {
        for (const Option &o : m_options) {
            if (o.value.toString() == value.toString())
                return o.value;
        }
    }
    return value;
}

QString ChoiceAspect::labelOf(const QVariant &value) const
{
    const int i = indexOf(value);
    return i >= 0 ? m_options.at(i).label : QString();
}

QString ChoiceAspect::validate(const QVariant &value) const
{
    if (indexOf(value) >= 0)
        return {};
    QStringList labels;
    for (const Option &o : m_options)
        labels.append(o.label);
    return tr("Must be one of: %1.").arg(labels.join(tr(", ")));
}

QWidget *ChoiceAspect::createEditor(QWidget *parent) const
{
    auto *combo = new QComboBox(parent);
    for (const Option &o : m_options)
        combo->addItem(o.label, o.value);
    return combo;
}

QVariant ChoiceAspect::editorValue(const QWidget *editor) const
{
    return static_cast<const QComboBox *>(editor)->currentData();
}

void ChoiceAspect::setEditorValue(QWidget *editor, const QVariant &value) const
{
    static_cast<QComboBox *>(editor)->setCurrentIndex(indexOf(value));
}

// ---- StringAspect ----

StringAspect::StringAspect(AspectContainer *container, const QString &key, const QString &label,
                           const QString &defaultValue, Validator validator)
    : Aspect(container, key, label, defaultValue), m_validator(std::move(validator))
{
}

QString StringAspect::validate(const QVariant &value) const
{
    if (value.typeId() != QMetaType::QString)
        return tr("Must be text.");
    return m_validator ? m_validator(value.toString()) : QString();
}

QWidget *StringAspect::createEditor(QWidget *parent) const
{
    return new QLineEdit(parent);
}

QVariant StringAspect::editorValue(const QWidget *editor) const
{
    return static_cast<const QLineEdit *>(editor)->text();
}

void StringAspect::setEditorValue(QWidget *editor, const QVariant &value) const
{
    static_cast<QLineEdit *>(editor)->setText(value.toString());
}

// ---- AspectContainer ----

AspectContainer::AspectContainer(const QString &group, const QString &title, QObject *parent)
    : QObject(parent), m_group(group), m_title(title)
{
    connect(this, &AspectContainer::changed, this, [this] {
        if (m_store) {
            writeSettings(*m_store);
            m_store->sync();
        }
    });
}

AspectContainer::~AspectContainer()
{
    m_store = nullptr; // aspects are destroyed after this body; nothing is written then
}

Aspect *AspectContainer::aspect(const QString &key) const
{
    for (Aspect *a : m_aspects) {
        if (a->key() == key)
            return a;
    }
    return nullptr;
}

void AspectContainer::readSettings(const SettingsStore &store)
{
    SettingsStore *bound = std::exchange(m_store, nullptr); // reading is no change to write back
    for (Aspect *a : std::as_const(m_aspects))
        a->readFrom(store);
    m_store = bound;
}

void AspectContainer::writeSettings(SettingsStore &store) const
{
    for (const Aspect *a : m_aspects)
        a->writeTo(store);
}

void AspectContainer::bind(SettingsStore *store)
{
    m_store = nullptr;
    if (store)
        readSettings(*store);
    m_store = store;
}

SettingsPage *AspectContainer::createPage(QWidget *parent)
{
    return new SettingsPage(this, parent);
}

} // namespace hall::app
