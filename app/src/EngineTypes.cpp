#include "EngineTypes.h"

#include <QFileInfo>

namespace tern::app {

LoadOptions::BackendKind backendKindFromName(const QString& name) {
    if (name == QLatin1String("vulkan")) return LoadOptions::BackendKind::Vulkan;
    if (name == QLatin1String("auto")) return LoadOptions::BackendKind::Auto;
    return LoadOptions::BackendKind::Cpu;
}

QString ModelSummary::name() const {
    if (!info.name.empty()) return QString::fromStdString(info.name);
    return QFileInfo(path()).completeBaseName();
}

namespace {
struct StopName {
    StopReason reason;
    const char* engine;
};
constexpr StopName kStopNames[] = {{StopReason::EndOfText, "eog"},
                                   {StopReason::MaxTokens, "max_tokens"},
                                   {StopReason::ContextFull, "context_full"},
                                   {StopReason::Stopped, "stopped"}};
}  // namespace

StopReason stopReasonFromEngine(const QString& reason) {
    if (reason == QLatin1String("cancelled")) return StopReason::Stopped;
    for (const StopName& s : kStopNames)
        if (reason == QLatin1String(s.engine)) return s.reason;
    return StopReason::Unknown;
}

QString stopReasonKey(StopReason r) {
    for (const StopName& s : kStopNames)
        if (s.reason == r) return QLatin1String(s.engine);
    return {};
}

QVariantMap BenchmarkRow::toMap() const {
    const tern::BenchResult& r = result;
    QVariantMap m;
    m[QStringLiteral("batch")] = batch;
    m[QStringLiteral("modelName")] = modelName;
    m[QStringLiteral("test")] = QString::fromStdString(r.test);
    m[QStringLiteral("precision")] = QString::fromStdString(r.precision);
    m[QStringLiteral("backend")] = QString::fromStdString(r.backend);
    m[QStringLiteral("head")] = QString::fromStdString(r.head);
    m[QStringLiteral("kvType")] = QString::fromStdString(r.kv);
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
    m[QStringLiteral("nPrompt")] = nPrompt;
    m[QStringLiteral("nGen")] = nGen;
    m[QStringLiteral("repetitions")] = repetitions;
    if (r.perplexity > 0) {  // the ppl test: nTokens are the tokens it scored
        m[QStringLiteral("perplexity")] = r.perplexity;
        m[QStringLiteral("qualityText")] = qualityName;
    }
    return m;
}

}  // namespace tern::app
