#include "EngineTypes.h"

#include <QFileInfo>
#include <QStringList>

#include <algorithm>

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

QVariantMap machineToMap(const tern::MachineInfo& m) {
    QStringList gpus;
    for (const std::string& g : m.gpus) gpus << QString::fromStdString(g);
    return {{QStringLiteral("cpuModel"), QString::fromStdString(m.cpu_model)},
            {QStringLiteral("isa"), QString::fromStdString(m.isa)},
            {QStringLiteral("logicalCores"), m.logical_cores},
            {QStringLiteral("physicalCores"), m.physical_cores},
            {QStringLiteral("readBandwidth"), m.read_bandwidth},
            {QStringLiteral("gpus"), gpus},
            {QStringLiteral("rapl"), m.rapl},
            {QStringLiteral("raplReason"), QString::fromStdString(m.rapl_reason)}};
}

tern::MachineInfo machineFromMap(const QVariantMap& map) {
    tern::MachineInfo m;
    m.cpu_model = map.value(QStringLiteral("cpuModel")).toString().toStdString();
    m.isa = map.value(QStringLiteral("isa")).toString().toStdString();
    m.logical_cores = map.value(QStringLiteral("logicalCores")).toInt();
    m.physical_cores = map.value(QStringLiteral("physicalCores")).toInt();
    m.read_bandwidth = map.value(QStringLiteral("readBandwidth")).toDouble();
    for (const QVariant& g : map.value(QStringLiteral("gpus")).toList()) m.gpus.push_back(g.toString().toStdString());
    m.rapl = map.value(QStringLiteral("rapl")).toBool();
    m.rapl_reason = map.value(QStringLiteral("raplReason")).toString().toStdString();
    return m;
}

namespace {

// A line of a chart: the sweep's own ("ternary cpu"), else the precision on its backend's kind.
QString seriesOf(const tern::BenchResult& r) {
    if (!r.series.empty()) return QString::fromStdString(r.series);
    const bool vulkan = r.backend.rfind("vulkan", 0) == 0;
    return QString::fromStdString(r.precision) + (vulkan ? QStringLiteral(" vulkan") : QStringLiteral(" cpu"));
}

}  // namespace

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
    m[QStringLiteral("nDepth")] = r.n_depth;
    m[QStringLiteral("tokensPerSecond")] = r.tokens_per_second;
    m[QStringLiteral("stddev")] = r.stddev;
    m[QStringLiteral("ttftMs")] = r.ttft_ms;
    m[QStringLiteral("loadMs")] = r.load_ms;
    m[QStringLiteral("peakRssBytes")] = double(r.peak_rss_bytes);
    m[QStringLiteral("weightBytes")] = double(r.weight_bytes);
    m[QStringLiteral("kvBytes")] = double(r.kv_bytes);
    m[QStringLiteral("deviceMemoryBytes")] = double(r.device_memory_bytes);
    m[QStringLiteral("bytesPerToken")] = r.bytes_per_token;
    m[QStringLiteral("gbPerSecond")] = r.gb_per_second;
    m[QStringLiteral("roofTokensPerSecond")] = r.roof_tokens_per_second;
    m[QStringLiteral("roofFraction")] = r.roof_fraction;
    m[QStringLiteral("joulesPerTokenEst")] = r.joules_per_token_est;
    m[QStringLiteral("joulesPerTokenMeasured")] = r.joules_per_token_measured;
    m[QStringLiteral("nPrompt")] = nPrompt;
    m[QStringLiteral("nGen")] = nGen;
    m[QStringLiteral("repetitions")] = repetitions;
    if (r.perplexity > 0) {  // the ppl test: nTokens are the tokens it scored
        m[QStringLiteral("perplexity")] = r.perplexity;
        m[QStringLiteral("qualityText")] = qualityName;
    }
    if (!r.sweep.empty()) {
        m[QStringLiteral("sweep")] = QString::fromStdString(r.sweep);
        m[QStringLiteral("sweepValue")] = r.sweep_value;
    }
    m[QStringLiteral("series")] = seriesOf(r);
    // What ran, for comparisons across models and for the bench JSON export.
    m[QStringLiteral("modelType")] = QString::fromStdString(r.model_type);
    m[QStringLiteral("modelArch")] = QString::fromStdString(r.model_arch);
    m[QStringLiteral("modelFile")] = QString::fromStdString(r.model_filename);
    m[QStringLiteral("modelParams")] = double(r.model_n_params);
    m[QStringLiteral("modelSize")] = double(r.model_size);
    m[QStringLiteral("testTime")] = QString::fromStdString(r.test_time);
    QVariantList samples;
    for (uint64_t ns : r.samples_ns) samples << double(ns);
    m[QStringLiteral("samplesNs")] = samples;
    m[QStringLiteral("source")] = source;
    if (!importedFrom.isEmpty()) m[QStringLiteral("importedFrom")] = importedFrom;
    m[QStringLiteral("machine")] = machineToMap(machine);
    return m;
}

BenchmarkRow BenchmarkRow::fromMap(const QVariantMap& m, const QString& modelPath, const QString& createdAt) {
    const auto str = [&](const char* key) { return m.value(QLatin1String(key)).toString().toStdString(); };
    const auto num = [&](const char* key, double otherwise = 0) {
        const QVariant v = m.value(QLatin1String(key));
        return v.isValid() && !v.isNull() ? v.toDouble() : otherwise;
    };
    const auto u64 = [&](const char* key) { return uint64_t(std::max(0.0, num(key))); };
    BenchmarkRow row;
    tern::BenchResult& r = row.result;
    r.test = str("test");
    r.precision = str("precision");
    r.backend = str("backend");
    r.head = str("head");
    r.kv = str("kvType");
    r.threads = int(num("threads"));
    r.n_tokens = int(num("nTokens"));
    r.n_depth = int(num("nDepth"));
    r.tokens_per_second = num("tokensPerSecond");
    r.stddev = num("stddev");
    r.ttft_ms = num("ttftMs");
    r.load_ms = num("loadMs");
    r.peak_rss_bytes = u64("peakRssBytes");
    r.weight_bytes = u64("weightBytes");
    r.kv_bytes = u64("kvBytes");
    r.device_memory_bytes = u64("deviceMemoryBytes");
    r.bytes_per_token = num("bytesPerToken");
    r.gb_per_second = num("gbPerSecond");
    r.roof_fraction = num("roofFraction");
    r.roof_tokens_per_second = num("roofTokensPerSecond");
    r.joules_per_token_est = num("joulesPerTokenEst");
    r.joules_per_token_measured = num("joulesPerTokenMeasured", -1);
    r.perplexity = num("perplexity");
    for (const QVariant& v : m.value(QStringLiteral("samplesNs")).toList()) r.samples_ns.push_back(uint64_t(std::max(0.0, v.toDouble())));
    r.model_filename = m.contains(QStringLiteral("modelFile")) ? str("modelFile") : QFileInfo(modelPath).fileName().toStdString();
    r.model_type = str("modelType");
    r.model_arch = str("modelArch");
    r.model_n_params = u64("modelParams");
    r.model_size = u64("modelSize");
    r.test_time = m.contains(QStringLiteral("testTime")) ? str("testTime") : createdAt.toStdString();
    r.group = str("batch");
    r.sweep = str("sweep");
    r.sweep_value = r.sweep.empty() ? 0 : int(num("sweepValue"));
    // A line name only within a sweep, as the engine writes it.
    if (!r.sweep.empty()) r.series = str("series");
    row.batch = m.value(QStringLiteral("batch")).toString();
    row.modelName = m.value(QStringLiteral("modelName")).toString();
    row.qualityName = m.value(QStringLiteral("qualityText")).toString();
    row.nPrompt = int(num("nPrompt"));
    row.nGen = int(num("nGen"));
    row.repetitions = int(num("repetitions"));
    row.machine = machineFromMap(m.value(QStringLiteral("machine")).toMap());
    row.source = m.value(QStringLiteral("source"), QStringLiteral("app")).toString();
    row.importedFrom = m.value(QStringLiteral("importedFrom")).toString();
    return row;
}

}  // namespace tern::app
