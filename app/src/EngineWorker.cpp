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
#include "tern/inspect.h"
#include "tern/machine.h"
#include "tern/model.h"
#include "tern/session.h"
#include "tern/sweep.h"

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

MachineInfo& EngineWorker::machine() {
    if (!machine_) machine_ = describe_machine(false);
    return *machine_;
}

void EngineWorker::describeMachine(bool measureBandwidth) {
    MachineInfo& m = machine();
    if (measureBandwidth) {
        m.read_bandwidth = measure_read_bandwidth(0);  // every hardware thread, as the CLI's sweeps
        spdlog::info("memory read bandwidth: {:.1f} GB/s", m.read_bandwidth / 1e9);
    }
    Q_EMIT machineDescribed(m, measureBandwidth);
}

void EngineWorker::releaseModel() {
    session_.reset();
    twin_.reset();
    if (!model_) return;
    model_.reset();
    Q_EMIT modelShared(nullptr, 0);
}

void EngineWorker::loadModel(const LoadRequest& request) {
    const quint64 loadId = request.id;
    releaseModel();
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
        Q_EMIT modelShared(model_, session_->n_ctx());
        Q_EMIT modelLoaded(loadId, summary);
    } catch (const Cancelled&) {
        releaseModel();
        Q_EMIT loadFailed(loadId, tr("Loading was cancelled."), true);
    } catch (const std::exception& e) {
        releaseModel();
        spdlog::warn("model load failed: {}", e.what());
        Q_EMIT loadFailed(loadId, QString::fromUtf8(e.what()), false);
    }
}

void EngineWorker::unloadModel() { releaseModel(); }

void EngineWorker::generate(const GenerationRequest& request) {
    const quint64 requestId = request.id;
    currentRequest_ = requestId;
    stopFlag_ = stopUpTo_.load() >= requestId;
    if (!session_) {
        Q_EMIT generationFailed(requestId, tr("No model is loaded."));
        return;
    }
    const std::vector<ChatMessage>& chat = request.messages;
    const ContextPolicy::Policy policy = request.contextPolicy;
    GenerateOptions g = sampling::toGenerateOptions(request.sampling);

    QElapsedTimer clock;
    clock.start();
    QByteArray pending;   // UTF-8 text not yet emitted
    QByteArray full;
    int nTokens = 0;
    std::vector<int32_t> answer;  // the ids sampled so far: an answer that fills the context goes on from them
    int dropped = 0;              // messages left out of the model's context
    QString promptText;
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
    const auto onToken = [&](std::string_view text, int32_t id) {
        if (id >= 0) {  // id -1: the decoder's last bytes, no new token
            ++nTokens;
            answer.push_back(id);
            tokenAt.push_back(double(clock.nsecsElapsed()) / 1e6);
            if (meter && nTokens == 1) joulesAtFirst = meter->joules();
        }
        pending.append(text.data(), qsizetype(text.size()));
        full.append(text.data(), qsizetype(text.size()));
        if (clock.elapsed() - lastEmit >= kEmitIntervalMs) flush();
        return !stopFlag_.load();
    };
    try {
        const auto& tok = model_->tokenizer();
        const ChatTemplate tmpl = chatTemplate_;
        const ChatEncoder encode = [&](const std::vector<ChatMessage>& m) {
            return tok.encode(format_chat(m, tmpl, true), true, true);
        };
        const int nCtx = session_->n_ctx();
        const int reserve = answerReserve(nCtx, g.max_tokens);
        // The messages the model sees, with `answerSoFar` tokens of answer after them: all that
        // fit with room for the answer, else the policy's choice (with room for one more token
        // if the reserve cannot be had).
        const auto fit = [&](int answerSoFar) {
            const ContextFit f = fitContext(chat, policy, nCtx, answerSoFar + reserve, answerSoFar + 1, encode);
            promptText = QString::fromStdString(format_chat(f.messages, tmpl, true));
            if (f.dropped > dropped) {
                spdlog::info("context: {} of {} messages left out ({})", f.dropped, chat.size(),
                             ContextPolicy::key(policy).toStdString());
                dropped = f.dropped;
                Q_EMIT contextTrimmed(requestId, dropped);
            }
            return f;
        };
        ContextFit context = fit(0);
        if (int(context.tokens.size()) >= nCtx) {
            if (policy != ContextPolicy::Stop)
                throw Error(tr("This message and the system prompt are %1 tokens, more than the model's context of %2 "
                               "tokens holds. Shorten the message, or load the model with a longer context in Settings.")
                                .arg(context.tokens.size()).arg(nCtx).toStdString());
            // Stop: no answer at all, and the chat says what to do.
            GenerationStats s;
            s.stopReason = StopReason::ContextFull;
            s.nCtx = nCtx;
            s.seed = request.sampling.seed;
            s.promptText = promptText;
            Q_EMIT generationFinished(requestId, s);
            return;
        }
        std::vector<int32_t> prompt = context.tokens;
        Q_EMIT generationStarted(requestId, int(prompt.size()));
        const int maxTokens = g.max_tokens;
        GenerateResult r;
        for (int round = 0;; ++round) {
            const GenerateResult part = tern::generate(*session_, prompt, g, onToken, &stopFlag_);
            if (round == 0) {
                r = part;
            } else {
                r.n_generated += part.n_generated;
                r.prefill_ms += part.prefill_ms;
                r.stop_reason = part.stop_reason;
                // From the first token to the last, re-reading the shortened conversation included.
                r.decode_ms = tokenAt.size() >= 2 ? tokenAt.back() - tokenAt.front() : 0;
            }
            if (part.stop_reason != "context_full" || policy == ContextPolicy::Stop || stopFlag_) break;
            g.max_tokens = maxTokens - r.n_generated;
            if (g.max_tokens <= 0) break;
            // The answer filled the context: it goes on after fewer of the earlier messages, unless
            // it alone fills the context.
            ContextFit shorter = fit(int(answer.size()));
            if (!shorter.fits) break;
            context = std::move(shorter);
            prompt = context.tokens;
            prompt.insert(prompt.end(), answer.begin(), answer.end());
            g.sampling.seed = request.sampling.seed + quint64(round) + 1;  // new draws, the same from the same seed
        }
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
        s.droppedMessages = dropped;
        s.promptText = promptText;
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
        s.droppedMessages = dropped;
        s.promptText = promptText;
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
    // The models to run: each precision of the file, then its FP16 twin (its own weights as stored).
    struct Step {
        QString path, label, precision;  // precision: the results' label ("" = the engine's)
        Precision load;
    };
    QList<Step> steps;
    for (Precision p : request.precisions)
        steps.push_back({request.path, p == Precision::Fp16 ? QStringLiteral("FP16") : tr("Ternary"), {}, p});
    if (!request.twinPath.isEmpty())
        steps.push_back({request.twinPath, tr("FP16 twin"), QStringLiteral("fp16-twin"), Precision::Ternary});
    const bool quality = !request.qualityText.empty();
    // Of each step: loading, the speed tests, the perplexity test.
    const double loadShare = 0.15, speedShare = quality ? 0.55 : 0.85;
    BenchOptions bo;
    bo.n_prompt = request.nPrompt;
    bo.n_gen = request.nGen;
    bo.repetitions = std::max(1, request.repetitions);
    bo.group = request.batch.toStdString();
    const MachineInfo& machineInfo = machine();
    bo.read_bandwidth = machineInfo.read_bandwidth;  // roofs once it has been measured
    BenchOptions qo;  // the ppl test alone, so a text it cannot score leaves the speed results
    qo.n_prompt = qo.n_gen = 0;
    qo.quality_text = request.qualityText;
    qo.quality_chunks = request.qualityChunks;
    const double n = double(steps.size());
    uint64_t parameters = 0;  // from the first load, to size the FP16 one
    QString qualityError;
    try {
        for (int step = 0; step < steps.size(); ++step) {
            const Step& st = steps[step];
            const bool fp16 = st.load == Precision::Fp16;
            if (cancelled()) throw Cancelled();
            LoadOptions lo = loadOptions(request.load);  // as the chat runs it, so the two compare
            lo.precision = st.load;
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
                Q_EMIT benchmarkRunProgress(benchId, tr("Loading %1").arg(st.label), (step + loadShare * f) / n);
                return true;
            };
            reset_peak_rss();  // each model's peak of its own
            std::shared_ptr<Model> model = Model::load(st.path.toStdString(), lo);
            if (st.precision.isEmpty()) parameters = model->info().parameters;
            const auto progressFrom = [&](double start, double share) {
                return [&, start, share](std::string_view test, float f) {
                    if (cancelled()) return false;
                    Q_EMIT benchmarkRunProgress(
                        benchId, QStringLiteral("%1 · %2").arg(st.label, QString::fromUtf8(test.data(), qsizetype(test.size()))),
                        (step + start + share * f) / n);
                    return true;
                };
            };
            ModelSummary summary;
            summary.info = model->info();
            const QString name = summary.name();
            const auto emitRow = [&](const BenchResult& r) {
                BenchmarkRow row;
                row.result = r;
                if (!st.precision.isEmpty()) row.result.precision = st.precision.toStdString();
                row.batch = request.batch;
                row.modelName = name;
                row.nPrompt = bo.n_prompt;
                row.nGen = bo.n_gen;
                row.repetitions = bo.repetitions;
                row.machine = machineInfo;
                if (r.perplexity > 0) row.qualityName = request.qualityName;
                Q_EMIT benchmarkResult(benchId, row);
            };
            bo.progress = progressFrom(loadShare, speedShare);
            if (bo.n_prompt > 0 || bo.n_gen > 0)
                for (const BenchResult& r : bench(model, bo)) emitRow(r);
            if (quality && qualityError.isEmpty()) {
                qo.progress = progressFrom(loadShare + speedShare, 1 - loadShare - speedShare);
                try {
                    for (const BenchResult& r : bench(model, qo)) emitRow(r);
                } catch (const Cancelled&) {
                    throw;
                } catch (const std::exception& e) {  // e.g. a text shorter than one chunk
                    qualityError = QString::fromUtf8(e.what());
                    Q_EMIT benchmarkQualitySkipped(benchId, qualityError);
                }
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

void EngineWorker::runSweep(const SweepRequest& request) {
    const quint64 benchId = request.id;
    const auto cancelled = [this, benchId] { return cancelBenchUpTo_.load() >= benchId; };
    const std::string path = request.path.toStdString();
    try {
        if (cancelled()) throw Cancelled();
        MachineInfo& m = machine();
        if (m.read_bandwidth <= 0) {  // the roof lines are what a sweep is for
            Q_EMIT benchmarkRunProgress(benchId, tr("Measuring the memory bandwidth"), 0);
            m.read_bandwidth = measure_read_bandwidth(0);
            Q_EMIT machineDescribed(m, true);
        }
        // The name people know it by, as runBenchmark's rows have it.
        QString name;
        try {
            name = QString::fromStdString(inspect_model(path).info.name);
        } catch (const std::exception&) {  // bench_sweep says what is wrong with the file
        }
        if (name.isEmpty()) name = QFileInfo(request.path).completeBaseName();

        SweepOptions so;
        so.axis = request.axis;
        so.values = request.values;
        so.precisions.assign(request.precisions.begin(), request.precisions.end());
        so.backends.assign(request.backends.begin(), request.backends.end());
        so.load = loadOptions(request.load);
        so.bench.n_prompt = request.nPrompt;
        so.bench.n_gen = request.nGen;
        so.bench.repetitions = std::max(1, request.repetitions);
        so.bench.read_bandwidth = m.read_bandwidth;
        so.bench.group = request.group.toStdString();
        so.progress = [&](const SweepProgress& p) {
            if (cancelled()) return false;
            Q_EMIT benchmarkRunProgress(benchId, QString::fromStdString(p.label), p.fraction);
            return true;
        };
        so.on_point = [&](const BenchResult& r) {
            BenchmarkRow row;
            row.result = r;
            row.batch = request.group;
            row.modelName = name;
            row.nPrompt = request.axis == SweepAxis::Prompt ? r.sweep_value : request.nPrompt;
            row.nGen = request.nGen;
            row.repetitions = so.bench.repetitions;
            row.machine = m;
            Q_EMIT benchmarkResult(benchId, row);
        };
        bench_sweep(path, so);
        Q_EMIT benchmarkRunProgress(benchId, tr("Done"), 1.0);
        Q_EMIT benchmarkFinished(benchId, false, {});
    } catch (const Cancelled&) {
        Q_EMIT benchmarkFinished(benchId, true, {});
    } catch (const std::exception& e) {
        spdlog::warn("sweep failed: {}", e.what());
        Q_EMIT benchmarkFinished(benchId, false, QString::fromUtf8(e.what()));
    }
}

void EngineWorker::requestCancelTwinComparison(quint64 id) {
    quint64 prev = cancelTwinUpTo_.load();
    while (prev < id && !cancelTwinUpTo_.compare_exchange_weak(prev, id)) {}
}

void EngineWorker::compareWithTwin(const GenerationRequest& request, const QString& twinPath) {
    const quint64 id = request.id;
    const auto cancelled = [this, id] { return cancelTwinUpTo_.load() >= id; };
    if (cancelled()) return;  // while queued: a new answer is coming
    if (!model_) {
        Q_EMIT twinAnswers(id, {}, {}, tr("No model is loaded."));
        return;
    }
    try {
        if (!twin_ || twinPath_ != twinPath) {
            twin_.reset();
            LoadOptions lo;
            lo.n_threads = model_->info().n_threads;  // as the chat runs, on the CPU
            twin_ = Model::load(twinPath.toStdString(), lo);
            twinPath_ = twinPath;
        }
        GenerateOptions g;
        g.max_tokens = request.sampling.maxTokens;
        g.sampling.temperature = 0;  // greedy: each model's most likely answer, so the two compare
        g.sampling.repeat_penalty = 1.0f;
        const auto greedy = [&](const std::shared_ptr<Model>& m) {
            Session s(m, {.n_ctx = m->info().n_ctx_train});
            const auto ids = m->tokenizer().encode(format_chat(request.messages, m->chat_template(), true), true, true);
            std::string out;
            tern::generate(s, ids, g, [&](std::string_view text, int32_t) {
                out += text;
                return !cancelled();
            });
            if (cancelled()) throw Cancelled();
            return QString::fromStdString(out);
        };
        const QString own = greedy(model_);
        const QString twin = greedy(twin_);
        Q_EMIT twinAnswers(id, own, twin, {});
    } catch (const Cancelled&) {
    } catch (const std::exception& e) {  // a question longer than the twin's context, a damaged file
        spdlog::warn("FP16 twin comparison failed: {}", e.what());
        Q_EMIT twinAnswers(id, {}, {}, QString::fromUtf8(e.what()));
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
