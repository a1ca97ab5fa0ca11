#pragma once
// The engine on its own thread. The GUI talks to it only through queued signals/slots; the two
// request* functions are the exception: they only flip atomics, so a busy worker notices a stop
// between two tokens (or prefill batches) without waiting for its event loop.
#include <QObject>
#include <QVariantList>
#include <QVariantMap>

#include <atomic>
#include <memory>

namespace tern {
class Model;
class Session;
}

namespace tern::app {

class EngineWorker : public QObject {
    Q_OBJECT
public:
    explicit EngineWorker(QObject* parent = nullptr);
    ~EngineWorker() override;

    // Thread-safe. Stops request `id` (and any earlier one), even if it has not started yet.
    void requestStop(quint64 id);
    // Thread-safe. Cancels load `id` (and earlier ones).
    void requestCancelLoad(quint64 id);
    // Thread-safe. Cancels benchmark `id` (and earlier ones) at its next load step or test run.
    void requestCancelBenchmark(quint64 id);

    // Repaint budget: token text is batched and emitted at most this often (30 per second).
    static constexpr int kEmitIntervalMs = 33;

public Q_SLOTS:
    // Used by the next loadModel: "auto" | "cpu" | "vulkan", and a Vulkan device index (-1: choose).
    void setBackend(const QString& kind, int device);
    void loadModel(quint64 loadId, const QString& path, int threads, int contextLength);
    void unloadModel();
    // messages: [{role: "system"|"user"|"assistant", content}], the whole conversation so far.
    // params: maxTokens, temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed (Sampling.h).
    void generate(quint64 requestId, const QVariantList& messages, const QVariantMap& params);
    // tern::bench on the model at `path` in each precision, each loaded afresh on this thread with
    // the backend of setBackend (the chat's model stays loaded). options: precisions
    // (["ternary", "fp16"]), nPrompt (128), nGen (64), repetitions (3), threads (0: all).
    // Emits benchmarkResult once per test and precision, then benchmarkFinished.
    void runBenchmark(quint64 benchId, const QString& path, const QVariantMap& options);
    // Writes a random-weight model of the given synth preset (benchmark only).
    void createBenchmarkModel(const QString& preset, const QString& tokenizerJson, const QString& outPath);

Q_SIGNALS:
    void loadProgress(quint64 loadId, double fraction);
    void modelLoaded(quint64 loadId, const QVariantMap& info);
    void loadFailed(quint64 loadId, const QString& error, bool cancelled);
    // delta: text that became printable since the last signal; nGenerated: tokens so far;
    // sinceStartMs: time since the request started (for the rolling tokens/s chart).
    void tokensReady(quint64 requestId, const QString& delta, int nGenerated, double sinceStartMs);
    // stats: nPrompt, nReused, nGenerated, prefillMs, ttftMs, decodeMs, prefillTps, decodeTps,
    // stopReason, text, nPast, nCtx, kvBytes, kvUsedBytes.
    void generationFinished(quint64 requestId, const QVariantMap& stats);
    void generationFailed(quint64 requestId, const QString& error);
    // phase: what runs now, for people ("FP16 · tg64"); fraction of the whole benchmark.
    void benchmarkRunProgress(quint64 benchId, const QString& phase, double fraction);
    // One tern::BenchResult in the metrics form BenchmarkHistory.h lists.
    void benchmarkResult(quint64 benchId, const QVariantMap& result);
    // error: "" on success or cancel.
    void benchmarkFinished(quint64 benchId, bool cancelled, const QString& error);
    void benchmarkProgress(double fraction);
    void benchmarkCreated(const QString& path);
    void benchmarkFailed(const QString& error);

private:
    std::shared_ptr<tern::Model> model_;
    std::unique_ptr<tern::Session> session_;
    int contextLength_ = 0;
    QString backendKind_ = QStringLiteral("cpu");
    int device_ = -1;
    std::atomic<quint64> stopUpTo_{0};
    std::atomic<quint64> currentRequest_{0};
    std::atomic<bool> stopFlag_{false};
    std::atomic<quint64> cancelLoadUpTo_{0};
    std::atomic<quint64> cancelBenchUpTo_{0};
};

}  // namespace tern::app
