// A child process for tst_security_*: runs one keychain or cache operation in whatever
// environment the test gave it (no D-Bus session, a locked keychain) and prints
// "status=<name>" and "message=<text>" lines.
#include <security/keychain.h>

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
    out << "usage: hall-security-probe keychain-read SERVICE KEY | keychain-write SERVICE KEY VALUE\n";
    return 2;
}
