#pragma once
// Model downloads: one file at a time into <dir>/<name>.part, resumed with an HTTP Range request
// (also after a restart: the .part file is the state), retried with exponential backoff, hashed
// with SHA-256 while streaming, and renamed into place only when size and hash match. TLS is
// always verified (Qt's default; nothing here turns it off), and a certificate that fails is
// final, not retried. A request that receives nothing for stallTimeoutMs is abandoned and
// retried; an answer's Content-Range and size are checked before a byte of it is written. Each
// download is recorded in <dir>/<name>.part.json (what it fetches, and its failure if it failed)
// until it is done or cancelled, so after a restart the app shows it again (restore()).
// Without a catalog hash, the SHA-256 the server publishes is used: Hugging Face sends an LFS
// file's in X-Linked-Etag.
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QNetworkReply;

namespace tern::app {

class DownloadManager : public QObject {
    Q_OBJECT
    // idle | checking | downloading | paused | verifying | done | failed
    Q_PROPERTY(QString state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString fileName READ fileName NOTIFY stateChanged)
    Q_PROPERTY(double receivedBytes READ receivedBytes NOTIFY progress)
    Q_PROPERTY(double totalBytes READ totalBytes NOTIFY progress)
    Q_PROPERTY(double bytesPerSecond READ bytesPerSecond NOTIFY progress)
    Q_PROPERTY(double etaSeconds READ etaSeconds NOTIFY progress)
    Q_PROPERTY(QString error READ error NOTIFY stateChanged)
    Q_PROPERTY(int attempt READ attempt NOTIFY stateChanged)
    // Why the download is waiting to retry ("no data from the server for 30 s", "HTTP 503");
    // empty while bytes flow.
    Q_PROPERTY(QString retryReason READ retryReason NOTIFY stateChanged)
    // What the card says while it waits: "Retrying in 8 s: HTTP 503", then "Retrying now: …";
    // empty while bytes flow. Counts down once a second.
    Q_PROPERTY(QString retryStatus READ retryStatus NOTIFY retryStatusChanged)
    // What the finished file was checked against: "catalog" (the catalog's SHA-256), "server" (the
    // SHA-256 the server sent in X-Linked-Etag), "none" (no hash published); "" until it is done.
    Q_PROPERTY(QString verification READ verification NOTIFY stateChanged)
public:
    explicit DownloadManager(QObject* parent = nullptr);

    // expectedBytes 0 / sha256 empty: not checked (the catalog gives both for official models).
    Q_INVOKABLE void start(const QUrl& url, const QString& dir, const QString& fileName, qint64 expectedBytes,
                           const QString& sha256);
    Q_INVOKABLE void pause();   // keeps the .part file: start() again resumes
    Q_INVOKABLE void cancel();  // removes the .part file
    // After a restart: shows again the download into `dir` that had not finished: state "failed"
    // with its error if it failed, "paused" if the app was closed (or crashed) while it ran.
    // Returns whether there was one. An empty .part is removed (nothing to resume).
    Q_INVOKABLE bool restore(const QString& dir);

    QString state() const { return state_; }
    QString fileName() const { return fileName_; }
    double receivedBytes() const { return double(received_); }
    double totalBytes() const { return double(expected_); }
    double bytesPerSecond() const { return speed_; }
    double etaSeconds() const;
    QString error() const { return error_; }
    int attempt() const { return attempt_; }
    QString retryReason() const { return retryReason_; }
    QString retryStatus() const;
    QString verification() const { return verification_; }
    QString partPath() const { return dir_ + QLatin1Char('/') + fileName_ + QStringLiteral(".part"); }
    QString finalPath() const { return dir_ + QLatin1Char('/') + fileName_; }

    QString recordPath() const { return partPath() + QStringLiteral(".json"); }

    // Tests shorten these.
    int maxRetries = 5;
    int retryBaseMs = 1000;
    int stallTimeoutMs = 30000;  // no byte (nor header) for this long: the request is abandoned

Q_SIGNALS:
    void stateChanged();
    void progress();
    void finished(const QString& path);
    void failed(const QString& error);
    void retryStatusChanged();

private:
    void setState(const QString& s);
    void fail(const QString& error);
    void hashExistingPart();       // resumes: the hash must cover the bytes already on disk
    void request();
    bool checkHeaders();  // false: the answer was rejected (reply aborted, rejected_ says why)
    void reject(const QString& why, bool restartFromZero);
    void onReadyRead();
    void onFinished();
    void restartFromZero();
    void writeRecord() const;  // the download and error_ (empty while it runs)
    void verifyAndInstall();
    void retryLater(const QString& why);
    void noteLinkedEtag(const QNetworkReply* reply);

    QNetworkAccessManager nam_;
    QPointer<QNetworkReply> reply_;
    QFile part_;
    QCryptographicHash hash_{QCryptographicHash::Sha256};
    QUrl url_;
    QString dir_, fileName_, sha256_, state_ = QStringLiteral("idle"), error_;
    qint64 expected_ = 0, received_ = 0, hashed_ = 0;
    int attempt_ = 0;
    double speed_ = 0;
    QElapsedTimer speedClock_;
    qint64 speedBytes_ = 0;
    QTimer retryTimer_;
    QTimer stallTimer_;
    QTimer retryCountdown_;  // ticks retryStatus while retryTimer_ runs
    qint64 requestedFrom_ = 0;  // the Range start of the current request (0: none)
    // Per request: its headers were checked; why it was given up (retried unless failed);
    // the start of an error body (for the log); the TLS errors Qt reported.
    bool headersChecked_ = false;
    QString rejected_;
    QByteArray errorBody_;
    QStringList tlsErrors_;
    QString retryReason_;
    QString linkedSha256_;  // the server's X-Linked-Etag, when it is a SHA-256
    QString verification_;
};

}  // namespace tern::app
