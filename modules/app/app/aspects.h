#pragma once

#include <app/app_export.h>

#include <QList>
#include <QObject>
#include <QSettings>
#include <QVariant>

#include <functional>
#include <memory>

namespace hall::app {

class AspectContainer;
class SettingsPage;

// Where a PC's changeable settings live: an INI file owned by the shell (HallApplication puts
// it in the app's config folder, one per role). Only aspects use keys; widgets never do.
class HALL_APP_EXPORT SettingsStore
{
public:
    explicit SettingsStore(const QString &iniFile);
    ~SettingsStore();

    QVariant value(const QString &key, const QVariant &fallback = {}) const;
    void setValue(const QString &key, const QVariant &value);
    void remove(const QString &key);
    bool contains(const QString &key) const;
    // Writes to disk; false with *error when the file cannot be written.
    bool sync(QString *error = nullptr);
    QString fileName() const;

private:
    std::unique_ptr<QSettings> m_settings;
};

// One typed setting, after Qt Creator's aspects: key, default, label for its page, and the
// validation that refuses a bad value in words. A value set from code, a page or the store
// always passed validate().
class HALL_APP_EXPORT Aspect : public QObject
{
    Q_OBJECT
public:
    QString key() const { return m_key; }
    QString label() const { return m_label; }
    QString toolTip() const { return m_toolTip; }
    void setToolTip(const QString &tip) { m_toolTip = tip; }

    QVariant defaultVariant() const { return m_default; }
    QVariant variant() const { return m_value; }
    bool isDefault() const { return m_value == m_default; }
    // Empty when `value` is acceptable, else why not (shown to the user beside the field).
    virtual QString validate(const QVariant &value) const = 0;
    // Sets the value if validate() accepts it; else keeps the old one and says why in *error.
    bool setVariant(const QVariant &value, QString *error = nullptr);
    void reset() { setVariant(m_default); }

    // The field on a settings page.
    virtual QWidget *createEditor(QWidget *parent) const = 0;
    virtual QVariant editorValue(const QWidget *editor) const = 0;
    virtual void setEditorValue(QWidget *editor, const QVariant &value) const = 0;

    // "<group>/<key>"; a stored value that no longer validates is ignored (default kept).
    void readFrom(const SettingsStore &store);
    void writeTo(SettingsStore &store) const; // a default value removes the key
    QString storeKey() const;

Q_SIGNALS:
    void changed();

protected:
    Aspect(AspectContainer *container, const QString &key, const QString &label, const QVariant &defaultValue);
    // The stored or edited form in the aspect's type (a QString "90" → int 90).
    virtual QVariant normalise(const QVariant &value) const { return value; }

private:
    AspectContainer *m_container;
    QString m_key;
    QString m_label;
    QString m_toolTip;
    QVariant m_default;
    QVariant m_value;
};

class HALL_APP_EXPORT IntAspect : public Aspect
{
    Q_OBJECT
public:
    IntAspect(AspectContainer *container, const QString &key, const QString &label, int defaultValue,
              int min, int max, const QString &suffix = {});
    int value() const { return variant().toInt(); }
    bool setValue(int value, QString *error = nullptr) { return setVariant(value, error); }
    int minimum() const { return m_min; }
    int maximum() const { return m_max; }

    QString validate(const QVariant &value) const override;
    QWidget *createEditor(QWidget *parent) const override;
    QVariant editorValue(const QWidget *editor) const override;
    void setEditorValue(QWidget *editor, const QVariant &value) const override;

protected:
    QVariant normalise(const QVariant &value) const override;

private:
    int m_min;
    int m_max;
    QString m_suffix;
};

class HALL_APP_EXPORT BoolAspect : public Aspect
{
    Q_OBJECT
public:
    BoolAspect(AspectContainer *container, const QString &key, const QString &label, bool defaultValue);
    bool value() const { return variant().toBool(); }
    bool setValue(bool value) { return setVariant(value); }

    QString validate(const QVariant &value) const override;
    QWidget *createEditor(QWidget *parent) const override;
    QVariant editorValue(const QWidget *editor) const override;
    void setEditorValue(QWidget *editor, const QVariant &value) const override;

protected:
    QVariant normalise(const QVariant &value) const override;
};

// One of a fixed set of values, each with the label the page shows.
class HALL_APP_EXPORT ChoiceAspect : public Aspect
{
    Q_OBJECT
public:
    struct Option
    {
        QVariant value;
        QString label;
    };
    ChoiceAspect(AspectContainer *container, const QString &key, const QString &label, QList<Option> options,
                 const QVariant &defaultValue);
    QList<Option> options() const { return m_options; }
    QString labelOf(const QVariant &value) const;

    QString validate(const QVariant &value) const override;
    QWidget *createEditor(QWidget *parent) const override;
    QVariant editorValue(const QWidget *editor) const override;
    void setEditorValue(QWidget *editor, const QVariant &value) const override;

protected:
    QVariant normalise(const QVariant &value) const override;

private:
    int indexOf(const QVariant &value) const;
    QList<Option> m_options;
};

// Text, checked by a validator that returns why a value is refused (empty: accepted).
class HALL_APP_EXPORT StringAspect : public Aspect
{
    Q_OBJECT
public:
    using Validator = std::function<QString(const QString &)>;
    StringAspect(AspectContainer *container, const QString &key, const QString &label,
                 const QString &defaultValue, Validator validator = {});
    QString value() const { return variant().toString(); }
    bool setValue(const QString &value, QString *error = nullptr) { return setVariant(value, error); }

    QString validate(const QVariant &value) const override;
    QWidget *createEditor(QWidget *parent) const override;
    QVariant editorValue(const QWidget *editor) const override;
    void setEditorValue(QWidget *editor, const QVariant &value) const override;

private:
    Validator m_validator;
};

// The settings of one feature (subclass it and declare its aspects as members, constructed with
// `this`), with a group
// in the store and a title for its page.
class HALL_APP_EXPORT AspectContainer : public QObject
{
    Q_OBJECT
public:
    AspectContainer(const QString &group, const QString &title, QObject *parent = nullptr);
    ~AspectContainer() override;

    QString group() const { return m_group; }
    QString title() const { return m_title; }
    QList<Aspect *> aspects() const { return m_aspects; }
    Aspect *aspect(const QString &key) const;

    void readSettings(const SettingsStore &store);
    void writeSettings(SettingsStore &store) const;
    // Reads now and writes every change from then on (nullptr: stop).
    void bind(SettingsStore *store);

    // A form built from the aspects; see SettingsPage.
    SettingsPage *createPage(QWidget *parent = nullptr);

Q_SIGNALS:
    void changed();

private:
    friend class Aspect;
    QString m_group;
    QString m_title;
    QList<Aspect *> m_aspects;
    SettingsStore *m_store = nullptr;
};

} // namespace hall::app
