#pragma once
// The Benchmark page: tern::bench runs of a library model, ternary against FP16, each loaded
// afresh on the engine thread; their stored history, CSV export, and the live panel's measured
// FP16 comparison for the loaded model.
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

Q_SIGNALS:
    void changed();
    // A benchmark ended (tests wait on it); error is "" when it succeeded or was cancelled.
    void finished(bool cancelled, const QString& error);
    // To the worker (queued).
    void benchmarkRequested(const tern::app::BenchmarkRequest& request);

private:
    // The newest benchmark of the loaded file in both precisions, for the live panel.
    void updateMeasuredComparison();

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
};

}  // namespace tern::app
