#include "DownloadManager.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSaveFile>
#include <QSslError>
#include <QStorageInfo>

#include <spdlog/spdlog.h>

#include <cctype>

namespace tern::app {

namespace {
constexpr qint64 kHashChunk = 8 << 20;       // hash a resumed .part in slices, keeping the UI live
constexpr qint64 kFreeSpaceMargin = 64 << 20;
constexpr qint64 kErrorBodyCap = 64 << 10;   // what is read of an error page; the rest is not fetched

// "bytes FIRST-LAST/TOTAL" (TOTAL may be "*": -1). first < 0: not a valid byte range.
struct ContentRange {
    qint64 first = -1, last = -1, total = -1;
};
ContentRange parseContentRange(const QByteArray& value) {
    ContentRange r;
    const QByteArray v = value.trimmed();
    if (!v.startsWith("bytes ")) return r;
    const qsizetype dash = v.indexOf('-'), slash = v.indexOf('/');
    if (dash < 0 || slash < dash) return r;
    bool ok1 = false, ok2 = false, ok3 = true;
    const qint64 first = v.mid(6, dash - 6).toLongLong(&ok1);
    const qint64 last = v.mid(dash + 1, slash - dash - 1).toLongLong(&ok2);
    const QByteArray total = v.mid(slash + 1);
    if (total != "*") r.total = total.toLongLong(&ok3);
    if (ok1 && ok2 && ok3 && first >= 0 && last >= first) {
        r.first = first;
        r.last = last;
    }
    return r;
}

// An X-Linked-Etag that is a SHA-256 (64 hex digits, quotes and a weak "W/" prefix stripped),
// lower case; "" for anything else (a git blob's SHA-1, a missing header, junk).
QString sha256FromEtag(const QByteArray& value) {
    QByteArray v = value.trimmed();
    if (v.startsWith("W/")) v = v.mid(2);
    if (v.size() >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.mid(1, v.size() - 2);
    if (v.size() != 64) return {};
    for (char c : v)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
    return QString::fromLatin1(v).toLower();
}

// The total of a 416's "bytes */TOTAL" (-1 when absent).
qint64 unsatisfiedRangeTotal(const QByteArray& value) {
    const QByteArray v = value.trimmed();
    if (!v.startsWith("bytes */")) return -1;
    bool ok = false;
    const qint64 total = v.mid(8).toLongLong(&ok);
    return ok ? total : -1;
}
}  // namespace

DownloadManager::DownloadManager(QObject* parent) : QObject(parent) {
    // Hugging Face answers with a redirect to its CDN; never follow one from https to http.
    nam_.setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
    retryTimer_.setSingleShot(true);
    connect(&retryTimer_, &QTimer::timeout, this, [this] {
        retryCountdown_.stop();
        Q_EMIT retryStatusChanged();
        request();
    });
    retryCountdown_.setInterval(1000);
    connect(&retryCountdown_, &QTimer::timeout, this, &DownloadManager::retryStatusChanged);
    connect(this, &DownloadManager::stateChanged, this, &DownloadManager::retryStatusChanged);
    stallTimer_.setSingleShot(true);
    connect(&stallTimer_, &QTimer::timeout, this, [this] {
        reject(tr("no data from the server for %1 s").arg(stallTimeoutMs / 1000.0), false);
    });
}

double DownloadManager::etaSeconds() const {
    if (speed_ <= 0 || expected_ <= 0) return -1;
    return double(expected_ - received_) / speed_;
}

QString DownloadManager::retryStatus() const {
    if (retryReason_.isEmpty() || state_ != QLatin1String("downloading")) return {};
    if (!retryTimer_.isActive()) return tr("Retrying now: %1").arg(retryReason_);
    const int s = qMax(1, (retryTimer_.remainingTime() + 999) / 1000);
    return tr("Retrying in %1 s: %2").arg(s).arg(retryReason_);
}

void DownloadManager::setState(const QString& s) {
    state_ = s;
    Q_EMIT stateChanged();
}

void DownloadManager::fail(const QString& e) {
    spdlog::warn("download {} failed: {}", fileName_.toStdString(), e.toStdString());
    error_ = e;
    retryReason_.clear();
    setState(QStringLiteral("failed"));  // before abort(): its finished() must not trigger a retry
    retryTimer_.stop();
    retryCountdown_.stop();
    stallTimer_.stop();
    if (reply_) reply_->abort();
    part_.close();
    if (!fileName_.isEmpty() && QFileInfo(partPath()).size() == 0) QFile::remove(partPath());  // nothing to resume
    writeRecord();
    Q_EMIT failed(e);
}

void DownloadManager::writeRecord() const {
    if (fileName_.isEmpty()) return;
    QSaveFile f(recordPath());
    const QJsonObject o{{QStringLiteral("url"), url_.toString()},
                        {QStringLiteral("expectedBytes"), double(expected_)},
                        {QStringLiteral("sha256"), sha256_},
                        {QStringLiteral("error"), error_},
                        {QStringLiteral("recordedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}};
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(o).toJson()) < 0 || !f.commit())
        spdlog::warn("cannot record the download in {}", recordPath().toStdString());
}

bool DownloadManager::restore(const QString& dir) {
    if (state_ != QLatin1String("idle")) return false;
    const QString suffix = QStringLiteral(".part.json");
    // Newest first; the file name comes from the record's own name, never from its contents.
    for (const QFileInfo& fi : QDir(dir).entryInfoList({QLatin1Char('*') + suffix}, QDir::Files, QDir::Time)) {
        QFile f(fi.filePath());
        if (!f.open(QIODevice::ReadOnly)) continue;
        const QJsonObject o = QJsonDocument::fromJson(f.read(1 << 16)).object();
        if (o.isEmpty()) continue;
        dir_ = dir;
        fileName_ = fi.fileName().chopped(suffix.size());
        url_ = QUrl(o.value(QStringLiteral("url")).toString());
        expected_ = qint64(o.value(QStringLiteral("expectedBytes")).toDouble());
        sha256_ = o.value(QStringLiteral("sha256")).toString();
        error_ = o.value(QStringLiteral("error")).toString();
        received_ = QFileInfo(partPath()).size();
        if (received_ == 0) QFile::remove(partPath());
        setState(error_.isEmpty() ? QStringLiteral("paused") : QStringLiteral("failed"));
        Q_EMIT progress();
        return true;
    }
    return false;
}

void DownloadManager::start(const QUrl& url, const QString& dir, const QString& fileName, qint64 expectedBytes,
                            const QString& sha256) {
    if (state_ == QLatin1String("downloading") || state_ == QLatin1String("checking")) return;
    url_ = url;
    dir_ = dir;
    fileName_ = fileName;
    expected_ = expectedBytes;
    sha256_ = sha256.toLower();
    linkedSha256_.clear();
    verification_.clear();
    error_.clear();
    retryReason_.clear();
    attempt_ = 0;
    speed_ = 0;
    QDir().mkpath(dir_);
    writeRecord();  // error_ is empty: running

    // A .part longer than the file cannot be resumed (every Range past the end is a 416): it is
    // from another version of the file or a broken run, so start over.
    qint64 have = QFileInfo(partPath()).size();
    if (expected_ > 0 && have > expected_) {
        spdlog::warn("{} has {} bytes, more than the {} expected: starting over", partPath().toStdString(), have, expected_);
        QFile::remove(partPath());
        have = 0;
    }

    // Free space for what is still missing, before a single byte is fetched.
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
    requestedFrom_ = received_;
    headersChecked_ = false;
    rejected_.clear();
    errorBody_.clear();
    tlsErrors_.clear();
    speedClock_.start();
    speedBytes_ = received_;
    reply_ = nam_.get(req);
    // Hugging Face puts X-Linked-Etag on its redirect to the CDN, not on the CDN's answer.
    connect(reply_, &QNetworkReply::redirected, this, [this] { noteLinkedEtag(reply_); });
    connect(reply_, &QNetworkReply::metaDataChanged, this, [this] {
        stallTimer_.start(stallTimeoutMs);
        checkHeaders();
    });
    connect(reply_, &QNetworkReply::readyRead, this, &DownloadManager::onReadyRead);
    connect(reply_, &QNetworkReply::finished, this, &DownloadManager::onFinished);
    connect(reply_, &QNetworkReply::sslErrors, this, [this](const QList<QSslError>& errors) {
        for (const QSslError& e : errors) tlsErrors_ << e.errorString();
    });
    stallTimer_.start(stallTimeoutMs);  // also covers a server that accepts and never answers
}

void DownloadManager::restartFromZero() {
    part_.resize(0);
    part_.seek(0);
    hash_.reset();
    hashed_ = 0;
    received_ = 0;
    requestedFrom_ = 0;
}

// Gives up on the current request (retried by onFinished), optionally discarding the .part.
void DownloadManager::reject(const QString& why, bool discardPart) {
    if (!reply_ || !rejected_.isEmpty()) return;
    rejected_ = why;
    if (discardPart) restartFromZero();
    reply_->abort();  // finished() follows, and onFinished retries with rejected_ as the reason
}

// Runs once per request, when the status and headers are in and before any body byte is written.
bool DownloadManager::checkHeaders() {
    if (headersChecked_ || !reply_) return rejected_.isEmpty();
    const QVariant code = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!code.isValid()) return true;  // not yet
    headersChecked_ = true;
    noteLinkedEtag(reply_);
    const int status = code.toInt();
    if (status == 206) {
        const ContentRange range = parseContentRange(reply_->rawHeader("Content-Range"));
        if (expected_ > 0 && range.total >= 0 && range.total != expected_) {
            fail(tr("The server's file has %1 bytes, the catalog says %2.").arg(range.total).arg(expected_));
            return false;
        }
        if (range.first != requestedFrom_) {
            // Appending it would corrupt the file; resuming from this server cannot be trusted.
            reject(tr("the server sent another part of the file (%1) than asked for (from byte %2)")
                       .arg(QString::fromLatin1(reply_->rawHeader("Content-Range")))
                       .arg(requestedFrom_),
                   true);
            return false;
        }
    } else if (status == 200 && requestedFrom_ > 0) {
        restartFromZero();  // the server ignored our Range: start over rather than append a second copy
    }
    return true;
}

void DownloadManager::onReadyRead() {
    if (!reply_) return;
    stallTimer_.start(stallTimeoutMs);
    if (!checkHeaders()) return;
    const int status = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status >= 400) {
        // Error bodies are not model bytes: keep the start for the log, and hang up on the rest.
        errorBody_ += reply_->read(kErrorBodyCap - errorBody_.size());
        if (reply_->bytesAvailable() > 0) reply_->abort();  // onFinished still sees the status
        return;
    }
    const QByteArray data = reply_->readAll();
    if (data.isEmpty()) return;
    if (expected_ > 0 && received_ + data.size() > expected_) {  // checked before a byte is written
        fail(tr("The server sent more data than the catalog lists (%1 bytes).").arg(expected_));
        return;
    }
    if (!retryReason_.isEmpty()) {  // bytes flow again
        retryReason_.clear();
        Q_EMIT stateChanged();
    }
    if (part_.write(data) != data.size()) {
        fail(tr("Writing %1 failed: %2").arg(partPath(), part_.errorString()));
        return;
    }
    hash_.addData(data);
    received_ += data.size();
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
    if (!r || sender() != r) return;  // an earlier request's late signal
    stallTimer_.stop();
    if (state_ == QLatin1String("downloading") && rejected_.isEmpty() && r->bytesAvailable() > 0) onReadyRead();
    if (reply_ != r) return;  // handled meanwhile, by a finished() that came from inside onReadyRead
    r->deleteLater();
    reply_ = nullptr;
    if (state_ != QLatin1String("downloading")) return;  // paused, cancelled or failed
    part_.flush();
    if (!rejected_.isEmpty()) {
        retryLater(rejected_);
        return;
    }
    const int status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (!errorBody_.isEmpty())
        spdlog::warn("download {}: HTTP {}: {}", fileName_.toStdString(), status, errorBody_.left(300).toStdString());
    if (r->error() == QNetworkReply::SslHandshakeFailedError) {
        // A certificate that does not verify will not verify on a retry either.
        fail(tr("The server's certificate was refused (%1), so nothing was downloaded.")
                 .arg(tlsErrors_.isEmpty() ? r->errorString() : tlsErrors_.join(QStringLiteral("; "))));
        return;
    }
    if (status == 416 && received_ > 0) {
        // Nothing at or past our Range start: the .part is the whole file if the sizes agree.
        const qint64 total = unsatisfiedRangeTotal(r->rawHeader("Content-Range"));
        if (expected_ > 0 ? received_ == expected_ : total == received_) {
            verifyAndInstall();
            return;
        }
        const QString why = tr("the server's file is shorter than the %1 bytes already downloaded").arg(received_);
        restartFromZero();  // longer than the server's file: not a prefix of it
        retryLater(why);
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
    retryReason_ = why;
    if (attempt_ >= maxRetries) {
        fail(tr("Download failed after %1 retries: %2. Start it again to resume.").arg(maxRetries).arg(why));
        return;
    }
    const int delay = retryBaseMs << attempt_;  // 1, 2, 4, 8, 16 s
    ++attempt_;
    spdlog::info("download {}: {}; retry {} in {} ms", fileName_.toStdString(), why.toStdString(), attempt_, delay);
    retryTimer_.start(delay);
    retryCountdown_.start();
    Q_EMIT stateChanged();
}

void DownloadManager::noteLinkedEtag(const QNetworkReply* reply) {
    if (!reply || !linkedSha256_.isEmpty()) return;
    linkedSha256_ = sha256FromEtag(reply->rawHeader("X-Linked-Etag"));
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
    // The catalog's hash first; without one, the server's (still catches a damaged transfer).
    const bool fromCatalog = !sha256_.isEmpty();
    const QString want = fromCatalog ? sha256_ : linkedSha256_;
    if (!want.isEmpty() && got != want) {
        QFile::remove(partPath());  // corrupt: resuming it would never succeed
        fail(fromCatalog ? tr("Checksum mismatch: the downloaded file is damaged or not the expected one (SHA-256 %1).").arg(got)
                         : tr("Checksum mismatch: the downloaded file is damaged; its SHA-256 is %1, the server published %2 (X-Linked-Etag).")
                               .arg(got, want));
        return;
    }
    verification_ = fromCatalog ? QStringLiteral("catalog") : want.isEmpty() ? QStringLiteral("none") : QStringLiteral("server");
    QFile::remove(finalPath());
    if (!QFile::rename(partPath(), finalPath())) {  // same folder: atomic
        fail(tr("Could not move the download into place at %1.").arg(finalPath()));
        return;
    }
    retryReason_.clear();
    QFile::remove(recordPath());
    setState(QStringLiteral("done"));
    Q_EMIT finished(finalPath());
}

void DownloadManager::pause() {
    if (state_ != QLatin1String("downloading") && state_ != QLatin1String("checking")) return;
    retryTimer_.stop();
    retryCountdown_.stop();
    stallTimer_.stop();
    setState(QStringLiteral("paused"));
    if (reply_) reply_->abort();
    part_.close();
    if (QFileInfo(partPath()).size() == 0) QFile::remove(partPath());
}

void DownloadManager::cancel() {
    retryTimer_.stop();
    retryCountdown_.stop();
    stallTimer_.stop();
    const bool active = state_ == QLatin1String("downloading") || state_ == QLatin1String("checking");
    setState(QStringLiteral("idle"));
    if (active && reply_) reply_->abort();
    part_.close();
    if (!fileName_.isEmpty()) {
        QFile::remove(partPath());
        QFile::remove(recordPath());
    }
    error_.clear();
    retryReason_.clear();
    received_ = 0;
    Q_EMIT progress();
}

}  // namespace tern::app
