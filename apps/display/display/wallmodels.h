#pragma once

#include <display/display_export.h>

#include <net/hallstate.h>

#include <QAbstractTableModel>

namespace hall::display {

// The windows the wall shows, one row each: number, name, what the window shows now (the
// ticket it called or serves, or its state in words). What the wall paints and tests read.
class HALL_DISPLAY_EXPORT WindowsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Number, Name, Current, ColumnCount };
    enum Role {
        StateRole = Qt::UserRole + 1, // core::WindowState as int
        CallingRole,                  // bool: the current ticket was called and has not come yet
    };

    explicit WindowsModel(QObject *parent = nullptr);

    // Which windows, in which order (empty: all, in the hall's order).
    void setSelection(const QStringList &windows);
    void setState(const net::HallState &state);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const net::WindowStatus &window(int row) const { return m_rows.at(row); }
    int rowOf(const QString &number) const;
    static QString stateText(const net::WindowStatus &w);

private:
    QStringList m_selection;
    QList<net::WindowStatus> m_rows;
};

// Waiting people per business.
class HALL_DISPLAY_EXPORT WaitingModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Business, Waiting, ColumnCount };
    enum Role { AvailableRole = Qt::UserRole + 1, CountRole };

    explicit WaitingModel(QObject *parent = nullptr);

    void setSelection(const QStringList &businesses);
    void setState(const net::HallState &state);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QStringList m_selection;
    QList<net::BusinessStatus> m_rows;
};

} // namespace hall::display
