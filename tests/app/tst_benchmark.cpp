// The Benchmark page: the CSV writer, the ternary-versus-FP16 comparison, benchmark_runs in the
// database, and a real run of tern::bench on the engine thread with a tiny synthetic model
// (results stored, cancel works), shown in the real window.
#include <QElapsedTimer>
#include <QProcess>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <QBarSeries>
#include <QBarSet>
#include <sys/stat.h>

#include "AppContext.h"
#include "AppPaths.h"
#include "tern/bench.h"
#include "tern/machine.h"
#include "tern/model.h"
#include "tern/perplexity.h"
#include "tern/session.h"
#include "Alerts.h"
#include "Benchmarks.h"
#include "Conversations.h"
#include "ModelLibrary.h"
#include "ModelSession.h"
#include "ModelSources.h"
#include "Navigation.h"
#include "BenchmarkHistory.h"
#include "Database.h"
#include "EngineWorker.h"
#include "Settings.h"
#include "UiLoader.h"
#include "quick_items.h"
#include "test_models.h"

using namespace tern::app;

namespace {

BenchmarkRunRow run(qint64 id, const QString& batch, const QString& precision, const QString& test, double tps,
                    double jEst, double jMeas, double weights) {
    BenchmarkRunRow r;
    r.id = id;
    r.model = QStringLiteral("/models/m.gguf");
    r.createdAt = QStringLiteral("2026-01-02T03:04:05.000Z");
    r.kind = QStringLiteral("bench");
    r.metrics = {{QStringLiteral("batch"), batch},
                 {QStringLiteral("modelName"), QStringLiteral("tiny")},
                 {QStringLiteral("test"), test},
                 {QStringLiteral("precision"), precision},
                 {QStringLiteral("backend"), QStringLiteral("cpu-avx2")},
                 {QStringLiteral("head"), QStringLiteral("F16")},
                 {QStringLiteral("threads"), 4},
                 {QStringLiteral("nTokens"), 64},
                 {QStringLiteral("tokensPerSecond"), tps},
                 {QStringLiteral("stddev"), 0.5},
                 {QStringLiteral("ttftMs"), 12.25},
                 {QStringLiteral("peakRssBytes"), 5e8},
                 {QStringLiteral("weightBytes"), weights},
                 {QStringLiteral("kvBytes"), 1e6},
                 {QStringLiteral("joulesPerTokenEst"), jEst},
                 {QStringLiteral("joulesPerTokenMeasured"), jMeas}};
    return r;
}

QList<QByteArray> csvLines(const QString& csv) {
    QList<QByteArray> lines = csv.toUtf8().split('\n');
    if (!lines.isEmpty() && lines.back().isEmpty()) lines.pop_back();
    return lines;
}

}  // namespace

class TestBenchmark : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        setUpApplication();
        QSettings().clear();
    }

    void csvWriter() {
        QVector<BenchmarkRunRow> rows = {run(1, QStringLiteral("b1"), QStringLiteral("ternary"), QStringLiteral("tg64"), 45.125, 2.5e-3, -1, 1e9)};
        rows.push_back(run(2, QStringLiteral("b1"), QStringLiteral("fp16"), QStringLiteral("tg64"), 15, 0.03, 0.0125, 4.8e9));
        rows[1].metrics[QStringLiteral("modelName")] = QStringLiteral("my \"best\", model");
        rows[1].metrics[QStringLiteral("backend")] = QStringLiteral("=HYPERLINK(\"x\")");
        const QString csv = benchmarkCsv(rows);
        QVERIFY(csv.endsWith(QStringLiteral("\r\n")));
        const auto lines = csvLines(csv);
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[0].startsWith("date,model,model_file,test,precision,backend,head,threads,n_tokens,tokens_per_second,"));
        QVERIFY(lines[0].contains("joules_per_token_estimated,joules_per_token_measured"));
        QCOMPARE(lines[0].count(','), lines[1].count(','));
        // Plain values, '.' decimals, fixed precision; an unreadable measurement is an empty field.
        QVERIFY2(lines[1].startsWith("2026-01-02T03:04:05.000Z,tiny,/models/m.gguf,tg64,ternary,cpu-avx2,F16,4,64,45.125,0.500,12.250,"),
                 lines[1].constData());
        QVERIFY2(lines[1].endsWith(",0.0025,,,,b1\r"), lines[1].constData());  // no perplexity, no quality text
        // Quotes doubled, fields with commas quoted, a formula defused.
        QVERIFY(lines[2].contains(",\"my \"\"best\"\", model\","));
        QVERIFY(lines[2].contains(",\"'=HYPERLINK(\"\"x\"\")\","));
        QVERIFY2(lines[2].endsWith(",0.03,0.0125,,,b1\r"), lines[2].constData());
        QVERIFY(lines[0].endsWith(",perplexity,quality_text,run\r"));
        // Locale-independent numbers.
        QLocale::setDefault(QLocale(QLocale::German));
        QCOMPARE(benchmarkCsv(rows), csv);
        QLocale::setDefault(QLocale::c());
        QCOMPARE(csvLines(benchmarkCsv({})).size(), 1);  // just the header

        // A quality row: its perplexity and the text it scored.
        BenchmarkRunRow q = run(3, QStringLiteral("b1"), QStringLiteral("fp16-twin"), QStringLiteral("ppl@c256"), 900, 1e-4, -1, 1e7);
        q.metrics[QStringLiteral("perplexity")] = 83.61234;
        q.metrics[QStringLiteral("qualityText")] = QStringLiteral("demo-validation.txt");
        const auto withQuality = csvLines(benchmarkCsv({q}));
        QVERIFY2(withQuality[1].endsWith(",83.6123,demo-validation.txt,b1\r"), withQuality[1].constData());
        QVERIFY(withQuality[1].contains(",ppl@c256,fp16-twin,"));
    }

    // The quality test beside the speed tests: each model's perplexity in the comparison, the
    // twin as its own side, and rows stored before quality existed read as "not measured".
    void comparisonWithQuality() {
        auto ppl = [](qint64 id, const QString& precision, double value) {
            BenchmarkRunRow r = run(id, QStringLiteral("q"), precision, QStringLiteral("ppl@c256"), 2000, 1e-4, -1, 1e7);
            r.metrics[QStringLiteral("perplexity")] = value;
            r.metrics[QStringLiteral("nTokens")] = 2032;
            r.metrics[QStringLiteral("qualityText")] = QStringLiteral("demo-validation.txt");
            return r;
        };
        BenchmarkHistory h;
        h.setRuns({run(1, QStringLiteral("q"), QStringLiteral("ternary"), QStringLiteral("pp128"), 400, 1e-4, -1, 3e6),
                   run(2, QStringLiteral("q"), QStringLiteral("ternary"), QStringLiteral("tg64"), 45, 1e-4, -1, 3e6),
                   ppl(3, QStringLiteral("ternary"), 125.75),
                   run(4, QStringLiteral("q"), QStringLiteral("fp16"), QStringLiteral("pp128"), 300, 1e-4, -1, 1e7),
                   run(5, QStringLiteral("q"), QStringLiteral("fp16"), QStringLiteral("tg64"), 15, 1e-4, -1, 1e7),
                   ppl(6, QStringLiteral("fp16"), 125.5),
                   run(7, QStringLiteral("q"), QStringLiteral("fp16-twin"), QStringLiteral("tg64"), 20, 1e-4, -1, 1e7),
                   ppl(8, QStringLiteral("fp16-twin"), 83.5)});
        // The twin's rows carry its own name; the run is named after the benchmarked model.
        QVector<BenchmarkRunRow> rows = h.runs();
        for (BenchmarkRunRow& r : rows)
            if (r.metrics.value(QStringLiteral("precision")) == QStringLiteral("fp16-twin"))
                r.metrics[QStringLiteral("modelName")] = QStringLiteral("the twin");
        h.setRuns(rows);
        QCOMPARE(h.comparison(QStringLiteral("q")).value(QStringLiteral("model")).toString(), QStringLiteral("tiny"));
        const QVariantMap c = h.comparison(QStringLiteral("q"));
        QCOMPARE(c.value(QStringLiteral("pplTest")).toString(), QStringLiteral("ppl@c256"));
        QCOMPARE(c.value(QStringLiteral("qualityText")).toString(), QStringLiteral("demo-validation.txt"));
        QCOMPARE(c.value(QStringLiteral("ternary")).toMap().value(QStringLiteral("ppl")).toDouble(), 125.75);
        QCOMPARE(c.value(QStringLiteral("fp16")).toMap().value(QStringLiteral("ppl")).toDouble(), 125.5);
        QCOMPARE(c.value(QStringLiteral("twin")).toMap().value(QStringLiteral("ppl")).toDouble(), 83.5);
        QCOMPARE(c.value(QStringLiteral("twin")).toMap().value(QStringLiteral("pplTokens")).toInt(), 2032);
        QCOMPARE(c.value(QStringLiteral("twin")).toMap().value(QStringLiteral("tgTps")).toDouble(), 20.0);
        // "ppl@c256" is no prompt-processing test: the pp speeds stay those of pp128.
        QCOMPARE(c.value(QStringLiteral("ppTest")).toString(), QStringLiteral("pp128"));
        QCOMPARE(c.value(QStringLiteral("ternary")).toMap().value(QStringLiteral("ppTps")).toDouble(), 400.0);
        QCOMPARE(c.value(QStringLiteral("speedup")).toDouble(), 3.0);  // ternary against the FP16 baseline, as before
        // The view's PPL column: the value for a ppl row, 0 (shown "—") for a speed row.
        QCOMPARE(h.data(h.index(0), BenchmarkHistory::PerplexityRole).toDouble(), 83.5);
        QCOMPARE(h.data(h.index(1), BenchmarkHistory::PerplexityRole).toDouble(), 0.0);
        // An older run has no quality keys at all: no pplTest, nothing to chart.
        h.setRuns({run(1, QStringLiteral("old"), QStringLiteral("ternary"), QStringLiteral("tg64"), 10, 1, -1, 1e9)});
        QVERIFY(!h.comparison(QStringLiteral("old")).contains(QStringLiteral("pplTest")));
        QCOMPARE(h.data(h.index(0), BenchmarkHistory::PerplexityRole).toDouble(), 0.0);
    }

    void comparisonOfOneRun() {
        BenchmarkHistory h;
        h.setRuns({run(1, QStringLiteral("old"), QStringLiteral("ternary"), QStringLiteral("tg64"), 10, 1, -1, 1e9),
                   run(2, QStringLiteral("new"), QStringLiteral("ternary"), QStringLiteral("pp128"), 400, 0.5e-3, -1, 1e9),
                   run(3, QStringLiteral("new"), QStringLiteral("ternary"), QStringLiteral("tg64"), 45, 2e-3, 1e-2, 1e9),
                   run(4, QStringLiteral("new"), QStringLiteral("fp16"), QStringLiteral("pp128"), 300, 5e-3, -1, 4e9),
                   run(5, QStringLiteral("new"), QStringLiteral("fp16"), QStringLiteral("tg64"), 15, 3e-2, 5e-2, 4e9)});
        QCOMPARE(h.rowCount(), 5);
        QCOMPARE(h.latestBatch(), QStringLiteral("new"));
        // Newest first in the view.
        QCOMPARE(h.data(h.index(0), BenchmarkHistory::PrecisionRole).toString(), QStringLiteral("fp16"));
        QCOMPARE(h.data(h.index(0), BenchmarkHistory::MemoryRole).toDouble(), 4e9 + 1e6);
        const QVariantMap c = h.comparison(QStringLiteral("new"));
        QCOMPARE(c.value(QStringLiteral("model")).toString(), QStringLiteral("tiny"));
        QCOMPARE(c.value(QStringLiteral("ternary")).toMap().value(QStringLiteral("tgTps")).toDouble(), 45.0);
        QCOMPARE(c.value(QStringLiteral("ternary")).toMap().value(QStringLiteral("ppTps")).toDouble(), 400.0);
        QCOMPARE(c.value(QStringLiteral("fp16")).toMap().value(QStringLiteral("tgTps")).toDouble(), 15.0);
        QCOMPARE(c.value(QStringLiteral("speedup")).toDouble(), 3.0);
        QCOMPARE(c.value(QStringLiteral("memoryRatio")).toDouble(), (4e9 + 1e6) / (1e9 + 1e6));
        QCOMPARE(c.value(QStringLiteral("energyRatioEst")).toDouble(), 15.0);
        QCOMPARE(c.value(QStringLiteral("energyRatioMeasured")).toDouble(), 5.0);
        // A run without FP16 compares nothing; measured energy missing gives no measured ratio.
        const QVariantMap old = h.comparison(QStringLiteral("old"));
        QVERIFY(old.contains(QStringLiteral("ternary")));
        QVERIFY(!old.contains(QStringLiteral("fp16")));
        QCOMPARE(old.value(QStringLiteral("speedup")).toDouble(), 0.0);
        QVERIFY(h.comparison(QStringLiteral("nope")).value(QStringLiteral("batch")).isNull());
    }

    void storedByKindAndMigrated() {
        const QString p = dir_.path() + QStringLiteral("/v3.sqlite");
        {
            // A schema-3 database with an answer's figures in benchmark_runs (no kind column yet).
            Database db;
            QVERIFY(db.open(p));
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v3"));
            raw.setDatabaseName(p);
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(QStringLiteral("DROP INDEX benchmark_runs_by_kind")));
            QVERIFY(q.exec(QStringLiteral("ALTER TABLE conversations DROP COLUMN context_policy")));  // schema 5's
            QVERIFY(q.exec(QStringLiteral("DROP TABLE benchmark_groups")));  // schema 6's
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE b2 (id INTEGER PRIMARY KEY AUTOINCREMENT, model TEXT NOT NULL, created_at TEXT NOT NULL, metrics TEXT NOT NULL)")));
            QVERIFY(q.exec(QStringLiteral("DROP TABLE benchmark_runs")));
            QVERIFY(q.exec(QStringLiteral("ALTER TABLE b2 RENAME TO benchmark_runs")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO benchmark_runs(model, created_at, metrics) VALUES('m', '2025-01-01', '{\"decodeTps\":3}')")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version=3")));
            q = QSqlQuery();
            raw.close();
            raw = {};
            QSqlDatabase::removeDatabase(QStringLiteral("v3"));
        }
        Database db;
        QVERIFY2(db.open(p), qPrintable(db.error()));
        QCOMPARE(db.schemaVersion(), Database::kSchemaVersion);
        QCOMPARE(db.benchmarkRuns(QStringLiteral("answer")).size(), 1);  // old rows are answers
        QCOMPARE(db.benchmarkRuns().size(), 0);
        QVERIFY(db.benchmarkGroups().isEmpty());  // an answer's figures are no run group
        QVERIFY(db.addBenchmarkRun(QStringLiteral("/m.gguf"), {{QStringLiteral("tokensPerSecond"), 9.5}}, QStringLiteral("bench")));
        const auto runs = db.benchmarkRuns();
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs[0].model, QStringLiteral("/m.gguf"));
        QCOMPARE(runs[0].metrics.value(QStringLiteral("tokensPerSecond")).toDouble(), 9.5);
        QCOMPARE(db.deleteBenchmarkRuns(), 1);
        QCOMPARE(db.benchmarkRuns(QStringLiteral("answer")).size(), 1);  // answers stay
    }

    // The real thing: both precisions on the engine thread, stored, charted, exported; then a
    // cancelled run.
    void runCompareExportCancel() {
        Settings settings;
        settings.setThreads(2);
        Database db;
        QVERIFY(db.open(dir_.path() + QStringLiteral("/run.sqlite")));
        AppContext app(&settings, &db);
        QQmlApplicationEngine engine;
        QQuickWindow* window = loadMainWindow(engine, &app);
        QVERIFY(window);
        app.navigation()->setPage(Navigation::Benchmark);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QTRY_VERIFY(firstItem(window->contentItem(), QStringLiteral("benchmarkPage")));

        const QString model = tern::app::test::tinyModel();
        QSignalSpy finished(app.benchmarks(), &Benchmarks::finished);
        QVERIFY(app.benchmarks()->run(model, 16, 8, 1));
        QVERIFY(app.benchmarks()->running());
        QVERIFY(!app.benchmarks()->run(model, 16, 8, 1));  // one at a time
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
        QCOMPARE(finished[0][0].toBool(), false);
        QCOMPARE(finished[0][1].toString(), QString());
        QVERIFY(!app.benchmarks()->running());

        // pp16 and tg8 in each precision, stored as bench runs of one batch.
        const auto runs = db.benchmarkRuns();
        QCOMPARE(runs.size(), 4);
        QStringList seen;
        for (const auto& r : runs) {
            QCOMPARE(r.model, model);
            QVERIFY(r.metrics.value(QStringLiteral("tokensPerSecond")).toDouble() > 0);
            QVERIFY(r.metrics.value(QStringLiteral("joulesPerTokenEst")).toDouble() > 0);
            QCOMPARE(r.metrics.value(QStringLiteral("batch")), runs[0].metrics.value(QStringLiteral("batch")));
            seen << r.metrics.value(QStringLiteral("precision")).toString() + QLatin1Char('/') + r.metrics.value(QStringLiteral("test")).toString();
        }
        seen.sort();
        QCOMPARE(seen, (QStringList{QStringLiteral("fp16/pp16"), QStringLiteral("fp16/tg8"), QStringLiteral("ternary/pp16"),
                                    QStringLiteral("ternary/tg8")}));
        QCOMPARE(app.benchmarks()->history()->rowCount(), 4);
        // One click of Run is one complete 'run' group, each row with the machine it ran on.
        const QVariantList groups = app.benchmarks()->history()->groups();
        QCOMPARE(groups.size(), 1);
        const QVariantMap group = groups[0].toMap();
        QCOMPARE(group.value(QStringLiteral("id")).toString(), runs[0].metrics.value(QStringLiteral("batch")).toString());
        QCOMPARE(group.value(QStringLiteral("id")).toString(), app.benchmarks()->lastGroup());
        QCOMPARE(group.value(QStringLiteral("kind")).toString(), QStringLiteral("run"));
        QCOMPARE(group.value(QStringLiteral("state")).toString(), QStringLiteral("complete"));
        QCOMPARE(group.value(QStringLiteral("runCount")).toInt(), 4);
        QVERIFY(!group.value(QStringLiteral("machineSummary")).toString().isEmpty());
        for (const auto& r : runs) {
            QVERIFY(!r.metrics.value(QStringLiteral("machine")).toMap().value(QStringLiteral("isa")).toString().isEmpty());
            QCOMPARE(r.metrics.value(QStringLiteral("source")).toString(), QStringLiteral("app"));
            QVERIFY(!r.metrics.contains(QStringLiteral("sweep")));
            QVERIFY(r.metrics.value(QStringLiteral("series")).toString().endsWith(QStringLiteral(" cpu")));
        }
        const QVariantMap cmp = app.benchmarks()->history()->comparison(app.benchmarks()->history()->latestBatch());
        QVERIFY(cmp.value(QStringLiteral("speedup")).toDouble() > 0);
        QVERIFY(cmp.value(QStringLiteral("memoryRatio")).toDouble() > 1);  // FP16 weights are bigger
        QVERIFY(cmp.value(QStringLiteral("energyRatioEst")).toDouble() > 1);

        // The page shows the comparison.
        QQuickItem* summary = nullptr;
        QTRY_VERIFY((summary = firstItem(window->contentItem(), QStringLiteral("benchSummary"))) && summary->isVisible());
        QVERIFY(summary->property("text").toString().contains(QStringLiteral("generation")));
        if (const QByteArray out = qgetenv("TERN_TEST_SCREENSHOTS"); !out.isEmpty()) {
            window->resize(1320, 1300);
            QTest::qWait(300);
            window->grabWindow().save(QString::fromLocal8Bit(out) + QStringLiteral("/benchmark.png"));
        }

        // CSV export of the history.
        const QString csvPath = dir_.path() + QStringLiteral("/history.csv");
        QVERIFY(app.benchmarks()->exportCsv(QUrl::fromLocalFile(csvPath).toString()));
        QFile f(csvPath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray csv = f.readAll();
        QCOMPARE(csv.count('\n'), 5);
        QVERIFY(csv.contains(",ternary,") && csv.contains(",fp16,"));
        QVERIFY(!app.benchmarks()->exportCsv(dir_.path() + QStringLiteral("/no/such/dir/x.csv")));
        QVERIFY(!app.alerts()->message().isEmpty());
        app.alerts()->clear();

        // Cancel: stops at the next step, keeps what finished, and the page can run again.
        finished.clear();
        QVERIFY(app.benchmarks()->run(model, 512, 256, 10));
        QTRY_VERIFY_WITH_TIMEOUT(app.benchmarks()->phase().contains(QStringLiteral("·")), 60000);  // a test is running
        QElapsedTimer sinceCancel;
        sinceCancel.start();
        app.benchmarks()->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
        QVERIFY2(sinceCancel.elapsed() < 15000, "cancel takes effect at the next test run");
        QCOMPARE(finished[0][0].toBool(), true);
        QVERIFY(db.benchmarkRuns().size() < 8);
        QVERIFY(app.alerts()->message().isEmpty());
        // Its group says so, unless nothing finished (then there is no group to chart).
        const QVariantMap last = app.benchmarks()->history()->groups().value(0).toMap();
        if (db.benchmarkRuns().size() > 4) QCOMPARE(last.value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
        else QCOMPARE(app.benchmarks()->history()->groups().size(), 1);

        app.benchmarks()->clearHistory();
        QCOMPARE(app.benchmarks()->history()->rowCount(), 0);
        QCOMPARE(db.benchmarkRuns().size(), 0);
    }

    // The demo pair: ternary, its FP16 expansion and the FP16 twin, each scoring the held-out text
    // on the engine thread; the three perplexities stored with the run and charted, one bar each.
    void demoQualityStoredAndCharted() {
        const QString demo = AppPaths::bundledModelsDir() + QStringLiteral("/demo-ternary.gguf");
        QVERIFY2(QFileInfo::exists(demo), qPrintable(demo));
        Settings settings;
        settings.setThreads(2);
        Database db;
        QVERIFY(db.open(dir_.path() + QStringLiteral("/quality.sqlite")));
        AppContext app(&settings, &db);
        QQmlApplicationEngine engine;
        QQuickWindow* window = loadMainWindow(engine, &app);
        QVERIFY(window);
        app.navigation()->setPage(Navigation::Benchmark);
        QVERIFY(QTest::qWaitForWindowExposed(window));

        Benchmarks* b = app.benchmarks();
        const QString text = b->heldOutTextFor(demo);
        QCOMPARE(QFileInfo(text).fileName(), QStringLiteral("demo-validation.txt"));
        QCOMPARE(QFileInfo(b->twinFor(demo)).fileName(), QStringLiteral("demo-fp16.gguf"));
        QVERIFY(b->twinFor(tern::app::test::tinyModel()).isEmpty());  // only the demo pair has one

        QSignalSpy finished(b, &Benchmarks::finished);
        QVERIFY(b->run(demo, 16, 8, 1, true, true, true, text));
        QVERIFY(b->running());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 240000);
        QCOMPARE(finished[0][1].toString(), QString());
        QCOMPARE(b->qualityNote(), QString());

        // What the engine itself gives on the first chunks of the text, model by model.
        QFile f(text);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const std::string bytes = f.readAll().toStdString();
        auto expected = [&](const QString& path, tern::Precision precision) {
            tern::LoadOptions lo;
            lo.n_threads = 2;
            lo.precision = precision;
            auto model = tern::Model::load(path.toStdString(), lo);
            const int ctx = std::min(model->info().n_ctx_train, 512);
            tern::Session s(model, {.n_ctx = ctx, .n_batch = ctx});
            auto tokens = model->tokenizer().encode(bytes, true, false);
            tokens.resize(std::min<size_t>(tokens.size(), size_t(Benchmarks::kQualityChunks) * ctx));
            return tern::perplexity(s, tokens, ctx);
        };
        const QMap<QString, tern::PerplexityResult> want = {
            {QStringLiteral("ternary"), expected(demo, tern::Precision::Ternary)},
            {QStringLiteral("fp16"), expected(demo, tern::Precision::Fp16)},
            {QStringLiteral("fp16-twin"), expected(b->twinFor(demo), tern::Precision::Ternary)}};

        // The stored rows: speed tests and one ppl row per model, all of one batch.
        QMap<QString, double> stored;
        for (const auto& r : db.benchmarkRuns()) {
            const QString p = r.metrics.value(QStringLiteral("precision")).toString();
            if (!r.metrics.value(QStringLiteral("test")).toString().startsWith(QLatin1String("ppl@c"))) continue;
            stored[p] = r.metrics.value(QStringLiteral("perplexity")).toDouble();
            QCOMPARE(r.metrics.value(QStringLiteral("qualityText")).toString(), QStringLiteral("demo-validation.txt"));
            QCOMPARE(r.metrics.value(QStringLiteral("nTokens")).toLongLong(), want[p].n_scored);
        }
        QCOMPARE(stored.keys(), want.keys());
        for (const QString& p : want.keys()) {
            // 1e-3: two runs of the same model here came out up to 4e-5 apart (ternary 125.2840 and
            // 125.2890, FP16 125.30172 and 125.30190: the threads' split of the work differs).
            QVERIFY2(qAbs(stored[p] - want[p].ppl()) < 1e-3 * want[p].ppl(),
                     qPrintable(QStringLiteral("%1: stored %2, engine %3").arg(p).arg(stored[p], 0, 'g', 10).arg(want[p].ppl(), 0, 'g', 10)));
            QVERIFY(stored[p] > 1);
        }
        QCOMPARE(db.benchmarkRuns().size(), 9);  // pp16, tg8, ppl for each of the three
        QVERIFY(stored[QStringLiteral("fp16-twin")] < stored[QStringLiteral("ternary")]);  // as measured by tern-cli

        // The chart: one bar per model with its stored value.
        QQuickItem* chart = nullptr;
        QTRY_VERIFY((chart = firstItem(window->contentItem(), QStringLiteral("qualityChart"))) && chart->isVisible());
        QQuickItem* view = nullptr;
        for (QQuickItem* i : chart->findChildren<QQuickItem*>())
            if (QByteArray(i->metaObject()->className()).contains("DeclarativeChart")) view = i;
        QVERIFY(view);
        QAbstractSeries* series = nullptr;
        QVERIFY(QMetaObject::invokeMethod(view, "series", Q_RETURN_ARG(QAbstractSeries*, series), Q_ARG(int, 0)));
        auto* bars = qobject_cast<QBarSeries*>(series);
        QVERIFY(bars);
        QCOMPARE(bars->count(), 3);
        const QStringList order{QStringLiteral("ternary"), QStringLiteral("fp16"), QStringLiteral("fp16-twin")};
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(bars->barSets()[i]->count(), 1);
            QVERIFY2(qAbs(bars->barSets()[i]->at(0) - stored[order[i]]) < 1e-9, qPrintable(order[i]));
        }
        QVERIFY(bars->barSets()[2]->label().contains(QStringLiteral("twin")));
        QVERIFY(chart->property("textName").toString() == QStringLiteral("demo-validation.txt"));
        if (const QByteArray out = qgetenv("TERN_TEST_SCREENSHOTS"); !out.isEmpty()) {
            window->resize(1320, 1500);
            QTest::qWait(300);
            window->grabWindow().save(QString::fromLocal8Bit(out) + QStringLiteral("/benchmark-quality.png"));
        }
    }

    // Quality without a usable text: said in words, never a crash or a hang; speed still measured.
    // A pp sweep of the demo model on the engine thread: each point stored with its axis, value,
    // line, roof and the machine, in one complete 'sweep' group; then a depth sweep cancelled from
    // the engine thread as its first point finishes keeps that point only, its group 'cancelled'.
    void sweepStoredThenCancelled() {
        const QString demo = AppPaths::bundledModelsDir() + QStringLiteral("/demo-ternary.gguf");
        QVERIFY2(QFileInfo::exists(demo), qPrintable(demo));
        Settings settings;
        settings.setThreads(2);
        Database db;
        QVERIFY(db.open(dir_.path() + QStringLiteral("/sweep.sqlite")));
        AppContext app(&settings, &db);
        Benchmarks* b = app.benchmarks();
        BenchmarkHistory* h = b->history();
        QTRY_VERIFY_WITH_TIMEOUT(!b->machine().isEmpty(), 30000);  // described on the engine thread
        QVERIFY(!b->machine().value(QStringLiteral("cpuModel")).toString().isEmpty());
        QVERIFY(!b->machineSummary().isEmpty());

        // Refused before anything runs.
        QVERIFY(!b->runSweep(demo, QStringLiteral("batch"), {}, true, false, true, false));
        QVERIFY2(app.alerts()->message().contains(QStringLiteral("threads, pp")), qPrintable(app.alerts()->message()));
        QVERIFY(!b->runSweep(demo, QStringLiteral("pp"), {16, QStringLiteral("lots")}, true, false, true, false));
        QVERIFY2(app.alerts()->message().contains(QStringLiteral("\"lots\"")), qPrintable(app.alerts()->message()));
        QVERIFY(!b->runSweep(demo, QStringLiteral("threads"), {0}, true, false, true, false));
        QVERIFY(!b->runSweep(demo, QStringLiteral("pp"), {16}, false, false, true, false));
        QVERIFY(app.alerts()->message().contains(QStringLiteral("precision")));
        QVERIFY(!b->runSweep(dir_.path() + QStringLiteral("/none.gguf"), QStringLiteral("pp"), {16}, true, false, true, false));
        QVERIFY(!b->running());
        QVERIFY(h->groups().isEmpty());

        QSignalSpy finished(b, &Benchmarks::finished);
        QSignalSpy groupsChanged(h, &BenchmarkHistory::groupsChanged);
        QVERIFY(b->runSweep(demo, QStringLiteral("pp"), {16, 32}, true, false, true, false, 16, 4, 1));
        QVERIFY(b->running());
        QVERIFY(!b->runSweep(demo, QStringLiteral("pp"), {16}, true, false, true, false));  // one at a time
        const QString group = b->lastGroup();
        QVERIFY(!group.isEmpty());
        QCOMPARE(h->groups().value(0).toMap().value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
        QCOMPARE(finished[0][0].toBool(), false);
        QCOMPARE(finished[0][1].toString(), QString());
        QVERIFY(groupsChanged.count() >= 3);  // started, each point, complete

        // The sweep measured the bandwidth for its roofs: the machine now says it.
        QVERIFY(b->machine().value(QStringLiteral("readBandwidth")).toDouble() > 0);
        QVERIFY2(b->machineSummary().contains(QStringLiteral("GB/s")), qPrintable(b->machineSummary()));

        const QVariantList groups = h->groups();
        QCOMPARE(groups.size(), 1);
        const QVariantMap g = groups[0].toMap();
        QCOMPARE(g.value(QStringLiteral("id")).toString(), group);
        QCOMPARE(g.value(QStringLiteral("kind")).toString(), QStringLiteral("sweep"));
        QCOMPARE(g.value(QStringLiteral("axis")).toString(), QStringLiteral("pp"));
        QCOMPARE(g.value(QStringLiteral("state")).toString(), QStringLiteral("complete"));
        QCOMPARE(g.value(QStringLiteral("runCount")).toInt(), 2);
        QVERIFY2(g.value(QStringLiteral("machineSummary")).toString().contains(QStringLiteral("GB/s")),
                 qPrintable(g.value(QStringLiteral("machineSummary")).toString()));
        QCOMPARE(db.benchmarkGroups().value(0).state, QStringLiteral("complete"));  // stored, not only shown

        const QVariantList points = h->runsInGroup(group);
        QCOMPARE(points.size(), 2);
        for (int i = 0; i < 2; ++i) {
            const QVariantMap m = points[i].toMap();
            const int value = i == 0 ? 16 : 32;
            QCOMPARE(m.value(QStringLiteral("batch")).toString(), group);
            QCOMPARE(m.value(QStringLiteral("sweep")).toString(), QStringLiteral("pp"));
            QCOMPARE(m.value(QStringLiteral("sweepValue")).toInt(), value);
            QCOMPARE(m.value(QStringLiteral("test")).toString(), QStringLiteral("pp%1").arg(value));
            QCOMPARE(m.value(QStringLiteral("series")).toString(), QStringLiteral("ternary cpu"));
            QCOMPARE(m.value(QStringLiteral("precision")).toString(), QStringLiteral("ternary"));
            QCOMPARE(m.value(QStringLiteral("source")).toString(), QStringLiteral("app"));
            QCOMPARE(m.value(QStringLiteral("model")).toString(), demo);
            QVERIFY(!m.value(QStringLiteral("createdAt")).toString().isEmpty());
            QVERIFY(m.value(QStringLiteral("tokensPerSecond")).toDouble() > 0);
            QVERIFY(m.value(QStringLiteral("roofTokensPerSecond")).toDouble() > 0);
            QVERIFY(m.value(QStringLiteral("roofFraction")).toDouble() > 0);
            QVERIFY(!m.value(QStringLiteral("modelType")).toString().isEmpty());
            QCOMPARE(m.value(QStringLiteral("modelArch")).toString(), QStringLiteral("bitnet-b1.58"));
            const QVariantMap machine = m.value(QStringLiteral("machine")).toMap();
            QCOMPARE(machine.value(QStringLiteral("cpuModel")), b->machine().value(QStringLiteral("cpuModel")));
            QVERIFY(machine.value(QStringLiteral("readBandwidth")).toDouble() > 0);
            QVERIFY(machine.value(QStringLiteral("logicalCores")).toInt() >= 1);
            QCOMPARE(h->run(m.value(QStringLiteral("id")).toLongLong()), m);
        }
        QVERIFY(h->run(987654).isEmpty());
        QVERIFY(h->runsInGroup(QStringLiteral("no-such-group")).isEmpty());

        // CPU against Vulkan in one group, the device named, when a Vulkan device is usable
        // (lavapipe counts: it is asked for explicitly here); refused up front when none is.
        const bool haveVulkan = !b->machine().value(QStringLiteral("gpus")).toList().isEmpty();
        finished.clear();
        if (!haveVulkan) {
            QVERIFY(!b->runSweep(demo, QStringLiteral("pp"), {16}, true, false, true, true, 16, 4, 1));
            QVERIFY(app.alerts()->message().contains(QStringLiteral("Vulkan")));
        } else {
            QVERIFY(b->runSweep(demo, QStringLiteral("pp"), {16}, true, false, true, true, 16, 4, 1));
            QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
            QCOMPARE(finished[0][1].toString(), QString());
            const QVariantList lines = h->runsInGroup(b->lastGroup());
            QCOMPARE(lines.size(), 2);
            QCOMPARE(lines[0].toMap().value(QStringLiteral("series")).toString(), QStringLiteral("ternary cpu"));
            QCOMPARE(lines[1].toMap().value(QStringLiteral("series")).toString(), QStringLiteral("ternary vulkan"));
            const QString device = lines[1].toMap().value(QStringLiteral("backend")).toString();
            QVERIFY2(device.startsWith(QStringLiteral("vulkan (")), qPrintable(device));
            QVERIFY(lines[0].toMap().value(QStringLiteral("backend")).toString().startsWith(QStringLiteral("cpu")));
            QVERIFY(h->groups().value(0).toMap().value(QStringLiteral("machineSummary")).toString().contains(
                QStringLiteral("GPU: ") + b->machine().value(QStringLiteral("gpus")).toStringList().value(0)));
            b->clearHistory();  // the rest of the test counts the pp sweep's rows again
            finished.clear();
            QVERIFY(b->runSweep(demo, QStringLiteral("pp"), {16, 32}, true, false, true, false, 16, 4, 1));
            QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
        }

        // Cancel from the engine thread as the first point is handed over (Benchmarks' own cancel
        // path, requestCancelBenchmark): the next point never starts.
        EngineWorker* worker = app.session()->worker();
        const QMetaObject::Connection hook = connect(worker, &EngineWorker::benchmarkResult, worker,
            [worker](quint64 id, const BenchmarkRow&) { worker->requestCancelBenchmark(id); }, Qt::DirectConnection);
        finished.clear();
        QVERIFY(b->runSweep(demo, QStringLiteral("depth"), {0, 8, 16}, true, false, true, false, 16, 4, 1));
        const QString cancelledGroup = b->lastGroup();
        QVERIFY(cancelledGroup != group);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
        disconnect(hook);
        QCOMPARE(finished[0][0].toBool(), true);
        QCOMPARE(finished[0][1].toString(), QString());
        QVERIFY(app.alerts()->message().isEmpty());
        const QVariantList kept = h->runsInGroup(cancelledGroup);
        QCOMPARE(kept.size(), 1);
        QCOMPARE(kept[0].toMap().value(QStringLiteral("sweepValue")).toInt(), 0);
        QCOMPARE(kept[0].toMap().value(QStringLiteral("test")).toString(), QStringLiteral("tg4"));
        QCOMPARE(db.benchmarkRuns().size(), 3);  // the pp sweep's two and this one: the rest absent
        const QVariantMap cg = h->groups().value(0).toMap();  // newest first
        QCOMPARE(cg.value(QStringLiteral("id")).toString(), cancelledGroup);
        QCOMPARE(cg.value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
        QCOMPARE(cg.value(QStringLiteral("axis")).toString(), QStringLiteral("depth"));
        QCOMPARE(cg.value(QStringLiteral("runCount")).toInt(), 1);

        // The depth sweep asks for more than the model's context: it fails with the engine's
        // reason, and no empty group is left behind.
        finished.clear();
        QVERIFY(b->runSweep(demo, QStringLiteral("depth"), {0, 1000000}, true, false, true, false, 16, 4, 1));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
        QVERIFY2(finished[0][1].toString().contains(QStringLiteral("context")), qPrintable(finished[0][1].toString()));
        QVERIFY(app.alerts()->message().contains(QStringLiteral("context")));
        QCOMPARE(h->groups().size(), 2);
        QCOMPARE(b->lastGroup(), cancelledGroup);
    }

    // Import of what `tern-cli bench --json` writes (tern::bench_json on a real bench() of the demo
    // model), a malformed file refused with the parser's reason, and the chosen rows exported as
    // JSON (which imports back to the same figures) and as CSV.
    void importAndExport() {
        const QString demo = AppPaths::bundledModelsDir() + QStringLiteral("/demo-ternary.gguf");
        tern::LoadOptions lo;
        lo.n_threads = 2;
        tern::BenchOptions bo;
        bo.n_prompt = 16;
        bo.n_gen = 4;
        bo.repetitions = 2;
        bo.group = tern::new_bench_group();
        tern::BenchReport report{tern::describe_machine(), tern::bench(tern::Model::load(demo.toStdString(), lo), bo)};
        report.machine.read_bandwidth = 2.5e10;
        QCOMPARE(report.results.size(), size_t(2));
        const auto write = [&](const QString& name, const QByteArray& bytes) {
            const QString path = dir_.path() + QLatin1Char('/') + name;
            QFile f(path);
            if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size()) return QString();
            return path;
        };
        const QString cliFile = write(QStringLiteral("cli-bench.json"), QByteArray::fromStdString(tern::bench_json(report)));
        QVERIFY(!cliFile.isEmpty());

        Settings settings;
        Database db;
        QVERIFY(db.open(dir_.path() + QStringLiteral("/import.sqlite")));
        AppContext app(&settings, &db);
        Benchmarks* b = app.benchmarks();
        BenchmarkHistory* h = b->history();

        // Malformed files: the parser's message, nothing imported.
        const QString wrongType = write(QStringLiteral("wrong.json"), "[{\"test\": 5}]");
        QCOMPARE(b->importBenchJson(QUrl::fromLocalFile(wrongType).toString()), -1);
        QVERIFY2(app.alerts()->message().contains(QStringLiteral("wrong.json")) &&
                     app.alerts()->message().contains(QStringLiteral("bench JSON: result 1")),
                 qPrintable(app.alerts()->message()));
        const QString notJson = write(QStringLiteral("broken.json"), "{ this is not json");
        QCOMPARE(b->importBenchJson(notJson), -1);
        QVERIFY2(app.alerts()->message().contains(QStringLiteral("not valid JSON")), qPrintable(app.alerts()->message()));
        QByteArray truncated = QByteArray::fromStdString(tern::bench_json(report));
        truncated.replace("\"tokens_per_second\"", "\"tokens_per_secnd\"");
        QCOMPARE(b->importBenchJson(write(QStringLiteral("renamed.json"), truncated)), -1);
        QVERIFY2(app.alerts()->message().contains(QStringLiteral("tokens_per_second is missing")), qPrintable(app.alerts()->message()));
        QCOMPARE(b->importBenchJson(write(QStringLiteral("empty.json"), "[]")), -1);
        QVERIFY(app.alerts()->message().contains(QStringLiteral("no benchmark results")));
        QCOMPARE(b->importBenchJson(dir_.path() + QStringLiteral("/missing.json")), -1);
        QVERIFY(app.alerts()->message().contains(QStringLiteral("does not exist")));
        QCOMPARE(h->rowCount(), 0);
        QVERIFY(h->groups().isEmpty());
        QVERIFY(db.benchmarkGroups().isEmpty());

        // The CLI's file: one 'import' group with the file's run group id and machine.
        app.alerts()->clear();
        QCOMPARE(b->importBenchJson(QUrl::fromLocalFile(cliFile).toString()), 2);
        QVERIFY(app.alerts()->message().isEmpty());
        const QString imported = b->lastGroup();
        QCOMPARE(imported, QString::fromStdString(bo.group));
        const QVariantMap g = h->groups().value(0).toMap();
        QCOMPARE(g.value(QStringLiteral("kind")).toString(), QStringLiteral("import"));
        QCOMPARE(g.value(QStringLiteral("label")).toString(), QStringLiteral("cli-bench.json"));
        QCOMPARE(g.value(QStringLiteral("state")).toString(), QStringLiteral("complete"));
        QCOMPARE(g.value(QStringLiteral("runCount")).toInt(), 2);
        QVERIFY(g.value(QStringLiteral("machineSummary")).toString().contains(QStringLiteral("25.0 GB/s")));
        const QVariantList rows = h->runsInGroup(imported);
        QCOMPARE(rows.size(), 2);
        QVariantList ids;
        for (int i = 0; i < 2; ++i) {
            const QVariantMap m = rows[i].toMap();
            const tern::BenchResult& r = report.results[size_t(i)];
            ids << m.value(QStringLiteral("id"));
            QCOMPARE(m.value(QStringLiteral("test")).toString(), QString::fromStdString(r.test));
            QCOMPARE(m.value(QStringLiteral("tokensPerSecond")).toDouble(), r.tokens_per_second);
            QCOMPARE(m.value(QStringLiteral("ttftMs")).toDouble(), r.ttft_ms);
            QCOMPARE(m.value(QStringLiteral("source")).toString(), QStringLiteral("import"));
            QCOMPARE(m.value(QStringLiteral("importedFrom")).toString(), QStringLiteral("cli-bench.json"));
            QCOMPARE(m.value(QStringLiteral("model")).toString(), QStringLiteral("demo-ternary.gguf"));
            QCOMPARE(m.value(QStringLiteral("modelName")).toString(), QStringLiteral("demo-ternary"));
            QCOMPARE(m.value(QStringLiteral("series")).toString(), QStringLiteral("ternary cpu"));
            QVERIFY(!m.contains(QStringLiteral("sweep")));
            QCOMPARE(m.value(QStringLiteral("machine")).toMap().value(QStringLiteral("cpuModel")).toString(),
                     QString::fromStdString(report.machine.cpu_model));
            QCOMPARE(m.value(QStringLiteral("machine")).toMap().value(QStringLiteral("readBandwidth")).toDouble(), 2.5e10);
        }

        // Export as JSON: parse_bench_json reads it, and it imports back to the same figures (a
        // new group: this one's id is taken).
        const QString exported = dir_.path() + QStringLiteral("/exported.json");
        QVERIFY(b->exportRunsJson(ids, QUrl::fromLocalFile(exported).toString()));
        QFile ef(exported);
        QVERIFY(ef.open(QIODevice::ReadOnly));
        const tern::BenchReport back = tern::parse_bench_json(ef.readAll().toStdString());
        QCOMPARE(back.machine, report.machine);
        QCOMPARE(back.results.size(), size_t(2));
        for (size_t i = 0; i < 2; ++i) {
            QCOMPARE(back.results[i].tokens_per_second, report.results[i].tokens_per_second);
            QCOMPARE(back.results[i].samples_ns, report.results[i].samples_ns);
            QCOMPARE(back.results[i].test_time, report.results[i].test_time);
            QCOMPARE(back.results[i].model_type, report.results[i].model_type);
            QCOMPARE(back.results[i].bytes_per_token, report.results[i].bytes_per_token);
            QCOMPARE(back.results[i].joules_per_token_measured, report.results[i].joules_per_token_measured);
        }
        QCOMPARE(b->importBenchJson(exported), 2);
        const QString again = b->lastGroup();
        QVERIFY(again != imported);
        const QVariantList reimported = h->runsInGroup(again);
        QCOMPARE(reimported.size(), 2);
        for (int i = 0; i < 2; ++i) {
            QVariantMap a = rows[i].toMap(), c = reimported[i].toMap();
            QCOMPARE(c.value(QStringLiteral("importedFrom")).toString(), QStringLiteral("exported.json"));
            for (const char* k : {"id", "batch", "importedFrom", "createdAt", "sourceGroup"}) {
                a.remove(QLatin1String(k));
                c.remove(QLatin1String(k));
            }
            QCOMPARE(c, a);  // every figure, the machine and what ran
        }

        // CSV of the chosen rows: a header and one line each.
        const QString csv = dir_.path() + QStringLiteral("/chosen.csv");
        QVERIFY(b->exportRunsCsv({ids[1]}, csv));
        QFile cf(csv);
        QVERIFY(cf.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csvLines(QString::fromUtf8(cf.readAll()));
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[1].contains(',' + QByteArray::fromStdString(report.results[1].test) + ",ternary,"));

        // Runs of two machines do not go into one JSON file; nothing chosen is refused too.
        QByteArray otherMachine = QByteArray::fromStdString(tern::bench_json(report));
        otherMachine.replace(QByteArray::fromStdString("\"cpu_model\": \"" + report.machine.cpu_model + "\""),
                             "\"cpu_model\": \"Another CPU\"");
        QCOMPARE(b->importBenchJson(write(QStringLiteral("other.json"), otherMachine)), 2);
        QVERIFY(h->groups().value(0).toMap().value(QStringLiteral("machineSummary")).toString().startsWith(QStringLiteral("Another CPU")));
        const QVariantList both{ids[0], h->runsInGroup(b->lastGroup()).value(0).toMap().value(QStringLiteral("id"))};
        app.alerts()->clear();
        QVERIFY(!b->exportRunsJson(both, dir_.path() + QStringLiteral("/mixed.json")));
        QVERIFY2(app.alerts()->message().contains(QStringLiteral("2 different machines")), qPrintable(app.alerts()->message()));
        QVERIFY(!QFile::exists(dir_.path() + QStringLiteral("/mixed.json")));
        QVERIFY(b->exportRunsCsv(both, dir_.path() + QStringLiteral("/mixed.csv")));  // CSV holds any rows
        QVERIFY(!b->exportRunsJson({}, dir_.path() + QStringLiteral("/none.json")));
        QVERIFY(!b->exportRunsCsv({424242}, dir_.path() + QStringLiteral("/none.csv")));
        QVERIFY(!b->exportRunsJson(ids, dir_.path() + QStringLiteral("/no/such/dir/x.json")));
        QVERIFY(app.alerts()->message().contains(QStringLiteral("Could not write")));
        QCOMPARE(db.benchmarkGroups().size(), 3);

        // What the command line writes for a sweep: one import group on the sweep's axis, its points
        // with their values, lines and roofs.
        QProcess cli;
        cli.start(QStringLiteral(TERN_CLI), {QStringLiteral("bench"), QStringLiteral("-m"), demo, QStringLiteral("-t"),
                                            QStringLiteral("2"), QStringLiteral("--sweep"), QStringLiteral("pp"),
                                            QStringLiteral("--values"), QStringLiteral("8,16"), QStringLiteral("-r"),
                                            QStringLiteral("1"), QStringLiteral("--json")});
        QVERIFY2(cli.waitForFinished(120000), TERN_CLI);
        QCOMPARE(cli.exitCode(), 0);
        const QString sweepFile = write(QStringLiteral("cli-sweep.json"), cli.readAllStandardOutput());
        QCOMPARE(b->importBenchJson(sweepFile), 2);
        const QVariantMap sg = h->groups().value(0).toMap();
        QCOMPARE(sg.value(QStringLiteral("kind")).toString(), QStringLiteral("import"));
        QCOMPARE(sg.value(QStringLiteral("axis")).toString(), QStringLiteral("pp"));
        const QVariantList swept = h->runsInGroup(b->lastGroup());
        QCOMPARE(swept.size(), 2);
        QCOMPARE(swept[0].toMap().value(QStringLiteral("sweepValue")).toInt(), 8);
        QCOMPARE(swept[1].toMap().value(QStringLiteral("sweepValue")).toInt(), 16);
        for (const QVariant& v : swept) {
            QCOMPARE(v.toMap().value(QStringLiteral("series")).toString(), QStringLiteral("ternary cpu"));
            QVERIFY(v.toMap().value(QStringLiteral("roofTokensPerSecond")).toDouble() > 0);
        }

        b->clearHistory();
        QVERIFY(h->groups().isEmpty());
        QVERIFY(db.benchmarkGroups().isEmpty());
        QCOMPARE(b->lastGroup(), QString());
    }

    // "Measure" on the machine summary: the bandwidth, measured on the engine thread, then the
    // roof of every Run after it; a group left 'running' by a quit is 'cancelled' at the next start.
    void machineMeasuredThenRoofs() {
        Settings settings;
        settings.setThreads(2);
        const QString dbPath = dir_.path() + QStringLiteral("/machine.sqlite");
        Database db;
        QVERIFY(db.open(dbPath));
        QVERIFY(db.addBenchmarkGroup({QStringLiteral("quit-mid-run"), QStringLiteral("sweep"), QStringLiteral("pp"), {}, {},
                                      QStringLiteral("running"), {}}));
        QVERIFY(db.addBenchmarkRun(QStringLiteral("/m.gguf"), {{QStringLiteral("batch"), QStringLiteral("quit-mid-run")}}, QStringLiteral("bench")));
        QVERIFY(db.addBenchmarkGroup({QStringLiteral("quit-before-a-point"), QStringLiteral("run"), {}, {}, {},
                                      QStringLiteral("running"), {}}));
        AppContext app(&settings, &db);
        Benchmarks* b = app.benchmarks();
        const QVariantList groups = b->history()->groups();
        QCOMPARE(groups.size(), 1);
        QCOMPARE(groups[0].toMap().value(QStringLiteral("id")).toString(), QStringLiteral("quit-mid-run"));
        QCOMPARE(groups[0].toMap().value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));

        QSignalSpy machineChanged(b, &Benchmarks::machineChanged);
        b->measureMachine();
        QVERIFY(b->measuringMachine());
        QTRY_VERIFY_WITH_TIMEOUT(!b->measuringMachine(), 60000);
        const double bandwidth = b->machine().value(QStringLiteral("readBandwidth")).toDouble();
        QVERIFY(bandwidth > 1e8);  // any machine reads faster than 100 MB/s
        QVERIFY2(b->machineSummary().contains(QStringLiteral("GB/s")), qPrintable(b->machineSummary()));
        QVERIFY(machineChanged.count() >= 2);  // measuring, measured

        QSignalSpy finished(b, &Benchmarks::finished);
        QVERIFY(b->run(tern::app::test::tinyModel(), 16, 4, 1, true, false));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
        const QVariantList rows = b->history()->runsInGroup(b->lastGroup());
        QCOMPARE(rows.size(), 2);
        for (const QVariant& v : rows) {
            const QVariantMap m = v.toMap();
            QCOMPARE(m.value(QStringLiteral("machine")).toMap().value(QStringLiteral("readBandwidth")).toDouble(), bandwidth);
            QVERIFY(m.value(QStringLiteral("roofTokensPerSecond")).toDouble() > 0);
            QCOMPARE(m.value(QStringLiteral("roofTokensPerSecond")).toDouble(),
                     bandwidth / m.value(QStringLiteral("bytesPerToken")).toDouble());
        }
    }

    void qualityTextRefusedOrSkipped() {
        Settings settings;
        settings.setThreads(2);
        AppContext app(&settings, nullptr);
        Benchmarks* b = app.benchmarks();
        const QString model = tern::app::test::tinyModel();
        QVERIFY(b->heldOutTextFor(model).isEmpty());

        // Refused before anything runs: a FIFO (reading it would block), an empty file, binary data, a folder.
        const QString fifo = dir_.path() + QStringLiteral("/fifo.txt");
        QCOMPARE(mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QVERIFY(!b->run(model, 16, 8, 1, true, false, false, fifo));
        QVERIFY2(app.alerts()->message().contains(QStringLiteral("not a regular file")), qPrintable(app.alerts()->message()));
        const QString empty = dir_.path() + QStringLiteral("/empty.txt");
        QFile(empty).open(QIODevice::WriteOnly);
        QVERIFY(!b->run(model, 16, 8, 1, true, false, false, empty));
        QVERIFY(app.alerts()->message().contains(QStringLiteral("empty")));
        const QString binary = dir_.path() + QStringLiteral("/binary.txt");
        {
            QFile bf(binary);
            QVERIFY(bf.open(QIODevice::WriteOnly));
            bf.write(QByteArray("GGUF\0\0\0\3", 8));
        }
        QVERIFY(!b->run(model, 16, 8, 1, true, false, false, binary));
        QVERIFY(app.alerts()->message().contains(QStringLiteral("not a text file")));
        QVERIFY(!b->run(model, 16, 8, 1, true, false, false, dir_.path()));
        QVERIFY(!b->running());

        // A text shorter than one chunk: the speed tests run and are kept, quality says why not.
        const QString shortText = dir_.path() + QStringLiteral("/short.txt");
        {
            QFile sf(shortText);
            QVERIFY(sf.open(QIODevice::WriteOnly));
            sf.write("A few words only.");
        }
        QSignalSpy finished(b, &Benchmarks::finished);
        QVERIFY(b->run(model, 16, 8, 1, true, false, false, shortText));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
        QCOMPARE(finished[0][1].toString(), QString());
        QVERIFY2(b->qualityNote().startsWith(QStringLiteral("Quality not measured: ")), qPrintable(b->qualityNote()));
        QVERIFY2(b->qualityNote().contains(QStringLiteral("fewer than one chunk")), qPrintable(b->qualityNote()));
        QCOMPARE(b->history()->rowCount(), 2);  // pp16 and tg8

        // No text at all: speed only, and the note says how to get quality.
        finished.clear();
        QVERIFY(b->run(model, 16, 8, 1, true, false));
        QVERIFY(b->qualityNote().contains(QStringLiteral("no held-out text")));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
        QCOMPARE(b->history()->rowCount(), 4);
    }
};

QTEST_MAIN(TestBenchmark)
#include "tst_benchmark.moc"
