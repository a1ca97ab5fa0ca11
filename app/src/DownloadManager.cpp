#include "DownloadManager.h"

#include <QDir>
#include <QFileInfo>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QStorageInfo>

#include <spdlog/spdlog.h>

namespace tern::app {

namespace {
constexpr qint64 kHashChunk = 8 << 20;       // hash a resumed .part in slices, keeping the UI live
constexpr qint64 kFreeSpaceMargin = 64 << 20;
}  // namespace

DownloadManager::DownloadManager(QObject* parent) : QObject(parent) {
    // Hugging Face answers with a redirect to its CDN; never follow one from https to http.
    nam_.setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
    retryTimer_.setSingleShot(true);
    connect(&retryTimer_, &QTimer::timeout, this, &DownloadManager::request);
}

double DownloadManager::etaSeconds() const {
    if (speed_ <= 0 || expected_ <= 0) return -1;
    return double(expected_ - received_) / speed_;
}

void DownloadManager::setState(const QString& s) {
    state_ = s;
    Q_EMIT stateChanged();
}

void DownloadManager::fail(const QString& e) {
    spdlog::warn("download {} failed: {}", fileName_.toStdString(), e.toStdString());
    error_ = e;
    setState(QStringLiteral("failed"));  // before abort(): its finished() must not trigger a retry
    retryTimer_.stop();
    if (reply_) reply_->abort();
    part_.close();
    Q_EMIT failed(e);
}

void DownloadManager::start(const QUrl& url, const QString& dir, const QString& fileName, qint64 expectedBytes,
                            const QString& sha256) {
    if (state_ == QLatin1String("downloading") || state_ == QLatin1String("checking")) return;
    url_ = url;
    dir_ = dir;
    fileName_ = fileName;
    expected_ = expectedBytes;
    sha256_ = sha256.toLower();
    error_.clear();
    attempt_ = 0;
    speed_ = 0;
    QDir().mkpath(dir_);

    // Free space for what is still missing, before a single byte is fetched.
    const qint64 have = QFileInfo(partPath()).size();
    if (expected_ > 0) {
        const QStorageInfo disk(dir_);
        if (disk.isValid() && disk.bytesAvailable() < expected_ - have + kFreeSpaceMargin) {
            fail(tr("Not enough free space in %1: %2 MB needed, %3 MB free.")
                     .arg(dir_).arg((expected_ - have) >> 20).arg(disk.bytesAvailable() >> 20));
            return;
        }
    }
    part_.setFileName(partPath());
    if (!part_.open(QIODevice::ReadWrite)) {
        fail(tr("Cannot write %1: %2").arg(partPath(), part_.errorString()));
        return;
    }
    hash_.reset();
    hashed_ = 0;
    received_ = part_.size();
    setState(QStringLiteral("checking"));
    hashExistingPart();
}

void DownloadManager::hashExistingPart() {
    if (state_ != QLatin1String("checking")) return;  // paused or cancelled meanwhile
    if (hashed_ < received_) {
        part_.seek(hashed_);
        const QByteArray chunk = part_.read(qMin(kHashChunk, received_ - hashed_));
        hash_.addData(chunk);
        hashed_ += chunk.size();
        Q_EMIT progress();
        if (chunk.isEmpty()) { fail(tr("Cannot read %1").arg(partPath())); return; }
        QTimer::singleShot(0, this, &DownloadManager::hashExistingPart);
        return;
    }
    part_.seek(received_);
    if (expected_ > 0 && received_ == expected_) {  // already complete (killed while verifying)
        verifyAndInstall();
        return;
    }
    setState(QStringLiteral("downloading"));
    request();
}

void DownloadManager::request() {
    if (state_ != QLatin1String("downloading")) return;
    QNetworkRequest req(url_);
    req.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("Tern/" TERN_VERSION));
    if (received_ > 0) req.setRawHeader("Range", "bytes=" + QByteArray::number(received_) + "-");
    restartedFromZero_ = false;
    requestedFrom_ = received_;
    speedClock_.start();
    speedBytes_ = received_;
    reply_ = nam_.get(req);
    connect(reply_, &QNetworkReply::readyRead, this, &DownloadManager::onReadyRead);
    connect(reply_, &QNetworkReply::finished, this, &DownloadManager::onFinished);
}

void DownloadManager::onReadyRead() {
    if (!reply_) return;
    const int status = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status >= 400) return;  // error bodies are not model bytes
    if (status == 200 && requestedFrom_ > 0 && !restartedFromZero_) {
        // The server ignored our Range: start over rather than append a second copy.
        part_.resize(0);
        part_.seek(0);
        hash_.reset();
        received_ = 0;
        restartedFromZero_ = true;
    }
    const QByteArray data = reply_->readAll();
    if (part_.write(data) != data.size()) {
        fail(tr("Writing %1 failed: %2").arg(partPath(), part_.errorString()));
        return;
    }
    hash_.addData(data);
    received_ += data.size();
    if (expected_ > 0 && received_ > expected_) {
        fail(tr("The server sent more data than the catalog lists (%1 bytes).").arg(expected_));
        return;
    }
    // Speed over the last ~second, smoothed so the ETA does not jump about.
    const qint64 ms = speedClock_.elapsed();
    if (ms >= 1000) {
        const double now = double(received_ - speedBytes_) * 1000.0 / double(ms);
        speed_ = speed_ > 0 ? 0.7 * speed_ + 0.3 * now : now;
        speedClock_.restart();
        speedBytes_ = received_;
    }
    Q_EMIT progress();
}

void DownloadManager::onFinished() {
    QNetworkReply* r = reply_;
    if (!r) return;
    if (state_ == QLatin1String("downloading") && r->bytesAvailable() > 0) onReadyRead();
    r->deleteLater();
    reply_ = nullptr;
    if (state_ != QLatin1String("downloading")) return;  // paused or cancelled
    const int status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    part_.flush();
    if (status == 416 && expected_ > 0 && received_ == expected_) {  // nothing left to fetch
        verifyAndInstall();
        return;
    }
    if (r->error() != QNetworkReply::NoError) {
        // Server errors and dropped connections are worth retrying; 4xx (not found, forbidden) are not.
        if (status >= 400 && status < 500) {
            fail(tr("The server refused the download (HTTP %1).").arg(status));
            return;
        }
        retryLater(status ? tr("HTTP %1").arg(status) : r->errorString());
        return;
    }
    if (expected_ > 0 && received_ < expected_) {
        retryLater(tr("connection closed early"));
        return;
    }
    verifyAndInstall();
}

void DownloadManager::retryLater(const QString& why) {
    if (attempt_ >= maxRetries) {
        fail(tr("Download failed after %1 retries: %2. Start it again to resume.").arg(maxRetries).arg(why));
        return;
    }
    const int delay = retryBaseMs << attempt_;  // 1, 2, 4, 8, 16 s
    ++attempt_;
    spdlog::info("download {}: {}; retry {} in {} ms", fileName_.toStdString(), why.toStdString(), attempt_, delay);
    Q_EMIT stateChanged();
    retryTimer_.start(delay);
}

void DownloadManager::verifyAndInstall() {
    setState(QStringLiteral("verifying"));
    part_.flush();
    part_.close();
    if (expected_ > 0 && received_ != expected_) {
        fail(tr("The file has %1 bytes, the catalog says %2.").arg(received_).arg(expected_));
        return;
    }
    const QString got = QString::fromLatin1(hash_.result().toHex());
    if (!sha256_.isEmpty() && got != sha256_) {
        QFile::remove(partPath());  // corrupt: resuming it would never succeed
        fail(tr("Checksum mismatch: the downloaded file is damaged or not the expected one (SHA-256 %1).").arg(got));
        return;
    }
    QFile::remove(finalPath());
    if (!QFile::rename(partPath(), finalPath())) {  // same folder: atomic
        fail(tr("Could not move the download into place at %1.").arg(finalPath()));
        return;
    }
    setState(QStringLiteral("done"));
    Q_EMIT finished(finalPath());
}

void DownloadManager::pause() {
    if (state_ != QLatin1String("downloading") && state_ != QLatin1String("checking")) return;
    retryTimer_.stop();
    setState(QStringLiteral("paused"));
    if (reply_) reply_->abort();
    part_.close();
}

void DownloadManager::cancel() {
    retryTimer_.stop();
    const bool active = state_ == QLatin1String("downloading") || state_ == QLatin1String("checking");
    setState(QStringLiteral("idle"));
    if (active && reply_) reply_->abort();
    part_.close();
    if (!fileName_.isEmpty()) QFile::remove(partPath());
    received_ = 0;
    Q_EMIT progress();
}

}  // namespace tern::app
