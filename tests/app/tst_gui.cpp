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
#include "Settings.h"
#include "UiLoader.h"
#include "test_models.h"

using namespace tern::app;

namespace {
void typeText(QWindow* w, const QString& text) {
    for (QChar c : text) QTest::keyClick(w, c.toLatin1());
}
// Delegates are in the visual tree, not always in the QObject tree: walk childItems().
void collect(QQuickItem* item, const QString& name, QList<QQuickItem*>& out) {
    if (item->objectName() == name) out.push_back(item);
    for (QQuickItem* c : item->childItems()) collect(c, name, out);
}
QList<QQuickItem*> items(QQuickItem* root, const QString& name) {
    QList<QQuickItem*> out;
    collect(root, name, out);
    return out;
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
        AppController app(&settings);
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
    }
};

QTEST_MAIN(TestGui)
#include "tst_gui.moc"
