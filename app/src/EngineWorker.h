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
class RaplMeter;
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
    // Used by the next loadModel and runBenchmark: the LM head ("exact": as stored, or "q8_0") and
    // the KV cache ("f16" or "f32"). Unknown values keep the defaults (exact head, F16 cache).
    void setModelOptions(const QString& head, const QString& kvCache);
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
    // info: what ModelInfo says (plain values: path, name, shape nEmbd/nLayer/nHead/nHeadKv/headDim/
    // nFf/nVocab, parameters, weightBytes, ternaryBytes, weightBytesPerToken, headType, headBytes,
    // kvType, kvBytesPerToken, precision, nThreads, backend), the session's nCtx and kvBytes, and
    // whether this machine's RAPL energy counters are readable (raplAvailable, raplWhy).
    void modelLoaded(quint64 loadId, const QVariantMap& info);
    void loadFailed(quint64 loadId, const QString& error, bool cancelled);
    // delta: text that became printable since the last signal; nGenerated: tokens so far;
    // sinceStartMs: time since the request started (for the rolling tokens/s chart).
    void tokensReady(quint64 requestId, const QString& delta, int nGenerated, double sinceStartMs);
    // Before the prompt is evaluated: the context (tokens in the KV cache) the first answer token
    // will see, for the per-token estimates.
    void generationStarted(quint64 requestId, int contextTokens);
    // MEASURED CPU package energy (RAPL) since the first answer token, over `tokens` decoded tokens
    // after it; emitted with the token batches, only where RAPL is readable.
    void energyMeasured(quint64 requestId, double joules, int tokens);
    // stats: nPrompt, nReused, nGenerated, prefillMs, ttftMs, decodeMs, prefillTps, decodeTps,
    // stopReason, text, nPast, nCtx, kvBytes, kvUsedBytes; raplJoules and raplTokens (the decode's
    // measured package energy) where RAPL is readable and at least two tokens came.
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
    // Created on first use, on this worker's thread: every RaplMeter call stays on it.
    tern::RaplMeter& rapl();

    std::shared_ptr<tern::Model> model_;
    std::unique_ptr<tern::RaplMeter> rapl_;
    QString head_ = QStringLiteral("exact");
    QString kvCache_ = QStringLiteral("f16");
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
