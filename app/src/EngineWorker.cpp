#include "EngineWorker.h"

#include <QElapsedTimer>

#include <algorithm>
#include <vector>
#include <QFile>
#include <QFileInfo>

#include <spdlog/spdlog.h>

#include "ProcessStats.h"
#include "Sampling.h"
#include "synth/synth.h"
#include "tern/bench.h"
#include "tern/error.h"
#include "tern/profile.h"
#include "tern/generate.h"
#include "tern/model.h"
#include "tern/session.h"

namespace tern::app {

namespace {

ChatMessage::Role roleFromString(const QString& r) {
    if (r == QLatin1String("system")) return ChatMessage::Role::System;
    if (r == QLatin1String("assistant")) return ChatMessage::Role::Assistant;
    return ChatMessage::Role::User;
}

// The name a model goes by: its metadata name, else its file's base name.
QString modelName(const ModelInfo& i) {
    return i.name.empty() ? QFileInfo(QString::fromStdString(i.path)).completeBaseName() : QString::fromStdString(i.name);
}

QString kvTypeName(KvType t) {
    return QString::fromLatin1(kv_type_name(t));
}

QVariantMap infoToMap(const ModelInfo& i, double loadMs) {
    QVariantMap m;
    m[QStringLiteral("path")] = QString::fromStdString(i.path);
    m[QStringLiteral("name")] = modelName(i);
    m[QStringLiteral("arch")] = QString::fromStdString(i.arch);
    m[QStringLiteral("ternaryType")] = QString::fromStdString(i.ternary_type);
    m[QStringLiteral("nVocab")] = i.n_vocab;
    m[QStringLiteral("nCtxTrain")] = i.n_ctx_train;
    m[QStringLiteral("nEmbd")] = i.n_embd;
    m[QStringLiteral("nLayer")] = i.n_layer;
    m[QStringLiteral("nHead")] = i.n_head;
    m[QStringLiteral("nHeadKv")] = i.n_head_kv;
    m[QStringLiteral("headDim")] = i.head_dim;
    m[QStringLiteral("nFf")] = i.n_ff;
    m[QStringLiteral("fileBytes")] = qulonglong(i.file_bytes);
    m[QStringLiteral("weightBytes")] = qulonglong(i.weight_bytes);
    m[QStringLiteral("ternaryBytes")] = qulonglong(i.ternary_bytes);
    m[QStringLiteral("parameters")] = qulonglong(i.parameters);
    m[QStringLiteral("weightBytesPerToken")] = qulonglong(i.weight_bytes_per_token);
    m[QStringLiteral("headType")] = QString::fromStdString(i.head_type);
    m[QStringLiteral("headBytes")] = qulonglong(i.head_bytes);
    m[QStringLiteral("kvType")] = kvTypeName(i.kv_type);
    m[QStringLiteral("kvBytesPerToken")] = qulonglong(i.kv_bytes_per_token);
    m[QStringLiteral("precision")] = QString::fromLatin1(precision_name(i.precision));
    m[QStringLiteral("nThreads")] = i.n_threads;
    m[QStringLiteral("loadMs")] = loadMs;
    return m;
}

HeadType headFromString(const QString& s) {
    if (s == QLatin1String("q8_0")) return HeadType::Q8_0;
    if (s == QLatin1String("q6_k")) return HeadType::Q6_K;
    return HeadType::AsStored;
}
KvType kvFromString(const QString& s) {
    if (s == QLatin1String("f32")) return KvType::F32;
    if (s == QLatin1String("q8")) return KvType::Q8_0;
    return KvType::F16;
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

void EngineWorker::setBackend(const QString& kind, int device) {
    backendKind_ = kind;
    device_ = device;
}

void EngineWorker::setModelOptions(const QString& head, const QString& kvCache) {
    head_ = head;
    kvCache_ = kvCache;
}

RaplMeter& EngineWorker::rapl() {
    if (!rapl_) rapl_ = std::make_unique<RaplMeter>();
    return *rapl_;
}

void EngineWorker::loadModel(quint64 loadId, const QString& path, int threads, int contextLength) {
    session_.reset();
    model_.reset();
    LoadOptions opts;
    opts.n_threads = threads;
    opts.backend = backendKind_ == QLatin1String("vulkan") ? LoadOptions::BackendKind::Vulkan
                 : backendKind_ == QLatin1String("auto")   ? LoadOptions::BackendKind::Auto
                                                           : LoadOptions::BackendKind::Cpu;
    opts.device = device_;
    opts.head = headFromString(head_);
    opts.kv_type = kvFromString(kvCache_);
    opts.progress = [this, loadId](float p) {
        if (cancelLoadUpTo_.load() >= loadId) return false;
        Q_EMIT loadProgress(loadId, p);
        return true;
    };
    try {
        if (cancelLoadUpTo_.load() >= loadId) throw Cancelled();
        spdlog::info("loading model {}", path.toStdString());
        model_ = Model::load(path.toStdString(), opts);
        SessionOptions so;
        // The setting is a wish: never ask for more context than the model was trained on.
        const int trained = model_->info().n_ctx_train;
        so.n_ctx = trained > 0 && contextLength > trained ? trained : contextLength;
        contextLength_ = contextLength;
        session_ = std::make_unique<Session>(model_, so);
        QVariantMap info = infoToMap(model_->info(), model_->load_ms());
        info[QStringLiteral("nCtx")] = session_->n_ctx();
        info[QStringLiteral("kvBytes")] = qulonglong(session_->stats().kv_bytes);
        info[QStringLiteral("backend")] = QString::fromStdString(model_->info().backend);
        info[QStringLiteral("backendFallbackReason")] = QString::fromStdString(model_->info().backend_fallback_reason);
        info[QStringLiteral("raplAvailable")] = rapl().available();
        info[QStringLiteral("raplWhy")] = QString::fromStdString(rapl().why());
        spdlog::info("model loaded in {:.0f} ms", model_->load_ms());
        Q_EMIT modelLoaded(loadId, info);
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

void EngineWorker::generate(quint64 requestId, const QVariantList& messages, const QVariantMap& params) {
    currentRequest_ = requestId;
    stopFlag_ = stopUpTo_.load() >= requestId;
    if (!session_) {
        Q_EMIT generationFailed(requestId, tr("No model is loaded."));
        return;
    }
    std::vector<ChatMessage> chat;
    for (const QVariant& v : messages) {
        const QVariantMap m = v.toMap();
        chat.push_back({roleFromString(m.value(QStringLiteral("role")).toString()),
                        m.value(QStringLiteral("content")).toString().toStdString()});
    }
    const GenerateOptions g = sampling::toGenerateOptions(params);

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
        Q_EMIT tokensReady(requestId, QString::fromUtf8(pending), nTokens, double(clock.nsecsElapsed()) / 1e6);
        if (meter && nTokens >= 2) {
            joulesNow = meter->joules();  // read with each batch, not each token: it is a file read
            Q_EMIT energyMeasured(requestId, joulesNow - joulesAtFirst, nTokens - 1);
        }
        pending.clear();
        lastEmit = clock.elapsed();
    };
    try {
        const auto& tok = model_->tokenizer();
        const auto ids = tok.encode(format_chat(chat, model_->chat_template(), true), true, true);
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
        QVariantMap s;
        s[QStringLiteral("nPrompt")] = r.n_prompt;
        s[QStringLiteral("nReused")] = r.n_reused;
        s[QStringLiteral("nGenerated")] = r.n_generated;
        s[QStringLiteral("prefillMs")] = r.prefill_ms;
        s[QStringLiteral("ttftMs")] = r.ttft_ms;
        s[QStringLiteral("decodeMs")] = r.decode_ms;
        s[QStringLiteral("prefillTps")] = r.prefill_tokens_per_second();
        s[QStringLiteral("decodeTps")] = r.decode_tokens_per_second();
        s[QStringLiteral("stopReason")] = QString::fromStdString(stopFlag_ && r.stop_reason == "cancelled" ? "stopped" : r.stop_reason);
        s[QStringLiteral("text")] = QString::fromUtf8(full);
        s[QStringLiteral("nPast")] = session_->n_past();
        s[QStringLiteral("nCtx")] = session_->n_ctx();
        s[QStringLiteral("kvBytes")] = qulonglong(st.kv_bytes);
        s[QStringLiteral("kvUsedBytes")] = qulonglong(st.kv_used_bytes);
        s[QStringLiteral("totalMs")] = double(clock.nsecsElapsed()) / 1e6;
        if (meter && nTokens >= 2) {
            s[QStringLiteral("raplJoules")] = joulesNow - joulesAtFirst;
            s[QStringLiteral("raplTokens")] = nTokens - 1;
        }
        // Inter-token latency: what stutter feels like, which an average tokens/s hides.
        if (tokenAt.size() >= 2) {
            std::vector<double> gaps;
            for (size_t i = 1; i < tokenAt.size(); ++i) gaps.push_back(tokenAt[i] - tokenAt[i - 1]);
            std::sort(gaps.begin(), gaps.end());
            auto pct = [&](double p) { return gaps[std::min(gaps.size() - 1, size_t(p * double(gaps.size())))]; };
            s[QStringLiteral("itlP50Ms")] = pct(0.50);
            s[QStringLiteral("itlP95Ms")] = pct(0.95);
        }
        Q_EMIT generationFinished(requestId, s);
    } catch (const Cancelled&) {
        // Stopped during prefill: the cache keeps what was evaluated, nothing was generated.
        flush();
        QVariantMap s;
        s[QStringLiteral("nGenerated")] = nTokens;
        s[QStringLiteral("stopReason")] = QStringLiteral("stopped");
        s[QStringLiteral("text")] = QString::fromUtf8(full);
        Q_EMIT generationFinished(requestId, s);
    } catch (const std::exception& e) {
        flush();
        spdlog::warn("generation failed: {}", e.what());
        Q_EMIT generationFailed(requestId, QString::fromUtf8(e.what()));
    }
}

void EngineWorker::runBenchmark(quint64 benchId, const QString& path, const QVariantMap& options) {
    const auto cancelled = [this, benchId] { return cancelBenchUpTo_.load() >= benchId; };
    QStringList precisions = options.value(QStringLiteral("precisions")).toStringList();
    if (precisions.isEmpty()) precisions = {QStringLiteral("ternary"), QStringLiteral("fp16")};
    BenchOptions bo;
    bo.n_prompt = options.value(QStringLiteral("nPrompt"), 128).toInt();
    bo.n_gen = options.value(QStringLiteral("nGen"), 64).toInt();
    bo.repetitions = std::max(1, options.value(QStringLiteral("repetitions"), 3).toInt());
    const QString batch = options.value(QStringLiteral("batch")).toString();
    const double steps = double(precisions.size());
    uint64_t parameters = 0;  // from the first load, to size the FP16 one
    try {
        for (int step = 0; step < precisions.size(); ++step) {
            const bool fp16 = precisions[step] == QLatin1String("fp16");
            const QString label = fp16 ? QStringLiteral("FP16") : tr("Ternary");
            if (cancelled()) throw Cancelled();
            LoadOptions lo;
            lo.n_threads = options.value(QStringLiteral("threads"), 0).toInt();
            lo.backend = backendKind_ == QLatin1String("vulkan") ? LoadOptions::BackendKind::Vulkan
                       : backendKind_ == QLatin1String("auto")   ? LoadOptions::BackendKind::Auto
                                                                 : LoadOptions::BackendKind::Cpu;
            lo.device = device_;
            lo.precision = fp16 ? Precision::Fp16 : Precision::Ternary;
            lo.head = headFromString(head_);  // as the chat runs it, so the two compare
            lo.kv_type = kvFromString(kvCache_);
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
            std::shared_ptr<Model> model = Model::load(path.toStdString(), lo);
            parameters = model->info().parameters;
            bo.progress = [&](std::string_view test, float f) {
                if (cancelled()) return false;
                Q_EMIT benchmarkRunProgress(benchId, QStringLiteral("%1 · %2").arg(label, QString::fromUtf8(test.data(), qsizetype(test.size()))),
                                            (step + 0.15 + 0.85 * f) / steps);
                return true;
            };
            const QString name = modelName(model->info());
            for (const BenchResult& r : bench(model, bo)) {
                QVariantMap m;
                m[QStringLiteral("batch")] = batch;
                m[QStringLiteral("modelName")] = name;
                m[QStringLiteral("test")] = QString::fromStdString(r.test);
                m[QStringLiteral("precision")] = QString::fromStdString(r.precision);
                m[QStringLiteral("backend")] = QString::fromStdString(r.backend);
                m[QStringLiteral("head")] = QString::fromStdString(r.head);
                m[QStringLiteral("kvType")] = kvTypeName(model->info().kv_type);
                m[QStringLiteral("threads")] = r.threads;
                m[QStringLiteral("nTokens")] = r.n_tokens;
                m[QStringLiteral("tokensPerSecond")] = r.tokens_per_second;
                m[QStringLiteral("stddev")] = r.stddev;
                m[QStringLiteral("ttftMs")] = r.ttft_ms;
                m[QStringLiteral("loadMs")] = r.load_ms;
                m[QStringLiteral("peakRssBytes")] = double(r.peak_rss_bytes);
                m[QStringLiteral("weightBytes")] = double(r.weight_bytes);
                m[QStringLiteral("kvBytes")] = double(r.kv_bytes);
                m[QStringLiteral("bytesPerToken")] = r.bytes_per_token;
                m[QStringLiteral("gbPerSecond")] = r.gb_per_second;
                m[QStringLiteral("joulesPerTokenEst")] = r.joules_per_token_est;
                m[QStringLiteral("joulesPerTokenMeasured")] = r.joules_per_token_measured;
                m[QStringLiteral("nPrompt")] = bo.n_prompt;
                m[QStringLiteral("nGen")] = bo.n_gen;
                m[QStringLiteral("repetitions")] = bo.repetitions;
                Q_EMIT benchmarkResult(benchId, m);
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

void EngineWorker::createBenchmarkModel(const QString& preset, const QString& tokenizerJson, const QString& outPath) {
    try {
        SynthOptions o;
        o.preset = preset.toStdString();
        o.seed = 1;
        o.tokenizer_json = tokenizerJson.toStdString();
        o.progress = [this](float p) { Q_EMIT benchmarkProgress(p); };
        // Written next to the target and renamed, so a half-written file never looks like a model.
        const QString part = outPath + QStringLiteral(".part");
        write_synth_model(o, part.toStdString());
        QFile::remove(outPath);
        if (!QFile::rename(part, outPath)) throw Error("could not move the benchmark model into place");
        Q_EMIT benchmarkCreated(outPath);
    } catch (const std::exception& e) {
        Q_EMIT benchmarkFailed(QString::fromUtf8(e.what()));
    }
}

}  // namespace tern::app
