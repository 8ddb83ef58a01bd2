#pragma once

#include <server/server_export.h>

#include <QString>

QT_BEGIN_NAMESPACE
class QFile;
QT_END_NAMESPACE

namespace hall::server {

// The secrets hall-server reads from files: the audit key, the personal-data key, the notify
// configuration (its gateway's app secret), the TLS key. Started by systemd it gets them as
// credentials (LoadCredentialEncrypted= in installer/hall-server.service): kept encrypted on
// disk under the machine's key (systemd-creds, TPM2 where there is one), decrypted by systemd at
// start into a memory-backed folder that only the service's user can read, $CREDENTIALS_DIRECTORY.

// The file of the credential `id` that systemd passed to this process ($CREDENTIALS_DIRECTORY/id),
// or empty when there is none.
HALL_SERVER_EXPORT QString credentialFile(const QString &id);

// Opens a file of secrets to read; `what` names it in errors ("audit key"). A file that its
// group or others may read is refused (chmod 600) — except a systemd credential, which only the
// service's user can reach whatever its mode shows (systemd may grant that user read access by
// an ACL, and an ACL shows as group bits).
HALL_SERVER_EXPORT bool openSecretFile(QFile &f, const QString &what, QString *error);

} // namespace hall::server
