// DownloadManager against a real HTTP server on 127.0.0.1 (written here with QTcpServer) that
// honours Range: a dropped transfer resumes, a restart resumes from the .part file, a bad checksum
// is rejected, server errors are retried, a 404 is not. The server's fault modes are what a
// hostile or broken server does: stall, never answer, send a huge error body, a wrong range or
// more bytes than the file has, or present a self-signed certificate.
#include <QCryptographicHash>
#include <QScopeGuard>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "DownloadManager.h"

using namespace tern::app;

namespace {

template <typename T>
T readPem(const QString& name) {
    QFile f(QStringLiteral(TERN_TEST_DATA_DIR "/tls/") + name);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(f.fileName()));
    if constexpr (std::is_same_v<T, QSslKey>) return QSslKey(f.readAll(), QSsl::Rsa);
    else return QSslCertificate(f.readAll());
}

// A QTcpServer that speaks TLS with one of the fixed certificates in tests/data/tls (see
// regenerate.sh there: self-signed, or signed by the test CA and expired or for another host),
// or plain TCP.
class TestTcpServer : public QTcpServer {
public:
    QString certificate, key;  // file names in tests/data/tls; empty: plain TCP
    int connections = 0;

protected:
    void incomingConnection(qintptr fd) override {
        ++connections;
        if (certificate.isEmpty()) return QTcpServer::incomingConnection(fd);
        auto* s = new QSslSocket(this);
        s->setSocketDescriptor(fd);
        s->setLocalCertificate(readPem<QSslCertificate>(certificate));
        s->setPrivateKey(readPem<QSslKey>(key));
        addPendingConnection(s);
        s->startServerEncryption();
    }
};

// Serves one blob at /model.gguf. Faults are scripted per request.
class RangeServer : public QObject {
public:
    QByteArray blob;
    int failFirst = 0;        // answer this many requests with 503
    qint64 errorBodyBytes = 4;  // how long that 503's body is (sent in slices as the client reads)
    qint64 errorBodySent = 0;   // how much of it the client took before hanging up
    qint64 dropAfter = -1;    // first 200/206 reply: close after this many body bytes
    qint64 stallAfter = -1;   // first 200/206 reply: after this many body bytes, send nothing more
    int silentFirst = 0;      // read this many requests and never answer them
    bool ignoreRange = false;
    int wrongRangeFirst = 0;  // answer this many Range requests with a 206 of the whole file
    QByteArray junk;          // sent after the blob, with no Content-Length (the body ends at close)
    QList<QByteArray> ranges; // Range header of each request ("" when none)
    // X-Linked-Etag, as the hub sends an LFS file's SHA-256: on the 200/206 answers, or (with
    // redirect) only on the 302 from /resolve/model.gguf to /model.gguf, as huggingface.co does.
    QByteArray linkedEtag;
    bool redirect = false;

    RangeServer() {
        server_.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&server_, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = server_.nextPendingConnection()) {
                QObject::connect(s, &QTcpSocket::disconnected, s, [this, s] { bufs_.remove(s); s->deleteLater(); });
                QObject::connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    QByteArray& b = bufs_[s];
                    b += s->readAll();
                    if (!b.contains("\r\n\r\n")) return;
                    const QByteArray req = b;
                    bufs_.remove(s);
                    answer(s, req);  // may abort the socket: touch nothing after this
                });
            }
        });
    }
    void useTls(const char* certificate = "selfsigned.crt", const char* key = "selfsigned.key") {
        server_.certificate = QLatin1String(certificate);
        server_.key = QLatin1String(key);
    }
    int connections() const { return server_.connections; }
    QUrl url(const char* path = "/model.gguf") const {
        return QUrl(QStringLiteral("%1://127.0.0.1:%2%3")
                        .arg(!server_.certificate.isEmpty() ? QLatin1String("https") : QLatin1String("http"))
                        .arg(server_.serverPort())
                        .arg(QLatin1String(path)));
    }

private:
    // The status line and headers of a reply whose body is `length` bytes.
    static QByteArray head(const QByteArray& status, qint64 length, const QByteArray& extraHeaders = {}) {
        return "HTTP/1.1 " + status + "\r\nContent-Length: " + QByteArray::number(length) + "\r\n" + extraHeaders +
               "Connection: close\r\n\r\n";
    }
    // A whole reply, then the connection closes.
    static void reply(QTcpSocket* s, const QByteArray& status, const QByteArray& body = {},
                      const QByteArray& extraHeaders = {}) {
        s->write(head(status, body.size(), extraHeaders) + body);
        s->disconnectFromHost();
    }

    void answer(QTcpSocket* s, const QByteArray& req) {
        QByteArray range;
        for (const QByteArray& line : req.split('\n'))
            if (line.toLower().startsWith("range:")) range = line.mid(6).trimmed();
        ranges.push_back(range);
        const QByteArray etag = linkedEtag.isEmpty() ? QByteArray() : "X-Linked-Etag: " + linkedEtag + "\r\n";
        if (req.startsWith("GET /resolve/model.gguf ") && redirect)
            return reply(s, "302 Found", {}, etag + "Location: " + url().toEncoded() + "\r\n");
        if (!req.startsWith("GET /model.gguf ")) return reply(s, "404 Not Found");
        if (silentFirst > 0) {
            --silentFirst;
            return;  // the connection stays open, and nothing ever comes back
        }
        if (failFirst > 0) {
            --failFirst;
            return sendErrorBody(s);
        }
        qint64 from = 0;
        if (!range.isEmpty() && !ignoreRange) from = range.mid(6, range.indexOf('-') - 6).toLongLong();
        const QByteArray total = QByteArray::number(blob.size());
        if (from >= blob.size() && from > 0)
            return reply(s, "416 Range Not Satisfiable", {}, "Content-Range: bytes */" + total + "\r\n");
        const bool wrongRange = from > 0 && wrongRangeFirst > 0;
        if (wrongRange) {
            --wrongRangeFirst;
            from = 0;
        }
        const QByteArray body = blob.mid(from);
        const QByteArray status = from > 0 || wrongRange ? "206 Partial Content" : "200 OK";
        QByteArray headers = "Accept-Ranges: bytes\r\n";
        if (!redirect) headers += etag;
        if (from > 0 || wrongRange)
            headers += "Content-Range: bytes " + QByteArray::number(from) + "-" + QByteArray::number(blob.size() - 1) +
                       "/" + total + "\r\n";
        if (!junk.isEmpty()) {
            s->write("HTTP/1.1 " + status + "\r\n" + headers + "Connection: close\r\n\r\n" + body + junk);
            s->disconnectFromHost();
            return;
        }
        if (dropAfter < 0 && stallAfter < 0) return reply(s, status, body, headers);
        s->write(head(status, body.size(), headers));
        if (stallAfter >= 0) {
            s->write(body.left(stallAfter));
            stallAfter = -1;
            return;  // and then silence, with the connection open
        }
        s->write(body.left(dropAfter));
        dropAfter = -1;
        s->flush();
        s->abort();  // the connection dies mid-body
    }
    // A 503 whose body is errorBodyBytes long, written a slice at a time as the client takes it,
    // so errorBodySent says how much the client read before it hung up.
    void sendErrorBody(QTcpSocket* s) {
        s->write(head("503 Service Unavailable", errorBodyBytes));
        auto left = std::make_shared<qint64>(errorBodyBytes);
        auto feed = [this, s, left] {
            while (*left > 0 && s->bytesToWrite() < (1 << 20)) {
                const qint64 n = qMin<qint64>(*left, 256 << 10);
                s->write(QByteArray(n, 'x'));
                *left -= n;
                errorBodySent += n;
            }
            if (*left == 0) s->disconnectFromHost();
        };
        QObject::connect(s, &QTcpSocket::bytesWritten, s, feed);
        feed();
    }
    QHash<QTcpSocket*, QByteArray> bufs_;  // before server_: its sockets' disconnected() touches it
    TestTcpServer server_;
};

QByteArray makeBlob(int n) {
    QByteArray b(n, Qt::Uninitialized);
    quint32 x = 12345;
    for (int i = 0; i < n; ++i) { x = x * 1664525u + 1013904223u; b[i] = char(x >> 24); }
    return b;
}
QString sha(const QByteArray& b) { return QString::fromLatin1(QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex()); }

// One download of the server's blob into a fresh folder as m.gguf: what every test sets up.
struct Download {
    RangeServer srv;
    QTemporaryDir dir;
    DownloadManager dm;

    explicit Download(int blobBytes) {
        srv.blob = makeBlob(blobBytes);
        dm.retryBaseMs = 20;
    }
    QString path(const char* suffix = "") const { return dir.path() + QStringLiteral("/m.gguf") + QLatin1String(suffix); }
    // What an earlier run left behind when the app was closed mid-download.
    // A .part left by an earlier run: these bytes, or the blob's first `bytes`.
    bool writePart(const QByteArray& bytes) const {
        QFile part(path(".part"));
        return part.open(QIODevice::WriteOnly) && part.write(bytes) == bytes.size();
    }
    void leavePart(qint64 bytes) const { writePart(srv.blob.left(bytes)); }
    // Starts with the blob's real size and checksum unless told otherwise.
    void start(const QString& checksum, const char* urlPath = "/model.gguf", qint64 bytes = -1) {
        dm.start(srv.url(urlPath), dir.path(), QStringLiteral("m.gguf"), bytes < 0 ? srv.blob.size() : bytes, checksum);
    }
    void start() { start(sha(srv.blob)); }
    // Waits until the download is done or has failed for good; returns the state it ended in.
    QString finish(int timeoutMs = 20000) {
        (void)QTest::qWaitFor([this] { return dm.state() == QLatin1String("done") || dm.state() == QLatin1String("failed"); },
                        timeoutMs);
        return dm.state();
    }
    QByteArray saved() const {
        QFile f(path());
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
};

#define QVERIFY_DONE(d) QVERIFY2((d).finish() == QLatin1String("done"), qPrintable((d).dm.error()))

}  // namespace

class TestDownloads : public QObject {
    Q_OBJECT
    void certificateFailsAtOnce(const char* certificate, const char* reason) {
        if (!QSslSocket::supportsSsl()) QSKIP("Qt has no TLS backend here (the openssl plugin and libssl)");
        // Trust the test CA, so the certificate's only fault is the one under test.
        const QSslConfiguration before = QSslConfiguration::defaultConfiguration();
        QSslConfiguration trusting = before;
        trusting.addCaCertificate(readPem<QSslCertificate>(QStringLiteral("testca.crt")));
        QSslConfiguration::setDefaultConfiguration(trusting);
        const auto restore = qScopeGuard([&] { QSslConfiguration::setDefaultConfiguration(before); });
        Download d(1000);
        d.srv.useTls(certificate, "leaf.key");
        d.start();
        QCOMPARE(d.finish(), QStringLiteral("failed"));
        QCOMPARE(d.srv.connections(), 1);
        QCOMPARE(d.dm.attempt(), 0);
        QVERIFY2(d.dm.error().contains(QStringLiteral("certificate")), qPrintable(d.dm.error()));
        QVERIFY2(d.dm.error().contains(QLatin1String(reason), Qt::CaseInsensitive), qPrintable(d.dm.error()));
        QVERIFY2(!d.dm.error().contains(QStringLiteral("self-signed")), qPrintable(d.dm.error()));  // the CA was trusted
        QVERIFY(!QFile::exists(d.path(".part")));
    }

private Q_SLOTS:
    void interruptedTransferResumes() {
        Download d(3 << 20);
        d.srv.dropAfter = 1 << 20;
        d.start();
        QVERIFY_DONE(d);
        QCOMPARE(d.srv.ranges.size(), 2);
        QVERIFY(d.srv.ranges[0].isEmpty());
        QVERIFY(d.srv.ranges[1].startsWith("bytes="));
        QVERIFY(d.srv.ranges[1] != "bytes=0-");  // resumed, not restarted
        QCOMPARE(d.saved(), d.srv.blob);
        QVERIFY(!QFile::exists(d.path(".part")));
    }

    void resumesAfterRestartFromThePartFile() {
        Download d(2 << 20);
        d.leavePart(700000);
        d.start();
        QVERIFY_DONE(d);
        QCOMPARE(d.srv.ranges.value(0), QByteArray("bytes=700000-"));
        QCOMPARE(d.saved(), d.srv.blob);
    }

    void serverIgnoringRangeStartsOver() {
        Download d(1 << 20);
        d.srv.ignoreRange = true;
        d.leavePart(1000);
        d.start();
        QVERIFY_DONE(d);
        QCOMPARE(d.srv.ranges.value(0), QByteArray("bytes=1000-"));  // asked to resume, got the whole file
        QCOMPARE(d.saved(), d.srv.blob);                             // and did not append it to the part
    }

    void badChecksumIsRejected() {
        Download d(1 << 20);
        d.start(QString(64, QLatin1Char('0')));
        QCOMPARE(d.finish(), QStringLiteral("failed"));
        QVERIFY(d.dm.error().contains(QStringLiteral("Checksum")));
        QVERIFY(!QFile::exists(d.path()));         // never becomes a model
        QVERIFY(!QFile::exists(d.path(".part")));  // and is not resumed
    }

    // Issue 15: without a catalog hash, the SHA-256 the server publishes in X-Linked-Etag (on
    // Hugging Face's redirect to its CDN) verifies the file, and the download says so; a wrong one
    // fails with both hashes named and the damaged .part removed, as a catalog mismatch does.
    void serverPublishedHashVerifiesWithoutACatalogHash() {
        Download d(1 << 20);
        d.srv.redirect = true;
        d.srv.linkedEtag = '"' + sha(d.srv.blob).toLatin1() + '"';
        d.start(QString(), "/resolve/model.gguf");
        QVERIFY_DONE(d);
        QCOMPARE(d.dm.verification(), QStringLiteral("server"));
        QCOMPARE(d.saved(), d.srv.blob);
    }

    void wrongServerPublishedHashFailsAndDropsThePart() {
        Download d(1 << 20);
        d.srv.redirect = true;
        const QString other = sha(QByteArray("another file"));
        d.srv.linkedEtag = '"' + other.toUpper().toLatin1() + '"';  // hex case does not matter
        d.start(QString(), "/resolve/model.gguf");
        QCOMPARE(d.finish(), QStringLiteral("failed"));
        QVERIFY2(d.dm.error().contains(QStringLiteral("X-Linked-Etag")) && d.dm.error().contains(other) &&
                     d.dm.error().contains(sha(d.srv.blob)),
                 qPrintable(d.dm.error()));
        QCOMPARE(d.dm.verification(), QString());
        QVERIFY(!QFile::exists(d.path()));
        QVERIFY(!QFile::exists(d.path(".part")));
    }

    // The catalog's hash is the one that counts when it has one; a header that is not a SHA-256
    // (a git blob's SHA-1, as the hub sends for small files) is no hash; with none, the download
    // says it was not verified.
    void catalogHashFirstAndNoHashIsSaid() {
        {
            Download d(1 << 19);
            d.srv.linkedEtag = '"' + sha(QByteArray("stale")).toLatin1() + '"';  // on the 200 itself
            d.start();
            QVERIFY_DONE(d);
            QCOMPARE(d.dm.verification(), QStringLiteral("catalog"));
        }
        {
            Download d(1 << 19);
            d.srv.linkedEtag = "\"0123456789abcdef0123456789abcdef01234567\"";
            d.start(QString());
            QVERIFY_DONE(d);
            QCOMPARE(d.dm.verification(), QStringLiteral("none"));
            QCOMPARE(d.saved(), d.srv.blob);
        }
    }

    void serverErrorIsRetried() {
        Download d(300000);
        d.srv.failFirst = 2;
        d.start();
        QVERIFY_DONE(d);
        QCOMPARE(d.srv.ranges.size(), 3);
        QCOMPARE(d.dm.attempt(), 2);
        QCOMPARE(d.saved(), d.srv.blob);
    }

    void notFoundIsNotRetried() {
        Download d(1000);
        d.start({}, "/missing.gguf");
        QCOMPARE(d.finish(), QStringLiteral("failed"));
        QCOMPARE(d.srv.ranges.size(), 1);
        QVERIFY(d.dm.error().contains(QStringLiteral("404")));
    }

    void notEnoughSpaceFailsFirst() {
        Download d(0);
        d.start({}, "/model.gguf", qint64(1) << 60);
        QCOMPARE(d.dm.state(), QStringLiteral("failed"));  // at once, before any request
        QVERIFY(d.dm.error().contains(QStringLiteral("free space")));
        QCOMPARE(d.srv.ranges.size(), 0);
    }

    // Issue 17 item 8: a server that stops sending (or never answers) must not leave the download
    // "downloading" forever: the inactivity timeout gives up on the request, says why, and the
    // retry resumes where the bytes stopped.
    void stalledTransferTimesOutAndResumes() {
        Download d(200000);
        d.srv.stallAfter = 1000;
        d.dm.stallTimeoutMs = 300;
        QStringList reasons;
        QObject::connect(&d.dm, &DownloadManager::stateChanged, [&] {
            if (!d.dm.retryReason().isEmpty() && !reasons.contains(d.dm.retryReason())) reasons << d.dm.retryReason();
        });
        d.start();
        QVERIFY2(d.finish(10000) == QLatin1String("done"), qPrintable(d.dm.state() + QLatin1Char(' ') + d.dm.error()));
        QCOMPARE(d.srv.ranges, (QList<QByteArray>{"", "bytes=1000-"}));
        QCOMPARE(d.saved(), d.srv.blob);
        QCOMPARE(reasons.size(), 1);
        QVERIFY2(reasons[0].contains(QStringLiteral("no data")), qPrintable(reasons[0]));
        QVERIFY(d.dm.retryReason().isEmpty());  // cleared once bytes flowed again
    }

    void serverThatNeverAnswersTimesOut() {
        Download d(50000);
        d.srv.silentFirst = 1;
        d.dm.stallTimeoutMs = 300;
        d.start();
        QVERIFY2(d.finish(10000) == QLatin1String("done"), qPrintable(d.dm.state() + QLatin1Char(' ') + d.dm.error()));
        QCOMPARE(d.srv.ranges.size(), 2);
        QCOMPARE(d.dm.attempt(), 1);
        QCOMPARE(d.saved(), d.srv.blob);
    }

    void stalledEveryTimeFailsWithTheReason() {
        Download d(50000);
        d.srv.silentFirst = 100;
        d.dm.stallTimeoutMs = 100;
        d.dm.maxRetries = 2;
        d.start();
        QCOMPARE(d.finish(10000), QStringLiteral("failed"));
        QCOMPARE(d.srv.ranges.size(), 3);
        QVERIFY2(d.dm.error().contains(QStringLiteral("no data")), qPrintable(d.dm.error()));
    }

    // Item 9: a 503 with a 256 MiB body must not be read (or buffered) whole; the retry comes at once.
    void hugeErrorBodyIsNotBuffered() {
        Download d(100000);
        d.srv.failFirst = 1;
        d.srv.errorBodyBytes = qint64(256) << 20;
        d.start();
        QVERIFY_DONE(d);
        QCOMPARE(d.srv.ranges.size(), 2);
        // What the client took before hanging up; the rest of the gap is loopback socket buffers.
        QVERIFY2(d.srv.errorBodySent < (qint64(32) << 20), qPrintable(QString::number(d.srv.errorBodySent)));
        QCOMPARE(d.saved(), d.srv.blob);
    }

    // Item 10: a 206 for another range than asked must not be appended to the .part.
    void partialContentOfTheWrongRangeIsNotAppended() {
        Download d(300000);
        d.srv.wrongRangeFirst = 1;
        d.leavePart(100000);
        d.start();
        QVERIFY_DONE(d);
        QCOMPARE(d.srv.ranges.value(0), QByteArray("bytes=100000-"));
        QCOMPARE(d.saved(), d.srv.blob);
    }

    // Bytes past the catalog's size never reach the disk, even with no Content-Length to warn.
    void bytesPastTheExpectedSizeAreNotWritten() {
        Download d(300000);
        d.srv.junk = QByteArray(5000, 'j');
        d.start();
        QCOMPARE(d.finish(), QStringLiteral("failed"));
        QVERIFY2(d.dm.error().contains(QStringLiteral("more data")), qPrintable(d.dm.error()));
        QVERIFY(QFileInfo(d.path(".part")).size() <= d.srv.blob.size());
        // Started again without the junk, it finishes (from the part, or from zero).
        d.srv.junk.clear();
        d.start();
        QVERIFY_DONE(d);
        QCOMPARE(d.saved(), d.srv.blob);
    }

    // A .part larger than the file (from an older, broken run) starts over instead of failing
    // every retry with HTTP 416.
    void partLargerThanTheFileRestartsFromZero() {
        Download d(200000);
        QVERIFY(d.writePart(d.srv.blob + QByteArray(7000, 'j')));
        d.start();
        QVERIFY_DONE(d);
        QVERIFY(d.srv.ranges.value(0).isEmpty());
        QCOMPARE(d.saved(), d.srv.blob);
    }

    // With no size in the catalog, a complete .part gets 416 from the server: that is the end of
    // the file, so it goes to verification rather than failing.
    void rangeNotSatisfiableOnACompletePartVerifies() {
        Download d(150000);
        d.leavePart(d.srv.blob.size());
        d.start(sha(d.srv.blob), "/model.gguf", 0);
        QVERIFY_DONE(d);
        QCOMPARE(d.srv.ranges.value(0), QByteArray("bytes=150000-"));
        QCOMPARE(d.saved(), d.srv.blob);
    }

    // With no catalog size, a .part longer than the server's file gets a 416 with another total:
    // it is not a prefix of the file, so it starts over.
    void rangeNotSatisfiableOnALongerPartStartsOver() {
        Download d(150000);
        QVERIFY(d.writePart(d.srv.blob + QByteArray(100, 'j')));
        d.start(sha(d.srv.blob), "/model.gguf", 0);
        QVERIFY_DONE(d);
        QCOMPARE(d.srv.ranges, (QList<QByteArray>{"bytes=150100-", ""}));
        QCOMPARE(d.saved(), d.srv.blob);
    }

    // Item 11: a certificate that cannot be verified is not a transient error: fail at once, say
    // why, and leave no empty .part behind.
    void untrustedCertificateFailsAtOnceWithTheReason() {
        if (!QSslSocket::supportsSsl()) QSKIP("Qt has no TLS backend here (the openssl plugin and libssl)");
        Download d(1000);
        d.srv.useTls();
        d.start();
        QCOMPARE(d.finish(), QStringLiteral("failed"));
        QCOMPARE(d.srv.connections(), 1);
        QCOMPARE(d.dm.attempt(), 0);
        QVERIFY2(d.dm.error().contains(QStringLiteral("certificate")), qPrintable(d.dm.error()));
        QVERIFY2(d.dm.error().contains(QStringLiteral("self-signed")), qPrintable(d.dm.error()));
        QVERIFY(!QFile::exists(d.path(".part")));
    }

    // A certificate from a CA the client trusts, but expired or for another host name, is as final
    // as an untrusted one: one connection, no retry, and the certificate's own reason in the error.
    void expiredCertificateFailsAtOnceWithTheReason() { certificateFailsAtOnce("expired.crt", "expired"); }
    void wrongHostCertificateFailsAtOnceWithTheReason() { certificateFailsAtOnce("otherhost.crt", "host name"); }

    // A failure survives a restart of the app: a new DownloadManager finds it in the folder.
    void failureIsRememberedAcrossRestarts() {
        Download d(1000);
        d.start({}, "/missing.gguf");
        QCOMPARE(d.finish(), QStringLiteral("failed"));
        QVERIFY(!QFile::exists(d.path(".part")));  // nothing was received: no 0-byte .part
        DownloadManager next;
        QVERIFY(next.restore(d.dir.path()));
        QCOMPARE(next.state(), QStringLiteral("failed"));
        QCOMPARE(next.fileName(), QStringLiteral("m.gguf"));
        QVERIFY2(next.error().contains(QStringLiteral("404")), qPrintable(next.error()));
        // Starting it again forgets the failure.
        d.srv.blob = makeBlob(1000);
        d.start();
        QVERIFY_DONE(d);
        DownloadManager after;
        QVERIFY(!after.restore(d.dir.path()));
        QCOMPARE(after.state(), QStringLiteral("idle"));
    }

    // While it waits to retry, the download says why and how long, counting down, and says
    // nothing once bytes flow again.
    void retryStatusCountsDownWithTheReason() {
        Download d(20000);
        d.srv.failFirst = 1;
        d.dm.retryBaseMs = 2500;
        QStringList seen;
        QObject::connect(&d.dm, &DownloadManager::retryStatusChanged, [&] {
            if (seen.value(seen.size() - 1) != d.dm.retryStatus()) seen << d.dm.retryStatus();
        });
        d.start();
        QVERIFY_DONE(d);
        seen.removeAll(QString());
        QVERIFY2(seen.size() >= 3, qPrintable(seen.join(QLatin1String(" | "))));
        QCOMPARE(seen.first(), QStringLiteral("Retrying in 3 s: HTTP 503"));
        QVERIFY2(seen.contains(QStringLiteral("Retrying in 2 s: HTTP 503")) || seen.contains(QStringLiteral("Retrying in 1 s: HTTP 503")),
                 qPrintable(seen.join(QLatin1String(" | "))));
        QCOMPARE(seen.last(), QStringLiteral("Retrying now: HTTP 503"));
        QCOMPARE(d.dm.retryStatus(), QString());
    }

    // The app closed (or crashed) mid-download: the next start shows it paused with the bytes it
    // has, and Resume continues from them.
    void interruptedDownloadIsRestoredPaused() {
        Download d(300000);
        d.leavePart(100000);
        d.srv.silentFirst = 1;
        {
            DownloadManager closing;
            closing.start(d.srv.url(), d.dir.path(), QStringLiteral("m.gguf"), d.srv.blob.size(), sha(d.srv.blob));
            QTRY_COMPARE(d.srv.ranges.size(), 1);
        }  // the app quits here, the request unanswered
        DownloadManager next;
        QVERIFY(next.restore(d.dir.path()));
        QCOMPARE(next.state(), QStringLiteral("paused"));
        QCOMPARE(next.fileName(), QStringLiteral("m.gguf"));
        QCOMPARE(next.receivedBytes(), 100000.0);
        QCOMPARE(next.totalBytes(), double(d.srv.blob.size()));
        QCOMPARE(next.error(), QString());
        d.start();
        QVERIFY_DONE(d);
        QCOMPARE(d.srv.ranges.value(1), QByteArray("bytes=100000-"));
        QCOMPARE(d.saved(), d.srv.blob);
        QVERIFY(!DownloadManager().restore(d.dir.path()));  // done: nothing left to show
    }

    // A failure that left an empty .part: restoring it removes the .part, and still shows the failure.
    void restoreRemovesAnEmptyPart() {
        Download d(1000);
        d.start({}, "/missing.gguf");
        QCOMPARE(d.finish(), QStringLiteral("failed"));
        QVERIFY(d.writePart({}));  // as a crash between creating the .part and the first byte leaves it
        DownloadManager next;
        QVERIFY(next.restore(d.dir.path()));
        QCOMPARE(next.state(), QStringLiteral("failed"));
        QVERIFY(!QFile::exists(d.path(".part")));
        QCOMPARE(next.receivedBytes(), 0.0);
    }

    void cancelRemovesThePart() {
        Download d(1 << 20);
        d.srv.failFirst = 100;   // keeps it retrying, so it is still active when cancelled
        d.dm.retryBaseMs = 10000;
        d.start({});
        QTRY_VERIFY_WITH_TIMEOUT(d.srv.ranges.size() >= 1, 10000);
        QVERIFY(QFile::exists(d.dm.partPath()));
        d.dm.cancel();
        QCOMPARE(d.dm.state(), QStringLiteral("idle"));
        QVERIFY(!QFile::exists(d.dm.partPath()));
    }
};

QTEST_GUILESS_MAIN(TestDownloads)
#include "tst_downloads.moc"
