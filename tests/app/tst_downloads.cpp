// DownloadManager against a real HTTP server on 127.0.0.1 (written here with QTcpServer) that
// honours Range: a dropped transfer resumes, a restart resumes from the .part file, a bad checksum
// is rejected, server errors are retried, a 404 is not.
#include <QCryptographicHash>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include "DownloadManager.h"

using namespace tern::app;

namespace {

// Serves one blob at /model.gguf. Faults are scripted per request.
class RangeServer : public QObject {
public:
    QByteArray blob;
    int failFirst = 0;        // answer this many requests with 503
    qint64 dropAfter = -1;    // first 200/206 reply: close after this many body bytes
    bool ignoreRange = false;
    QList<QByteArray> ranges; // Range header of each request ("" when none)

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
    QUrl url(const char* path = "/model.gguf") const {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(server_.serverPort()).arg(QLatin1String(path)));
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
        if (!req.startsWith("GET /model.gguf ")) return reply(s, "404 Not Found");
        if (failFirst > 0) {
            --failFirst;
            return reply(s, "503 Service Unavailable", "busy");
        }
        qint64 from = 0;
        if (!range.isEmpty() && !ignoreRange) from = range.mid(6, range.indexOf('-') - 6).toLongLong();
        if (from >= blob.size() && from > 0) return reply(s, "416 Range Not Satisfiable");
        const QByteArray body = blob.mid(from);
        const QByteArray status = from > 0 ? "206 Partial Content" : "200 OK";
        QByteArray headers = "Accept-Ranges: bytes\r\n";
        if (from > 0)
            headers += "Content-Range: bytes " + QByteArray::number(from) + "-" + QByteArray::number(blob.size() - 1) +
                       "/" + QByteArray::number(blob.size()) + "\r\n";
        if (dropAfter < 0) return reply(s, status, body, headers);
        s->write(head(status, body.size(), headers));
        s->write(body.left(dropAfter));
        dropAfter = -1;
        s->flush();
        s->abort();  // the connection dies mid-body
    }
    QTcpServer server_;
    QHash<QTcpSocket*, QByteArray> bufs_;
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
    void leavePart(qint64 bytes) const {
        QFile part(path(".part"));
        if (part.open(QIODevice::WriteOnly)) part.write(srv.blob.left(bytes));
    }
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
