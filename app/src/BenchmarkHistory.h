#pragma once
// The Benchmark page's history: every stored result of tern::bench (benchmark_runs rows of kind
// "bench"), the ternary-versus-FP16 comparison of one run, and the CSV export.
//
// A result's metrics (the keys EngineWorker::runBenchmark stores):
//   batch (one click of Run: all its tests and precisions), modelName, test ("pp128", "tg64"),
//   precision ("ternary", "fp16"), backend, head, kvType ("F16", "F32", "Q8_0"), threads, nTokens,
//   tokensPerSecond, stddev, ttftMs, loadMs, peakRssBytes, weightBytes, kvBytes, bytesPerToken, gbPerSecond,
//   joulesPerTokenEst (ESTIMATED, energy model), joulesPerTokenMeasured (MEASURED, RAPL; < 0 when
//   it could not be read), nPrompt, nGen, repetitions; the quality test ("ppl@c256") also
//   perplexity (nTokens: the tokens it scored) and qualityText (the text file's name). Precision
//   "fp16-twin" is a separately trained FP16 model (the demo's twin). Rows stored before quality
//   existed simply lack these keys: the metrics are JSON, so no schema change was needed.
// Since run groups (schema 6) every row also has: batch = its run group's id (benchmark_groups;
//   for a sweep or an import tern's BenchResult::group), nDepth, series (the chart line: "ternary
//   cpu", "fp16 vulkan"), roofTokensPerSecond (measured read bandwidth / bytes per token; 0 =
//   unknown), roofFraction, deviceMemoryBytes, modelType ("bitnet-b1.58 5.78M I2_S"), modelArch,
//   modelFile, modelParams, modelSize, testTime, samplesNs (each repetition's ns), source ("app"
//   or "import"), importedFrom (the file's name, imports only) and machine (machineToMap in
//   EngineTypes.h: {cpuModel, isa, logicalCores, physicalCores, readBandwidth, gpus, rapl,
//   raplReason}); in a sweep sweep ("threads", "pp", "depth") and sweepValue, absent outside one.
#include <QAbstractListModel>
#include <QVariantMap>
#include <QVector>

#include "Database.h"

namespace tern::app {

// RFC 4180 CSV of the results, oldest first, with a header row. Numbers use '.' whatever the
// locale; an unavailable measurement is an empty field; text a spreadsheet would run as a formula
// (starting with = + - @) is prefixed with a quote.
QString benchmarkCsv(const QVector<BenchmarkRunRow>& rows);

class BenchmarkHistory : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(QString latestBatch READ latestBatch NOTIFY countChanged)
public:
    enum Roles {
        IdRole = Qt::UserRole + 1, CreatedAtRole, BatchRole, ModelRole, ModelPathRole, TestRole, PrecisionRole,
        BackendRole, HeadRole, ThreadsRole, TokensPerSecondRole, StddevRole, TtftMsRole, PeakRssRole, MemoryRole,
        JoulesEstRole, JoulesMeasuredRole, PerplexityRole  // 0 for the speed tests
    };

    explicit BenchmarkHistory(QObject* parent = nullptr);

    // Newest first in the view.
    void setRuns(const QVector<BenchmarkRunRow>& oldestFirst);
    const QVector<BenchmarkRunRow>& runs() const { return runs_; }  // oldest first
    QString latestBatch() const;

    // Ternary against FP16 for one batch (a click of Run), from its tg (decode) and pp results:
    // {batch, model, createdAt, backend, head, threads, kvType, tgTest, ppTest, ternary: {tgTps, ppTps, memoryBytes, peakRssBytes, joulesEst,
    // joulesMeasured}, fp16: {...}, speedup, memoryRatio, energyRatioEst, energyRatioMeasured}.
    // With the quality test: pplTest, qualityText, and ppl, pplTokens in each side; the FP16
    // twin's side is twin: {...}.
    // A precision that did not run is missing; a ratio that cannot be formed is 0.
    Q_INVOKABLE QVariantMap comparison(const QString& batch) const;
    // The newest batch that benchmarked the model file at `modelPath` (the same file, however the
    // path is spelled) in both precisions with a generation (tg) test; "" when there is none.
    Q_INVOKABLE QString latestBatchWithBoth(const QString& modelPath) const;

    // The run groups, oldest first (Database::benchmarkGroups()).
    void setGroups(const QVector<BenchmarkGroupRow>& oldestFirst);
    const QVector<BenchmarkGroupRow>& groupRows() const { return groups_; }
    // Newest first: {id, kind, axis, label, createdAt, state, machineSummary (tern::machine_summary;
    // "" when the group's machine was not recorded), runCount}.
    Q_INVOKABLE QVariantList groups() const;
    // The group's rows in the order they ran, each {id, ...every metrics key, createdAt, model
    // (the model file's path; an import's file name)}.
    Q_INVOKABLE QVariantList runsInGroup(const QString& groupId) const;
    // One row the same way; {} when there is none with this id.
    Q_INVOKABLE QVariantMap run(qint64 id) const;
    // The stored rows with these ids, oldest first (unknown ids are left out).
    QVector<BenchmarkRunRow> rowsWithIds(const QVariantList& ids) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void countChanged();
    // Emitted whenever the groups or the rows change.
    void groupsChanged();

private:
    QVector<BenchmarkRunRow> runs_;  // oldest first
    QVector<BenchmarkGroupRow> groups_;  // oldest first
};

}  // namespace tern::app
