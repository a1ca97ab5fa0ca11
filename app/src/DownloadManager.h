#pragma once
// Model downloads: one file at a time into <dir>/<name>.part, resumed with an HTTP Range request
// (also after a restart: the .part file is the state), retried with exponential backoff, hashed
// with SHA-256 while streaming, and renamed into place only when size and hash match. TLS is
// always verified (Qt's default; nothing here turns it off).
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
public:
    explicit DownloadManager(QObject* parent = nullptr);

    // expectedBytes 0 / sha256 empty: not checked (the catalog gives both for official models).
    Q_INVOKABLE void start(const QUrl& url, const QString& dir, const QString& fileName, qint64 expectedBytes,
                           const QString& sha256);
    Q_INVOKABLE void pause();   // keeps the .part file: start() again resumes
    Q_INVOKABLE void cancel();  // removes the .part file

    QString state() const { return state_; }
    QString fileName() const { return fileName_; }
    double receivedBytes() const { return double(received_); }
    double totalBytes() const { return double(expected_); }
    double bytesPerSecond() const { return speed_; }
    double etaSeconds() const;
    QString error() const { return error_; }
    int attempt() const { return attempt_; }
    QString partPath() const { return dir_ + QLatin1Char('/') + fileName_ + QStringLiteral(".part"); }
    QString finalPath() const { return dir_ + QLatin1Char('/') + fileName_; }

    // Tests shorten these.
    int maxRetries = 5;
    int retryBaseMs = 1000;

Q_SIGNALS:
    void stateChanged();
    void progress();
    void finished(const QString& path);
    void failed(const QString& error);

private:
    void setState(const QString& s);
    void fail(const QString& error);
    void hashExistingPart();       // resumes: the hash must cover the bytes already on disk
    void request();
    void onReadyRead();
    void onFinished();
    void verifyAndInstall();
    void retryLater(const QString& why);

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
    bool restartedFromZero_ = false;
    qint64 requestedFrom_ = 0;  // the Range start of the current request (0: none)
};

}  // namespace tern::app
