#pragma once
// What the Compare and Sweep views chart, worked out from stored benchmark rows (the QVariantMaps
// of BenchmarkHistory::runsInGroup / run: every metrics key plus id, createdAt, model): bars of
// one metric over chosen runs, each labelled with what differs between them, and a sweep group's
// lines with their roofs. Pure functions of the rows, so they are tested without QML; ChartSvg
// writes the same data as an SVG file.
#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QVariantList>
#include <QVariantMap>
#include <QVector>

namespace tern::app {

// A value axis: from min to max in steps of `step` (1, 2 or 5 times a power of ten), with the
// ticks' labels written with as many decimals as the step needs.
struct AxisTicks {
    double min = 0;
    double max = 1;
    double step = 0.2;
    QVector<double> ticks;
    QStringList labels;
    int decimals = 1;
    QVariantMap toMap() const;  // {min, max, step, ticks, labels, decimals, tickCount}
};

class RunComparison : public QObject {
    Q_OBJECT
    QML_ELEMENT
public:
    enum Metric {
        DecodeTokensPerSecond,   // tg tests
        PrefillTokensPerSecond,  // pp tests
        TimeToFirstToken,        // both (pp: the prompt's first token; tg: the first decoded token)
        Memory,                  // weights + KV cache
        JoulesPerTokenEstimated,
        JoulesPerTokenMeasured,  // RAPL; a run that could not read it is "not measured"
        Perplexity,              // ppl tests
    };
    Q_ENUM(Metric)

    using QObject::QObject;

    // The ticks of a value axis that shows lo..hi with at most maxTicks ticks (at least 2), its
    // ends on a tick; with integerSteps (threads, token counts) the step is a whole number. An
    // empty range gets one around its value, an inverted one is turned round.
    static AxisTicks niceAxis(double lo, double hi, int maxTicks = 6, bool integerSteps = false);
    Q_INVOKABLE static QVariantMap axis(double lo, double hi, int maxTicks = 6, bool integerSteps = false) {
        return niceAxis(lo, hi, maxTicks, integerSteps).toMap();
    }

    // One metric over the chosen rows:
    //   {metric, title, unit, axisTitle, caption, higherIsBetter,
    //    bars: [{label, value (in unit), valueText (with unit), runId}],   // in the rows' order
    //    notMeasured: [{label, runId}],                                    // rows without the metric
    //    axis: AxisTicks::toMap() from 0}
    // Each label names what differs between the rows (model, test, precision, backend, CPU, GPU,
    // threads, head, KV type, depth, date, imported file; then time, machine, id to break ties) and leaves out what
    // they share: the caption
    // ("all: demo-ternary, cpu-avx512vnni, 2 threads") says that once.
    Q_INVOKABLE static QVariantMap compare(const QVariantList& rows, int metric);

    // A sweep group's rows as line charts:
    //   {axis ("threads"|"pp"|"depth"), xTitle,
    //    charts: [{kind ("decode"|"prefill"), title, yTitle, xTitle,
    //              series: [{name, points: [{x, y}], roof: [{x, y}]}],  // roof: decode charts only
    //              x: AxisTicks, y: AxisTicks}]}
    // A decode chart when the rows have tg tests, a prefill chart when they have pp tests; points
    // sorted by x; a roof point only where the row's roofTokensPerSecond is known (> 0).
    Q_INVOKABLE static QVariantMap sweep(const QVariantList& rows);

    // The model a run measured, as its file is named (what bars and the run list call it).
    Q_INVOKABLE static QString modelOf(const QVariantMap& row);

    // Axis titles with their units.
    Q_INVOKABLE static QString sweepAxisTitle(const QString& axis);
    Q_INVOKABLE static QString metricTitle(int metric);
    // The colour of the n-th series or bar, in the light or dark theme (the QML charts and the SVG
    // export draw with the same ones).
    Q_INVOKABLE static QString seriesColor(int index, bool dark);
};

}  // namespace tern::app
