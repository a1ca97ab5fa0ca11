#include "Benchmarks.h"

#include <QDate>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUuid>

#include "Alerts.h"
#include "AppPaths.h"
#include "Database.h"
#include "EngineWorker.h"
#include "Format.h"
#include "LiveMetrics.h"
#include "ModelLibrary.h"
#include "ModelSession.h"
#include "Settings.h"

namespace tern::app {

Benchmarks::Benchmarks(Settings* settings, Database* db, ModelSession* session, ModelLibrary* library,
                       LiveMetrics* metrics, Alerts* alerts, QObject* parent)
    : QObject(parent), settings_(settings), db_(db && db->isOpen() ? db : nullptr), session_(session),
      library_(library), metrics_(metrics), alerts_(alerts) {
    if (db_) history_.setRuns(db_->benchmarkRuns());
    connect(session_, &ModelSession::modelChanged, this, &Benchmarks::updateMeasuredComparison);

    EngineWorker* worker = session_->worker();
    connect(this, &Benchmarks::benchmarkRequested, worker, &EngineWorker::runBenchmark, Qt::QueuedConnection);
    connect(worker, &EngineWorker::benchmarkRunProgress, this, [this](quint64 id, const QString& phase, double f) {
        if (id != active_) return;
        phase_ = phase;
        progress_ = f;
        Q_EMIT changed();
    }, Qt::QueuedConnection);
    connect(worker, &EngineWorker::benchmarkResult, this, [this](quint64 id, const BenchmarkRow& row) {
        if (id != active_) return;
        const QVariantMap result = row.toMap();
        if (db_) {
            db_->addBenchmarkRun(path_, result, QStringLiteral("bench"));
            history_.setRuns(db_->benchmarkRuns());
        } else {  // nothing stored: the history lives as long as the app
            QVector<BenchmarkRunRow> runs = history_.runs();
            runs.push_back({qint64(runs.size() + 1), path_,
                            QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs), QStringLiteral("bench"), result});
            history_.setRuns(runs);
        }
        updateMeasuredComparison();
    }, Qt::QueuedConnection);
    connect(worker, &EngineWorker::benchmarkQualitySkipped, this, [this](quint64 id, const QString& reason) {
        if (id != active_) return;
        qualityNote_ = tr("Quality not measured: %1").arg(reason);
        Q_EMIT changed();
    }, Qt::QueuedConnection);
    connect(worker, &EngineWorker::benchmarkFinished, this, [this](quint64 id, bool cancelled, const QString& error) {
        if (id != active_) return;
        active_ = 0;
        phase_ = cancelled ? tr("Cancelled") : error.isEmpty() ? tr("Done") : tr("Failed");
        Q_EMIT changed();
        if (!error.isEmpty()) alerts_->report(tr("The benchmark stopped: %1").arg(error));
        Q_EMIT finished(cancelled, error);
    }, Qt::QueuedConnection);
}

Benchmarks::~Benchmarks() {
    if (active_) session_->worker()->requestCancelBenchmark(active_);
}

void Benchmarks::updateMeasuredComparison() {
    const QString batch = history_.latestBatchWithBoth(session_->model().path());
    metrics_->setBenchmarkComparison(batch.isEmpty() ? QVariantMap() : history_.comparison(batch));
}

namespace {

// The text to score, read whole; "" and `error` set when it cannot be (not a regular file, too
// large, empty, not text).
std::string readQualityText(const QString& path, QString* error) {
    const QFileInfo info(path);
    if (!info.exists()) {
        *error = Benchmarks::tr("The text file %1 does not exist.").arg(path);
        return {};
    }
    if (!info.isFile()) {  // a folder, a FIFO or a device: reading it could block or never end
        *error = Benchmarks::tr("%1 is not a regular file; pick a text file to measure quality.").arg(path);
        return {};
    }
    if (info.size() > Benchmarks::kMaxQualityTextBytes) {
        *error = Benchmarks::tr("%1 is %2; pick a text of at most %3 to measure quality.")
                     .arg(info.fileName(), Format::bytes(double(info.size())),
                          Format::bytes(double(Benchmarks::kMaxQualityTextBytes)));
        return {};
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = Benchmarks::tr("Could not read %1: %2").arg(path, f.errorString());
        return {};
    }
    const QByteArray bytes = f.readAll();
    if (bytes.trimmed().isEmpty()) {
        *error = Benchmarks::tr("%1 is empty; pick a text to measure quality.").arg(info.fileName());
        return {};
    }
    if (bytes.contains('\0')) {
        *error = Benchmarks::tr("%1 is not a text file (it holds binary data).").arg(info.fileName());
        return {};
    }
    return bytes.toStdString();
}

}  // namespace

QString Benchmarks::twinFor(const QString& pathOrUrl) const { return AppPaths::twinModel(AppPaths::localPath(pathOrUrl)); }

QString Benchmarks::heldOutTextFor(const QString& pathOrUrl) const {
    return AppPaths::heldOutText(AppPaths::localPath(pathOrUrl));
}

QString Benchmarks::pickQualityText() {
    return QFileDialog::getOpenFileName(nullptr, tr("Text to measure perplexity on"), {},
                                        tr("Text files (*.txt);;All files (*)"));
}

bool Benchmarks::run(const QString& pathOrUrl, int nPrompt, int nGen, int repetitions, bool ternary, bool fp16,
                     bool twin, const QString& qualityText) {
    const QString path = AppPaths::localPath(pathOrUrl);
    if (active_) return false;
    if (const QString busy = busyCheck_ ? busyCheck_() : QString(); !busy.isEmpty()) {
        alerts_->report(busy);
        return false;
    }
    if (!QFileInfo::exists(path)) {
        alerts_->report(tr("The file %1 does not exist.").arg(path));
        return false;
    }
    BenchmarkRequest r;
    r.path = path;
    r.precisions.clear();
    if (ternary) r.precisions.push_back(Precision::Ternary);
    if (fp16) r.precisions.push_back(Precision::Fp16);
    if (twin) r.twinPath = twinFor(path);
    if (r.precisions.isEmpty() && r.twinPath.isEmpty()) return false;
    const QString textPath = AppPaths::localPath(qualityText);
    QString note;
    if (!textPath.isEmpty()) {
        QString error;
        r.qualityText = readQualityText(textPath, &error);
        if (!error.isEmpty()) {
            alerts_->report(error);
            return false;
        }
        r.qualityName = QFileInfo(textPath).fileName();
        r.qualityChunks = kQualityChunks;
    } else {
        note = tr("Quality not measured: no held-out text was chosen for this model. Pick a text file the model was not trained on to compare perplexity.");
    }
    r.nPrompt = nPrompt;
    r.nGen = nGen;
    r.repetitions = repetitions;
    r.batch = QUuid::createUuid().toString(QUuid::WithoutBraces);
    r.load = session_->loadRequest(path);
    alerts_->clear();
    r.id = active_ = ++next_;
    path_ = path;
    qualityNote_ = note;
    progress_ = 0;
    phase_ = tr("Starting");
    Q_EMIT changed();
    Q_EMIT benchmarkRequested(r);
    return true;
}

void Benchmarks::cancel() {
    if (!active_) return;
    session_->worker()->requestCancelBenchmark(active_);
    phase_ = tr("Cancelling…");
    Q_EMIT changed();
}

void Benchmarks::clearHistory() {
    if (db_) {
        db_->deleteBenchmarkRuns(QStringLiteral("bench"));
        history_.setRuns(db_->benchmarkRuns());
    } else {
        history_.setRuns({});
    }
    updateMeasuredComparison();
}

bool Benchmarks::exportCsv(const QString& fileUrl) {
    const QString path = AppPaths::localPath(fileUrl);
    const QByteArray bytes = benchmarkCsv(history_.runs()).toUtf8();
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size()) {
        alerts_->report(tr("Could not write %1: %2").arg(path, f.errorString()));
        return false;
    }
    return true;
}

QString Benchmarks::exportCsvWithDialog() {
    const QString suggested = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) +
                              QStringLiteral("/tern-benchmarks-%1.csv").arg(QDate::currentDate().toString(Qt::ISODate));
    const QString path = QFileDialog::getSaveFileName(nullptr, tr("Export the benchmark history"), suggested,
                                                      tr("CSV files (*.csv);;All files (*)"));
    if (path.isEmpty()) return {};
    return exportCsv(path) ? path : QString();
}

bool Benchmarks::measureFp16() {
    const QString path = session_->model().path();
    if (path.isEmpty()) {
        alerts_->report(tr("Load a model first."));
        return false;
    }
    if (!library_->contains(path) && library_->importFile(path).isEmpty()) {
        alerts_->report(library_->lastError());
        return false;
    }
    // The page selects by the library's spelling of the path.
    target_ = path;
    const QString canonical = QFileInfo(path).canonicalFilePath();
    for (int row = 0; row < library_->rowCount(); ++row) {
        const QString p = library_->data(library_->index(row), ModelLibrary::PathRole).toString();
        if (QFileInfo(p).canonicalFilePath() == canonical) target_ = p;
    }
    Q_EMIT changed();
    return true;
}

void Benchmarks::clearTarget() {
    if (target_.isEmpty()) return;
    target_.clear();
    Q_EMIT changed();
}

}  // namespace tern::app
