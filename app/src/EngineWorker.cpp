#include "EngineWorker.h"

#include <QElapsedTimer>

#include <algorithm>
#include <vector>
#include <QFile>
#include <QFileInfo>

#include <spdlog/spdlog.h>

#include "ProcessStats.h"
#include "Sampling.h"
#include "tern/bench.h"
#include "tern/benchmark_model.h"
#include "tern/error.h"
#include "tern/profile.h"
#include "tern/generate.h"
#include "tern/model.h"
#include "tern/session.h"

namespace tern::app {

namespace {

LoadOptions loadOptions(const LoadRequest& r) {
    LoadOptions o;
    o.n_threads = r.threads;
    o.backend = r.backend;
    o.device = r.device;
    o.head = r.head;
    o.kv_type = r.kv;
    return o;
}

}  // namespace

EngineWorker::EngineWorker(QObject* parent) : QObject(parent) {}
EngineWorker::~EngineWorker() = default;

void EngineWorker::requestStop(quint64 id) {
    // stopUpTo_ first, then currentRequest_: generate() stores them in the opposite order, so one
    // of the two sides always sees the other (seq_cst) and the stop is never lost.
    quint64 prev = stopUpTo_.load();
    while (prev < id && !stopUpTo_.compare_exchange_weak(prev, id)) {}
    if (currentRequest_.load() <= id) stopFlag_ = true;
}

void EngineWorker::requestCancelLoad(quint64 id) {
    quint64 prev = cancelLoadUpTo_.load();
    while (prev < id && !cancelLoadUpTo_.compare_exchange_weak(prev, id)) {}
}

void EngineWorker::requestCancelBenchmark(quint64 id) {
    quint64 prev = cancelBenchUpTo_.load();
    while (prev < id && !cancelBenchUpTo_.compare_exchange_weak(prev, id)) {}
}

RaplMeter& EngineWorker::rapl() {
    if (!rapl_) rapl_ = std::make_unique<RaplMeter>();
    return *rapl_;
}

void EngineWorker::loadModel(const LoadRequest& request) {
    const quint64 loadId = request.id;
    session_.reset();
    model_.reset();
    LoadOptions opts = loadOptions(request);
    opts.progress = [this, loadId](float p) {
        if (cancelLoadUpTo_.load() >= loadId) return false;
        Q_EMIT loadProgress(loadId, p);
        return true;
    };
    try {
        if (cancelLoadUpTo_.load() >= loadId) throw Cancelled();
        spdlog::info("loading model {}", request.path.toStdString());
        model_ = Model::load(request.path.toStdString(), opts);
        SessionOptions so;
        // The setting is a wish: never ask for more context than the model was trained on.
        const int trained = model_->info().n_ctx_train;
        so.n_ctx = trained > 0 && request.contextLength > trained ? trained : request.contextLength;
        session_ = std::make_unique<Session>(model_, so);
        chatTemplate_ = request.chatTemplate.value_or(model_->chat_template());
        ModelSummary summary;
        summary.info = model_->info();
        summary.chatTemplate = chatTemplate_;
        summary.chatTemplateChosen = request.chatTemplate.has_value();
        summary.loadMs = model_->load_ms();
        summary.nCtx = session_->n_ctx();
        summary.kvBytes = session_->stats().kv_bytes;
        summary.raplAvailable = rapl().available();
        summary.raplWhy = QString::fromStdString(rapl().why());
        spdlog::info("model loaded in {:.0f} ms", model_->load_ms());
        Q_EMIT modelLoaded(loadId, summary);
    } catch (const Cancelled&) {
        session_.reset();
        model_.reset();
        Q_EMIT loadFailed(loadId, tr("Loading was cancelled."), true);
    } catch (const std::exception& e) {
        session_.reset();
        model_.reset();
        spdlog::warn("model load failed: {}", e.what());
        Q_EMIT loadFailed(loadId, QString::fromUtf8(e.what()), false);
    }
}

void EngineWorker::unloadModel() {
    session_.reset();
    model_.reset();
}

void EngineWorker::generate(const GenerationRequest& request) {
    const quint64 requestId = request.id;
    currentRequest_ = requestId;
    stopFlag_ = stopUpTo_.load() >= requestId;
    if (!session_) {
        Q_EMIT generationFailed(requestId, tr("No model is loaded."));
        return;
    }
    const std::vector<ChatMessage>& chat = request.messages;
    const GenerateOptions g = sampling::toGenerateOptions(request.sampling);

    QElapsedTimer clock;
    clock.start();
    QByteArray pending;   // UTF-8 text not yet emitted
    QByteArray full;
    int nTokens = 0;
    qint64 lastEmit = -kEmitIntervalMs;
    // MEASURED package energy over the decode: from the first token to the last, where readable.
    RaplMeter* meter = rapl().available() ? &rapl() : nullptr;
    double joulesAtFirst = 0, joulesNow = 0;
    std::vector<double> tokenAt;  // ms since start of each token, for inter-token latency percentiles
    tokenAt.reserve(size_t(g.max_tokens > 0 && g.max_tokens < 65536 ? g.max_tokens : 1024));
    auto flush = [&] {
        if (pending.isEmpty() && nTokens == 0) return;
        Q_EMIT tokensReady(requestId, QString::fromUtf8(pending), nTokens, double(clock.nsecsElapsed()) / 1e6,
                           session_->n_past(), session_->stats().kv_used_bytes);
        if (meter && nTokens >= 2) {
            joulesNow = meter->joules();  // read with each batch, not each token: it is a file read
            Q_EMIT energyMeasured(requestId, joulesNow - joulesAtFirst, nTokens - 1);
        }
        pending.clear();
        lastEmit = clock.elapsed();
    };
    try {
        const auto& tok = model_->tokenizer();
        const auto ids = tok.encode(format_chat(chat, chatTemplate_, true), true, true);
        Q_EMIT generationStarted(requestId, std::min(int(ids.size()), session_->n_ctx()));
        const GenerateResult r = tern::generate(*session_, ids, g, [&](std::string_view text, int32_t) {
            ++nTokens;
            tokenAt.push_back(double(clock.nsecsElapsed()) / 1e6);
            if (meter && nTokens == 1) joulesAtFirst = meter->joules();
            pending.append(text.data(), qsizetype(text.size()));
            full.append(text.data(), qsizetype(text.size()));
            if (clock.elapsed() - lastEmit >= kEmitIntervalMs) flush();
            return !stopFlag_.load();
        }, &stopFlag_);
        flush();
        const SessionStats st = session_->stats();
        GenerationStats s;
        s.nPrompt = r.n_prompt;
        s.nReused = r.n_reused;
        s.nGenerated = r.n_generated;
        s.prefillMs = r.prefill_ms;
        s.ttftMs = r.ttft_ms;
        s.decodeMs = r.decode_ms;
        s.prefillTps = r.prefill_tokens_per_second();
        s.decodeTps = r.decode_tokens_per_second();
        s.stopReason = stopFlag_ ? StopReason::Stopped : stopReasonFromEngine(QString::fromStdString(r.stop_reason));
        s.text = QString::fromUtf8(full);
        s.nPast = session_->n_past();
        s.nCtx = session_->n_ctx();
        s.kvBytes = st.kv_bytes;
        s.kvUsedBytes = st.kv_used_bytes;
        s.totalMs = double(clock.nsecsElapsed()) / 1e6;
        s.seed = request.sampling.seed;
        if (meter && nTokens >= 2) {
            s.raplJoules = joulesNow - joulesAtFirst;
            s.raplTokens = nTokens - 1;
        }
        // Inter-token latency: what stutter feels like, which an average tokens/s hides.
        if (tokenAt.size() >= 2) {
            std::vector<double> gaps;
            for (size_t i = 1; i < tokenAt.size(); ++i) gaps.push_back(tokenAt[i] - tokenAt[i - 1]);
            std::sort(gaps.begin(), gaps.end());
            auto pct = [&](double p) { return gaps[std::min(gaps.size() - 1, size_t(p * double(gaps.size())))]; };
            s.itlP50Ms = pct(0.50);
            s.itlP95Ms = pct(0.95);
        }
        Q_EMIT generationFinished(requestId, s);
    } catch (const Cancelled&) {
        // Stopped during prefill: the cache keeps what was evaluated, nothing was generated.
        flush();
        GenerationStats s;
        s.nGenerated = nTokens;
        s.stopReason = StopReason::Stopped;
        s.text = QString::fromUtf8(full);
        s.seed = request.sampling.seed;
        Q_EMIT generationFinished(requestId, s);
    } catch (const std::exception& e) {
        flush();
        spdlog::warn("generation failed: {}", e.what());
        Q_EMIT generationFailed(requestId, QString::fromUtf8(e.what()));
    }
}

void EngineWorker::runBenchmark(const BenchmarkRequest& request) {
    const quint64 benchId = request.id;
    const auto cancelled = [this, benchId] { return cancelBenchUpTo_.load() >= benchId; };
    const QList<Precision> precisions = request.precisions;
    BenchOptions bo;
    bo.n_prompt = request.nPrompt;
    bo.n_gen = request.nGen;
    bo.repetitions = std::max(1, request.repetitions);
    const double steps = double(precisions.size());
    uint64_t parameters = 0;  // from the first load, to size the FP16 one
    try {
        for (int step = 0; step < precisions.size(); ++step) {
            const bool fp16 = precisions[step] == Precision::Fp16;
            const QString label = fp16 ? QStringLiteral("FP16") : tr("Ternary");
            if (cancelled()) throw Cancelled();
            LoadOptions lo = loadOptions(request.load);  // as the chat runs it, so the two compare
            lo.precision = precisions[step];
            // The FP16 baseline expands every projection to 2 bytes a weight: say so before the
            // system starts swapping.
            const uint64_t available = availableMemoryBytes();
            const uint64_t need = fp16 ? parameters * 2 : 0;  // known once the ternary run has loaded it
            if (need > 0 && available > 0 && need > available)
                throw Error(tr("Not enough free memory for the FP16 run: it needs about %1 GB, %2 GB are available.")
                                .arg(double(need) / 1e9, 0, 'f', 1).arg(double(available) / 1e9, 0, 'f', 1)
                                .toStdString());
            lo.progress = [&](float f) {
                if (cancelled()) return false;
                Q_EMIT benchmarkRunProgress(benchId, tr("Loading %1").arg(label), (step + 0.15 * f) / steps);
                return true;
            };
            reset_peak_rss();  // each precision's peak of its own
            std::shared_ptr<Model> model = Model::load(request.path.toStdString(), lo);
            parameters = model->info().parameters;
            bo.progress = [&](std::string_view test, float f) {
                if (cancelled()) return false;
                Q_EMIT benchmarkRunProgress(benchId, QStringLiteral("%1 · %2").arg(label, QString::fromUtf8(test.data(), qsizetype(test.size()))),
                                            (step + 0.15 + 0.85 * f) / steps);
                return true;
            };
            ModelSummary summary;
            summary.info = model->info();
            const QString name = summary.name();
            for (const BenchResult& r : bench(model, bo)) {
                BenchmarkRow row;
                row.result = r;
                row.batch = request.batch;
                row.modelName = name;
                row.nPrompt = bo.n_prompt;
                row.nGen = bo.n_gen;
                row.repetitions = bo.repetitions;
                Q_EMIT benchmarkResult(benchId, row);
            }
        }
        Q_EMIT benchmarkRunProgress(benchId, tr("Done"), 1.0);
        Q_EMIT benchmarkFinished(benchId, false, {});
    } catch (const Cancelled&) {
        Q_EMIT benchmarkFinished(benchId, true, {});
    } catch (const std::exception& e) {
        spdlog::warn("benchmark failed: {}", e.what());
        Q_EMIT benchmarkFinished(benchId, false, QString::fromUtf8(e.what()));
    }
}

void EngineWorker::createBenchmarkModel(const BenchmarkModelRequest& request) {
    const QString preset = request.preset;
    try {
        BenchmarkModelOptions o;
        o.preset = preset.toStdString();
        o.seed = 1;
        o.tokenizer_json = request.tokenizerJson.toStdString();
        o.progress = [this, preset](float p) { Q_EMIT benchmarkModelProgress(preset, p); };
        // Written next to the target and renamed, so a half-written file never looks like a model.
        const QString part = request.outPath + QStringLiteral(".part");
        write_benchmark_model(o, part.toStdString());
        QFile::remove(request.outPath);
        if (!QFile::rename(part, request.outPath)) throw Error("could not move the benchmark model into place");
        Q_EMIT benchmarkModelCreated(preset, request.outPath);
    } catch (const std::exception& e) {
        Q_EMIT benchmarkModelFailed(preset, QString::fromUtf8(e.what()));
    }
}

}  // namespace tern::app
