#pragma once
// The Benchmark page: tern::bench runs of a library model, ternary against FP16, each loaded
// afresh on the engine thread, and sweeps (tern::bench_sweep) of one setting; their stored
// history in run groups, with the machine each ran on; import of `tern-cli bench --json` files,
// export of chosen rows as that JSON or CSV; and the live panel's measured FP16 comparison for
// the loaded model.
#include <QObject>

#include <functional>

#include "BenchmarkHistory.h"
#include "EngineTypes.h"

namespace tern::app {

class Alerts;
class Database;
class LiveMetrics;
class ModelLibrary;
class ModelSession;
class Settings;

class Benchmarks : public QObject {
    Q_OBJECT
    Q_PROPERTY(tern::app::BenchmarkHistory* history READ history CONSTANT)
    Q_PROPERTY(bool running READ running NOTIFY changed)
    Q_PROPERTY(double progress READ progress NOTIFY changed)
    Q_PROPERTY(QString phase READ phase NOTIFY changed)
    // The model the page should select when it opens (set by measureFp16), "" for none.
    Q_PROPERTY(QString target READ target NOTIFY changed)
    // Why the last run measured no quality (no text chosen, a text it could not score), "" when it did.
    Q_PROPERTY(QString qualityNote READ qualityNote NOTIFY changed)
    Q_PROPERTY(int qualityChunks READ qualityChunks CONSTANT)
    // This machine (machineToMap keys: cpuModel, isa, logicalCores, physicalCores, readBandwidth
    // (bytes/s, 0 until measured), gpus, rapl, raplReason); {} until the engine thread described it.
    Q_PROPERTY(QVariantMap machine READ machine NOTIFY machineChanged)
    Q_PROPERTY(QString machineSummary READ machineSummary NOTIFY machineChanged)  // tern::machine_summary
    Q_PROPERTY(bool measuringMachine READ measuringMachine NOTIFY machineChanged)
    // The run group of the newest run, sweep or import ("" before the first).
    Q_PROPERTY(QString lastGroup READ lastGroup NOTIFY changed)
public:
    // The perplexity test scores at most this many chunks of the model's context from the start
    // of the text: 16 x 256 tokens take a few seconds per precision on the demo model.
    static constexpr int kQualityChunks = 16;
    // A quality text larger than this is refused (it is read into memory).
    static constexpr qint64 kMaxQualityTextBytes = 16 << 20;

    Benchmarks(Settings* settings, Database* db, ModelSession* session, ModelLibrary* library, LiveMetrics* metrics,
               Alerts* alerts, QObject* parent = nullptr);
    ~Benchmarks() override;

    // Why the engine cannot benchmark now ("" when it can), e.g. an answer is streaming.
    void setBusyCheck(std::function<QString()> check) { busyCheck_ = std::move(check); }

    BenchmarkHistory* history() { return &history_; }
    bool running() const { return active_ != 0; }
    double progress() const { return progress_; }
    QString phase() const { return phase_; }
    QString target() const { return target_; }
    QString qualityNote() const { return qualityNote_; }
    int qualityChunks() const { return kQualityChunks; }
    QVariantMap machine() const { return machine_; }
    QString machineSummary() const;
    bool measuringMachine() const { return measuringMachine_; }
    QString lastGroup() const { return lastGroup_; }

    // Benchmarks the model at `pathOrUrl` in the chosen precisions, loaded as Settings say; with
    // `twin`, also its FP16 twin (twinFor); with a quality text (a path or file: URL; "" for
    // none), each model's perplexity on it as well. Refused (false, an alert) while another runs,
    // an answer streams or a model loads, or when the text cannot be read.
    Q_INVOKABLE bool run(const QString& pathOrUrl, int nPrompt = 128, int nGen = 64, int repetitions = 3,
                         bool ternary = true, bool fp16 = true, bool twin = false, const QString& qualityText = {});
    // The FP16 twin and the held-out text that ship with a model (the demo pair), "" for none.
    Q_INVOKABLE QString twinFor(const QString& pathOrUrl) const;
    Q_INVOKABLE QString heldOutTextFor(const QString& pathOrUrl) const;
    // Asks for a text file to measure perplexity on; "" when cancelled.
    Q_INVOKABLE QString pickQualityText();
    Q_INVOKABLE void cancel();
    Q_INVOKABLE void clearHistory();
    // Writes the history as CSV to a path or file: URL; false (and an alert) on failure.
    Q_INVOKABLE bool exportCsv(const QString& fileUrl);
    // Asks where (QFileDialog), then exports; returns the file written, "" when cancelled or failed.
    Q_INVOKABLE QString exportCsvWithDialog();
    // "Measure FP16" in the metrics panel: the loaded model becomes the page's choice (added to
    // the library as an imported file if it was opened from elsewhere); the page opens in QML.
    // False (and an alert) when no model is loaded or the file cannot be listed.
    Q_INVOKABLE bool measureFp16();
    Q_INVOKABLE void clearTarget();

    // Measures the memory read bandwidth (seconds) on the engine thread, then machineChanged; the
    // roofs of later runs use it. A sweep measures it first when it has not been.
    Q_INVOKABLE void measureMachine();
    // One axis ("threads", "pp", "depth") over `values` (empty: tern::default_sweep_values), a line
    // per chosen precision and backend, with nPrompt / nGen tokens at each point, on the engine
    // thread. Progress, cancel() and finished() as run(); each point is stored as it finishes, in
    // a 'sweep' group whose state ends 'complete', 'cancelled' (its finished points kept) or
    // 'failed' (a run's 'run' group alike; one that ends cancelled or failed before its first
    // point is removed: there is nothing to chart). Refused (false, an alert) like run(), and for an unknown axis, values that are not
    // whole numbers, or no precision or backend chosen.
    Q_INVOKABLE bool runSweep(const QString& pathOrUrl, const QString& axis, const QVariantList& values, bool ternary,
                              bool fp16, bool cpu, bool vulkan, int nPrompt = 64, int nGen = 32, int repetitions = 2);
    // Imports a `tern-cli bench --json` file (a path or file: URL) as one 'import' group; returns
    // the rows imported, or -1 with an alert naming the problem (nothing is imported then).
    Q_INVOKABLE int importBenchJson(const QString& fileUrl);
    // Asks for the file (QFileDialog), then imports it; returns its path, "" when cancelled or failed.
    Q_INVOKABLE QString importWithDialog();
    // The rows with these ids as bench JSON (what importBenchJson reads back), or as CSV
    // (benchmarkCsv); false (and an alert) when none is known, they ran on different machines
    // (JSON: one machine a file) or the file cannot be written.
    Q_INVOKABLE bool exportRunsJson(const QVariantList& runIds, const QString& fileUrl);
    Q_INVOKABLE bool exportRunsCsv(const QVariantList& runIds, const QString& fileUrl);
    // Asks where, then writes JSON or CSV by the chosen filter (or the name's suffix); returns the
    // file written, "" when cancelled or failed.
    Q_INVOKABLE QString exportRunsWithDialog(const QVariantList& runIds);

Q_SIGNALS:
    void changed();
    // A benchmark ended (tests wait on it); error is "" when it succeeded or was cancelled.
    void finished(bool cancelled, const QString& error);
    // To the worker (queued).
    void benchmarkRequested(const tern::app::BenchmarkRequest& request);
    void sweepRequested(const tern::app::SweepRequest& request);
    void machineRequested(bool measureBandwidth);
    void machineChanged();

private:
    // The newest benchmark of the loaded file in both precisions, for the live panel.
    void updateMeasuredComparison();
    // Why a run or sweep cannot start now ("" when it can), said in an alert by the caller.
    QString refusal(const QString& path) const;
    // The store: the database when there is one, else memory for as long as the app runs.
    void addGroup(const BenchmarkGroupRow& group);
    void setGroupState(const QString& id, const QString& state);
    void addRow(const QString& model, const QVariantMap& metrics, const QString& createdAt = {});
    void reloadHistory();
    QString newGroupId() const;  // tern::new_bench_group(), never one already stored
    bool writeFile(const QString& path, const QByteArray& bytes);

    Settings* settings_;
    Database* db_;
    ModelSession* session_;
    ModelLibrary* library_;
    LiveMetrics* metrics_;
    Alerts* alerts_;
    std::function<QString()> busyCheck_;
    BenchmarkHistory history_;
    quint64 next_ = 0;
    quint64 active_ = 0;
    QString path_;
    QString target_;
    QString phase_;
    QString qualityNote_;
    double progress_ = 0;
    QVariantMap machine_;
    bool measuringMachine_ = false;
    QString lastGroup_;
    QString activeGroup_;  // the group of the run or sweep in progress
    bool activeGroupHasMachine_ = false;
    QVector<BenchmarkGroupRow> memoryGroups_;  // without a database
    QVector<BenchmarkRunRow> memoryRuns_;
};

}  // namespace tern::app
