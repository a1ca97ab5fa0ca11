// The live metrics panel's numbers: the energy ESTIMATES come from the engine's energy model and
// follow the model's shape; the FP16 comparison shows a stored benchmark of the loaded file as
// MEASURED (with its date) and falls back to the estimate with a "Measure FP16" button; RAPL
// measurements or the reason they are missing; the LM head and KV cache settings reach the engine
// and reload the model.
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "AppContext.h"
#include "Alerts.h"
#include "Benchmarks.h"
#include "Conversations.h"
#include "ModelLibrary.h"
#include "ModelSession.h"
#include "ModelSources.h"
#include "Navigation.h"
#include "Database.h"
#include "LiveMetrics.h"
#include "Settings.h"
#include "UiLoader.h"
#include "quick_items.h"
#include "test_models.h"
#include "tern/model.h"
#include "tern/profile.h"

using namespace tern::app;

namespace {

// The official 2B4T shape: ternary projections at 2 bits a weight, an F16 head tied to the embedding.
ModelSummary shape2b4t(int nLayer = 30, const QString& head = QStringLiteral("F16")) {
    const uint64_t d = 2560, kv = 5 * 128, ff = 6912, vocab = 128256;
    const uint64_t projection = nLayer * (2 * d * d + 2 * d * kv + 3 * d * ff);
    const uint64_t headBytes = head == QLatin1String("Q8_0") ? vocab * d * 34 / 32 : vocab * d * 2;
    const uint64_t embedding = vocab * d * 2;
    ModelSummary m;
    tern::ModelInfo& i = m.info;
    i.path = "/models/2b4t.gguf";
    i.name = "2B4T";
    i.n_embd = int(d);
    i.n_layer = nLayer;
    i.n_head = 20;
    i.n_head_kv = 5;
    i.head_dim = 128;
    i.n_ff = int(ff);
    i.n_vocab = int(vocab);
    i.ternary_bytes = projection / 4;
    i.weight_bytes = projection / 4 + embedding + (head == QLatin1String("Q8_0") ? headBytes : 0);
    i.weight_bytes_per_token = projection / 4 + headBytes;
    i.head_type = head.toStdString();
    i.head_bytes = headBytes;
    i.kv_type = tern::KvType::F16;
    i.kv_bytes_per_token = uint64_t(2 * nLayer * 5 * 128 * 2);
    i.precision = tern::Precision::Ternary;
    m.nCtx = 4096;
    m.raplAvailable = false;
    m.raplWhy = QStringLiteral("readable by root only");
    return m;
}

double num(const QVariantMap& m, const char* key) { return m.value(QLatin1String(key)).toDouble(); }

BenchmarkRunRow benchRow(const QString& model, const QString& batch, const QString& precision, const QString& test,
                         double tps, double peak, double jEst, double jMeas) {
    BenchmarkRunRow r;
    r.model = model;
    r.createdAt = QStringLiteral("2026-01-02T12:00:00.000Z");
    r.kind = QStringLiteral("bench");
    r.metrics = {{QStringLiteral("batch"), batch},          {QStringLiteral("test"), test},
                 {QStringLiteral("precision"), precision},  {QStringLiteral("backend"), QStringLiteral("cpu-avx2")},
                 {QStringLiteral("head"), QStringLiteral("F16")}, {QStringLiteral("threads"), 2},
                 {QStringLiteral("tokensPerSecond"), tps},   {QStringLiteral("peakRssBytes"), peak},
                 {QStringLiteral("weightBytes"), peak / 2},  {QStringLiteral("kvBytes"), 1e6},
                 {QStringLiteral("joulesPerTokenEst"), jEst}, {QStringLiteral("joulesPerTokenMeasured"), jMeas}};
    return r;
}

}  // namespace

class TestLiveMetrics : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        setUpApplication();
        QSettings().clear();
    }

    // What a user checks: both precisions are estimated (and say so), the numbers are real, they
    // are the engine's energy model, and the ratio moves with the model's shape as it should.
    // The twin comparison's words: the same answer, or after how many words the two part.
    void twinAnswersComparedWordByWord() {
        auto summary = [](const char* a, const char* b) {
            return LiveMetrics::compareAnswers(QString::fromUtf8(a), QString::fromUtf8(b)).value(QStringLiteral("summary")).toString();
        };
        QCOMPARE(summary("A sheltered port.", "A sheltered port."), QStringLiteral("FP16 twin gives the same answer"));
        QCOMPARE(summary("A sheltered  port.\n", " A sheltered port."), QStringLiteral("FP16 twin gives the same answer"));
        QCOMPARE(summary("A sheltered port.", "A sheltered place."), QStringLiteral("FP16 twin differs after 2 words"));
        QCOMPARE(summary("A port.", "A place."), QStringLiteral("FP16 twin differs after 1 word"));
        QCOMPARE(summary("100ish or yellowish.", "uttering or unpented."), QStringLiteral("FP16 twin differs from the first word"));
        QCOMPARE(summary("A sheltered port.", "A sheltered port where ships dock."), QStringLiteral("FP16 twin differs after 2 words"));
        const QVariantMap m = LiveMetrics::compareAnswers(QStringLiteral("a b c"), QStringLiteral("a b d"));
        QCOMPARE(m.value(QStringLiteral("agreeingWords")).toInt(), 2);
        QCOMPARE(m.value(QStringLiteral("same")).toBool(), false);
        QCOMPARE(m.value(QStringLiteral("twinAnswer")).toString(), QStringLiteral("a b d"));
        QCOMPARE(LiveMetrics::compareAnswers({}, {}).value(QStringLiteral("same")).toBool(), true);
    }

    void estimatesComeFromTheEngineAndFollowTheShape() {
        LiveMetrics m;
        m.setModel(shape2b4t());
        m.beginAnswer();
        m.setAnswerContext(100);
        m.onTokens(20, 500);
        const QVariantMap e = m.estimate();
        QCOMPARE(e.value(QStringLiteral("label")).toString(), QStringLiteral("estimated"));
        QCOMPARE(m.fp16().value(QStringLiteral("label")).toString(), QStringLiteral("estimated"));
        QCOMPARE(m.fp16().value(QStringLiteral("mode")).toString(), QStringLiteral("estimated"));
        QCOMPARE(e.value(QStringLiteral("source")).toString(), QString::fromStdString(tern::energy_model().source));
        QVERIFY(!e.value(QStringLiteral("source")).toString().isEmpty());
        for (const char* k : {"ternaryJPerToken", "fp16JPerToken", "ternaryAnswerJ", "fp16AnswerJ", "energyRatio",
                              "memoryRatio", "bandwidthRatio", "ternaryComputeJPerToken", "ternaryMemoryJPerToken",
                              "fp16ComputeJPerToken", "fp16MemoryJPerToken"}) {
            const double v = num(e, k);
            QVERIFY2(std::isfinite(v) && v > 0, k);
        }

        // Exactly the engine's estimate for a ternary token at this context (100 + 20 tokens).
        const tern::ModelInfo info = shape2b4t().info;
        QCOMPARE(e.value(QStringLiteral("contextTokens")).toInt(), 120);
        const double bytes = double(info.weight_bytes_per_token) + double(info.kv_bytes_per_token) * 120;
        const double engine =
            tern::estimate_energy(tern::ops_per_token(info, tern::Precision::Ternary, 120), bytes, tern::energy_model()).total();
        QVERIFY(qFuzzyCompare(num(e, "ternaryJPerToken"), engine));
        // FP16 reads 2 bytes a projection weight plus the same head and cache: about 4x here.
        QVERIFY(num(e, "fp16JPerToken") > 3 * num(e, "ternaryJPerToken"));
        QVERIFY(num(e, "energyRatio") > 3 && num(e, "energyRatio") < 8);
        QVERIFY(num(e, "memoryRatio") > 2);
        // The answer: 20 tokens, each between the first's and the last's cost.
        QVERIFY(num(e, "ternaryAnswerJ") <= 20 * num(e, "ternaryJPerToken") * 1.0000001);
        QVERIFY(num(e, "ternaryAnswerJ") > 19 * num(e, "ternaryJPerToken"));

        auto ratioOf = [](const ModelSummary& info, int ctx) {
            LiveMetrics x;
            x.setModel(info);
            x.setAnswerContext(ctx);
            return x.estimate().value(QStringLiteral("energyRatio")).toDouble();
        };
        const double base = ratioOf(shape2b4t(), 1);
        // More layers: the projections (where ternary saves) grow, the float head does not.
        QVERIFY(ratioOf(shape2b4t(60), 1) > base);
        QVERIFY(ratioOf(shape2b4t(4), 1) < base);
        // A Q8_0 head shrinks what both read alike, so the gap widens.
        QVERIFY(ratioOf(shape2b4t(30, QStringLiteral("Q8_0")), 1) > base);
        // A long context adds KV reads both precisions share: the gap narrows.
        QVERIFY(ratioOf(shape2b4t(), 4000) < base);

        // No model, no numbers.
        m.clearModel();
        QVERIFY(m.estimate().isEmpty());
        QCOMPARE(m.fp16().value(QStringLiteral("label")).toString(), QStringLiteral("estimated"));
    }

    void raplMeasurementOrWhyNot() {
        LiveMetrics m;
        m.setModel(shape2b4t());
        QCOMPARE(m.measured().value(QStringLiteral("available")).toBool(), false);
        QCOMPARE(m.measured().value(QStringLiteral("why")).toString(), QStringLiteral("readable by root only"));

        ModelSummary readable = shape2b4t();
        readable.raplAvailable = true;
        readable.raplWhy.clear();
        m.setModel(readable);
        m.beginAnswer();
        QCOMPARE(num(m.measured(), "jPerToken"), 0.0);
        m.onEnergyMeasured(0.5, 10);
        QCOMPARE(m.measured().value(QStringLiteral("label")).toString(), QStringLiteral("measured"));
        QCOMPARE(num(m.measured(), "jPerToken"), 0.05);
        GenerationStats stats;
        stats.nGenerated = 12;
        stats.raplJoules = 0.66;
        stats.raplTokens = 11;
        m.finishAnswer(stats);
        QCOMPARE(num(m.measured(), "jPerToken"), 0.06);
        const QVariantMap stored = m.messageMetrics({});
        QCOMPARE(stored.value(QStringLiteral("measured")).toMap().value(QStringLiteral("raplJoules")).toDouble(), 0.66);
        QVERIFY(stored.value(QStringLiteral("estimated")).toMap().contains(QStringLiteral("energyRatio")));
        m.beginAnswer();  // a new answer starts from nothing
        QCOMPARE(num(m.measured(), "jPerToken"), 0.0);
        QVERIFY(!m.messageMetrics({}).contains(QStringLiteral("measured")));
    }

    void newestCompleteBenchmarkOfTheSameFile() {
        const QString file = dir_.path() + QStringLiteral("/m.gguf");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        BenchmarkHistory h;
        h.setRuns({benchRow(file, QStringLiteral("old"), QStringLiteral("ternary"), QStringLiteral("tg64"), 40, 1e9, 1e-3, -1),
                   benchRow(file, QStringLiteral("old"), QStringLiteral("fp16"), QStringLiteral("tg64"), 10, 4e9, 4e-3, -1),
                   benchRow(file, QStringLiteral("both"), QStringLiteral("ternary"), QStringLiteral("pp128"), 400, 1e9, 1e-4, -1),
                   benchRow(file, QStringLiteral("both"), QStringLiteral("ternary"), QStringLiteral("tg64"), 45, 1e9, 1e-3, -1),
                   benchRow(file, QStringLiteral("both"), QStringLiteral("fp16"), QStringLiteral("tg64"), 15, 4e9, 4e-3, -1),
                   benchRow(QStringLiteral("/elsewhere/m.gguf"), QStringLiteral("other"), QStringLiteral("ternary"), QStringLiteral("tg64"), 1, 1, 1, 1),
                   benchRow(QStringLiteral("/elsewhere/m.gguf"), QStringLiteral("other"), QStringLiteral("fp16"), QStringLiteral("tg64"), 1, 1, 1, 1),
                   benchRow(file, QStringLiteral("ternaryOnly"), QStringLiteral("ternary"), QStringLiteral("tg64"), 44, 1e9, 1e-3, -1)});
        QCOMPARE(h.latestBatchWithBoth(file), QStringLiteral("both"));
        QCOMPARE(h.latestBatchWithBoth(dir_.path() + QStringLiteral("/./m.gguf")), QStringLiteral("both"));  // same file
        QCOMPARE(h.latestBatchWithBoth(dir_.path() + QStringLiteral("/other.gguf")), QString());
        QCOMPARE(h.latestBatchWithBoth(QString()), QString());

        LiveMetrics m;
        m.setModel(shape2b4t());
        m.setBenchmarkComparison(h.comparison(QStringLiteral("both")));
        const QVariantMap c = m.fp16();
        QCOMPARE(c.value(QStringLiteral("mode")).toString(), QStringLiteral("measured"));
        QCOMPARE(c.value(QStringLiteral("label")).toString(), QStringLiteral("measured 2026-01-02"));
        QCOMPARE(c.value(QStringLiteral("fp16")).toMap().value(QStringLiteral("tgTps")).toDouble(), 15.0);
        QCOMPARE(c.value(QStringLiteral("speedup")).toDouble(), 3.0);
        // An incomplete run (ternary only) is no comparison.
        m.setBenchmarkComparison(h.comparison(QStringLiteral("ternaryOnly")));
        QCOMPARE(m.fp16().value(QStringLiteral("label")).toString(), QStringLiteral("estimated"));
    }

    // The panel, for real: a database holding a benchmark of the loaded file shows its measured
    // figures; another file shows the estimate and "Measure FP16" opens the Benchmark page on it.
    void panelShowsMeasuredFp16FromTheDatabase() {
        Settings settings;
        settings.setBackend(QStringLiteral("cpu"));
        settings.setThreads(2);
        settings.setModelsDir(dir_.path() + QStringLiteral("/models"));
        const QString model = dir_.path() + QStringLiteral("/measured.gguf");
        const QString other = dir_.path() + QStringLiteral("/unmeasured.gguf");
        QVERIFY(QFile::copy(tern::app::test::tinyModel(), model));
        QVERIFY(QFile::copy(tern::app::test::tinyModel(), other));

        Database db;
        QVERIFY(db.open(dir_.path() + QStringLiteral("/panel.sqlite")));
        for (const BenchmarkRunRow& r :
             {benchRow(model, QStringLiteral("b1"), QStringLiteral("ternary"), QStringLiteral("pp128"), 400, 3e8, 1e-4, 2e-4),
              benchRow(model, QStringLiteral("b1"), QStringLiteral("ternary"), QStringLiteral("tg64"), 45, 3e8, 2e-3, 0.02),
              benchRow(model, QStringLiteral("b1"), QStringLiteral("fp16"), QStringLiteral("pp128"), 300, 9e8, 5e-4, 6e-4),
              benchRow(model, QStringLiteral("b1"), QStringLiteral("fp16"), QStringLiteral("tg64"), 15, 9e8, 8e-3, 0.05)})
            QVERIFY(db.addBenchmarkRun(r.model, r.metrics, QStringLiteral("bench")));
        const QString today = QDateTime::fromString(db.benchmarkRuns().back().createdAt, Qt::ISODateWithMs)
                                  .toLocalTime().date().toString(Qt::ISODate);

        AppContext app(&settings, &db);
        QQmlApplicationEngine engine;
        QQuickWindow* window = loadMainWindow(engine, &app);
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        app.session()->load(model);
        QTRY_COMPARE_WITH_TIMEOUT(app.session()->state(), ModelSession::Ready, 60000);

        const QVariantMap c = app.metrics()->fp16();
        QCOMPARE(c.value(QStringLiteral("mode")).toString(), QStringLiteral("measured"));
        QCOMPARE(c.value(QStringLiteral("label")).toString(), QStringLiteral("measured %1").arg(today));
        const QVariantMap t = c.value(QStringLiteral("ternary")).toMap(), f = c.value(QStringLiteral("fp16")).toMap();
        QCOMPARE(t.value(QStringLiteral("tgTps")).toDouble(), 45.0);
        QCOMPARE(f.value(QStringLiteral("tgTps")).toDouble(), 15.0);
        QCOMPARE(f.value(QStringLiteral("peakRssBytes")).toDouble(), 9e8);
        QCOMPARE(f.value(QStringLiteral("joulesEst")).toDouble(), 8e-3);
        QCOMPARE(f.value(QStringLiteral("joulesMeasured")).toDouble(), 0.05);

        QQuickItem* section = nullptr;
        QTRY_VERIFY((section = firstItem(window->contentItem(), QStringLiteral("fp16Section"))) && section->isVisible());
        QCOMPARE(section->property("badge").toString(), QStringLiteral("MEASURED %1").arg(today));
        QVERIFY(firstItem(window->contentItem(), QStringLiteral("fp16Headline"))->property("text").toString().contains(QStringLiteral("3.0× faster")));
        QCOMPARE(firstItem(window->contentItem(), QStringLiteral("measureFp16Button"))->property("text").toString(), QStringLiteral("Measure again"));
        // The loaded model's head and KV cache types are on the panel.
        QTRY_COMPARE(firstItem(window->contentItem(), QStringLiteral("kvTile"))->property("unit").toString(), QStringLiteral("F16"));
        QVERIFY(!firstItem(window->contentItem(), QStringLiteral("headTile"))->property("value").toString().isEmpty());
        // RAPL: a measurement where readable, else the reason.
        const QVariantMap meas = app.metrics()->measured();
        QCOMPARE(meas.value(QStringLiteral("available")).toBool(), tern::RaplMeter().available());
        const QString raplText = firstItem(window->contentItem(), QStringLiteral("raplValue"))->property("text").toString();
        if (!meas.value(QStringLiteral("available")).toBool()) {
            QVERIFY(!meas.value(QStringLiteral("why")).toString().isEmpty());
            QCOMPARE(raplText, QStringLiteral("not readable"));
        } else {
            // Readable: joules per token once an answer ran, a dash before.
            QVERIFY2(raplText == QStringLiteral("—") || raplText.endsWith(QStringLiteral(" / token")), qPrintable(raplText));
        }
        if (const QByteArray out = qgetenv("TERN_TEST_SCREENSHOTS"); !out.isEmpty())
            window->grabWindow().save(QString::fromLocal8Bit(out) + QStringLiteral("/panel-measured.png"));

        // Another file: the estimate, and the button to measure it.
        app.session()->load(other);
        QTRY_COMPARE_WITH_TIMEOUT(app.session()->state(), ModelSession::Ready, 60000);
        QCOMPARE(app.metrics()->fp16().value(QStringLiteral("label")).toString(), QStringLiteral("estimated"));
        QTRY_COMPARE(firstItem(window->contentItem(), QStringLiteral("fp16Section"))->property("badge").toString(), QStringLiteral("ESTIMATED"));
        QQuickItem* button = firstItem(window->contentItem(), QStringLiteral("measureFp16Button"));
        QCOMPARE(button->property("text").toString(), QStringLiteral("Measure FP16"));
        QVERIFY(QMetaObject::invokeMethod(button, "clicked"));
        QTRY_COMPARE(app.navigation()->page(), Navigation::Benchmark);
        QQuickItem* box = nullptr;
        QTRY_VERIFY((box = firstItem(window->contentItem(), QStringLiteral("benchModelBox"))));
        QTRY_COMPARE(QFileInfo(box->property("currentValue").toString()).canonicalFilePath(), QFileInfo(other).canonicalFilePath());
        QVERIFY(app.library()->contains(other));
        QTRY_VERIFY(app.benchmarks()->target().isEmpty());  // taken by the page

        // Back to the measured file; clearing the history turns its panel back to the estimate.
        app.navigation()->setPage(Navigation::Chat);
        app.session()->load(model);
        QTRY_COMPARE_WITH_TIMEOUT(app.session()->state(), ModelSession::Ready, 60000);
        QCOMPARE(app.metrics()->fp16().value(QStringLiteral("mode")).toString(), QStringLiteral("measured"));
        app.benchmarks()->clearHistory();
        QCOMPARE(app.metrics()->fp16().value(QStringLiteral("mode")).toString(), QStringLiteral("estimated"));
    }

    // Settings -> worker: the LM head and KV cache types are used when loading, shown, and a change
    // reloads the model.
    void headAndKvSettingsReachTheEngine() {
        Settings settings;
        settings.setBackend(QStringLiteral("cpu"));
        settings.setThreads(2);
        settings.setLmHead(QStringLiteral("f16"));
        settings.setKvCache(QStringLiteral("f16"));
        AppContext app(&settings);
        QSignalSpy options(app.session(), &ModelSession::loadRequested);
        app.session()->load(tern::app::test::tinyModel());
        QTRY_COMPARE_WITH_TIMEOUT(app.session()->state(), ModelSession::Ready, 60000);
        QCOMPARE(options.count(), 1);
        QVERIFY(options[0][0].value<LoadRequest>().head == tern::HeadType::AsStored);
        QVERIFY(options[0][0].value<LoadRequest>().kv == tern::KvType::F16);
        QCOMPARE(app.metrics()->kvType(), QStringLiteral("F16"));
        const QString exactHead = app.metrics()->headType();
        const double exactHeadBytes = app.metrics()->headBytes();
        QVERIFY(exactHead != QLatin1String("Q8_0"));
        QVERIFY(exactHeadBytes > 0);

        settings.setLmHead(QStringLiteral("q8"));  // reloads at once
        QCOMPARE(app.session()->state(), ModelSession::Loading);
        QTRY_COMPARE_WITH_TIMEOUT(app.session()->state(), ModelSession::Ready, 60000);
        QCOMPARE(app.metrics()->headType(), QStringLiteral("Q8_0"));
        QCOMPARE(app.session()->model().headType(), QStringLiteral("Q8_0"));
        QVERIFY(app.metrics()->headBytes() < exactHeadBytes);

        settings.setKvCache(QStringLiteral("f32"));
        QTRY_COMPARE_WITH_TIMEOUT(app.metrics()->kvType(), QStringLiteral("F32"), 60000);
        QTRY_COMPARE(app.session()->state(), ModelSession::Ready);
        QVERIFY(options.last()[0].value<LoadRequest>().head == tern::HeadType::Q8_0);
        QVERIFY(options.last()[0].value<LoadRequest>().kv == tern::KvType::F32);
        settings.setKvCache(QStringLiteral("q8"));
        QTRY_COMPARE_WITH_TIMEOUT(app.metrics()->kvType(), QStringLiteral("Q8_0"), 60000);
        QTRY_COMPARE(app.session()->state(), ModelSession::Ready);
        QVERIFY(options.last()[0].value<LoadRequest>().kv == tern::KvType::Q8_0);
        // Unrelated settings do not reload.
        const int loads = options.count();
        settings.setTopK(12);
        QCOMPARE(options.count(), loads);
        QCOMPARE(app.session()->state(), ModelSession::Ready);
        settings.setLmHead(QStringLiteral("f16"));
        settings.setKvCache(QStringLiteral("f16"));
        QTRY_COMPARE_WITH_TIMEOUT(app.session()->state(), ModelSession::Ready, 60000);
    }
};

QTEST_MAIN(TestLiveMetrics)
#include "tst_livemetrics.moc"
