#include "LiveMetrics.h"

#include "ProcessStats.h"
#include "energy_estimate.h"

namespace tern::app {

LiveMetrics::LiveMetrics(QObject* parent) : QObject(parent) {
    rssTimer_.setInterval(1000);
    connect(&rssTimer_, &QTimer::timeout, this, [this] {
        rss_ = double(residentBytes());
        Q_EMIT rssChanged();
    });
    rssTimer_.start();
    rss_ = double(residentBytes());
}

void LiveMetrics::setModel(const QVariantMap& info) {
    info_ = info;
    modelBytes_ = info.value(QStringLiteral("weightBytes")).toDouble();
    kvBytes_ = info.value(QStringLiteral("kvBytes")).toDouble();
    contextSize_ = info.value(QStringLiteral("nCtx")).toInt();
    backend_ = info.value(QStringLiteral("backend")).toString();
    contextUsed_ = 0;
    kvUsedBytes_ = 0;
    updateEstimate(0);
    Q_EMIT modelChanged();
    Q_EMIT changed();
}

void LiveMetrics::clearModel() {
    info_.clear();
    modelBytes_ = kvBytes_ = kvUsedBytes_ = 0;
    contextSize_ = contextUsed_ = 0;
    backend_.clear();
    estimate_.clear();
    Q_EMIT modelChanged();
    Q_EMIT changed();
}

void LiveMetrics::beginAnswer() {
    window_.clear();
    tps_ = peak_ = ttft_ = prefillTps_ = elapsed_ = itlP50_ = itlP95_ = 0;
    generated_ = promptTokens_ = 0;
    stopReason_.clear();
    Q_EMIT seriesCleared();
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

void LiveMetrics::finishAnswer(const QVariantMap& s) {
    ttft_ = s.value(QStringLiteral("ttftMs"), ttft_).toDouble();
    prefillTps_ = s.value(QStringLiteral("prefillTps")).toDouble();
    promptTokens_ = s.value(QStringLiteral("nPrompt")).toInt();
    generated_ = s.value(QStringLiteral("nGenerated"), generated_).toInt();
    if (s.contains(QStringLiteral("decodeTps"))) tps_ = s.value(QStringLiteral("decodeTps")).toDouble();
    stopReason_ = s.value(QStringLiteral("stopReason")).toString();
    itlP50_ = s.value(QStringLiteral("itlP50Ms")).toDouble();
    itlP95_ = s.value(QStringLiteral("itlP95Ms")).toDouble();
    if (s.contains(QStringLiteral("nPast"))) contextUsed_ = s.value(QStringLiteral("nPast")).toInt();
    if (s.contains(QStringLiteral("kvUsedBytes"))) kvUsedBytes_ = s.value(QStringLiteral("kvUsedBytes")).toDouble();
    if (s.contains(QStringLiteral("kvBytes"))) kvBytes_ = s.value(QStringLiteral("kvBytes")).toDouble();
    updateEstimate(generated_);
    Q_EMIT changed();
}

void LiveMetrics::updateEstimate(int tokens) {
    if (info_.isEmpty()) return;
    estimate::ModelShape shape;
    shape.parameters = info_.value(QStringLiteral("parameters")).toULongLong();
    shape.weight_bytes = info_.value(QStringLiteral("weightBytes")).toULongLong();
    shape.kv_bytes_per_token = info_.value(QStringLiteral("kvBytesPerToken")).toULongLong();
    const auto c = estimate::compare_with_fp16(shape, contextUsed_ + tokens);
    QVariantMap e;
    e[QStringLiteral("ternaryPjPerToken")] = c.ternary_pj_per_token;
    e[QStringLiteral("fp16PjPerToken")] = c.fp16_pj_per_token;
    e[QStringLiteral("energyRatio")] = c.energy_ratio;
    e[QStringLiteral("ternaryAnswerJ")] = estimate::joules(c.ternary_pj_per_token, tokens);
    e[QStringLiteral("fp16AnswerJ")] = estimate::joules(c.fp16_pj_per_token, tokens);
    e[QStringLiteral("ternaryWeightBytes")] = double(c.ternary_weight_bytes);
    e[QStringLiteral("fp16WeightBytes")] = double(c.fp16_weight_bytes);
    e[QStringLiteral("memoryRatio")] = c.memory_ratio;
    e[QStringLiteral("bandwidthRatio")] = c.bandwidth_ratio;
    estimate_ = e;
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
    m[QStringLiteral("estimated")] = estimate_;  // never measured: the key says so
    return m;
}

}  // namespace tern::app
