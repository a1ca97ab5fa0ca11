// The Benchmark page: the CSV writer, the ternary-versus-FP16 comparison, benchmark_runs in the
// database, and a real run of tern::bench on the engine thread with a tiny synthetic model
// (results stored, cancel works), shown in the real window.
#include <QElapsedTimer>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "AppContext.h"
#include "Alerts.h"
#include "Benchmarks.h"
#include "Conversations.h"
#include "ModelLibrary.h"
#include "ModelSession.h"
#include "ModelSources.h"
#include "Navigation.h"
#include "BenchmarkHistory.h"
#include "Database.h"
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
        QVERIFY2(lines[1].endsWith(",0.0025,,b1\r"), lines[1].constData());
        // Quotes doubled, fields with commas quoted, a formula defused.
        QVERIFY(lines[2].contains(",\"my \"\"best\"\", model\","));
        QVERIFY(lines[2].contains(",\"'=HYPERLINK(\"\"x\"\")\","));
        QVERIFY2(lines[2].endsWith(",0.03,0.0125,b1\r"), lines[2].constData());
        // Locale-independent numbers.
        QLocale::setDefault(QLocale(QLocale::German));
        QCOMPARE(benchmarkCsv(rows), csv);
        QLocale::setDefault(QLocale::c());
        QCOMPARE(csvLines(benchmarkCsv({})).size(), 1);  // just the header
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

        app.benchmarks()->clearHistory();
        QCOMPARE(app.benchmarks()->history()->rowCount(), 0);
        QCOMPARE(db.benchmarkRuns().size(), 0);
    }
};

QTEST_MAIN(TestBenchmark)
#include "tst_benchmark.moc"
