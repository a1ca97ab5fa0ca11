#pragma once
// The engine on its own thread. The GUI talks to it only through queued signals/slots; the two
// request* functions are the exception: they only flip atomics, so a busy worker notices a stop
// between two tokens (or prefill batches) without waiting for its event loop.
#include <QObject>

#include "EngineTypes.h"

#include <atomic>
#include <memory>
#include <optional>

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
    // Thread-safe. Stops twin comparison `id` (and earlier ones), running or queued, at its next
    // token, so the chat's next answer never waits for it.
    void requestCancelTwinComparison(quint64 id);

    // Repaint budget: token text is batched and emitted at most this often (30 per second).
    static constexpr int kEmitIntervalMs = 33;

public Q_SLOTS:
    // Drops any loaded model, then loads request.path as the request says.
    void loadModel(const tern::app::LoadRequest& request);
    void unloadModel();
    void generate(const tern::app::GenerationRequest& request);
    // tern::bench on the model at request.path in each precision, then on its FP16 twin when
    // given, each loaded afresh on this thread (the chat's model stays loaded), with the
    // perplexity of the quality text when given. Emits benchmarkResult once per test and model,
    // then benchmarkFinished.
    void runBenchmark(const tern::app::BenchmarkRequest& request);
    // tern::bench_sweep on the model at request.path, the memory bandwidth measured first when it
    // has not been (the roofs need it). Emits benchmarkResult for each point as it finishes (so a
    // cancel keeps those), benchmarkRunProgress, then benchmarkFinished; cancelled by
    // requestCancelBenchmark(request.id).
    void runSweep(const tern::app::SweepRequest& request);
    // Describes this machine (tern::describe_machine; kept for every later run), measuring its
    // read bandwidth when asked (seconds); emits machineDescribed.
    void describeMachine(bool measureBandwidth);
    // "Same answers?": the loaded model's and the FP16 twin's (at twinPath, loaded once and kept)
    // greedy answers to request.messages, at most request.sampling.maxTokens tokens each, each in
    // a session of its own (the chat's cache is untouched). Emits twinAnswers, nothing when cancelled.
    void compareWithTwin(const tern::app::GenerationRequest& request, const QString& twinPath);
    // Writes a random-weight model of the given preset (benchmark only).
    void createBenchmarkModel(const tern::app::BenchmarkModelRequest& request);

Q_SIGNALS:
    void loadProgress(quint64 loadId, double fraction);
    void modelLoaded(quint64 loadId, const tern::app::ModelSummary& model);
    void loadFailed(quint64 loadId, const QString& error, bool cancelled);
    // delta: text that became printable since the last signal; nGenerated: tokens so far;
    // sinceStartMs: time since the request started (for the rolling tokens/s chart); nPast: the
    // tokens in the KV cache now and kvUsedBytes the bytes they take, so the meters move while
    // the answer streams.
    void tokensReady(quint64 requestId, const QString& delta, int nGenerated, double sinceStartMs, int nPast,
                     quint64 kvUsedBytes);
    // Before the prompt is evaluated: the context (tokens in the KV cache) the first answer token
    // will see, for the per-token estimates.
    void generationStarted(quint64 requestId, int contextTokens);
    // The conversation did not fit the context and `droppedMessages` of its messages were left
    // out (the chat policy's choice); emitted again when an answer that fills the context goes on
    // with fewer of them.
    void contextTrimmed(quint64 requestId, int droppedMessages);
    // MEASURED CPU package energy (RAPL) since the first answer token, over `tokens` decoded tokens
    // after it; emitted with the token batches, only where RAPL is readable.
    void energyMeasured(quint64 requestId, double joules, int tokens);
    void generationFinished(quint64 requestId, const tern::app::GenerationStats& stats);
    void generationFailed(quint64 requestId, const QString& error);
    // phase: what runs now, for people ("FP16 · tg64"); fraction of the whole benchmark.
    void benchmarkRunProgress(quint64 benchId, const QString& phase, double fraction);
    void benchmarkResult(quint64 benchId, const tern::app::BenchmarkRow& row);
    // The perplexity test could not score the text (the speed tests go on); said once per run.
    void benchmarkQualitySkipped(quint64 benchId, const QString& reason);
    // error: "" on success or cancel.
    void benchmarkFinished(quint64 benchId, bool cancelled, const QString& error);
    // The machine every run is stored with: after describeMachine, and when a sweep measured the
    // bandwidth; measured: the bandwidth was measured just now.
    void machineDescribed(const tern::MachineInfo& machine, bool measured);
    // error: "" when both answers are there.
    void twinAnswers(quint64 requestId, const QString& ownAnswer, const QString& twinAnswer, const QString& error);
    void benchmarkModelProgress(const QString& preset, double fraction);
    void benchmarkModelCreated(const QString& preset, const QString& path);
    void benchmarkModelFailed(const QString& preset, const QString& error);
    // The model this worker holds changed: the new one and the chat session's context length
    // after a load, nullptr (and 0) when it lets go of one (a new load, a failed load, unload).
    void modelShared(const tern::app::SharedModel& model, int nCtx);

private:
    // Created on first use, on this worker's thread: every RaplMeter call stays on it.
    tern::RaplMeter& rapl();
    // Drops the model and its session, saying so (modelShared) if one was held.
    void releaseModel();
    // This machine, described on first use on this thread (it lists the Vulkan devices).
    tern::MachineInfo& machine();

    std::shared_ptr<tern::Model> model_;
    std::shared_ptr<tern::Model> twin_;
    QString twinPath_;
    tern::ChatTemplate chatTemplate_ = tern::ChatTemplate::Plain;  // the loaded model's, or the user's choice
    std::unique_ptr<tern::RaplMeter> rapl_;
    std::optional<tern::MachineInfo> machine_;
    std::unique_ptr<tern::Session> session_;
    std::atomic<quint64> stopUpTo_{0};
    std::atomic<quint64> currentRequest_{0};
    std::atomic<bool> stopFlag_{false};
    std::atomic<quint64> cancelLoadUpTo_{0};
    std::atomic<quint64> cancelBenchUpTo_{0};
    std::atomic<quint64> cancelTwinUpTo_{0};
};

}  // namespace tern::app
