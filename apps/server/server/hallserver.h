#pragma once

#include <server/accountstore.h>
#include <server/blobstore.h>
#include <server/controllers.h>
#include <server/halls.h>
#include <server/hallstore.h>
#include <server/httpcore.h>
#include <server/queuestore.h>
#include <server/server_export.h>
#include <server/sessions.h>
#include <server/syncstore.h>

#include <QObject>
#include <QTimer>

namespace hall::server {

class SyncController;

// What HttpCore takes (address, port, TLS, body limit) and the rest of the server's settings.
struct ServerOptions : HttpOptions
{
    bool fakeClock = false; // enables POST /api/v1/admin/clock (demo and tests only)
    AuthLimits auth;        // sign-in throttling and hashing threads
    QString blobFolder;     // where blob files live (the data folder's blobs/ by default)
};

// hall-server put together: the domain stores on one database, the queue's engines, the
// sessions, the HTTP core and one controller per domain, and the clock tick that runs the
// end-of-day clearing. main.cpp and in-process tests build one of these.
class HALL_SERVER_EXPORT HallServer : public QObject
{
    Q_OBJECT
public:
    HallServer(storage::Database *db, core::Clock *clock, ServerOptions options, QObject *parent = nullptr);
    ~HallServer() override;

    // Restores every hall's queue from the database (commits what restoring changed).
    bool loadHalls(QString *error);
    bool start(QString *error);
    quint16 port() const { return m_http.port(); }

    HttpCore &http() { return m_http; }
    Halls &halls() { return m_halls; }
    Sessions &sessions() { return m_sessions; }

private:
    void tick();

    AccountStore m_accounts;
    HallStore m_hallStore;
    QueueStore m_queueStore;
    SyncStore m_syncStore;
    BlobStore m_blobStore;
    Sessions m_sessions;
    Halls m_halls;
    HttpCore m_http;
    SyncController *m_sync = nullptr; // owned by m_http
    QTimer m_tickTimer;
};

} // namespace hall::server
