#pragma once

#include <kiosk/kiosk_export.h>

#include <net/hallstate.h>

#include <QAbstractListModel>
#include <QHash>

namespace hall::kiosk {

// The estimated wait shown before and printed on a ticket, from live service times: the mean
// of the last services of the business (called → finished, from the event stream), times the
// people ahead, shared among the windows open for it. Before any service was seen, a default.
class HALL_KIOSK_EXPORT WaitEstimator
{
public:
    static constexpr int DefaultServiceSeconds = 300;
    static constexpr int Window = 20; // services averaged per business

    void addService(const QString &business, qint64 seconds);
    int serviceSeconds(const QString &business) const;
    // Minutes to wait for someone with `ahead` people before them, `windows` windows serving
    // (at least one counted); 0 with nobody ahead.
    int waitMinutes(const QString &business, int ahead, int windows) const;

private:
    QHash<QString, QList<qint64>> m_services;
};

// The businesses on the kiosk's screen: each with its waiting people and estimated wait, or
// unavailable with the server's reason (no window serves it, paused, quota full, closed).
class HALL_KIOSK_EXPORT BusinessModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        CodeRole = Qt::UserRole + 1,
        WaitingRole,
        AvailableRole,
        ReasonRole,     // why not available, for people
        WaitMinutesRole,
        DetailRole,     // the line under the name: waiting and wait, or the reason
    };
    explicit BusinessModel(const WaitEstimator *estimator, QObject *parent = nullptr);

    void setState(const net::HallState &state);
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    int rowOf(const QString &code) const;
    // Windows open now (idle or serving) that serve `business`.
    int openWindows(const QString &business) const;
    net::BusinessStatus business(const QString &code) const { return m_state.businesses().value(code); }

private:
    const WaitEstimator *m_estimator;
    net::HallState m_state;
    QList<net::BusinessStatus> m_rows;
};

} // namespace hall::kiosk
