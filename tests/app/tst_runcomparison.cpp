// What the Compare and Sweep views chart (RunComparison) and its SVG export (ChartSvg), from rows
// built here the way BenchmarkHistory::runsInGroup hands them over: the labels name exactly what
// differs, runs without a metric are "not measured", sweep lines and roofs come out sorted, axes
// get round ticks, and the SVG parses with its axis labels, units and one path per series.
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include "ChartSvg.h"
#include "RunComparison.h"

using namespace tern::app;

namespace {

QVariantMap machine(const QString& cpu, const QString& isa = QStringLiteral("avx512vnni")) {
    return {{QStringLiteral("cpuModel"), cpu},
            {QStringLiteral("isa"), isa},
            {QStringLiteral("logicalCores"), 2},
            {QStringLiteral("physicalCores"), 2},
            {QStringLiteral("readBandwidth"), 2.0e10},
            {QStringLiteral("gpus"), QStringList{QStringLiteral("llvmpipe (cpu)")}},
            {QStringLiteral("rapl"), false}};
}

QVariantMap row(qint64 id, const QString& model, const QString& test, const QString& precision, double tps) {
    return {{QStringLiteral("id"), id},
            {QStringLiteral("createdAt"), QStringLiteral("2026-12-04T12:00:0%1.000Z").arg(id % 10)},
            {QStringLiteral("model"), QStringLiteral("/models/%1.gguf").arg(model)},
            {QStringLiteral("modelName"), model},
            {QStringLiteral("test"), test},
            {QStringLiteral("precision"), precision},
            {QStringLiteral("backend"), QStringLiteral("cpu-avx512vnni")},
            {QStringLiteral("head"), QStringLiteral("F16")},
            {QStringLiteral("kvType"), QStringLiteral("F16")},
            {QStringLiteral("threads"), 2},
            {QStringLiteral("nDepth"), 0},
            {QStringLiteral("tokensPerSecond"), tps},
            {QStringLiteral("ttftMs"), 12.5},
            {QStringLiteral("weightBytes"), 3.4e6},
            {QStringLiteral("kvBytes"), 1.0e6},
            {QStringLiteral("joulesPerTokenEst"), 2.5e-4},
            {QStringLiteral("joulesPerTokenMeasured"), -1.0},
            {QStringLiteral("machine"), machine(QStringLiteral("AMD EPYC 9B14"))}};
}

QStringList labelsOf(const QVariantList& bars) {
    QStringList out;
    for (const QVariant& b : bars) out << b.toMap().value(QStringLiteral("label")).toString();
    return out;
}

QVariantMap sweepRow(qint64 id, const QString& axis, int value, const QString& series, const QString& test, double tps,
                     double roof) {
    QVariantMap r = row(id, QStringLiteral("demo-ternary"), test, series.section(QLatin1Char(' '), 0, 0), tps);
    r[QStringLiteral("sweep")] = axis;
    r[QStringLiteral("sweepValue")] = value;
    r[QStringLiteral("series")] = series;
    r[QStringLiteral("roofTokensPerSecond")] = roof;
    return r;
}

// Every <text> of a class, and the number of <path>s of a class, in an SVG document; false when
// it does not parse.
bool readSvg(const QString& svg, QMultiHash<QString, QString>* texts, QHash<QString, int>* paths) {
    QXmlStreamReader x(svg);
    bool sawSvg = false;
    while (!x.atEnd()) {
        x.readNext();
        if (!x.isStartElement()) continue;
        const QString cls = x.attributes().value(QStringLiteral("class")).toString();
        if (x.name() == QLatin1String("svg"))
            sawSvg = true;
        else if (x.name() == QLatin1String("path"))
            (*paths)[cls] += 1;
        else if (x.name() == QLatin1String("text"))
            texts->insert(cls, x.readElementText());
    }
    return sawSvg && !x.hasError();
}

}  // namespace

class TestRunComparison : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void niceAxisTicks() {
        AxisTicks a = RunComparison::niceAxis(0, 47.3);
        QCOMPARE(a.min, 0.0);
        QCOMPARE(a.max, 50.0);
        QCOMPARE(a.step, 10.0);
        QCOMPARE(a.labels, (QStringList{"0", "10", "20", "30", "40", "50"}));
        a = RunComparison::niceAxis(0, 0.73);
        QCOMPARE(a.step, 0.2);
        QCOMPARE(a.max, 0.8);
        QCOMPARE(a.labels.front(), QStringLiteral("0.0"));
        QCOMPARE(a.labels.back(), QStringLiteral("0.8"));
        a = RunComparison::niceAxis(0, 1024, 6);  // pp 16..1024
        QCOMPARE(a.step, 250.0);
        QCOMPARE(a.max, 1250.0);
        QCOMPARE(a.labels.back(), QStringLiteral("1250"));
        a = RunComparison::niceAxis(0, 1.1, 6);
        QCOMPARE(a.step, 0.25);
        QCOMPARE(a.labels, (QStringList{"0.00", "0.25", "0.50", "0.75", "1.00", "1.25"}));
        a = RunComparison::niceAxis(0, 2, 6, true);  // threads 1, 2: no half threads
        QCOMPARE(a.ticks, (QVector<double>{0, 1, 2}));
        a = RunComparison::niceAxis(0, 8, 6);  // threads 1..8
        QCOMPARE(a.step, 2.0);
        QCOMPARE(a.ticks, (QVector<double>{0, 2, 4, 6, 8}));
        a = RunComparison::niceAxis(12, 12);  // one value: a range around it
        QVERIFY(a.min <= 12 && a.max > 12);
        a = RunComparison::niceAxis(-3, 7, 3);
        QVERIFY(a.min <= -3 && a.max >= 7 && a.ticks.size() <= 3);
        a = RunComparison::niceAxis(0, std::numeric_limits<double>::infinity());
        QCOMPARE(a.max, 1.0);  // nonsense in, a usable axis out
    }

    // Three runs that differ in model and precision only: the labels say exactly that, the
    // caption says what they share.
    void labelsNameWhatDiffers() {
        const QVariantList rows = {
            row(1, QStringLiteral("demo-ternary"), QStringLiteral("tg32"), QStringLiteral("ternary"), 410),
            row(2, QStringLiteral("demo-ternary"), QStringLiteral("tg32"), QStringLiteral("fp16"), 150),
            row(3, QStringLiteral("2b4t"), QStringLiteral("tg32"), QStringLiteral("ternary"), 9.5)};
        const QVariantMap c = RunComparison::compare(rows, RunComparison::DecodeTokensPerSecond);
        const QVariantList bars = c.value(QStringLiteral("bars")).toList();
        QCOMPARE(labelsOf(bars),
                 (QStringList{QStringLiteral("demo-ternary · ternary"), QStringLiteral("demo-ternary · fp16"),
                              QStringLiteral("2b4t · ternary")}));
        const QString caption = c.value(QStringLiteral("caption")).toString();
        QVERIFY2(
            caption.startsWith(QStringLiteral("all: tg32, cpu-avx512vnni, AMD EPYC 9B14, 2 threads, head F16, KV F16")),
            qPrintable(caption));
        QVERIFY(!caption.contains(QStringLiteral("ternary")));
        QCOMPARE(bars[2].toMap().value(QStringLiteral("valueText")).toString(), QStringLiteral("9.50 tokens/s"));
        QCOMPARE(bars[0].toMap().value(QStringLiteral("valueText")).toString(), QStringLiteral("410 tokens/s"));
        QCOMPARE(bars[1].toMap().value(QStringLiteral("runId")).toLongLong(), 2);
        QCOMPARE(c.value(QStringLiteral("unit")).toString(), QStringLiteral("tokens/s"));
        const QVariantMap axis = c.value(QStringLiteral("axis")).toMap();
        QCOMPARE(axis.value(QStringLiteral("min")).toDouble(), 0.0);
        QCOMPARE(axis.value(QStringLiteral("max")).toDouble(), 500.0);

        // The same file benchmarked in the app (internal name "tern-demo-ternary") and imported
        // from `tern-cli bench --json` (only its file name) is one model, not a difference.
        {
            QVariantMap app = row(6, QStringLiteral("demo-ternary"), QStringLiteral("tg32"), QStringLiteral("ternary"), 400);
            app[QStringLiteral("modelName")] = QStringLiteral("tern-demo-ternary");
            app[QStringLiteral("modelFile")] = QStringLiteral("demo-ternary.gguf");
            QVariantMap imported = row(7, QStringLiteral("demo-ternary"), QStringLiteral("tg32"), QStringLiteral("fp16"), 200);
            imported[QStringLiteral("model")] = QString();
            imported[QStringLiteral("modelFile")] = QStringLiteral("demo-ternary.gguf");
            const QVariantMap both = RunComparison::compare({app, imported}, RunComparison::DecodeTokensPerSecond);
            QCOMPARE(labelsOf(both.value(QStringLiteral("bars")).toList()),
                     (QStringList{QStringLiteral("ternary"), QStringLiteral("fp16")}));
            QVERIFY2(both.value(QStringLiteral("caption")).toString().contains(QStringLiteral("demo-ternary")),
                     qPrintable(both.value(QStringLiteral("caption")).toString()));
        }

        // Threads and the machine differ: each appears once it differs, the rest stays shared.
        QVariantMap a = row(4, QStringLiteral("demo-ternary"), QStringLiteral("tg32"), QStringLiteral("ternary"), 300);
        QVariantMap b = a;
        b[QStringLiteral("id")] = 5;
        b[QStringLiteral("threads")] = 1;
        b[QStringLiteral("machine")] = machine(QStringLiteral("Intel Core i7-1185G7"), QStringLiteral("avx512vnni"));
        const QStringList two = labelsOf(RunComparison::compare({a, b}, RunComparison::DecodeTokensPerSecond)
                                             .value(QStringLiteral("bars"))
                                             .toList());
        QCOMPARE(two, (QStringList{QStringLiteral("AMD EPYC 9B14 · 2 threads"),
                                   QStringLiteral("Intel Core i7-1185G7 · 1 thread")}));

        // A Vulkan run names its GPU; the CPU run beside it does not get one.
        QVariantMap gpu = a;
        gpu[QStringLiteral("id")] = 6;
        gpu[QStringLiteral("backend")] = QStringLiteral("vulkan");
        const QStringList cv = labelsOf(RunComparison::compare({a, gpu}, RunComparison::DecodeTokensPerSecond)
                                            .value(QStringLiteral("bars"))
                                            .toList());
        QCOMPARE(cv, (QStringList{QStringLiteral("cpu-avx512vnni"), QStringLiteral("vulkan · llvmpipe (cpu)")}));
        gpu[QStringLiteral("backend")] =
            QStringLiteral("vulkan (llvmpipe)");  // the backend names its device: said once
        const QStringList named = labelsOf(RunComparison::compare({a, gpu}, RunComparison::DecodeTokensPerSecond)
                                               .value(QStringLiteral("bars"))
                                               .toList());
        QCOMPARE(named, (QStringList{QStringLiteral("cpu-avx512vnni"), QStringLiteral("vulkan (llvmpipe)")}));

        // Runs alike in everything labels show: told apart by their time, then by id.
        QVariantMap again = a;
        again[QStringLiteral("id")] = 7;
        again[QStringLiteral("createdAt")] = QStringLiteral("2026-12-04T12:30:00.000Z");
        const QStringList tied = labelsOf(RunComparison::compare({a, again}, RunComparison::DecodeTokensPerSecond)
                                              .value(QStringLiteral("bars"))
                                              .toList());
        QCOMPARE(tied.size(), 2);
        QVERIFY(tied[0] != tied[1]);
        again[QStringLiteral("createdAt")] = a.value(QStringLiteral("createdAt"));
        const QStringList byId = labelsOf(RunComparison::compare({a, again}, RunComparison::DecodeTokensPerSecond)
                                              .value(QStringLiteral("bars"))
                                              .toList());
        QCOMPARE(byId, (QStringList{QStringLiteral("#4"), QStringLiteral("#7")}));

        // One run alone: named by model and test.
        QCOMPARE(labelsOf(RunComparison::compare({a}, RunComparison::DecodeTokensPerSecond)
                              .value(QStringLiteral("bars"))
                              .toList()),
                 QStringList{QStringLiteral("demo-ternary · tg32")});
    }

    void notMeasuredIsListedNotDrawn() {
        QVariantMap pp =
            row(1, QStringLiteral("demo-ternary"), QStringLiteral("pp64"), QStringLiteral("ternary"), 2000);
        QVariantMap tg = row(2, QStringLiteral("demo-ternary"), QStringLiteral("tg32"), QStringLiteral("ternary"), 400);
        QVariantMap tgRapl =
            row(3, QStringLiteral("demo-ternary"), QStringLiteral("tg32"), QStringLiteral("fp16"), 150);
        tgRapl[QStringLiteral("joulesPerTokenMeasured")] = 3.2e-3;
        QVariantMap c = RunComparison::compare({pp, tg, tgRapl}, RunComparison::DecodeTokensPerSecond);
        QCOMPARE(c.value(QStringLiteral("bars")).toList().size(), 2);
        const QVariantList missing = c.value(QStringLiteral("notMeasured")).toList();
        QCOMPARE(missing.size(), 1);
        QCOMPARE(missing[0].toMap().value(QStringLiteral("runId")).toLongLong(), 1);
        QCOMPARE(missing[0].toMap().value(QStringLiteral("label")).toString(), QStringLiteral("pp64 · ternary"));

        c = RunComparison::compare({pp, tg, tgRapl}, RunComparison::JoulesPerTokenMeasured);
        const QVariantList bars = c.value(QStringLiteral("bars")).toList();
        QCOMPARE(bars.size(), 1);  // < 0: RAPL not readable, not "0 J"
        QCOMPARE(c.value(QStringLiteral("unit")).toString(), QStringLiteral("mJ/token"));
        QCOMPARE(bars[0].toMap().value(QStringLiteral("value")).toDouble(), 3.2);
        QCOMPARE(bars[0].toMap().value(QStringLiteral("valueText")).toString(), QStringLiteral("3.20 mJ/token"));
        QCOMPARE(c.value(QStringLiteral("notMeasured")).toList().size(), 2);

        c = RunComparison::compare({pp, tg}, RunComparison::Memory);
        QCOMPARE(c.value(QStringLiteral("unit")).toString(), QStringLiteral("MB"));
        QCOMPARE(c.value(QStringLiteral("bars")).toList()[0].toMap().value(QStringLiteral("valueText")).toString(),
                 QStringLiteral("4.40 MB"));
        QCOMPARE(c.value(QStringLiteral("bars")).toList()[0].toMap().value(QStringLiteral("value")).toDouble(), 4.4);

        c = RunComparison::compare({pp, tg}, RunComparison::Perplexity);
        QVERIFY(c.value(QStringLiteral("bars")).toList().isEmpty());
        QCOMPARE(c.value(QStringLiteral("notMeasured")).toList().size(), 2);
        QCOMPARE(c.value(QStringLiteral("axis")).toMap().value(QStringLiteral("max")).toDouble(), 1.0);

        c = RunComparison::compare({pp, tg}, RunComparison::TimeToFirstToken);
        QCOMPARE(c.value(QStringLiteral("bars")).toList().size(), 2);
        QCOMPARE(c.value(QStringLiteral("bars")).toList()[0].toMap().value(QStringLiteral("valueText")).toString(),
                 QStringLiteral("12.5 ms"));
    }

    // A threads sweep, stored in the order the points finished: a decode chart with one line and
    // one roof per series, a prefill chart without roofs, points sorted by threads.
    void sweepLinesAndRoofs() {
        const QVariantList rows = {
            sweepRow(1, QStringLiteral("threads"), 2, QStringLiteral("ternary cpu"), QStringLiteral("tg32"), 480, 9000),
            sweepRow(2, QStringLiteral("threads"), 2, QStringLiteral("ternary cpu"), QStringLiteral("pp64"), 2400, 0),
            sweepRow(3, QStringLiteral("threads"), 1, QStringLiteral("ternary cpu"), QStringLiteral("tg32"), 300, 9000),
            sweepRow(4, QStringLiteral("threads"), 1, QStringLiteral("ternary cpu"), QStringLiteral("pp64"), 1300, 0),
            sweepRow(5, QStringLiteral("threads"), 1, QStringLiteral("fp16 cpu"), QStringLiteral("tg32"), 120,
                     0),  // roof unknown
            sweepRow(6, QStringLiteral("threads"), 2, QStringLiteral("fp16 cpu"), QStringLiteral("tg32"), 200, 2000),
        };
        const QVariantMap s = RunComparison::sweep(rows);
        QCOMPARE(s.value(QStringLiteral("axis")).toString(), QStringLiteral("threads"));
        const QVariantList charts = s.value(QStringLiteral("charts")).toList();
        QCOMPARE(charts.size(), 2);
        const QVariantMap decode = charts[0].toMap();
        QCOMPARE(decode.value(QStringLiteral("kind")).toString(), QStringLiteral("decode"));
        QCOMPARE(decode.value(QStringLiteral("xTitle")).toString(), QStringLiteral("threads"));
        QCOMPARE(decode.value(QStringLiteral("yTitle")).toString(), QStringLiteral("tokens/s"));
        const QVariantList series = decode.value(QStringLiteral("series")).toList();
        QCOMPARE(series.size(), 2);
        const QVariantMap ternary = series[0].toMap();
        QCOMPARE(ternary.value(QStringLiteral("name")).toString(), QStringLiteral("ternary cpu"));
        const QVariantList pts = ternary.value(QStringLiteral("points")).toList();
        QCOMPARE(pts.size(), 2);
        QCOMPARE(pts[0].toMap().value(QStringLiteral("x")).toDouble(), 1.0);
        QCOMPARE(pts[0].toMap().value(QStringLiteral("y")).toDouble(), 300.0);
        QCOMPARE(pts[1].toMap().value(QStringLiteral("y")).toDouble(), 480.0);
        QCOMPARE(ternary.value(QStringLiteral("roof")).toList().size(), 2);
        const QVariantList fp16Roof = series[1].toMap().value(QStringLiteral("roof")).toList();
        QCOMPARE(fp16Roof.size(), 1);  // only where the roof is known
        QCOMPARE(fp16Roof[0].toMap().value(QStringLiteral("x")).toDouble(), 2.0);
        QCOMPARE(fp16Roof[0].toMap().value(QStringLiteral("y")).toDouble(), 2000.0);
        // The y axis reaches the highest roof, not only the points.
        QCOMPARE(decode.value(QStringLiteral("y")).toMap().value(QStringLiteral("max")).toDouble(), 10000.0);
        QCOMPARE(decode.value(QStringLiteral("x")).toMap().value(QStringLiteral("min")).toDouble(), 1.0);
        QCOMPARE(decode.value(QStringLiteral("x")).toMap().value(QStringLiteral("max")).toDouble(), 2.0);
        QCOMPARE(decode.value(QStringLiteral("x")).toMap().value(QStringLiteral("labels")).toStringList(),
                 (QStringList{"1", "2"}));

        const QVariantMap prefill = charts[1].toMap();
        QCOMPARE(prefill.value(QStringLiteral("kind")).toString(), QStringLiteral("prefill"));
        const QVariantList pSeries = prefill.value(QStringLiteral("series")).toList();
        QCOMPARE(pSeries.size(), 1);
        QVERIFY(pSeries[0].toMap().value(QStringLiteral("roof")).toList().isEmpty());
        QCOMPARE(pSeries[0]
                     .toMap()
                     .value(QStringLiteral("points"))
                     .toList()[1]
                     .toMap()
                     .value(QStringLiteral("y"))
                     .toDouble(),
                 2400.0);

        QCOMPARE(RunComparison::sweep({sweepRow(1, QStringLiteral("depth"), 0, QStringLiteral("ternary cpu"),
                                                QStringLiteral("tg32"), 400, 900)})
                     .value(QStringLiteral("xTitle"))
                     .toString(),
                 QStringLiteral("context depth (tokens)"));
        QCOMPARE(RunComparison::sweepAxisTitle(QStringLiteral("pp")), QStringLiteral("prompt length (tokens)"));
        // CPU against Vulkan in one group: the GPU line is named with its device.
        QVariantMap gpu =
            sweepRow(7, QStringLiteral("pp"), 64, QStringLiteral("ternary vulkan"), QStringLiteral("pp64"), 900, 0);
        gpu[QStringLiteral("backend")] = QStringLiteral("vulkan (llvmpipe (LLVM 15.0.6, 256 bits))");
        const QVariantList lines =
            RunComparison::sweep(
                {sweepRow(8, QStringLiteral("pp"), 64, QStringLiteral("ternary cpu"), QStringLiteral("pp64"), 2000, 0),
                 gpu})
                .value(QStringLiteral("charts"))
                .toList()
                .value(0)
                .toMap()
                .value(QStringLiteral("series"))
                .toList();
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0].toMap().value(QStringLiteral("name")).toString(), QStringLiteral("ternary cpu"));
        QCOMPARE(lines[1].toMap().value(QStringLiteral("name")).toString(),
                 QStringLiteral("ternary vulkan (llvmpipe (LLVM 15.0.6, 256 bits))"));
        QVERIFY(RunComparison::sweep({}).value(QStringLiteral("charts")).toList().isEmpty());
    }

    void barsSvgParses() {
        const QVariantList rows = {
            row(1, QStringLiteral("demo-ternary"), QStringLiteral("tg32"), QStringLiteral("ternary"), 410),
            row(2, QStringLiteral("demo-ternary"), QStringLiteral("tg32"), QStringLiteral("fp16"), 150),
            row(3, QStringLiteral("demo-<b>&\"x\""), QStringLiteral("pp64"), QStringLiteral("ternary"), 900)};
        const QVariantMap c = RunComparison::compare(rows, RunComparison::DecodeTokensPerSecond);
        QMultiHash<QString, QString> texts;
        QHash<QString, int> paths;
        QVERIFY(readSvg(ChartSvg::barsSvg(c), &texts, &paths));
        QCOMPARE(texts.values(QStringLiteral("bar-label")).size(), 2);
        QVERIFY(texts.values(QStringLiteral("bar-label")).contains(QStringLiteral("demo-ternary · tg32 · fp16")));
        QVERIFY(texts.values(QStringLiteral("value")).contains(QStringLiteral("410 tokens/s")));
        QCOMPARE(texts.values(QStringLiteral("axis-title")), QStringList{QStringLiteral("tokens/s")});
        QStringList ticks = texts.values(QStringLiteral("tick"));
        std::sort(ticks.begin(), ticks.end(),
                  [](const QString& a, const QString& b) { return a.toDouble() < b.toDouble(); });
        QCOMPARE(ticks, (QStringList{"0", "100", "200", "300", "400", "500"}));
        QCOMPARE(texts.values(QStringLiteral("not-measured")),
                 QStringList{QStringLiteral("demo-<b>&\"x\" · pp64 · ternary")});
        QCOMPARE(texts.value(QStringLiteral("title")), QStringLiteral("Decode speed (tg)"));
        QVERIFY(ChartSvg::barsSvg(c, true).contains(QStringLiteral("#1c2027")));  // the dark surface
    }

    void linesSvgParsesAndWrites() {
        const QVariantList rows = {
            sweepRow(1, QStringLiteral("depth"), 0, QStringLiteral("ternary cpu"), QStringLiteral("tg32"), 480, 9000),
            sweepRow(2, QStringLiteral("depth"), 256, QStringLiteral("ternary cpu"), QStringLiteral("tg32"), 400, 7000),
            sweepRow(3, QStringLiteral("depth"), 0, QStringLiteral("fp16 cpu"), QStringLiteral("tg32"), 150, 2000),
            sweepRow(4, QStringLiteral("depth"), 256, QStringLiteral("fp16 cpu"), QStringLiteral("tg32"), 140, 1900),
        };
        const QVariantMap chart = RunComparison::sweep(rows).value(QStringLiteral("charts")).toList().value(0).toMap();
        QMultiHash<QString, QString> texts;
        QHash<QString, int> paths;
        QVERIFY(readSvg(ChartSvg::linesSvg(chart), &texts, &paths));
        QCOMPARE(paths.value(QStringLiteral("series")), 2);
        QCOMPARE(paths.value(QStringLiteral("roof")), 2);
        const QStringList titles = texts.values(QStringLiteral("axis-title"));
        QVERIFY(titles.contains(QStringLiteral("context depth (tokens)")));
        QVERIFY(titles.contains(QStringLiteral("tokens/s")));
        const QStringList legend = texts.values(QStringLiteral("legend"));
        QVERIFY(legend.contains(QStringLiteral("ternary cpu")) && legend.contains(QStringLiteral("fp16 cpu roof")));
        QVERIFY(texts.values(QStringLiteral("tick")).contains(QStringLiteral("200")));  // x: 0..256 -> 0, 100, 200, 300

        QTemporaryDir dir;
        ChartSvg svg;
        const QString file = dir.path() + QStringLiteral("/depth.svg");
        QVERIFY(svg.writeLines(chart, QUrl::fromLocalFile(file).toString()));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(readSvg(QString::fromUtf8(f.readAll()), &texts, &paths));
        QVERIFY(!svg.writeLines(chart, dir.path() + QStringLiteral("/no/such/dir/x.svg")));
        QVERIFY(svg.lastError().contains(QStringLiteral("no/such/dir")));
        QVERIFY(!svg.writeLines({}, dir.path() + QStringLiteral("/empty.svg")));  // nothing to draw: refused, said why
        QVERIFY(svg.lastError().contains(QStringLiteral("nothing to export")));
        QVERIFY(!QFile::exists(dir.path() + QStringLiteral("/empty.svg")));
    }
};

QTEST_GUILESS_MAIN(TestRunComparison)
#include "tst_runcomparison.moc"
