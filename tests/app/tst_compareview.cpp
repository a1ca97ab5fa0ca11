// The Benchmark page's Compare and Sweep views in the real window, offscreen: a tiny threads
// sweep of the demo model on the engine thread, its chart's lines, roofs and axis titles as the
// ChartView holds them, the PNG / SVG / CSV / JSON exports written and read back (the JSON
// imported again), the Compare view's bars and their "what differs" labels, and nothing clipped
// at 1000x700.
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <QLineSeries>
#include <QValueAxis>

#include "Alerts.h"
#include "AppContext.h"
#include "AppPaths.h"
#include "BenchmarkHistory.h"
#include "Benchmarks.h"
#include "ChartSvg.h"
#include "Database.h"
#include "ModelLibrary.h"
#include "ModelSession.h"
#include "Navigation.h"
#include "RunComparison.h"
#include "Settings.h"
#include "UiLoader.h"
#include "quick_items.h"

using namespace tern::app;

namespace {

QQuickItem* chartViewIn(QQuickItem* card) {
    for (QQuickItem* i : card->findChildren<QQuickItem*>())
        if (QByteArray(i->metaObject()->className()).contains("DeclarativeChart")) return i;
    return nullptr;
}

QAbstractSeries* seriesAt(QQuickItem* view, int i) {
    QAbstractSeries* s = nullptr;
    QMetaObject::invokeMethod(view, "series", Q_RETURN_ARG(QAbstractSeries*, s), Q_ARG(int, i));
    return s;
}

QString shot(const QString& name) {
    const QByteArray out = qgetenv("TERN_TEST_SCREENSHOTS");
    return out.isEmpty() ? QString() : QString::fromLocal8Bit(out) + QLatin1Char('/') + name;
}

}  // namespace

class TestCompareView : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        setUpApplication();
        QSettings().clear();
    }

    void sweepChartsExportsAndCompare() {
        const QString demo = AppPaths::bundledModelsDir() + QStringLiteral("/demo-ternary.gguf");
        QVERIFY2(QFileInfo::exists(demo), qPrintable(demo));
        // A binding or polish loop in the views is a bug, not noise.
        QTest::failOnWarning(
            QRegularExpression(QStringLiteral("loop detected"), QRegularExpression::CaseInsensitiveOption));
        // So is a QML error while the history changes under the views (a destroyed row, a tick
        // without its label).
        QTest::failOnWarning(QRegularExpression(QStringLiteral("\\.qml:\\d+.*(TypeError|ReferenceError|Unable to assign)")));
        Settings settings;
        settings.setThreads(2);
        Database db;
        QVERIFY(db.open(dir_.path() + QStringLiteral("/compare.sqlite")));
        AppContext app(&settings, &db);
        QQmlApplicationEngine engine;
        QQuickWindow* window = loadMainWindow(engine, &app);
        QVERIFY(window);
        window->resize(1000, 700);
        app.navigation()->setPage(Navigation::Benchmark);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QQuickItem* page = nullptr;
        QTRY_VERIFY((page = firstItem(window->contentItem(), QStringLiteral("benchmarkPage"))) != nullptr);
        Benchmarks* bench = app.benchmarks();

        // The roofs need the read bandwidth: measured on the engine thread first.
        QSignalSpy machine(bench, &Benchmarks::machineChanged);
        bench->measureMachine();
        QTRY_VERIFY_WITH_TIMEOUT(!bench->measuringMachine(), 60000);
        const double bandwidth = bench->machine().value(QStringLiteral("readBandwidth")).toDouble();
        QVERIFY2(bandwidth > 0, "the machine's read bandwidth was measured");
        QQuickItem* summary = firstItem(window->contentItem(), QStringLiteral("machineSummaryText"));
        QVERIFY(summary && isShown(summary));
        QVERIFY(summary->property("text").toString().contains(QStringLiteral("GB/s")));

        // A tiny threads sweep started from the Sweeps tab as a user does: the demo model, values
        // "1, 2", ternary on the CPU, 16 prompt and 8 generated tokens once.
        QVERIFY2(!app.library()->importFile(demo).isEmpty(), qPrintable(app.library()->lastError()));
        page->setProperty("view", 2);
        QQuickItem* modelBox = nullptr;
        QTRY_VERIFY((modelBox = firstItem(window->contentItem(), QStringLiteral("sweepModelBox"))) &&
                    isShown(modelBox));
        QTRY_COMPARE(modelBox->property("currentValue").toString(), demo);
        // The Vulkan line is offered exactly where a device can run it.
        bool usableGpu = false;
        for (const QVariant& d : app.session()->devices())
            usableGpu |= d.toMap().value(QStringLiteral("usable")).toBool();
        QCOMPARE(firstItem(window->contentItem(), QStringLiteral("sweepVulkanBox"))->isVisible(), usableGpu);
        firstItem(window->contentItem(), QStringLiteral("sweepValuesField"))
            ->setProperty("text", QStringLiteral("1, 2"));
        firstItem(window->contentItem(), QStringLiteral("sweepPromptBox"))->setProperty("value", 16);
        firstItem(window->contentItem(), QStringLiteral("sweepGenBox"))->setProperty("value", 8);
        firstItem(window->contentItem(), QStringLiteral("sweepRepsBox"))->setProperty("value", 1);
        QQuickItem* runButton = firstItem(window->contentItem(), QStringLiteral("sweepRunButton"));
        QVERIFY(runButton && runButton->isEnabled());
        QSignalSpy finished(bench, &Benchmarks::finished);
        QVERIFY(QMetaObject::invokeMethod(runButton, "clicked"));
        QVERIFY(bench->running());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 180000);
        QCOMPARE(finished[0][0].toBool(), false);
        QCOMPARE(finished[0][1].toString(), QString());
        const QString group = bench->lastGroup();
        const QVariantList rows = bench->history()->runsInGroup(group);
        QCOMPARE(rows.size(), 4);  // pp16 and tg8 at each thread count
        QMap<int, double> tg, roof;
        QVariantList ids, tgIds;
        for (const QVariant& v : rows) {
            const QVariantMap r = v.toMap();
            ids << r.value(QStringLiteral("id"));
            if (!r.value(QStringLiteral("test")).toString().startsWith(QLatin1String("tg"))) continue;
            tgIds << r.value(QStringLiteral("id"));
            tg[r.value(QStringLiteral("sweepValue")).toInt()] = r.value(QStringLiteral("tokensPerSecond")).toDouble();
            roof[r.value(QStringLiteral("sweepValue")).toInt()] =
                r.value(QStringLiteral("roofTokensPerSecond")).toDouble();
        }
        QCOMPARE(tg.keys(), (QList<int>{1, 2}));
        QVERIFY(roof[1] > 0 && roof[2] > 0);

        // The decode chart: the line at the stored speeds, the roof dashed, axes titled with units.
        QList<QQuickItem*> charts;
        QTRY_VERIFY((charts = items(window->contentItem(), QStringLiteral("sweepChart"))).size() == 2);
        QQuickItem* decodeCard = nullptr;
        for (QQuickItem* c : charts)
            if (c->property("chart").toMap().value(QStringLiteral("kind")).toString() == QStringLiteral("decode"))
                decodeCard = c;
        QVERIFY(decodeCard && isShown(decodeCard));
        QQuickItem* view = chartViewIn(decodeCard);
        QVERIFY(view);
        QTRY_COMPARE(view->property("count").toInt(), 2);
        auto* line = qobject_cast<QLineSeries*>(seriesAt(view, 0));
        auto* roofLine = qobject_cast<QLineSeries*>(seriesAt(view, 1));
        QVERIFY(line && roofLine);
        QCOMPARE(line->name(), QStringLiteral("ternary cpu"));
        QCOMPARE(roofLine->name(), QStringLiteral("ternary cpu roof"));
        QCOMPARE(roofLine->pen().style(), Qt::DashLine);
        QCOMPARE(line->count(), 2);
        QCOMPARE(line->at(0), QPointF(1, tg[1]));
        QCOMPARE(line->at(1), QPointF(2, tg[2]));
        QCOMPARE(roofLine->at(1), QPointF(2, roof[2]));
        auto* xAxis = qobject_cast<QValueAxis*>(line->attachedAxes().value(0));
        auto* yAxis = qobject_cast<QValueAxis*>(line->attachedAxes().value(1));
        QVERIFY(xAxis && yAxis);
        if (xAxis->orientation() != Qt::Horizontal) std::swap(xAxis, yAxis);
        QCOMPARE(xAxis->titleText(), QStringLiteral("threads"));
        QCOMPARE(yAxis->titleText(), QStringLiteral("tokens/s"));
        QVERIFY(yAxis->max() >= std::max(roof[2], tg[2]));  // the roof is on the chart
        QCOMPARE(xAxis->min(), 1.0);                        // from the first thread count
        QCOMPARE(xAxis->max(), 2.0);
        QQuickItem* sweepView = firstItem(window->contentItem(), QStringLiteral("sweepView"));
        QTRY_VERIFY2(textLayoutProblems(sweepView).isEmpty(),
                     qPrintable(textLayoutProblems(sweepView).join(QLatin1Char('\n'))));
        // In the dark theme the lines take the dark palette (readable on the dark surface).
        settings.setTheme(QStringLiteral("dark"));
        QTRY_COMPARE(qobject_cast<QLineSeries*>(seriesAt(view, 0))->color().name(),
                     RunComparison::seriesColor(0, true));
        settings.setTheme(QStringLiteral("light"));
        QTRY_COMPARE(qobject_cast<QLineSeries*>(seriesAt(view, 0))->color().name(),
                     RunComparison::seriesColor(0, false));
        line = qobject_cast<QLineSeries*>(seriesAt(view, 0));
        if (const QString f = shot(QStringLiteral("sweep-threads-1000x700.png")); !f.isEmpty()) {
            window->resize(1000, 1500);  // the charts below the form
            QTest::qWait(300);
            window->grabWindow().save(f);
            window->resize(1000, 700);
        }

        // Exports: PNG of the chart as drawn, SVG of its data, the runs as CSV and JSON.
        ChartSvg exporter;
        QSignalSpy saved(&exporter, &ChartSvg::pngSaved);
        const QString png = dir_.path() + QStringLiteral("/decode.png");
        QVERIFY(exporter.savePng(decodeCard, QUrl::fromLocalFile(png).toString()));
        QTRY_COMPARE(saved.count(), 1);
        QCOMPARE(saved[0][1].toBool(), true);
        const QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= int(decodeCard->width()) - 1 && image.height() >= int(decodeCard->height()) - 1);

        const QString svgPath = dir_.path() + QStringLiteral("/decode.svg");
        QVERIFY(exporter.writeLines(decodeCard->property("chart").toMap(), svgPath));
        QFile svgFile(svgPath);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        QXmlStreamReader svg(&svgFile);
        int seriesPaths = 0, roofPaths = 0;
        QStringList titles;
        while (!svg.atEnd()) {
            svg.readNext();
            if (!svg.isStartElement()) continue;
            const QString cls = svg.attributes().value(QStringLiteral("class")).toString();
            if (svg.name() == QLatin1String("path") && cls == QLatin1String("series")) ++seriesPaths;
            if (svg.name() == QLatin1String("path") && cls == QLatin1String("roof")) ++roofPaths;
            if (svg.name() == QLatin1String("text") && cls == QLatin1String("axis-title"))
                titles << svg.readElementText();
        }
        QVERIFY2(!svg.hasError(), qPrintable(svg.errorString()));
        QCOMPARE(seriesPaths, 1);
        QCOMPARE(roofPaths, 1);
        QCOMPARE(titles, (QStringList{QStringLiteral("threads"), QStringLiteral("tokens/s")}));

        const QString csvPath = dir_.path() + QStringLiteral("/sweep.csv");
        QVERIFY(bench->exportRunsCsv(ids, QUrl::fromLocalFile(csvPath).toString()));
        QFile csv(csvPath);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> csvLines = csv.readAll().trimmed().split('\n');
        QCOMPARE(csvLines.size(), 5);  // the header and the four rows
        QVERIFY(csvLines[0].startsWith("date,model,"));

        const QString jsonPath = dir_.path() + QStringLiteral("/sweep.json");
        QVERIFY(bench->exportRunsJson(ids, jsonPath));
        QFile json(jsonPath);
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonArray results = QJsonDocument::fromJson(json.readAll()).array();
        QCOMPARE(results.size(), 4);
        for (const QJsonValue& r : results)
            QCOMPARE(r.toObject().value(QStringLiteral("sweep")).toString(), QStringLiteral("threads"));
        QCOMPARE(bench->importBenchJson(QUrl::fromLocalFile(jsonPath).toString()), 4);
        const QString imported = bench->lastGroup();
        QVERIFY(imported != group);
        QCOMPARE(bench->history()->runsInGroup(imported).size(), 4);

        // Compare: the sweep's two decode runs and the imported copy of one; the labels name what
        // differs (threads, and the source), the axis has its numbers and unit.
        QVariantList picks = tgIds;
        for (const QVariant& v : bench->history()->runsInGroup(imported))
            if (v.toMap().value(QStringLiteral("test")).toString().startsWith(QLatin1String("tg")) &&
                v.toMap().value(QStringLiteral("threads")).toInt() == 2)
                picks << v.toMap().value(QStringLiteral("id"));
        QCOMPARE(picks.size(), 3);
        page->setProperty("view", 1);
        QQuickItem* compare = nullptr;
        QTRY_VERIFY((compare = firstItem(window->contentItem(), QStringLiteral("compareView"))) && isShown(compare));
        compare->setProperty("picked", picks);
        QList<QQuickItem*> bars;
        QTRY_COMPARE((bars = items(compare, QStringLiteral("compareBar"))).size(), 3);
        // The run list names the app's runs and the imported ones alike, by the model's file.
        // (Both groups are open: four runs of the sweep, four imported.)
        QList<QQuickItem*> runBoxes;
        QTRY_COMPARE((runBoxes = items(compare, QStringLiteral("compareRunBox"))).size(), 8);
        for (QQuickItem* box : runBoxes)
            QVERIFY2(box->property("text").toString().startsWith(QStringLiteral("demo-ternary · ")),
                     qPrintable(box->property("text").toString()));
        const QVariantMap expected = RunComparison::compare(
            [&] {
                QVariantList r;
                for (const QVariant& id : picks) r << bench->history()->run(id.toLongLong());
                return r;
            }(),
            RunComparison::DecodeTokensPerSecond);
        const QVariantList want = expected.value(QStringLiteral("bars")).toList();
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(bars[i]->property("label").toString(), want[i].toMap().value(QStringLiteral("label")).toString());
            QVERIFY(bars[i]->property("valueText").toString().endsWith(QStringLiteral(" tokens/s")));
        }
        QVERIFY(bars[0]->property("label").toString().contains(QStringLiteral("1 thread")));
        QVERIFY(bars[1]->property("label").toString().contains(QStringLiteral("2 threads")));
        QVERIFY(bars[2]->property("label").toString() != bars[1]->property("label").toString());
        QQuickItem* axisTitle = firstItem(compare, QStringLiteral("compareAxisTitle"));
        QVERIFY(axisTitle);
        QVERIFY2(isShown(axisTitle), qPrintable(QStringLiteral("visible %1 w %2 h %3")
                                                    .arg(axisTitle->isVisible())
                                                    .arg(axisTitle->width())
                                                    .arg(axisTitle->height())));
        QCOMPARE(axisTitle->property("text").toString(), QStringLiteral("tokens/s"));
        QVERIFY(items(compare, QStringLiteral("compareTick")).size() >= 2);
        const QString caption = firstItem(compare, QStringLiteral("compareCaption"))->property("text").toString();
        // What the three share is said once: the model (the same file, run here and imported), the
        // test and the precision.
        QVERIFY2(caption.startsWith(QStringLiteral("all: demo-ternary, tg8, ternary, ")), qPrintable(caption));
        QVERIFY2(!bars[2]->property("label").toString().contains(QStringLiteral("demo-ternary")),
                 qPrintable(bars[2]->property("label").toString()));

        if (const QString f = shot(QStringLiteral("compare-1000x700.png")); !f.isEmpty()) window->grabWindow().save(f);
        // Laid out once the bars have settled (the caption wraps after the first pass).
        QTRY_VERIFY2(textLayoutProblems(compare).isEmpty(),
                     qPrintable(textLayoutProblems(compare).join(QLatin1Char('\n'))));

        // Another metric: memory in decimal units; a pp run on the decode chart is "not measured".
        compare->setProperty("metric", int(RunComparison::Memory));
        QTRY_VERIFY(items(compare, QStringLiteral("compareBar")).value(0) &&
                    items(compare, QStringLiteral("compareBar"))[0]
                        ->property("valueText")
                        .toString()
                        .endsWith(QStringLiteral(" MB")));
        QCOMPARE(axisTitle->property("text").toString(), QStringLiteral("MB"));
        compare->setProperty("metric", int(RunComparison::DecodeTokensPerSecond));
        QVariantList withPrefill = picks;
        for (const QVariant& id : ids)
            if (!tgIds.contains(id)) {
                withPrefill << id;
                break;
            }
        compare->setProperty("picked", withPrefill);
        QQuickItem* missing = nullptr;
        QTRY_VERIFY((missing = firstItem(compare, QStringLiteral("compareNotMeasured"))) && isShown(missing));
        QVERIFY2(missing->property("text").toString().contains(QStringLiteral("pp16")),
                 qPrintable(missing->property("text").toString()));
        QTRY_COMPARE(items(compare, QStringLiteral("compareBar")).size(), 3);  // drawn: only the runs that measured it
        compare->setProperty("picked", picks);
        QTRY_VERIFY(!isShown(firstItem(compare, QStringLiteral("compareNotMeasured"))));

        // The bars' SVG carries the same labels.
        const QString barsSvg = dir_.path() + QStringLiteral("/compare.svg");
        QVERIFY(exporter.writeBars(compare->property("comparison").toMap(), barsSvg));
        QFile bf(barsSvg);
        QVERIFY(bf.open(QIODevice::ReadOnly));
        const QString barsText = QString::fromUtf8(bf.readAll());
        for (const QVariant& b : want) {
            QString label = b.toMap().value(QStringLiteral("label")).toString();
            QVERIFY2(barsText.contains(label.toHtmlEscaped()), qPrintable(label));
        }

        // A bad import says why and imports nothing.
        const QString bad = dir_.path() + QStringLiteral("/bad.json");
        QFile b(bad);
        QVERIFY(b.open(QIODevice::WriteOnly));
        b.write("[{\"test\": 3}]");
        b.close();
        const int groupsBefore = bench->history()->groups().size();
        QCOMPARE(bench->importBenchJson(bad), -1);
        QVERIFY(!app.alerts()->message().isEmpty());
        QCOMPARE(bench->history()->groups().size(), groupsBefore);
    }
};

QTEST_MAIN(TestCompareView)
#include "tst_compareview.moc"
