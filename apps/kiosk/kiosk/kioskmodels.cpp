#include "kioskmodels.h"

#include <ui/publictext.h>

namespace hall::kiosk {

void WaitEstimator::addService(const QString &business, qint64 seconds)
{
    if (seconds <= 0 || seconds > 4 * 3600) // a ticket left open over lunch says nothing
        return;
    QList<qint64> &s = m_services[business];
    s.append(seconds);
    if (s.size() > Window)
        s.removeFirst();
}

int WaitEstimator::serviceSeconds(const QString &business) const
{
    const QList<qint64> s = m_services.value(business);
    if (s.isEmpty())
        return DefaultServiceSeconds;
    qint64 sum = 0;
    for (qint64 v : s)
        sum += v;
    return int(sum / s.size());
}

int WaitEstimator::waitMinutes(const QString &business, int ahead, int windows) const
{
    if (ahead <= 0)
        return 0;
    const qint64 seconds = qint64(ahead) * serviceSeconds(business) / std::max(1, windows);
    return int((seconds + 59) / 60);
}

BusinessModel::BusinessModel(const WaitEstimator *estimator, QObject *parent)
    : QAbstractListModel(parent), m_estimator(estimator)
{
}

void BusinessModel::setState(const net::HallState &state)
{
    beginResetModel();
    m_state = state;
    m_rows = state.businessList();
    endResetModel();
}

int BusinessModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int BusinessModel::rowOf(const QString &code) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).code == code)
            return i;
    }
    return -1;
}

int BusinessModel::openWindows(const QString &business) const
{
    int n = 0;
    for (const net::WindowStatus &w : m_state.windows()) {
        if ((w.state == core::WindowState::Idle || w.state == core::WindowState::Serving) && w.businesses.contains(business))
            ++n;
    }
    return n;
}

QVariant BusinessModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const net::BusinessStatus &b = m_rows.at(index.row());
    const int minutes = m_estimator->waitMinutes(b.code, b.waiting, openWindows(b.code));
    switch (role) {
    case Qt::DisplayRole:
        return ui::publicText(b.name);
    case CodeRole:
        return b.code;
    case WaitingRole:
        return b.waiting;
    case AvailableRole:
        return b.available;
    case ReasonRole:
        if (b.available)
            return QString();
        return b.blockedReason.isEmpty() ? tr("Not available now") : b.blockedReason;
    case WaitMinutesRole:
        return minutes;
    case DetailRole:
        if (!b.available)
            return data(index, ReasonRole);
        if (b.waiting == 0)
            return tr("Nobody waiting");
        return tr("%n waiting, about %1 min", nullptr, b.waiting).arg(minutes);
    default:
        return {};
    }
}

} // namespace hall::kiosk
