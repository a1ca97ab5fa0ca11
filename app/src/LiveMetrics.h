#pragma once
// The profiling panel's figures: the rolling tokens/s series while an answer streams, the last
// answer's timings, memory, the energy of the answer (ESTIMATED with the engine's energy model,
// and MEASURED with RAPL where this machine lets us read it), and the comparison with the FP16
// baseline (MEASURED from a stored benchmark of this model file when there is one, else estimated).
//
// Everything here runs on the GUI thread from plain values the engine worker sent (the model's
// shape and byte counts, RAPL readings); the engine functions it calls (tern::ops_per_token,
// tern::estimate_energy) are pure arithmetic.
#include <QObject>
#include <QTimer>
#include <QVariantMap>

#include <deque>

#include "EngineTypes.h"

namespace tern::app {

class LiveMetrics : public QObject {
    Q_OBJECT
    Q_PROPERTY(double tokensPerSecond READ tokensPerSecond NOTIFY changed)
    Q_PROPERTY(double peakTokensPerSecond READ peakTokensPerSecond NOTIFY changed)
    Q_PROPERTY(double ttftMs READ ttftMs NOTIFY changed)
    Q_PROPERTY(double prefillTps READ prefillTps NOTIFY changed)
    Q_PROPERTY(int generated READ generated NOTIFY changed)
    Q_PROPERTY(double itlP50Ms READ itlP50Ms NOTIFY changed)   // inter-token latency of the last answer
    Q_PROPERTY(double itlP95Ms READ itlP95Ms NOTIFY changed)
    Q_PROPERTY(int promptTokens READ promptTokens NOTIFY changed)
    Q_PROPERTY(QString stopReason READ stopReason NOTIFY changed)
    Q_PROPERTY(double rssBytes READ rssBytes NOTIFY rssChanged)
    Q_PROPERTY(double modelBytes READ modelBytes NOTIFY modelChanged)
    Q_PROPERTY(double kvBytes READ kvBytes NOTIFY changed)
    Q_PROPERTY(double kvUsedBytes READ kvUsedBytes NOTIFY changed)
    Q_PROPERTY(int contextUsed READ contextUsed NOTIFY changed)
    Q_PROPERTY(int contextSize READ contextSize NOTIFY changed)
    Q_PROPERTY(QString backend READ backend NOTIFY modelChanged)
    // How the loaded model runs: the LM head's type ("F16", "Q8_0"), its bytes, and the KV cache's
    // type ("F16", "F32").
    Q_PROPERTY(QString headType READ headType NOTIFY modelChanged)
    Q_PROPERTY(double headBytes READ headBytes NOTIFY modelChanged)
    Q_PROPERTY(QString kvType READ kvType NOTIFY modelChanged)
    // ESTIMATED energy, this model in ternary and the same model in FP16, at the current context:
    // label ("estimated"), source (the energy model's references), contextTokens,
    // ternaryJPerToken, fp16JPerToken, energyRatio (fp16 / ternary), ternaryAnswerJ, fp16AnswerJ
    // (the answer so far), ternaryComputeJPerToken, ternaryMemoryJPerToken, fp16ComputeJPerToken,
    // fp16MemoryJPerToken, ternaryBytesPerToken, fp16BytesPerToken, bandwidthRatio,
    // ternaryWeightBytes, fp16WeightBytes, memoryRatio.
    Q_PROPERTY(QVariantMap estimate READ estimate NOTIFY changed)
    // MEASURED CPU package energy (RAPL) of this answer's decode: available, why (when not),
    // label ("measured"), joules, tokens, jPerToken (0 until two tokens came).
    Q_PROPERTY(QVariantMap measured READ measured NOTIFY changed)
    // Ternary against FP16 for the panel: mode "measured" (a stored benchmark of this model file in
    // both precisions) or "estimated"; label ("measured 2026-01-02" or "estimated"); measured:
    // createdAt, batch, tgTest, ternary/fp16 {tgTps, peakRssBytes, memoryBytes, joulesEst,
    // joulesMeasured (< 0: RAPL was not readable)}, speedup, memoryRatio, energyRatioEst,
    // energyRatioMeasured; estimated: energyRatio, memoryRatio, bandwidthRatio and the weights.
    Q_PROPERTY(QVariantMap fp16 READ fp16 NOTIFY changed)
    Q_PROPERTY(double elapsedSeconds READ elapsedSeconds NOTIFY changed)
    // "Same answers?" where the model has an FP16 twin (the demo pair): state ("" none, "running",
    // "done", "failed"), summary (for people), same, agreeingWords, ownAnswer, twinAnswer, error.
    Q_PROPERTY(QVariantMap twin READ twin NOTIFY twinChanged)
public:
    // The two greedy answers compared word by word (words: runs of non-space characters): the
    // twin map's done fields.
    static QVariantMap compareAnswers(const QString& own, const QString& twin);

    explicit LiveMetrics(QObject* parent = nullptr);

    void setModel(const ModelSummary& model);
    void clearModel();
    // A benchmark of the loaded model in both precisions (BenchmarkHistory::comparison), or {}.
    void setBenchmarkComparison(const QVariantMap& comparison);
    void beginAnswer();
    // The twin comparison of the last answer: started, its answers (error "" when it worked), none.
    void setTwinRunning();
    void setTwinAnswers(const QString& own, const QString& twin, const QString& error);
    void clearTwin();
    // The context the answer's first token sees (EngineWorker::generationStarted).
    void setAnswerContext(int contextTokens);
    // nPast and kvUsedBytes: the KV cache now (-1: unknown), so the context meter moves.
    void onTokens(int nGenerated, double sinceStartMs, int nPast = -1, double kvUsedBytes = -1);
    // RAPL joules over the decode so far and the tokens they paid for (EngineWorker::energyMeasured).
    void onEnergyMeasured(double joules, int tokens);
    void finishAnswer(const GenerationStats& stats);
    // Per-message metrics to store with the answer (measured + estimated, clearly keyed).
    QVariantMap messageMetrics(const GenerationStats& stats) const;

    double tokensPerSecond() const { return tps_; }
    double peakTokensPerSecond() const { return peak_; }
    double ttftMs() const { return ttft_; }
    double prefillTps() const { return prefillTps_; }
    int generated() const { return generated_; }
    double itlP50Ms() const { return itlP50_; }
    double itlP95Ms() const { return itlP95_; }
    int promptTokens() const { return promptTokens_; }
    QString stopReason() const { return stopReason_; }
    double rssBytes() const { return rss_; }
    double modelBytes() const { return modelBytes_; }
    double kvBytes() const { return kvBytes_; }
    double kvUsedBytes() const { return kvUsedBytes_; }
    int contextUsed() const { return contextUsed_; }
    int contextSize() const { return contextSize_; }
    QString backend() const { return backend_; }
    QString headType() const { return model_.loaded() ? model_.headType() : QString(); }
    double headBytes() const { return double(model_.info.head_bytes); }
    QString kvType() const { return model_.loaded() ? model_.kvType() : QString(); }
    QVariantMap estimate() const { return estimate_; }
    QVariantMap measured() const { return measured_; }
    QVariantMap fp16() const { return fp16_; }
    double elapsedSeconds() const { return elapsed_; }
    QVariantMap twin() const { return twin_; }

Q_SIGNALS:
    void changed();
    void rssChanged();
    void modelChanged();
    // A new point for the rolling chart: x seconds since the answer started, y tokens/s.
    void sampleAdded(double x, double y);
    void seriesCleared();
    void twinChanged();

private:
    void updateEstimate(int tokens);
    void updateFp16();
    void resetMeasured();

    QTimer rssTimer_;
    std::deque<std::pair<double, int>> window_;  // (ms, tokens) over the last second
    ModelSummary model_;
    double tps_ = 0, peak_ = 0, ttft_ = 0, prefillTps_ = 0, rss_ = 0, modelBytes_ = 0;
    double kvBytes_ = 0, kvUsedBytes_ = 0, elapsed_ = 0, itlP50_ = 0, itlP95_ = 0;
    int generated_ = 0, promptTokens_ = 0, contextUsed_ = 0, contextSize_ = 0;
    int answerContext_ = 0;  // the context the answer's first token sees
    QString stopReason_, backend_;
    QVariantMap estimate_, measured_, fp16_, benchmark_, twin_;
};

}  // namespace tern::app
