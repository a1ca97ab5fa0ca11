#include "LiveMetrics.h"

#include <QDateTime>

#include <algorithm>
#include <cmath>

#include "ProcessStats.h"
#include "tern/model.h"
#include "tern/profile.h"

namespace tern::app {

namespace {

struct PerToken {
    EnergyEstimate energy;
    double bytes = 0;
};

// One decoded token at context nCtx: the engine's op counts and energy model over the bytes it
// reads, all weights plus the KV cache so far.
PerToken perToken(const ModelInfo& i, Precision p, int nCtx, const EnergyModel& em) {
    PerToken t;
    const double kv = double(i.kv_bytes_per_token) * std::max(nCtx, 0);
    t.bytes = p == Precision::Ternary ? double(i.weight_bytes_per_token) + kv
                                      : 2.0 * tern::projection_parameters(i) + double(i.head_bytes) + kv;
    t.energy = estimate_energy(ops_per_token(i, p, nCtx), t.bytes, em);
    return t;
}

double ratio(double a, double b) { return b > 0 && std::isfinite(a / b) ? a / b : 0.0; }

}  // namespace

ModelInfo modelInfoFromMap(const QVariantMap& m) {
    ModelInfo i;
    i.path = m.value(QStringLiteral("path")).toString().toStdString();
    i.name = m.value(QStringLiteral("name")).toString().toStdString();
    i.n_vocab = m.value(QStringLiteral("nVocab")).toInt();
    i.n_embd = m.value(QStringLiteral("nEmbd")).toInt();
    i.n_layer = m.value(QStringLiteral("nLayer")).toInt();
    i.n_head = m.value(QStringLiteral("nHead")).toInt();
    i.n_head_kv = m.value(QStringLiteral("nHeadKv")).toInt();
    i.head_dim = m.value(QStringLiteral("headDim")).toInt();
    i.n_ff = m.value(QStringLiteral("nFf")).toInt();
    i.weight_bytes = m.value(QStringLiteral("weightBytes")).toULongLong();
    i.ternary_bytes = m.value(QStringLiteral("ternaryBytes")).toULongLong();
    i.parameters = m.value(QStringLiteral("parameters")).toULongLong();
    i.weight_bytes_per_token = m.value(QStringLiteral("weightBytesPerToken")).toULongLong();
    i.head_type = m.value(QStringLiteral("headType")).toString().toStdString();
    i.head_bytes = m.value(QStringLiteral("headBytes")).toULongLong();
    i.kv_bytes_per_token = m.value(QStringLiteral("kvBytesPerToken")).toULongLong();
    const QString kv = m.value(QStringLiteral("kvType")).toString();
    i.kv_type = kv == QLatin1String("F16") ? KvType::F16 : kv == QLatin1String("Q8_0") ? KvType::Q8_0 : KvType::F32;
    i.precision = m.value(QStringLiteral("precision")).toString() == QLatin1String("fp16") ? Precision::Fp16
                                                                                          : Precision::Ternary;
    i.n_threads = m.value(QStringLiteral("nThreads")).toInt();
    return i;
}

LiveMetrics::LiveMetrics(QObject* parent) : QObject(parent) {
    rssTimer_.setInterval(1000);
    connect(&rssTimer_, &QTimer::timeout, this, [this] {
        rss_ = double(residentBytes());
        Q_EMIT rssChanged();
    });
    rssTimer_.start();
    rss_ = double(residentBytes());
    resetMeasured();
    updateFp16();
}

void LiveMetrics::setModel(const QVariantMap& info) {
    info_ = info;
    modelBytes_ = info.value(QStringLiteral("weightBytes")).toDouble();
    kvBytes_ = info.value(QStringLiteral("kvBytes")).toDouble();
    contextSize_ = info.value(QStringLiteral("nCtx")).toInt();
    backend_ = info.value(QStringLiteral("backend")).toString();
    contextUsed_ = 0;
    answerContext_ = 0;
    kvUsedBytes_ = 0;
    resetMeasured();
    updateEstimate(0);
    Q_EMIT modelChanged();
    Q_EMIT changed();
}

void LiveMetrics::clearModel() {
    info_.clear();
    modelBytes_ = kvBytes_ = kvUsedBytes_ = 0;
    contextSize_ = contextUsed_ = answerContext_ = 0;
    backend_.clear();
    estimate_.clear();
    benchmark_.clear();
    resetMeasured();
    updateFp16();
    Q_EMIT modelChanged();
    Q_EMIT changed();
}

void LiveMetrics::setBenchmarkComparison(const QVariantMap& comparison) {
    if (comparison == benchmark_) return;
    benchmark_ = comparison;
    updateFp16();
    Q_EMIT changed();
}

void LiveMetrics::resetMeasured() {
    QVariantMap m;
    m[QStringLiteral("available")] = info_.value(QStringLiteral("raplAvailable")).toBool();
    m[QStringLiteral("why")] = info_.value(QStringLiteral("raplWhy")).toString();
    m[QStringLiteral("label")] = tr("measured");
    m[QStringLiteral("joules")] = 0.0;
    m[QStringLiteral("tokens")] = 0;
    m[QStringLiteral("jPerToken")] = 0.0;
    measured_ = m;
}

void LiveMetrics::beginAnswer() {
    window_.clear();
    tps_ = peak_ = ttft_ = prefillTps_ = elapsed_ = itlP50_ = itlP95_ = 0;
    generated_ = promptTokens_ = 0;
    answerContext_ = contextUsed_;  // until the worker says how long the prompt is
    stopReason_.clear();
    resetMeasured();
    updateEstimate(0);
    Q_EMIT seriesCleared();
    Q_EMIT changed();
}

void LiveMetrics::setAnswerContext(int contextTokens) {
    answerContext_ = std::max(0, contextTokens);
    updateEstimate(generated_);
    Q_EMIT changed();
}

void LiveMetrics::onTokens(int nGenerated, double sinceStartMs) {
    if (generated_ == 0 && nGenerated > 0) ttft_ = sinceStartMs;  // provisional until finish
    generated_ = nGenerated;
    elapsed_ = sinceStartMs / 1000.0;
    // Rolling rate over the last second of batches: what the user feels right now.
    window_.emplace_back(sinceStartMs, nGenerated);
    while (window_.size() > 2 && window_.back().first - window_.front().first > 1000.0) window_.pop_front();
    if (window_.size() >= 2) {
        const double dt = window_.back().first - window_.front().first;
        const int dn = window_.back().second - window_.front().second;
        if (dt > 0) tps_ = dn * 1000.0 / dt;
        peak_ = std::max(peak_, tps_);
        Q_EMIT sampleAdded(elapsed_, tps_);
    }
    updateEstimate(nGenerated);
    Q_EMIT changed();
}

void LiveMetrics::onEnergyMeasured(double joules, int tokens) {
    if (tokens <= 0 || !(joules >= 0) || !std::isfinite(joules)) return;
    measured_[QStringLiteral("joules")] = joules;
    measured_[QStringLiteral("tokens")] = tokens;
    measured_[QStringLiteral("jPerToken")] = joules / tokens;
    Q_EMIT changed();
}

void LiveMetrics::finishAnswer(const QVariantMap& s) {
    ttft_ = s.value(QStringLiteral("ttftMs"), ttft_).toDouble();
    prefillTps_ = s.value(QStringLiteral("prefillTps")).toDouble();
    promptTokens_ = s.value(QStringLiteral("nPrompt")).toInt();
    generated_ = s.value(QStringLiteral("nGenerated"), generated_).toInt();
    if (s.contains(QStringLiteral("decodeTps"))) tps_ = s.value(QStringLiteral("decodeTps")).toDouble();
    stopReason_ = s.value(QStringLiteral("stopReason")).toString();
    itlP50_ = s.value(QStringLiteral("itlP50Ms")).toDouble();
    itlP95_ = s.value(QStringLiteral("itlP95Ms")).toDouble();
    if (s.contains(QStringLiteral("nPast"))) {
        contextUsed_ = s.value(QStringLiteral("nPast")).toInt();
        answerContext_ = std::max(0, contextUsed_ - generated_);
    }
    if (s.contains(QStringLiteral("kvUsedBytes"))) kvUsedBytes_ = s.value(QStringLiteral("kvUsedBytes")).toDouble();
    if (s.contains(QStringLiteral("kvBytes"))) kvBytes_ = s.value(QStringLiteral("kvBytes")).toDouble();
    if (s.contains(QStringLiteral("raplJoules")))
        onEnergyMeasured(s.value(QStringLiteral("raplJoules")).toDouble(), s.value(QStringLiteral("raplTokens")).toInt());
    updateEstimate(generated_);
    Q_EMIT changed();
}

void LiveMetrics::updateEstimate(int tokens) {
    if (info_.isEmpty()) return;
    const ModelInfo info = modelInfoFromMap(info_);
    const EnergyModel em = energy_model();
    auto clampCtx = [this](int n) { return std::max(1, contextSize_ > 0 ? std::min(n, contextSize_) : n); };
    // This token (or, before the answer, the next one) and the answer's first and last: the
    // energy of a token grows linearly with its context, so the answer is n x their mean.
    const int now = clampCtx(answerContext_ + std::max(tokens, 1));
    const int first = clampCtx(answerContext_ + 1);
    const PerToken t = perToken(info, Precision::Ternary, now, em);
    const PerToken f = perToken(info, Precision::Fp16, now, em);
    auto answer = [&](Precision p) {
        if (tokens <= 0) return 0.0;
        return tokens * (perToken(info, p, first, em).energy.total() + perToken(info, p, now, em).energy.total()) / 2;
    };
    const double ternaryWeights = double(info.weight_bytes);
    const double fp16Weights = double(info.weight_bytes - std::min(info.weight_bytes, info.ternary_bytes)) +
                               2.0 * tern::projection_parameters(info);

    QVariantMap e;
    e[QStringLiteral("label")] = tr("estimated");
    e[QStringLiteral("source")] = QString::fromStdString(em.source);
    e[QStringLiteral("contextTokens")] = now;
    e[QStringLiteral("ternaryJPerToken")] = t.energy.total();
    e[QStringLiteral("fp16JPerToken")] = f.energy.total();
    e[QStringLiteral("ternaryComputeJPerToken")] = t.energy.compute_joules;
    e[QStringLiteral("ternaryMemoryJPerToken")] = t.energy.memory_joules;
    e[QStringLiteral("fp16ComputeJPerToken")] = f.energy.compute_joules;
    e[QStringLiteral("fp16MemoryJPerToken")] = f.energy.memory_joules;
    e[QStringLiteral("energyRatio")] = ratio(f.energy.total(), t.energy.total());
    e[QStringLiteral("ternaryAnswerJ")] = answer(Precision::Ternary);
    e[QStringLiteral("fp16AnswerJ")] = answer(Precision::Fp16);
    e[QStringLiteral("ternaryBytesPerToken")] = t.bytes;
    e[QStringLiteral("fp16BytesPerToken")] = f.bytes;
    e[QStringLiteral("bandwidthRatio")] = ratio(f.bytes, t.bytes);
    e[QStringLiteral("ternaryWeightBytes")] = ternaryWeights;
    e[QStringLiteral("fp16WeightBytes")] = fp16Weights;
    e[QStringLiteral("memoryRatio")] = ratio(fp16Weights, ternaryWeights);
    estimate_ = e;
    updateFp16();
}

void LiveMetrics::updateFp16() {
    QVariantMap c;
    const QVariantMap t = benchmark_.value(QStringLiteral("ternary")).toMap();
    const QVariantMap f = benchmark_.value(QStringLiteral("fp16")).toMap();
    if (t.value(QStringLiteral("tgTps")).toDouble() > 0 && f.value(QStringLiteral("tgTps")).toDouble() > 0) {
        const QString createdAt = benchmark_.value(QStringLiteral("createdAt")).toString();
        QDateTime when = QDateTime::fromString(createdAt, Qt::ISODateWithMs);
        if (!when.isValid()) when = QDateTime::fromString(createdAt, Qt::ISODate);
        const QString date = when.isValid() ? when.toLocalTime().date().toString(Qt::ISODate) : createdAt.left(10);
        c = benchmark_;
        c[QStringLiteral("mode")] = QStringLiteral("measured");
        c[QStringLiteral("date")] = date;
        c[QStringLiteral("label")] = tr("measured %1").arg(date);
    } else {
        c[QStringLiteral("mode")] = QStringLiteral("estimated");
        c[QStringLiteral("label")] = tr("estimated");
        for (const char* k : {"energyRatio", "memoryRatio", "bandwidthRatio", "ternaryWeightBytes", "fp16WeightBytes",
                              "ternaryJPerToken", "fp16JPerToken", "source"})
            c[QLatin1String(k)] = estimate_.value(QLatin1String(k));
    }
    fp16_ = c;
}

QVariantMap LiveMetrics::messageMetrics(const QVariantMap& s) const {
    QVariantMap m;
    for (const char* k : {"nPrompt", "nReused", "nGenerated", "prefillMs", "ttftMs", "decodeMs", "prefillTps",
                          "decodeTps", "stopReason", "nPast", "nCtx", "itlP50Ms", "itlP95Ms", "totalMs"})
        if (s.contains(QLatin1String(k))) m[QLatin1String(k)] = s.value(QLatin1String(k));
    m[QStringLiteral("rssBytes")] = rss_;
    m[QStringLiteral("backend")] = backend_;
    m[QStringLiteral("model")] = info_.value(QStringLiteral("name"));
    m[QStringLiteral("ternaryType")] = info_.value(QStringLiteral("ternaryType"));
    m[QStringLiteral("headType")] = headType();
    m[QStringLiteral("kvType")] = kvType();
    m[QStringLiteral("estimated")] = estimate_;  // never measured: the key says so
    if (measured_.value(QStringLiteral("tokens")).toInt() > 0)  // RAPL, where readable
        m[QStringLiteral("measured")] = QVariantMap{{QStringLiteral("raplJoules"), measured_.value(QStringLiteral("joules"))},
                                                    {QStringLiteral("raplTokens"), measured_.value(QStringLiteral("tokens"))},
                                                    {QStringLiteral("jPerToken"), measured_.value(QStringLiteral("jPerToken"))}};
    return m;
}

}  // namespace tern::app
