#include "Benchmarks.h"

#include <QDate>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QSet>
#include <QStandardPaths>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "Alerts.h"
#include "AppPaths.h"
#include "Database.h"
#include "EngineWorker.h"
#include "Format.h"
#include "LiveMetrics.h"
#include "ModelLibrary.h"
#include "ModelSession.h"
#include "Settings.h"
#include "WriteFile.h"
#include "tern/bench.h"
#include "tern/machine.h"
#include "tern/sweep.h"

namespace tern::app {

Benchmarks::Benchmarks(Settings* settings, Database* db, ModelSession* session, ModelLibrary* library,
                       LiveMetrics* metrics, Alerts* alerts, QObject* parent)
    : QObject(parent), settings_(settings), db_(db && db->isOpen() ? db : nullptr), session_(session),
      library_(library), metrics_(metrics), alerts_(alerts) {
    if (db_) {
        // A run or sweep still 'running' was cut short when the app last quit: what finished of
        // it is kept, as after a cancel.
        const QVector<BenchmarkRunRow> rows = db_->benchmarkRuns();
        for (const BenchmarkGroupRow& g : db_->benchmarkGroups()) {
            if (g.state != QLatin1String("running")) continue;
            const bool empty = std::none_of(rows.cbegin(), rows.cend(), [&](const BenchmarkRunRow& r) {
                return r.metrics.value(QStringLiteral("batch")).toString() == g.id;
            });
            if (empty) db_->deleteBenchmarkGroup(g.id);
            else db_->setBenchmarkGroupState(g.id, QStringLiteral("cancelled"));
        }
    }
    reloadHistory();
    connect(session_, &ModelSession::modelChanged, this, &Benchmarks::updateMeasuredComparison);

    EngineWorker* worker = session_->worker();
    connect(this, &Benchmarks::benchmarkRequested, worker, &EngineWorker::runBenchmark, Qt::QueuedConnection);
    connect(this, &Benchmarks::sweepRequested, worker, &EngineWorker::runSweep, Qt::QueuedConnection);
    connect(this, &Benchmarks::machineRequested, worker, &EngineWorker::describeMachine, Qt::QueuedConnection);
    connect(worker, &EngineWorker::machineDescribed, this, [this](const tern::MachineInfo& m, bool measured) {
        machine_ = machineToMap(m);
        if (measured) measuringMachine_ = false;
        Q_EMIT machineChanged();
    }, Qt::QueuedConnection);
    connect(worker, &EngineWorker::benchmarkRunProgress, this, [this](quint64 id, const QString& phase, double f) {
        if (id != active_) return;
        phase_ = phase;
        progress_ = f;
        Q_EMIT changed();
    }, Qt::QueuedConnection);
    connect(worker, &EngineWorker::benchmarkResult, this, [this](quint64 id, const BenchmarkRow& row) {
        if (id != active_) return;
        const QVariantMap result = row.toMap();
        if (!activeGroupHasMachine_) {  // the machine as the rows ran on it (a sweep measures its bandwidth first)
            activeGroupHasMachine_ = true;
            const QVariantMap machine = machineToMap(row.machine);
            if (db_) db_->setBenchmarkGroupMachine(activeGroup_, machine);
            for (BenchmarkGroupRow& g : memoryGroups_)
                if (g.id == activeGroup_) g.machine = machine;
        }
        addRow(path_, result);
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
        const QString group = std::exchange(activeGroup_, QString());
        const bool empty = history_.runsInGroup(group).isEmpty();
        if ((cancelled || !error.isEmpty()) && empty) {
            // Nothing ran to the end: no group to chart (the alert says why when it failed).
            if (db_) db_->deleteBenchmarkGroup(group);
            memoryGroups_.removeIf([&](const BenchmarkGroupRow& g) { return g.id == group; });
            if (lastGroup_ == group) lastGroup_ = history_.latestBatch();
            reloadHistory();
        } else {
            setGroupState(group, cancelled ? QStringLiteral("cancelled")
                                 : error.isEmpty() ? QStringLiteral("complete") : QStringLiteral("failed"));
        }
        phase_ = cancelled ? tr("Cancelled") : error.isEmpty() ? tr("Done") : tr("Failed");
        Q_EMIT changed();
        if (!error.isEmpty()) alerts_->report(tr("The benchmark stopped: %1").arg(error));
        Q_EMIT finished(cancelled, error);
    }, Qt::QueuedConnection);
    Q_EMIT machineRequested(false);  // the machine summary, and what every run is stored with
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
    if (const QString why = refusal(path); !why.isEmpty()) {
        alerts_->report(why);
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
    r.batch = newGroupId();
    r.load = session_->loadRequest(path);
    alerts_->clear();
    addGroup({r.batch, QStringLiteral("run"), {}, QFileInfo(path).completeBaseName(), {}, QStringLiteral("running"), machine_});
    r.id = active_ = ++next_;
    path_ = path;
    qualityNote_ = note;
    progress_ = 0;
    phase_ = tr("Starting");
    Q_EMIT changed();
    Q_EMIT benchmarkRequested(r);
    return true;
}

QString Benchmarks::refusal(const QString& path) const {
    if (const QString busy = busyCheck_ ? busyCheck_() : QString(); !busy.isEmpty()) return busy;
    if (!QFileInfo::exists(path)) return tr("The file %1 does not exist.").arg(path);
    return {};
}

bool Benchmarks::runSweep(const QString& pathOrUrl, const QString& axisName, const QVariantList& values, bool ternary,
                          bool fp16, bool cpu, bool vulkan, int nPrompt, int nGen, int repetitions) {
    const QString path = AppPaths::localPath(pathOrUrl);
    if (active_) return false;
    const auto refuse = [this](const QString& why) {
        alerts_->report(why);
        return false;
    };
    if (const QString why = refusal(path); !why.isEmpty()) return refuse(why);
    const std::optional<tern::SweepAxis> axis = tern::parse_sweep_axis(axisName.toStdString());
    if (!axis) return refuse(tr("A sweep runs over threads, pp (the prompt length) or depth (the context), not \"%1\".").arg(axisName));
    SweepRequest r;
    r.axis = *axis;
    const int least = *axis == tern::SweepAxis::Depth ? 0 : 1;
    for (const QVariant& v : values) {
        bool ok = false;
        const double d = v.toDouble(&ok);
        if (!ok || !std::isfinite(d) || d != std::floor(d) || d < least || d > std::numeric_limits<int>::max())
            return refuse(tr("The %1 sweep's values must be whole numbers of at least %2; \"%3\" is not.")
                              .arg(axisName).arg(least).arg(v.toString()));
        r.values.push_back(int(d));
    }
    r.precisions.clear();
    if (ternary) r.precisions.push_back(Precision::Ternary);
    if (fp16) r.precisions.push_back(Precision::Fp16);
    r.backends.clear();
    if (cpu) r.backends.push_back(LoadOptions::BackendKind::Cpu);
    if (vulkan) r.backends.push_back(LoadOptions::BackendKind::Vulkan);
    if (r.precisions.isEmpty() || r.backends.isEmpty())
        return refuse(tr("Choose at least one precision and one backend for the sweep."));
    if (vulkan && !machine_.isEmpty() && machine_.value(QStringLiteral("gpus")).toList().isEmpty())
        return refuse(tr("No usable Vulkan device was found, so the sweep cannot have a Vulkan line."));
    if (nPrompt < 0 || nGen < 0 || repetitions < 1)
        return refuse(tr("Token counts must not be negative and a sweep needs at least one repetition."));
    r.path = path;
    r.nPrompt = nPrompt;
    r.nGen = nGen;
    r.repetitions = repetitions;
    r.group = newGroupId();
    r.load = session_->loadRequest(path);
    alerts_->clear();
    addGroup({r.group, QStringLiteral("sweep"), QString::fromLatin1(tern::sweep_axis_name(r.axis)),
              tr("%1: %2 sweep").arg(QFileInfo(path).completeBaseName(), QString::fromLatin1(tern::sweep_axis_name(r.axis))),
              {}, QStringLiteral("running"), machine_});
    r.id = active_ = ++next_;
    path_ = path;
    qualityNote_.clear();
    progress_ = 0;
    phase_ = tr("Starting");
    Q_EMIT changed();
    Q_EMIT sweepRequested(r);
    return true;
}

QString Benchmarks::machineSummary() const {
    return machine_.isEmpty() ? QString() : QString::fromStdString(tern::machine_summary(machineFromMap(machine_)));
}

void Benchmarks::measureMachine() {
    if (measuringMachine_) return;
    measuringMachine_ = true;
    Q_EMIT machineChanged();
    Q_EMIT machineRequested(true);
}

QString Benchmarks::newGroupId() const {
    for (;;) {
        const QString id = QString::fromStdString(tern::new_bench_group());
        const bool taken = db_ ? db_->hasBenchmarkGroup(id)
                               : std::any_of(memoryGroups_.begin(), memoryGroups_.end(),
                                             [&](const BenchmarkGroupRow& g) { return g.id == id; });
        if (!taken) return id;
    }
}

void Benchmarks::reloadHistory() {
    if (db_) {
        history_.setGroups(db_->benchmarkGroups());
        history_.setRuns(db_->benchmarkRuns());
    } else {
        history_.setGroups(memoryGroups_);
        history_.setRuns(memoryRuns_);
    }
}

void Benchmarks::addGroup(const BenchmarkGroupRow& group) {
    BenchmarkGroupRow g = group;
    if (g.createdAt.isEmpty()) g.createdAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    if (db_) db_->addBenchmarkGroup(g);
    else memoryGroups_.push_back(g);
    activeGroupHasMachine_ = false;
    lastGroup_ = g.id;
    if (g.state == QLatin1String("running")) activeGroup_ = g.id;
    history_.setGroups(db_ ? db_->benchmarkGroups() : memoryGroups_);
}

void Benchmarks::setGroupState(const QString& id, const QString& state) {
    if (db_) db_->setBenchmarkGroupState(id, state);
    for (BenchmarkGroupRow& g : memoryGroups_)
        if (g.id == id) g.state = state;
    history_.setGroups(db_ ? db_->benchmarkGroups() : memoryGroups_);
}

void Benchmarks::addRow(const QString& model, const QVariantMap& metrics, const QString& createdAt) {
    if (db_) {
        db_->addBenchmarkRun(model, metrics, QStringLiteral("bench"));
    } else {  // nothing stored: the history lives as long as the app
        memoryRuns_.push_back({qint64(memoryRuns_.size() + 1), model,
                               createdAt.isEmpty() ? QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) : createdAt,
                               QStringLiteral("bench"), metrics});
    }
    reloadHistory();
}

namespace {

// A bench JSON file larger than this is refused (it is read into memory; a thousand results are
// well under a megabyte).
constexpr qint64 kMaxBenchJsonBytes = 64 << 20;

// When a result ran, as the history's dates are written; now when the file's time is unreadable.
QString importedTime(const std::string& testTime) {
    const QDateTime t = QDateTime::fromString(QString::fromStdString(testTime), Qt::ISODate);
    return (t.isValid() ? t.toUTC() : QDateTime::currentDateTimeUtc()).toString(Qt::ISODateWithMs);
}

}  // namespace

int Benchmarks::importBenchJson(const QString& fileUrl) {
    const QString path = AppPaths::localPath(fileUrl);
    const QFileInfo info(path);
    const auto refuse = [&](const QString& why) {
        alerts_->report(tr("Could not import %1: %2").arg(info.fileName().isEmpty() ? path : info.fileName(), why));
        return -1;
    };
    if (!info.exists()) return refuse(tr("the file does not exist."));
    if (!info.isFile()) return refuse(tr("it is not a regular file."));
    if (info.size() > kMaxBenchJsonBytes)
        return refuse(tr("it is %1, larger than a benchmark file can be.").arg(Format::bytes(double(info.size()))));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return refuse(f.errorString());
    const QByteArray bytes = f.readAll();
    tern::BenchReport report;
    try {
        report = tern::parse_bench_json(std::string_view(bytes.constData(), size_t(bytes.size())));
    } catch (const std::exception& e) {
        return refuse(QString::fromUtf8(e.what()));
    }
    if (report.results.empty()) return refuse(tr("it holds no benchmark results."));

    // The group the file's results share becomes the import's id, unless it is already here (the
    // same file imported again, or an export of runs this history has).
    QSet<QString> groups, axes;
    for (const tern::BenchResult& r : report.results) {
        groups.insert(QString::fromStdString(r.group));
        axes.insert(QString::fromStdString(r.sweep));
    }
    QString id = groups.size() == 1 ? *groups.begin() : QString();
    const bool taken = id.isEmpty() || (db_ ? db_->hasBenchmarkGroup(id)
                                            : std::any_of(memoryGroups_.begin(), memoryGroups_.end(),
                                                          [&](const BenchmarkGroupRow& g) { return g.id == id; }));
    if (taken) id = newGroupId();
    const QVariantMap machine = machineToMap(report.machine);
    const BenchmarkGroupRow group{id, QStringLiteral("import"), axes.size() == 1 ? *axes.begin() : QString(), info.fileName(),
                                  QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs), QStringLiteral("complete"),
                                  machine};
    QVector<BenchmarkRunRow> rows;
    for (const tern::BenchResult& r : report.results) {
        BenchmarkRow row;
        row.result = r;
        row.batch = id;
        const QString file = QString::fromStdString(r.model_filename);
        row.modelName = QFileInfo(file).completeBaseName();
        const bool pp = r.test.rfind("pp", 0) == 0, tg = r.test.rfind("tg", 0) == 0;
        row.nPrompt = pp ? r.n_tokens : 0;
        row.nGen = tg ? r.n_tokens : 0;
        row.repetitions = int(r.samples_ns.size());
        row.machine = report.machine;
        row.source = QStringLiteral("import");
        row.importedFrom = info.fileName();
        QVariantMap metrics = row.toMap();
        if (r.group != id.toStdString()) metrics[QStringLiteral("sourceGroup")] = QString::fromStdString(r.group);
        rows.push_back({0, file, importedTime(r.test_time), QStringLiteral("bench"), metrics});
    }
    if (db_) {
        if (!db_->addBenchmarkGroupWithRuns(group, rows)) return refuse(db_->error());
    } else {
        memoryGroups_.push_back(group);
        for (BenchmarkRunRow& r : rows) {
            r.id = qint64(memoryRuns_.size() + 1);
            memoryRuns_.push_back(r);
        }
    }
    lastGroup_ = id;
    reloadHistory();
    Q_EMIT changed();
    return int(rows.size());
}

QString Benchmarks::importWithDialog() {
    const QString path = QFileDialog::getOpenFileName(nullptr, tr("Import a tern-cli bench --json file"), {},
                                                      tr("Benchmark JSON (*.json);;All files (*)"));
    if (path.isEmpty()) return {};
    return importBenchJson(path) >= 0 ? path : QString();
}

bool Benchmarks::writeFile(const QString& path, const QByteArray& bytes) {
    const QString error = tern::app::writeFile(path, bytes);
    if (!error.isEmpty()) alerts_->report(error);
    return error.isEmpty();
}

bool Benchmarks::exportRunsJson(const QVariantList& runIds, const QString& fileUrl) {
    const QVector<BenchmarkRunRow> rows = history_.rowsWithIds(runIds);
    if (rows.isEmpty()) {
        alerts_->report(tr("Choose the runs to export first."));
        return false;
    }
    tern::BenchReport report;
    std::vector<tern::MachineInfo> machines;  // one machine a file: what parse_bench_json reads back
    for (const BenchmarkRunRow& r : rows) {
        const BenchmarkRow row = BenchmarkRow::fromMap(r.metrics, r.model, r.createdAt);
        if (std::find(machines.begin(), machines.end(), row.machine) == machines.end()) machines.push_back(row.machine);
        report.results.push_back(row.result);
    }
    report.machine = machines.front();
    if (machines.size() > 1) {
        alerts_->report(tr("The chosen runs ran on %1 different machines (or were stored before Tern kept the machine); a "
                           "benchmark JSON file holds one machine's runs, so export each machine's runs on their own.")
                            .arg(int(machines.size())));
        return false;
    }
    return writeFile(AppPaths::localPath(fileUrl), QByteArray::fromStdString(tern::bench_json(report) + "\n"));
}

bool Benchmarks::exportRunsCsv(const QVariantList& runIds, const QString& fileUrl) {
    const QVector<BenchmarkRunRow> rows = history_.rowsWithIds(runIds);
    if (rows.isEmpty()) {
        alerts_->report(tr("Choose the runs to export first."));
        return false;
    }
    return writeFile(AppPaths::localPath(fileUrl), benchmarkCsv(rows).toUtf8());
}

QString Benchmarks::exportRunsWithDialog(const QVariantList& runIds) {
    const QString json = tr("Benchmark JSON (*.json)"), csv = tr("CSV files (*.csv)");
    const QString suggested = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) +
                              QStringLiteral("/tern-benchmarks-%1.json").arg(QDate::currentDate().toString(Qt::ISODate));
    QString filter = json;
    QString path = QFileDialog::getSaveFileName(nullptr, tr("Export the chosen runs"), suggested, json + QStringLiteral(";;") + csv,
                                                &filter);
    if (path.isEmpty()) return {};
    const QString suffix = QFileInfo(path).suffix().toLower();
    bool asCsv = filter == csv;
    if (suffix == QLatin1String("csv")) asCsv = true;
    else if (suffix == QLatin1String("json")) asCsv = false;
    else path += asCsv ? QStringLiteral(".csv") : QStringLiteral(".json");
    const bool ok = asCsv ? exportRunsCsv(runIds, path) : exportRunsJson(runIds, path);
    return ok ? path : QString();
}

void Benchmarks::cancel() {
    if (!active_) return;
    session_->worker()->requestCancelBenchmark(active_);
    phase_ = tr("Cancelling…");
    Q_EMIT changed();
}

void Benchmarks::clearHistory() {
    // The run or sweep in progress keeps its group: its next points go there.
    std::optional<BenchmarkGroupRow> running;
    for (const BenchmarkGroupRow& g : history_.groupRows())
        if (active_ && g.id == activeGroup_) running = g;
    if (db_) {
        db_->deleteBenchmarkRuns(QStringLiteral("bench"));
        db_->deleteBenchmarkGroups();
        if (running) db_->addBenchmarkGroup(*running);
    }
    memoryRuns_.clear();
    memoryGroups_.clear();
    if (running && !db_) memoryGroups_.push_back(*running);
    lastGroup_ = running ? running->id : QString();
    reloadHistory();
    updateMeasuredComparison();
    Q_EMIT changed();
}

bool Benchmarks::exportCsv(const QString& fileUrl) {
    const QString path = AppPaths::localPath(fileUrl);
    return writeFile(path, benchmarkCsv(history_.runs()).toUtf8());
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
