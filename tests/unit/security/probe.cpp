// A child process for tst_security_*: runs one keychain or cache operation in whatever
// environment the test gave it (no D-Bus session, a locked keychain) and prints key=value lines.
#include "cachefixture.h"

#include <security/keychain.h>
#include <security/keymanager.h>
#include <security/personaldata.h>
#include <storage/database.h>

#include <QCoreApplication>
#include <QTextStream>

using namespace hall::security;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    QTextStream out(stdout);
    if (args.size() >= 4 && args.at(1) == QLatin1String("keychain-read")) {
        const KeychainResult r = Keychain(args.at(2)).readNow(args.at(3), 10000);
        out << "status=" << Keychain::statusName(r.status) << "\nmessage=" << r.message << "\n";
        return 0;
    }
    if (args.size() >= 5 && args.at(1) == QLatin1String("keychain-write")) {
        const KeychainResult r = Keychain(args.at(2)).writeNow(args.at(3), args.at(4).toUtf8(), 10000);
        out << "status=" << Keychain::statusName(r.status) << "\nmessage=" << r.message << "\n";
        return 0;
    }
    // store-visitor DB SERVICE MODE: what an app does at start-up, then one visitor row.
    if (args.size() >= 5 && args.at(1) == QLatin1String("store-visitor")) {
        std::unique_ptr<hall::storage::Database> db;
        QString error;
        if (hall::storage::Database::open(args.at(2), QStringLiteral(":/security-test/migrations"), &db, &error)
            != hall::storage::OpenResult::Ok) {
            out << "error=" << error << "\n";
            return 1;
        }
        const KeyResult key = KeyManager(args.at(3), QStringLiteral("cache-data-key"),
                                         cipherModeFromName(args.at(4)).value_or(CipherMode::Sm4CbcHmacSm3))
                                  .loadOrCreateNow(10000);
        const PersonalData pd = PersonalData::attach(db->connection(), key);
        const bool stored = hall::security::test::writeVisitor(db->connection(), pd,
                                                               hall::security::test::sampleVisitors(1).first(), &error);
        out << "key=" << KeyManager::statusName(key.status) << "\npersonal-data=" << PersonalData::statusName(pd.status())
            << "\nstored=" << (stored ? 1 : 0) << "\nmessage=" << pd.message() << "\n";
        return 0;
    }
    out << "usage: hall-security-probe keychain-read SERVICE KEY | keychain-write SERVICE KEY VALUE | "
           "store-visitor DB SERVICE MODE\n";
    return 2;
}
