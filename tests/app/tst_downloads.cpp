// DownloadManager against a real HTTP server on 127.0.0.1 (written here with QTcpServer) that
// honours Range: a dropped transfer resumes, a restart resumes from the .part file, a bad checksum
// is rejected, server errors are retried, a 404 is not.
#include <QCryptographicHash>
#include <QSignalSpy>
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
    void answer(QTcpSocket* s, const QByteArray& req) {
        QByteArray range;
        for (const QByteArray& line : req.split('\n'))
            if (line.toLower().startsWith("range:")) range = line.mid(6).trimmed();
        ranges.push_back(range);
        if (!req.startsWith("GET /model.gguf ")) {
            s->write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            s->disconnectFromHost();
            return;
        }
        if (failFirst > 0) {
            --failFirst;
            s->write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy");
            s->disconnectFromHost();
            return;
        }
        qint64 from = 0;
        if (!range.isEmpty() && !ignoreRange) from = range.mid(6, range.indexOf('-') - 6).toLongLong();
        if (from >= blob.size() && from > 0) {
            s->write("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            s->disconnectFromHost();
            return;
        }
        const QByteArray body = blob.mid(from);
        QByteArray head = from > 0 ? "HTTP/1.1 206 Partial Content\r\n" : "HTTP/1.1 200 OK\r\n";
        head += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        if (from > 0)
            head += "Content-Range: bytes " + QByteArray::number(from) + "-" + QByteArray::number(blob.size() - 1) +
                    "/" + QByteArray::number(blob.size()) + "\r\n";
        head += "Accept-Ranges: bytes\r\nConnection: close\r\n\r\n";
        s->write(head);
        if (dropAfter >= 0) {
            s->write(body.left(dropAfter));
            dropAfter = -1;
            s->flush();
            s->abort();  // the connection dies mid-body
            return;
        }
        s->write(body);
        s->disconnectFromHost();
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

}  // namespace

class TestDownloads : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void interruptedTransferResumes() {
        RangeServer srv;
        srv.blob = makeBlob(3 << 20);
        srv.dropAfter = 1 << 20;
        QTemporaryDir dir;
        DownloadManager dm;
        dm.retryBaseMs = 20;
        QSignalSpy done(&dm, &DownloadManager::finished);
        dm.start(srv.url(), dir.path(), QStringLiteral("m.gguf"), srv.blob.size(), sha(srv.blob));
        QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0 || dm.state() == QLatin1String("failed"), 20000);
        QVERIFY2(dm.state() == QLatin1String("done"), qPrintable(dm.error()));
        QCOMPARE(srv.ranges.size(), 2);
        QVERIFY(srv.ranges[0].isEmpty());
        QVERIFY(srv.ranges[1].startsWith("bytes="));
        QVERIFY(srv.ranges[1] != "bytes=0-");
        QFile f(dir.path() + QStringLiteral("/m.gguf"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), srv.blob);
        QVERIFY(!QFile::exists(dir.path() + QStringLiteral("/m.gguf.part")));
    }

    void resumesAfterRestartFromThePartFile() {
        RangeServer srv;
        srv.blob = makeBlob(2 << 20);
        QTemporaryDir dir;
        {   // What an earlier run left behind when the app was closed mid-download.
            QFile part(dir.path() + QStringLiteral("/m.gguf.part"));
            QVERIFY(part.open(QIODevice::WriteOnly));
            part.write(srv.blob.left(700000));
        }
        DownloadManager dm;
        QSignalSpy done(&dm, &DownloadManager::finished);
        dm.start(srv.url(), dir.path(), QStringLiteral("m.gguf"), srv.blob.size(), sha(srv.blob));
        QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0 || dm.state() == QLatin1String("failed"), 20000);
        QVERIFY2(dm.state() == QLatin1String("done"), qPrintable(dm.error()));
        QCOMPARE(srv.ranges.value(0), QByteArray("bytes=700000-"));
        QFile f(dir.path() + QStringLiteral("/m.gguf"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), srv.blob);
    }

    void serverIgnoringRangeStartsOver() {
        RangeServer srv;
        srv.blob = makeBlob(1 << 20);
        srv.ignoreRange = true;
        QTemporaryDir dir;
        {
            QFile part(dir.path() + QStringLiteral("/m.gguf.part"));
            QVERIFY(part.open(QIODevice::WriteOnly));
            part.write(srv.blob.left(1000));
        }
        DownloadManager dm;
        QSignalSpy done(&dm, &DownloadManager::finished);
        dm.start(srv.url(), dir.path(), QStringLiteral("m.gguf"), srv.blob.size(), sha(srv.blob));
        QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0 || dm.state() == QLatin1String("failed"), 20000);
        QVERIFY2(dm.state() == QLatin1String("done"), qPrintable(dm.error()));
    }

    void badChecksumIsRejected() {
        RangeServer srv;
        srv.blob = makeBlob(1 << 20);
        QTemporaryDir dir;
        DownloadManager dm;
        QSignalSpy failed(&dm, &DownloadManager::failed);
        dm.start(srv.url(), dir.path(), QStringLiteral("m.gguf"), srv.blob.size(), QString(64, QLatin1Char('0')));
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() > 0, 20000);
        QVERIFY(dm.error().contains(QStringLiteral("Checksum")));
        QVERIFY(!QFile::exists(dir.path() + QStringLiteral("/m.gguf")));       // never becomes a model
        QVERIFY(!QFile::exists(dir.path() + QStringLiteral("/m.gguf.part")));  // and is not resumed
    }

    void serverErrorIsRetried() {
        RangeServer srv;
        srv.blob = makeBlob(300000);
        srv.failFirst = 2;
        QTemporaryDir dir;
        DownloadManager dm;
        dm.retryBaseMs = 20;
        QSignalSpy done(&dm, &DownloadManager::finished);
        dm.start(srv.url(), dir.path(), QStringLiteral("m.gguf"), srv.blob.size(), sha(srv.blob));
        QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0 || dm.state() == QLatin1String("failed"), 20000);
        QVERIFY2(dm.state() == QLatin1String("done"), qPrintable(dm.error()));
        QCOMPARE(srv.ranges.size(), 3);
        QCOMPARE(dm.attempt(), 2);
    }

    void notFoundIsNotRetried() {
        RangeServer srv;
        srv.blob = makeBlob(1000);
        QTemporaryDir dir;
        DownloadManager dm;
        dm.retryBaseMs = 20;
        QSignalSpy failed(&dm, &DownloadManager::failed);
        dm.start(srv.url("/missing.gguf"), dir.path(), QStringLiteral("m.gguf"), 1000, {});
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() > 0, 20000);
        QCOMPARE(srv.ranges.size(), 1);
        QVERIFY(dm.error().contains(QStringLiteral("404")));
    }

    void notEnoughSpaceFailsFirst() {
        RangeServer srv;
        QTemporaryDir dir;
        DownloadManager dm;
        dm.start(srv.url(), dir.path(), QStringLiteral("m.gguf"), qint64(1) << 60, {});
        QCOMPARE(dm.state(), QStringLiteral("failed"));
        QVERIFY(dm.error().contains(QStringLiteral("free space")));
        QCOMPARE(srv.ranges.size(), 0);
    }

    void cancelRemovesThePart() {
        RangeServer srv;
        srv.blob = makeBlob(1 << 20);
        srv.failFirst = 100;  // keeps it retrying, so it is still active when cancelled
        QTemporaryDir dir;
        DownloadManager dm;
        dm.retryBaseMs = 10000;
        dm.start(srv.url(), dir.path(), QStringLiteral("m.gguf"), srv.blob.size(), {});
        QTRY_VERIFY_WITH_TIMEOUT(srv.ranges.size() >= 1, 10000);
        QVERIFY(QFile::exists(dm.partPath()));
        dm.cancel();
        QCOMPARE(dm.state(), QStringLiteral("idle"));
        QVERIFY(!QFile::exists(dm.partPath()));
    }
};

QTEST_GUILESS_MAIN(TestDownloads)
#include "tst_downloads.moc"
