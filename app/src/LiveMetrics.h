#pragma once
// The profiling panel's figures: the rolling tokens/s series while an answer streams, the last
// answer's timings, memory, and the FP16 comparison (estimated, see energy_estimate.h).
#include <QObject>
#include <QTimer>
#include <QVariantMap>

#include <deque>

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
    Q_PROPERTY(QVariantMap estimate READ estimate NOTIFY changed)
    Q_PROPERTY(double elapsedSeconds READ elapsedSeconds NOTIFY changed)
public:
    explicit LiveMetrics(QObject* parent = nullptr);

    void setModel(const QVariantMap& info);
    void clearModel();
    void beginAnswer();
    void onTokens(int nGenerated, double sinceStartMs);
    void finishAnswer(const QVariantMap& stats);
    // Per-message metrics to store with the answer (measured + estimated, clearly keyed).
    QVariantMap messageMetrics(const QVariantMap& stats) const;

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
    QVariantMap estimate() const { return estimate_; }
    double elapsedSeconds() const { return elapsed_; }

Q_SIGNALS:
    void changed();
    void rssChanged();
    void modelChanged();
    // A new point for the rolling chart: x seconds since the answer started, y tokens/s.
    void sampleAdded(double x, double y);
    void seriesCleared();

private:
    void updateEstimate(int tokens);

    QTimer rssTimer_;
    std::deque<std::pair<double, int>> window_;  // (ms, tokens) over the last second
    QVariantMap info_;
    double tps_ = 0, peak_ = 0, ttft_ = 0, prefillTps_ = 0, rss_ = 0, modelBytes_ = 0;
    double kvBytes_ = 0, kvUsedBytes_ = 0, elapsed_ = 0, itlP50_ = 0, itlP95_ = 0;
    int generated_ = 0, promptTokens_ = 0, contextUsed_ = 0, contextSize_ = 0;
    QString stopReason_, backend_;
    QVariantMap estimate_;
};

}  // namespace tern::app
