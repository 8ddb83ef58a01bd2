#include "wallmodels.h"

#include <ui/publictext.h>

namespace hall::display {

WindowsModel::WindowsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void WindowsModel::setSelection(const QStringList &windows)
{
    m_selection = windows;
}

void WindowsModel::setState(const net::HallState &state)
{
    QList<net::WindowStatus> rows;
    if (m_selection.isEmpty()) {
        rows = state.windowList();
    } else {
        // A window of the layout the hall does not (yet) have is shown closed, not left out:
        // the wall keeps its shape.
        for (const QString &number : std::as_const(m_selection)) {
            net::WindowStatus w = state.windows().value(number);
            w.number = number;
            rows.append(w);
        }
    }
    if (rows == m_rows)
        return;
    // A wall has tens of windows: a reset is cheaper than working out moves.
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int WindowsModel::rowOf(const QString &number) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).number == number)
            return i;
    }
    return -1;
}

int WindowsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int WindowsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString WindowsModel::stateText(const net::WindowStatus &w)
{
    switch (w.state) {
    case core::WindowState::Serving:
        if (w.current)
            return w.current->number;
        return tr("Serving");
    case core::WindowState::Idle:
        return tr("Free");
    case core::WindowState::Paused:
        return tr("Paused");
    case core::WindowState::Offline:
        break;
    }
    return tr("Closed");
}

QVariant WindowsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const net::WindowStatus &w = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Number:
            return w.number;
        case Name:
            return ui::publicText(w.name);
        case Current:
            return stateText(w);
        }
        return {};
    case StateRole:
        return int(w.state);
    case CallingRole:
        return w.current && w.current->status == core::TicketStatus::Called;
    }
    return {};
}

QVariant WindowsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Number:
        return tr("Window");
    case Name:
        return tr("Name");
    case Current:
        return tr("Now");
    }
    return {};
}

WaitingModel::WaitingModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void WaitingModel::setSelection(const QStringList &businesses)
{
    m_selection = businesses;
}

void WaitingModel::setState(const net::HallState &state)
{
    QList<net::BusinessStatus> rows;
    if (m_selection.isEmpty()) {
        rows = state.businessList();
    } else {
        for (const QString &code : std::as_const(m_selection)) {
            if (state.businesses().contains(code))
                rows.append(state.businesses().value(code));
        }
    }
    if (rows == m_rows)
        return;
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int WaitingModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int WaitingModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WaitingModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const net::BusinessStatus &b = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == Business)
            return ui::publicText(b.name);
        if (index.column() == Waiting)
            return tr("%n waiting", nullptr, b.waiting);
        return {};
    case AvailableRole:
        return b.available && !b.paused;
    case CountRole:
        return b.waiting;
    }
    return {};
}

QVariant WaitingModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == Business ? tr("Business") : tr("Waiting");
}

} // namespace hall::display
