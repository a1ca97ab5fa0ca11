#include "LiveMetrics.h"

#include <QRegularExpression>

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

void LiveMetrics::setModel(const ModelSummary& model) {
    model_ = model;
    modelBytes_ = double(model.info.weight_bytes);
    kvBytes_ = double(model.kvBytes);
    contextSize_ = model.nCtx;
    backend_ = model.backend();
    contextUsed_ = 0;
    answerContext_ = 0;
    kvUsedBytes_ = 0;
    resetMeasured();
    updateEstimate(0);
    Q_EMIT modelChanged();
    Q_EMIT changed();
}

void LiveMetrics::clearModel() {
    model_ = {};
    modelBytes_ = kvBytes_ = kvUsedBytes_ = 0;
    contextSize_ = contextUsed_ = answerContext_ = 0;
    backend_.clear();
    estimate_.clear();
    benchmark_.clear();
    resetMeasured();
    clearTwin();
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
    m[QStringLiteral("available")] = model_.raplAvailable;
    m[QStringLiteral("why")] = model_.raplWhy;
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

void LiveMetrics::onTokens(int nGenerated, double sinceStartMs, int nPast, double kvUsedBytes) {
    if (generated_ == 0 && nGenerated > 0) ttft_ = sinceStartMs;  // provisional until finish
    generated_ = nGenerated;
    if (nPast >= 0) contextUsed_ = nPast;
    if (kvUsedBytes >= 0) kvUsedBytes_ = kvUsedBytes;
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

void LiveMetrics::finishAnswer(const GenerationStats& s) {
    if (s.timed()) {
        ttft_ = s.ttftMs;
        prefillTps_ = s.prefillTps;
        promptTokens_ = s.nPrompt;
        tps_ = s.decodeTps;
        itlP50_ = s.itlP50Ms;
        itlP95_ = s.itlP95Ms;
        contextUsed_ = s.nPast;
        kvUsedBytes_ = double(s.kvUsedBytes);
        kvBytes_ = double(s.kvBytes);
        answerContext_ = std::max(0, s.nPast - s.nGenerated);
    } else if (s.stopReason == StopReason::ContextFull) {
        contextUsed_ = contextSize_;  // the conversation did not fit (Stop): the meter says full, not 0
    }
    generated_ = s.nGenerated;
    stopReason_ = stopReasonKey(s.stopReason);
    if (s.raplJoules >= 0) onEnergyMeasured(s.raplJoules, s.raplTokens);
    updateEstimate(generated_);
    Q_EMIT changed();
}

void LiveMetrics::updateEstimate(int tokens) {
    if (!model_.loaded()) return;
    const ModelInfo& info = model_.info;
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

QVariantMap LiveMetrics::messageMetrics(const GenerationStats& s) const {
    QVariantMap m;
    m[QStringLiteral("nGenerated")] = s.nGenerated;
    m[QStringLiteral("stopReason")] = stopReasonKey(s.stopReason);
    m[QStringLiteral("seed")] = QString::number(s.seed);  // as text: JSON numbers lose 64-bit seeds
    if (s.droppedMessages > 0) m[QStringLiteral("droppedMessages")] = s.droppedMessages;
    if (s.nCtx > 0) m[QStringLiteral("nCtx")] = s.nCtx;
    if (s.timed()) {
        m[QStringLiteral("nPrompt")] = s.nPrompt;
        m[QStringLiteral("nReused")] = s.nReused;
        m[QStringLiteral("prefillMs")] = s.prefillMs;
        m[QStringLiteral("ttftMs")] = s.ttftMs;
        m[QStringLiteral("decodeMs")] = s.decodeMs;
        m[QStringLiteral("prefillTps")] = s.prefillTps;
        m[QStringLiteral("decodeTps")] = s.decodeTps;
        m[QStringLiteral("nPast")] = s.nPast;
        m[QStringLiteral("totalMs")] = s.totalMs;
        if (s.itlP50Ms > 0) {
            m[QStringLiteral("itlP50Ms")] = s.itlP50Ms;
            m[QStringLiteral("itlP95Ms")] = s.itlP95Ms;
        }
    }
    m[QStringLiteral("rssBytes")] = rss_;
    m[QStringLiteral("backend")] = backend_;
    m[QStringLiteral("model")] = model_.name();
    m[QStringLiteral("ternaryType")] = model_.ternaryType();
    m[QStringLiteral("headType")] = headType();
    m[QStringLiteral("kvType")] = kvType();
    m[QStringLiteral("estimated")] = estimate_;  // never measured: the key says so
    if (measured_.value(QStringLiteral("tokens")).toInt() > 0)  // RAPL, where readable
        m[QStringLiteral("measured")] = QVariantMap{{QStringLiteral("raplJoules"), measured_.value(QStringLiteral("joules"))},
                                                    {QStringLiteral("raplTokens"), measured_.value(QStringLiteral("tokens"))},
                                                    {QStringLiteral("jPerToken"), measured_.value(QStringLiteral("jPerToken"))}};
    return m;
}

QVariantMap LiveMetrics::compareAnswers(const QString& own, const QString& twin) {
    const QStringList a = own.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    const QStringList b = twin.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    int agree = 0;
    while (agree < a.size() && agree < b.size() && a[agree] == b[agree]) ++agree;
    const bool same = a == b;
    QVariantMap m;
    m[QStringLiteral("state")] = QStringLiteral("done");
    m[QStringLiteral("same")] = same;
    m[QStringLiteral("agreeingWords")] = agree;
    m[QStringLiteral("ownAnswer")] = own;
    m[QStringLiteral("twinAnswer")] = twin;
    m[QStringLiteral("summary")] = same ? tr("FP16 twin gives the same answer")
                                 : agree == 0 ? tr("FP16 twin differs from the first word")
                                 : agree == 1 ? tr("FP16 twin differs after 1 word")
                                              : tr("FP16 twin differs after %1 words").arg(agree);
    return m;
}

void LiveMetrics::setTwinRunning() {
    twin_ = {{QStringLiteral("state"), QStringLiteral("running")},
             {QStringLiteral("summary"), tr("Asking the FP16 twin the same question…")}};
    Q_EMIT twinChanged();
}

void LiveMetrics::setTwinAnswers(const QString& own, const QString& twin, const QString& error) {
    if (error.isEmpty()) {
        twin_ = compareAnswers(own, twin);
    } else {
        twin_ = {{QStringLiteral("state"), QStringLiteral("failed")}, {QStringLiteral("error"), error},
                 {QStringLiteral("summary"), tr("Could not compare with the FP16 twin: %1").arg(error)}};
    }
    Q_EMIT twinChanged();
}

void LiveMetrics::clearTwin() {
    if (twin_.isEmpty()) return;
    twin_.clear();
    Q_EMIT twinChanged();
}

}  // namespace tern::app
