#pragma once

#include <netsync/netsync_export.h>

#include <net/hallclient.h>
#include <sync/offline.h>

#include <QObject>
#include <QPointer>

#include <functional>

namespace hall::net {

// Keeps a cache's number leases stocked through the app's HallClient (docs/sync.md, "Offline
// tickets"): a business whose live leases hold fewer numbers than the low-water mark gets a new
// lease while the server is reachable, so the kiosk has numbers when it is not.
class HALL_NETSYNC_EXPORT LeaseKeeper : public QObject
{
    Q_OBJECT
public:
    LeaseKeeper(HallClient *client, sync::SyncCache *cache, QObject *parent = nullptr);

    void setLowWater(int numbers) { m_lowWater = numbers; }
    void setLeaseSize(int numbers) { m_size = numbers; }
    int lowWater() const { return m_lowWater; }

    using Done = std::function<void(const QStringList &errors)>;
    // A lease for each of `businesses` that is below the low-water mark; done once all answered.
    void topUp(const QStringList &businesses, const QDateTime &now, Done done);
    // One lease of `size` numbers now, whatever the mark.
    void request(const QString &business, int size, Done done);
    // A kiosk being retired or reset hands back the unused rest of every lease of its device
    // the server still counts as held: each stops issuing here first, then goes back (a lease
    // only the server knows, its reply lost, goes back whole). Again after a failure, it goes
    // on where it stopped. Done once all answered; unreachable: nothing changes here.
    void returnAll(Done done);

private:
    QPointer<HallClient> m_client;
    sync::SyncCache *m_cache;
    sync::OfflineIssuer m_issuer;
    int m_lowWater = 10;
    int m_size = 30;
};

} // namespace hall::net
