// The real main window, offscreen: with no model it shows the welcome page; with the tiny model a
// message typed into the composer and sent with Enter streams an answer into the chat.
#include <QApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include "AppController.h"
#include "Database.h"
#include "Settings.h"
#include "UiLoader.h"
#include "quick_items.h"
#include "test_models.h"

using namespace tern::app;

namespace {
void typeText(QWindow* w, const QString& text) {
    for (QChar c : text) QTest::keyClick(w, c.toLatin1());
}
}  // namespace

class TestGui : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // settings and data under ~/.qttest
        setUpApplication();
        QSettings().clear();
    }

    void welcomeThenChatStreams() {
        Settings settings;
        settings.setMaxTokens(64);
        QTemporaryDir dir;
        Database db;
        QVERIFY(db.open(dir.path() + QStringLiteral("/gui.sqlite")));
        AppController app(&settings, &db);
        QQmlApplicationEngine engine;
        QQuickWindow* window = loadMainWindow(engine, &app);
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QCOMPARE(app.state(), QStringLiteral("welcome"));

        app.loadModel(tern::app::test::tinyModel());
        QTRY_COMPARE_WITH_TIMEOUT(app.state(), QStringLiteral("ready"), 60000);

        QQuickItem* composer = nullptr;
        QTRY_VERIFY((composer = window->findChild<QQuickItem*>(QStringLiteral("composer"))) != nullptr);
        composer->forceActiveFocus();
        QTRY_VERIFY(composer->hasActiveFocus());
        typeText(window, QStringLiteral("Hello there"));
        QCOMPARE(composer->property("text").toString(), QStringLiteral("Hello there"));

        QSignalSpy finished(&app, &AppController::answerFinished);
        QSignalSpy streamed(app.chat(), &QAbstractItemModel::dataChanged);
        QTest::keyClick(window, Qt::Key_Return);
        QTRY_COMPARE(app.chat()->rowCount(), 2);
        QCOMPARE(composer->property("text").toString(), QString());  // Enter sent and cleared
        QCOMPARE(app.chat()->get(0).value(QStringLiteral("content")).toString(), QStringLiteral("Hello there"));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 60000);
        QVERIFY(streamed.count() >= 1);
        const QVariantMap answer = app.chat()->get(1);
        QCOMPARE(answer.value(QStringLiteral("role")).toString(), QStringLiteral("assistant"));
        QVERIFY(!answer.value(QStringLiteral("content")).toString().isEmpty());
        QVERIFY(answer.value(QStringLiteral("metrics")).toMap().contains(QStringLiteral("decodeTps")));
        QVERIFY(app.metrics()->generated() > 0);

        // The answer is on screen: its delegate holds the text and its TextEdit has rendered it.
        QTRY_VERIFY([&] {
            for (QQuickItem* b : items(window->contentItem(), QStringLiteral("messageBubble"))) {
                if (b->property("role").toString() != QLatin1String("assistant")) continue;
                QQuickItem* text = items(b, QStringLiteral("messageText")).value(0);
                if (b->property("content").toString() == answer.value(QStringLiteral("content")).toString() && text &&
                    text->property("length").toInt() > 0 && text->isVisible())
                    return true;
            }
            return false;
        }());

        // Shift+Enter is a newline, not a send.
        typeText(window, QStringLiteral("a"));
        QTest::keyClick(window, Qt::Key_Return, Qt::ShiftModifier);
        QCOMPARE(app.chat()->rowCount(), 2);
        QVERIFY(composer->property("text").toString().contains(QLatin1Char('\n')));

        const QImage shot = window->grabWindow();
        QVERIFY(!shot.isNull());

        // Stored: one conversation titled from the first message, the answer with its metrics.
        const auto convs = db.conversations();
        QCOMPARE(convs.size(), 1);
        QCOMPARE(convs[0].title, QStringLiteral("Hello there"));
        QCOMPARE(app.conversations()->rowCount(), 1);
        auto stored = db.messages(convs[0].id);
        QCOMPARE(stored.size(), 2);
        QCOMPARE(stored[1].content, answer.value(QStringLiteral("content")).toString());
        QVERIFY(stored[1].metrics.contains(QStringLiteral("decodeTps")));
        QVERIFY(stored[1].metrics.value(QStringLiteral("estimated")).toMap().contains(QStringLiteral("energyRatio")));

        // Regenerate replaces the answer; edit-and-resend replaces the question and what followed.
        finished.clear();
        app.regenerate();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 60000);
        QCOMPARE(db.messages(convs[0].id).size(), 2);
        finished.clear();
        app.editAndResend(0, QStringLiteral("Changed question"));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 60000);
        stored = db.messages(convs[0].id);
        QCOMPARE(stored.size(), 2);
        QCOMPARE(stored[0].content, QStringLiteral("Changed question"));

        // The chat's system prompt is stored with it.
        app.setSystemPrompt(QStringLiteral("Answer in French."));
        QCOMPARE(db.conversation(convs[0].id).systemPrompt, QStringLiteral("Answer in French."));

        // A new chat, then reopening the stored one brings its messages back.
        app.newChat();
        QCOMPARE(app.systemPrompt(), settings.systemPrompt());
        QCOMPARE(app.chat()->rowCount(), 0);
        app.openConversation(convs[0].id);
        QCOMPARE(app.chat()->rowCount(), 2);
        QCOMPARE(app.chat()->get(0).value(QStringLiteral("content")).toString(), QStringLiteral("Changed question"));
        QCOMPARE(app.systemPrompt(), QStringLiteral("Answer in French."));
    }

    // A chat's own sampling parameters: sent to the worker on top of the defaults, stored with the
    // chat, restored when it is reopened, dropped for a new chat.
    void chatSamplingIsStoredAndPassedToTheWorker() {
        Settings settings;
        settings.setMaxTokens(8);
        settings.setMinP(0.07);
        QTemporaryDir dir;
        Database db;
        QVERIFY(db.open(dir.path() + QStringLiteral("/sampling.sqlite")));
        AppController app(&settings, &db);
        app.loadModel(tern::app::test::tinyModel());
        QTRY_COMPARE_WITH_TIMEOUT(app.state(), QStringLiteral("ready"), 60000);

        QSignalSpy changed(&app, &AppController::samplingChanged);
        app.setChatSampling(QStringLiteral("minP"), 0.2);
        app.setChatSampling(QStringLiteral("repeatPenalty"), 1.4);
        app.setChatSampling(QStringLiteral("repeatLastN"), 7);
        app.setChatSampling(QStringLiteral("notASetting"), 1);  // ignored
        QCOMPARE(changed.count(), 3);
        QCOMPARE(app.samplingOverrides().size(), 3);

        QSignalSpy generate(&app, &AppController::workerGenerate);
        QSignalSpy finished(&app, &AppController::answerFinished);
        QVERIFY(app.send(QStringLiteral("Hi")));
        QCOMPARE(generate.count(), 1);
        const QVariantMap params = generate[0][2].toMap();
        QCOMPARE(params.value(QStringLiteral("minP")).toDouble(), 0.2);
        QCOMPARE(params.value(QStringLiteral("repeatPenalty")).toDouble(), 1.4);
        QCOMPARE(params.value(QStringLiteral("repeatLastN")).toInt(), 7);
        QCOMPARE(params.value(QStringLiteral("maxTokens")).toInt(), 8);          // the default
        QCOMPARE(params.value(QStringLiteral("temperature")).toDouble(), settings.temperature());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 60000);

        const qint64 id = app.currentConversation();
        QCOMPARE(db.conversation(id).sampling, app.samplingOverrides());
        app.newChat();
        QVERIFY(app.samplingOverrides().isEmpty());
        QCOMPARE(app.sampling().value(QStringLiteral("minP")).toDouble(), 0.07);
        app.openConversation(id);
        QCOMPARE(app.sampling().value(QStringLiteral("repeatLastN")).toInt(), 7);
        // The chat's own value wins over a changed default; the other defaults still apply.
        settings.setMinP(0.09);
        settings.setTopK(11);
        QCOMPARE(app.sampling().value(QStringLiteral("minP")).toDouble(), 0.2);
        QCOMPARE(app.sampling().value(QStringLiteral("topK")).toInt(), 11);
        app.resetChatSampling();
        QVERIFY(db.conversation(id).sampling.isEmpty());
        QCOMPARE(app.sampling().value(QStringLiteral("minP")).toDouble(), 0.09);
        settings.resetSampling();
    }

    // First run: the welcome page's "create a benchmark model" writes one into the models folder
    // and loads it; Esc in the composer stops a long answer.
    void benchmarkModelFromWelcomeThenEscStops() {
        QTemporaryDir models;
        Settings settings;
        settings.setModelsDir(models.path());
        settings.setMaxTokens(100000);
        AppController app(&settings);
        QQmlApplicationEngine engine;
        QQuickWindow* window = loadMainWindow(engine, &app);
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QCOMPARE(app.state(), QStringLiteral("welcome"));

        app.createBenchmarkModel(QStringLiteral("tiny"));
        QTRY_COMPARE_WITH_TIMEOUT(app.state(), QStringLiteral("ready"), 60000);
        QVERIFY(QFile::exists(models.path() + QStringLiteral("/tern-benchmark-tiny.gguf")));
        QCOMPARE(app.library()->rowCount(), 1);

        QSignalSpy finished(&app, &AppController::answerFinished);
        QVERIFY(app.send(QStringLiteral("Go on forever")));
        QTRY_VERIFY_WITH_TIMEOUT(app.metrics()->generated() > 0, 30000);
        QQuickItem* composer = nullptr;
        QTRY_VERIFY((composer = items(window->contentItem(), QStringLiteral("composer")).value(0)) != nullptr);
        composer->forceActiveFocus();
        QTest::keyClick(window, Qt::Key_Escape);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > 0, 10000);
        QCOMPARE(finished[0][1].toMap().value(QStringLiteral("stopReason")).toString(), QStringLiteral("stopped"));
        QVERIFY(!app.generating());
    }
};

QTEST_MAIN(TestGui)
#include "tst_gui.moc"
