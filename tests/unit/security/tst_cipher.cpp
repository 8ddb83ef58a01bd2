#include <security/crypto.h>
#include <security/fieldcipher.h>
#include <security/keychain.h>
#include <security/keymanager.h>

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace hall::security;

namespace {

QByteArray hex(const char *h)
{
    return QByteArray::fromHex(QByteArray(h));
}

QString uniqueService()
{
    return QStringLiteral("HallSuite-test/%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
}

// HMAC straight from its definition (RFC 2104) over SM3, independent of EVP_MAC.
QByteArray referenceHmacSm3(QByteArray key, const QByteArray &data)
{
    if (key.size() > 64)
        key = crypto::sm3(key);
    key.append(QByteArray(64 - key.size(), '\0'));
    QByteArray ipad(64, '\0'), opad(64, '\0');
    for (int i = 0; i < 64; ++i) {
        ipad[i] = char(key.at(i) ^ 0x36);
        opad[i] = char(key.at(i) ^ 0x5c);
    }
    return crypto::sm3(opad + crypto::sm3(ipad + data));
}

} // namespace

class TestCipher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sm3Vectors_data();
    void sm3Vectors();
    void hmacSm3MatchesDefinition();
    void sm4StandardVector();
    void aesGcmNistVectors_data();
    void aesGcmNistVectors();
    void modeNames();
    void roundTrip_data();
    void roundTrip();
    void blobLayout_data();
    void blobLayout();
    void sealIsRandomised();
    void everyFlippedByteIsRefused_data();
    void everyFlippedByteIsRefused();
    void everyTruncationIsRefused_data();
    void everyTruncationIsRefused();
    void headerErrorsAreNamed();
    void wrongKeyIsNamed();
    void wrongAssociatedDataIsRefused_data();
    void wrongAssociatedDataIsRefused();
    void otherModeStillOpens();
    void blindIndex();
    void sm2SignaturesInteroperateWithOpenssl();
    void keyManagerCreatesOnceThenLoads();
    void keyManagerAsync();
    void keyManagerLeavesABadEntryAlone();

private:
    std::shared_ptr<const FieldCipher> cipher(CipherMode mode);

    QString m_service;
};

std::shared_ptr<const FieldCipher> TestCipher::cipher(CipherMode mode)
{
    const KeyResult k = KeyManager(m_service, QStringLiteral("cache-data-key"), mode).loadOrCreateNow();
    if (!k.ok())
        qWarning("%s", qPrintable(k.message));
    return k.cipher;
}

void TestCipher::initTestCase()
{
    m_service = uniqueService();
    const KeyResult k = KeyManager(m_service, QStringLiteral("cache-data-key"), CipherMode::Sm4CbcHmacSm3).loadOrCreateNow();
    QVERIFY2(k.ok(), qPrintable(QStringLiteral("these tests need an unlocked Secret Service (scripts/test): %1").arg(k.message)));
}

void TestCipher::sm3Vectors_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("digest");
    // GB/T 32905-2016, appendix A.
    QTest::newRow("abc") << QByteArrayLiteral("abc")
                         << hex("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    QTest::newRow("abcd x16") << QByteArrayLiteral("abcd").repeated(16)
                              << hex("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
}

void TestCipher::sm3Vectors()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, digest);
    QCOMPARE(crypto::sm3(input).toHex(), digest.toHex());
}

void TestCipher::hmacSm3MatchesDefinition()
{
    const QByteArray shortKey = QByteArrayLiteral("key");
    const QByteArray longKey(100, 'k');
    const QByteArray data = QByteArrayLiteral("The quick brown fox jumps over the lazy dog");
    QCOMPARE(crypto::hmacSm3(shortKey, data).toHex(), referenceHmacSm3(shortKey, data).toHex());
    QCOMPARE(crypto::hmacSm3(longKey, data).toHex(), referenceHmacSm3(longKey, data).toHex());
    QVERIFY(crypto::hmacSm3(shortKey, data) != crypto::hmacSm3(longKey, data));
}

void TestCipher::sm4StandardVector()
{
    // GB/T 32907-2016 example 1; one CBC block under a zero IV is the bare block cipher.
    const QByteArray key = hex("0123456789abcdeffedcba9876543210");
    const QByteArray iv(16, '\0');
    const QByteArray ct = crypto::sm4CbcEncrypt(key, iv, key, false);
    QCOMPARE(ct.toHex(), QByteArray("681edf34d206965e86b3e94f536e4246"));
    bool ok = false;
    QCOMPARE(crypto::sm4CbcDecrypt(key, iv, ct, false, &ok).toHex(), key.toHex());
    QVERIFY(ok);
    // With padding a whole block of plaintext grows by one block.
    QCOMPARE(crypto::sm4CbcEncrypt(key, iv, key).size(), 32);
}

void TestCipher::aesGcmNistVectors_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("iv");
    QTest::addColumn<QByteArray>("aad");
    QTest::addColumn<QByteArray>("plain");
    QTest::addColumn<QByteArray>("cipher");
    QTest::addColumn<QByteArray>("tag");
    // The GCM specification's test cases 13, 14 and 16 (AES-256), as used by NIST's CAVP.
    QTest::newRow("case 13") << QByteArray(32, '\0') << QByteArray(12, '\0') << QByteArray() << QByteArray()
                             << QByteArray() << hex("530f8afbc74536b9a963b4f1c4cb738b");
    QTest::newRow("case 14") << QByteArray(32, '\0') << QByteArray(12, '\0') << QByteArray() << QByteArray(16, '\0')
                             << hex("cea7403d4d606b6e074ec5d3baf39d18") << hex("d0d1c8a799996bf0265b98b5d48ab919");
    QTest::newRow("case 16")
        << hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308") << hex("cafebabefacedbaddecaf888")
        << hex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
        << hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5"
               "aa0de657ba637b39")
        << hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e"
               "6393ba7a0abcc9f662")
        << hex("76fc6ece0f4e1768cddf8853bb2d551b");
}

void TestCipher::aesGcmNistVectors()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, iv);
    QFETCH(QByteArray, aad);
    QFETCH(QByteArray, plain);
    QFETCH(QByteArray, cipher);
    QFETCH(QByteArray, tag);
    QByteArray gotTag;
    const QByteArray got = crypto::aes256GcmEncrypt(key, iv, aad, plain, &gotTag);
    QCOMPARE(got.toHex(), cipher.toHex());
    QCOMPARE(gotTag.toHex(), tag.toHex());
    bool ok = false;
    QCOMPARE(crypto::aes256GcmDecrypt(key, iv, aad, cipher, tag, &ok).toHex(), plain.toHex());
    QVERIFY(ok);
    QByteArray badTag = tag;
    badTag[0] = char(badTag.at(0) ^ 1);
    crypto::aes256GcmDecrypt(key, iv, aad, cipher, badTag, &ok);
    QVERIFY2(!ok, "a wrong tag must be refused");
}

void TestCipher::modeNames()
{
    QCOMPARE(cipherModeFromName(QStringLiteral("sm4")), std::optional(CipherMode::Sm4CbcHmacSm3));
    QCOMPARE(cipherModeFromName(QStringLiteral(" AES-GCM ")), std::optional(CipherMode::Aes256Gcm));
    QVERIFY(!cipherModeFromName(QStringLiteral("none")).has_value());
    QVERIFY(!cipherModeFromName(QString()).has_value());
    QCOMPARE(cipherModeName(CipherMode::Sm4CbcHmacSm3), QStringLiteral("sm4"));
    QCOMPARE(cipherModeFromName(cipherModeName(CipherMode::Aes256Gcm)), std::optional(CipherMode::Aes256Gcm));
}

void TestCipher::roundTrip_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<QByteArray>("plain");
    QByteArray photo(100 * 1024, '\0');
    for (int i = 0; i < photo.size(); ++i)
        photo[i] = char((i * 7919) >> 3);
    const QList<QPair<const char *, QByteArray>> values = {
        {"empty", QByteArray("", 0)},
        {"name", QStringLiteral("张三丰").toUtf8()},
        {"id number", QByteArrayLiteral("11010519491231002X")},
        {"one block", QByteArray(16, 'a')},
        {"photo", photo},
    };
    for (const auto &[name, v] : values) {
        QTest::addRow("sm4 %s", name) << int(CipherMode::Sm4CbcHmacSm3) << v;
        QTest::addRow("gcm %s", name) << int(CipherMode::Aes256Gcm) << v;
    }
}

void TestCipher::roundTrip()
{
    QFETCH(int, mode);
    QFETCH(QByteArray, plain);
    const auto c = cipher(CipherMode(mode));
    QVERIFY(c);
    const QByteArray ad = FieldCipher::associatedData(QStringLiteral("visitor"), QStringLiteral("name"), QStringLiteral("42"));
    const QByteArray blob = c->seal(plain, ad);
    QVERIFY(!blob.isEmpty());
    if (plain.size() >= 8)
        QVERIFY2(!blob.contains(plain.left(8)), "the plaintext must not appear in the blob");
    const FieldCipher::Opened o = c->open(blob, ad);
    QVERIFY2(o.ok(), qPrintable(o.message));
    QVERIFY(o.message.isEmpty());
    QCOMPARE(o.data, plain);
}

void TestCipher::blobLayout_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("plainSize");
    QTest::addColumn<int>("blobSize");
    // header 10 + IV 16 + padded ciphertext + HMAC-SM3 32
    QTest::newRow("sm4 0") << int(CipherMode::Sm4CbcHmacSm3) << 0 << 10 + 16 + 16 + 32;
    QTest::newRow("sm4 15") << int(CipherMode::Sm4CbcHmacSm3) << 15 << 10 + 16 + 16 + 32;
    QTest::newRow("sm4 16") << int(CipherMode::Sm4CbcHmacSm3) << 16 << 10 + 16 + 32 + 32;
    // header 10 + nonce 12 + ciphertext + tag 16
    QTest::newRow("gcm 0") << int(CipherMode::Aes256Gcm) << 0 << 10 + 12 + 0 + 16;
    QTest::newRow("gcm 18") << int(CipherMode::Aes256Gcm) << 18 << 10 + 12 + 18 + 16;
}

void TestCipher::blobLayout()
{
    QFETCH(int, mode);
    QFETCH(int, plainSize);
    QFETCH(int, blobSize);
    const auto c = cipher(CipherMode(mode));
    QVERIFY(c);
    const QByteArray blob = c->seal(QByteArray(plainSize, 'x'), QByteArray());
    QCOMPARE(blob.size(), blobSize);
    QCOMPARE(quint8(blob.at(0)), FieldCipher::FormatVersion);
    QCOMPARE(quint8(blob.at(1)), quint8(mode));
    QCOMPARE(blob.mid(2, 8).toHex(), c->keyId().toHex());
    QCOMPARE(c->keyId().size(), 8);
}

void TestCipher::sealIsRandomised()
{
    for (CipherMode mode : {CipherMode::Sm4CbcHmacSm3, CipherMode::Aes256Gcm}) {
        const auto c = cipher(mode);
        QVERIFY(c);
        const QByteArray a = c->seal(QStringLiteral("张三"), QByteArray());
        const QByteArray b = c->seal(QStringLiteral("张三"), QByteArray());
        QVERIFY2(a != b, "equal plaintexts must give different blobs (fresh IV/nonce)");
        QVERIFY2(a.mid(10, 12) != b.mid(10, 12), "the IV/nonce must differ");
    }
}

void TestCipher::everyFlippedByteIsRefused_data()
{
    QTest::addColumn<int>("mode");
    QTest::newRow("sm4") << int(CipherMode::Sm4CbcHmacSm3);
    QTest::newRow("gcm") << int(CipherMode::Aes256Gcm);
}

void TestCipher::everyFlippedByteIsRefused()
{
    QFETCH(int, mode);
    const auto c = cipher(CipherMode(mode));
    QVERIFY(c);
    const QByteArray ad = FieldCipher::associatedData(QStringLiteral("t"), QStringLiteral("c"), QStringLiteral("1"));
    const QByteArray blob = c->seal(QByteArrayLiteral("440301199001011234"), ad);
    for (int i = 0; i < blob.size(); ++i) {
        for (int bit : {0x01, 0x80}) {
            QByteArray t = blob;
            t[i] = char(t.at(i) ^ bit);
            const FieldCipher::Opened o = c->open(t, ad);
            QVERIFY2(!o.ok(), qPrintable(QStringLiteral("flipping bit %1 of byte %2 went unnoticed").arg(bit).arg(i)));
            QVERIFY(o.data.isEmpty());
            QVERIFY(!o.message.isEmpty());
            FieldCipher::Error expected = FieldCipher::Error::AuthenticationFailed;
            if (i == 0)
                expected = FieldCipher::Error::UnknownVersion;
            else if (i == 1)
                expected = FieldCipher::Error::UnknownAlgorithm;
            else if (i < 10)
                expected = FieldCipher::Error::WrongKey;
            // Bits 0x01 and 0x80 never turn one known algorithm id (1, 2) into the other.
            QVERIFY2(o.error == expected,
                     qPrintable(QStringLiteral("byte %1: %2").arg(i).arg(FieldCipher::errorName(o.error))));
        }
    }
}

void TestCipher::everyTruncationIsRefused_data()
{
    everyFlippedByteIsRefused_data();
}

void TestCipher::everyTruncationIsRefused()
{
    QFETCH(int, mode);
    const auto c = cipher(CipherMode(mode));
    QVERIFY(c);
    const QByteArray blob = c->seal(QByteArrayLiteral("13800138000"), QByteArray());
    for (int len = 0; len < blob.size(); ++len) {
        const FieldCipher::Opened o = c->open(blob.left(len), QByteArray());
        QVERIFY2(!o.ok(), qPrintable(QStringLiteral("a blob cut to %1 bytes opened").arg(len)));
        if (len < 2 || (mode == int(CipherMode::Aes256Gcm) && len < 10 + 12 + 16))
            QCOMPARE(FieldCipher::errorName(o.error), QStringLiteral("truncated"));
    }
    // A blob with bytes appended is refused too.
    QVERIFY(!c->open(blob + 'x', QByteArray()).ok());
    QVERIFY(c->open(blob, QByteArray()).ok());
}

void TestCipher::headerErrorsAreNamed()
{
    const auto c = cipher(CipherMode::Sm4CbcHmacSm3);
    QVERIFY(c);
    const QByteArray blob = c->seal(QByteArrayLiteral("x"), QByteArray());
    QByteArray v2 = blob;
    v2[0] = 2;
    FieldCipher::Opened o = c->open(v2, QByteArray());
    QCOMPARE(o.error, FieldCipher::Error::UnknownVersion);
    QVERIFY2(o.message.contains(QLatin1String("format")), qPrintable(o.message));
    QByteArray alg = blob;
    alg[1] = 9;
    o = c->open(alg, QByteArray());
    QCOMPARE(o.error, FieldCipher::Error::UnknownAlgorithm);
    QVERIFY2(o.message.contains(QLatin1String("algorithm")), qPrintable(o.message));
    o = c->open(QByteArray(), QByteArray());
    QCOMPARE(o.error, FieldCipher::Error::Truncated);
}

void TestCipher::wrongKeyIsNamed()
{
    for (CipherMode mode : {CipherMode::Sm4CbcHmacSm3, CipherMode::Aes256Gcm}) {
        const auto mine = cipher(mode);
        const KeyResult other = KeyManager(uniqueService(), QStringLiteral("cache-data-key"), mode).loadOrCreateNow();
        QVERIFY2(other.ok(), qPrintable(other.message));
        QVERIFY(other.created);
        QVERIFY(other.cipher->keyId() != mine->keyId());
        const QByteArray blob = mine->seal(QStringLiteral("李四"), QByteArray());
        const FieldCipher::Opened o = other.cipher->open(blob, QByteArray());
        QCOMPARE(FieldCipher::errorName(o.error), QStringLiteral("wrong-key"));
        QVERIFY2(o.message.contains(QLatin1String("another key")), qPrintable(o.message));
        // Even with the key id forged to match, the tag refuses it.
        QByteArray forged = blob;
        forged.replace(2, 8, other.cipher->keyId());
        QCOMPARE(FieldCipher::errorName(other.cipher->open(forged, QByteArray()).error),
                 QStringLiteral("authentication-failed"));
    }
}

void TestCipher::wrongAssociatedDataIsRefused_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("column");
    QTest::addColumn<QString>("row");
    for (CipherMode mode : {CipherMode::Sm4CbcHmacSm3, CipherMode::Aes256Gcm}) {
        const QString m = cipherModeName(mode);
        QTest::addRow("%s other row", qPrintable(m)) << int(mode) << "visitor" << "name" << "43";
        QTest::addRow("%s other column", qPrintable(m)) << int(mode) << "visitor" << "address" << "42";
        QTest::addRow("%s other table", qPrintable(m)) << int(mode) << "ticket" << "name" << "42";
        QTest::addRow("%s shifted boundary", qPrintable(m)) << int(mode) << "visito" << "rname" << "42";
        QTest::addRow("%s none", qPrintable(m)) << int(mode) << "" << "" << "";
    }
}

void TestCipher::wrongAssociatedDataIsRefused()
{
    QFETCH(int, mode);
    QFETCH(QString, table);
    QFETCH(QString, column);
    QFETCH(QString, row);
    const auto c = cipher(CipherMode(mode));
    QVERIFY(c);
    const QByteArray blob = c->seal(QStringLiteral("王五"), FieldCipher::associatedData(QStringLiteral("visitor"),
                                                                                         QStringLiteral("name"), QStringLiteral("42")));
    const FieldCipher::Opened o = c->open(blob, FieldCipher::associatedData(table, column, row));
    QCOMPARE(FieldCipher::errorName(o.error), QStringLiteral("authentication-failed"));
    QVERIFY(o.data.isEmpty());
    QVERIFY(c->open(blob, FieldCipher::associatedData(QStringLiteral("visitor"), QStringLiteral("name"), QStringLiteral("42"))).ok());
}

void TestCipher::otherModeStillOpens()
{
    const auto sm4 = cipher(CipherMode::Sm4CbcHmacSm3);
    const auto gcm = cipher(CipherMode::Aes256Gcm);
    QCOMPARE(sm4->keyId(), gcm->keyId());
    const QByteArray a = sm4->seal(QStringLiteral("赵六"), QByteArray());
    const QByteArray b = gcm->seal(QStringLiteral("赵六"), QByteArray());
    QCOMPARE(quint8(a.at(1)), quint8(CipherMode::Sm4CbcHmacSm3));
    QCOMPARE(quint8(b.at(1)), quint8(CipherMode::Aes256Gcm));
    QCOMPARE(gcm->open(a, QByteArray()).text(), QStringLiteral("赵六"));
    QCOMPARE(sm4->open(b, QByteArray()).text(), QStringLiteral("赵六"));
}

void TestCipher::blindIndex()
{
    const auto c = cipher(CipherMode::Sm4CbcHmacSm3);
    const auto g = cipher(CipherMode::Aes256Gcm);
    const QByteArray id = QByteArrayLiteral("11010519491231002X");
    const QByteArray i1 = c->blindIndex("visitor.id_number", id);
    QCOMPARE(i1.size(), 32);
    QCOMPARE(c->blindIndex("visitor.id_number", id), i1);          // deterministic: equality look-ups work
    QCOMPARE(g->blindIndex("visitor.id_number", id), i1);          // the mode does not change it
    QVERIFY(c->blindIndex("visitor.id_number", "110105194912310021") != i1);
    QVERIFY(c->blindIndex("ticket.id_number", id) != i1);          // columns are separated
    QVERIFY(i1 != crypto::sm3(id) && i1 != crypto::hmacSm3(QByteArray(), id)); // keyed, not a plain hash
    const KeyResult other = KeyManager(uniqueService(), QStringLiteral("k"), CipherMode::Sm4CbcHmacSm3).loadOrCreateNow();
    QVERIFY(other.ok());
    QVERIFY(other.cipher->blindIndex("visitor.id_number", id) != i1); // another key, another index
}

void TestCipher::keyManagerCreatesOnceThenLoads()
{
    const QString service = uniqueService();
    const KeyManager km(service, QStringLiteral("cache-data-key"), CipherMode::Aes256Gcm);
    const KeyResult first = km.loadOrCreateNow();
    QVERIFY2(first.ok(), qPrintable(first.message));
    QVERIFY(first.created);
    const KeyResult second = km.loadOrCreateNow();
    QVERIFY2(second.ok(), qPrintable(second.message));
    QVERIFY(!second.created);
    QCOMPARE(second.cipher->keyId(), first.cipher->keyId());
    const KeychainResult raw = Keychain(service).readNow(QStringLiteral("cache-data-key"));
    QVERIFY(raw.ok());
    QCOMPARE(raw.data.size(), KeyManager::KeySize);
    QVERIFY(Keychain(service).removeNow(QStringLiteral("cache-data-key")).ok());
}

void TestCipher::keyManagerAsync()
{
    const QString service = uniqueService();
    const KeyManager km(service, QStringLiteral("cache-data-key"), CipherMode::Sm4CbcHmacSm3);
    QObject context;
    std::optional<KeyResult> got;
    km.loadOrCreate(&context, [&got](const KeyResult &r) { got = r; });
    QVERIFY(!got.has_value());
    QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 20000);
    QVERIFY2(got->ok(), qPrintable(got->message));
    QVERIFY(got->created);
    QCOMPARE(km.loadOrCreateNow().cipher->keyId(), got->cipher->keyId());
    QVERIFY(Keychain(service).removeNow(QStringLiteral("cache-data-key")).ok());
}

void TestCipher::keyManagerLeavesABadEntryAlone()
{
    const QString service = uniqueService();
    QVERIFY(Keychain(service).writeNow(QStringLiteral("cache-data-key"), QByteArrayLiteral("short")).ok());
    const KeyResult r = KeyManager(service, QStringLiteral("cache-data-key"), CipherMode::Sm4CbcHmacSm3).loadOrCreateNow();
    QCOMPARE(KeyManager::statusName(r.status), QStringLiteral("bad-key-entry"));
    QVERIFY(!r.cipher);
    QVERIFY2(r.message.contains(QLatin1String("256-bit")), qPrintable(r.message));
    QCOMPARE(Keychain(service).readNow(QStringLiteral("cache-data-key")).data, QByteArrayLiteral("short"));
    QVERIFY(Keychain(service).removeNow(QStringLiteral("cache-data-key")).ok());
}

// SM2 signatures: ours verify with `openssl dgst -sm3 -verify`, openssl's verify with ours, and
// a changed byte, another key or a non-SM2 key is refused.
void TestCipher::sm2SignaturesInteroperateWithOpenssl()
{
    const QByteArray key = crypto::sm2GenerateKey();
    QVERIFY(key.startsWith("-----BEGIN PRIVATE KEY-----"));
    const QByteArray pub = crypto::sm2PublicKey(key);
    QVERIFY(pub.startsWith("-----BEGIN PUBLIC KEY-----"));
    const QByteArray data = QStringLiteral("审计链头 swzx 1234").toUtf8();
    const QByteArray sig = crypto::sm2Sign(key, data);
    QVERIFY(!sig.isEmpty());
    QVERIFY(crypto::sm2Verify(pub, data, sig));
    QVERIFY(!crypto::sm2Verify(pub, data + 'x', sig));
    QVERIFY(!crypto::sm2Verify(crypto::sm2PublicKey(crypto::sm2GenerateKey()), data, sig));
    QByteArray bent = sig;
    bent[bent.size() / 2] = char(bent[bent.size() / 2] ^ 1);
    QVERIFY(!crypto::sm2Verify(pub, data, bent));

    QTemporaryDir dir;
    auto write = [&](const QString &name, const QByteArray &bytes) {
        QFile f(dir.filePath(name));
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    };
    QVERIFY(write(QStringLiteral("key.pem"), key) && write(QStringLiteral("pub.pem"), pub) && write(QStringLiteral("data"), data)
            && write(QStringLiteral("sig.der"), sig));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"), {QStringLiteral("dgst"), QStringLiteral("-sm3"), QStringLiteral("-verify"), dir.filePath(QStringLiteral("pub.pem")),
                                              QStringLiteral("-signature"), dir.filePath(QStringLiteral("sig.der")), dir.filePath(QStringLiteral("data"))});
    QVERIFY(openssl.waitForFinished(30000));
    QVERIFY2(openssl.exitCode() == 0 && openssl.readAllStandardOutput().contains("Verified OK"), openssl.readAllStandardError().constData());
    openssl.start(QStringLiteral("openssl"), {QStringLiteral("dgst"), QStringLiteral("-sm3"), QStringLiteral("-sign"), dir.filePath(QStringLiteral("key.pem")),
                                              QStringLiteral("-out"), dir.filePath(QStringLiteral("cli.der")), dir.filePath(QStringLiteral("data"))});
    QVERIFY(openssl.waitForFinished(30000) && openssl.exitCode() == 0);
    QFile cli(dir.filePath(QStringLiteral("cli.der")));
    QVERIFY(cli.open(QIODevice::ReadOnly));
    QVERIFY(crypto::sm2Verify(pub, data, cli.readAll()));

    // Not an SM2 key: refused, never a signature of another kind.
    openssl.start(QStringLiteral("openssl"), {QStringLiteral("genpkey"), QStringLiteral("-algorithm"), QStringLiteral("EC"), QStringLiteral("-pkeyopt"),
                                              QStringLiteral("ec_paramgen_curve:P-256")});
    QVERIFY(openssl.waitForFinished(30000));
    const QByteArray ecKey = openssl.readAllStandardOutput();
    QVERIFY(ecKey.contains("PRIVATE KEY"));
    QVERIFY(crypto::sm2Sign(ecKey, data).isEmpty());
    QVERIFY(crypto::sm2PublicKey("not a key").isEmpty());
}

QTEST_GUILESS_MAIN(TestCipher)
#include "tst_cipher.moc"
