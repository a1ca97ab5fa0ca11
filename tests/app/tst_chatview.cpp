// The chat view's message bubbles in the real window, offscreen: an answer's fenced code blocks get
// a header with the language and a Copy button that puts the raw code on the clipboard, and their
// code is highlighted; every bubble is left-aligned even when its text starts in a right-to-left
// script.
#include <QApplication>
#include <QClipboard>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickTextDocument>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>
#include <QtTest>

#include "AppContext.h"
#include "Alerts.h"
#include "Benchmarks.h"
#include "Conversations.h"
#include "ModelLibrary.h"
#include "ModelSession.h"
#include "ModelSources.h"
#include "Navigation.h"
#include "Settings.h"
#include "UiLoader.h"
#include "quick_items.h"
#include "test_models.h"

using namespace tern::app;

namespace {

ChatMessageItem message(const QString& role, const QString& content) {
    ChatMessageItem m;
    m.role = role;
    m.content = content;
    return m;
}

// The leftmost x of each line of a TextEdit, in the item's coordinates.
QList<qreal> lineStarts(QQuickItem* edit) {
    QMap<qreal, qreal> starts;  // line y -> min x
    const int n = edit->property("length").toInt();
    for (int i = 0; i <= n; ++i) {
        QRectF r;
        QMetaObject::invokeMethod(edit, "positionToRectangle", Q_RETURN_ARG(QRectF, r), Q_ARG(int, i));
        auto it = starts.find(r.y());
        if (it == starts.end()) starts.insert(r.y(), r.x());
        else *it = std::min(*it, r.x());
    }
    return starts.values();
}

const QString kCode = QStringLiteral("def greet(name):\n    # say hello\n    return f\"hello {name}\"  # 42\n# שלום עולם");

QTextDocument* documentOf(QQuickItem* edit) {
    auto* d = edit->property("textDocument").value<QQuickTextDocument*>();
    return d ? d->textDocument() : nullptr;
}

}  // namespace

class TestChatView : public QObject {
    Q_OBJECT
    Settings* settings_ = nullptr;
    AppContext* app_ = nullptr;
    QQmlApplicationEngine* engine_ = nullptr;
    QQuickWindow* window_ = nullptr;

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        setUpApplication();
        QSettings().clear();
        settings_ = new Settings;
        settings_->setTheme(QStringLiteral("light"));
        app_ = new AppContext(settings_);
        engine_ = new QQmlApplicationEngine;
        window_ = loadMainWindow(*engine_, app_);
        QVERIFY(window_);
        QVERIFY(QTest::qWaitForWindowExposed(window_));
        app_->session()->load(tern::app::test::tinyModel());
        QTRY_COMPARE_WITH_TIMEOUT(app_->session()->state(), ModelSession::Ready, 60000);

        // A conversation as a model would write it, with right-to-left text first in two bubbles.
        app_->conversations()->chat()->append(message(QStringLiteral("user"), QStringLiteral("שלום! How do I greet someone in Python? I would like a function that takes a name and "
                                                                       "returns a friendly greeting, and an example of calling it from the command line.")));
        app_->conversations()->chat()->append(message(QStringLiteral("assistant"),
                                     QStringLiteral("مرحبا — here is a function:\n\nمرحبا بالعالم، هذه دالة.\n\n```python\n") + kCode +
                                         QStringLiteral("\n```\n\nCall it with `greet(\"tern\")`.")));
        QTRY_VERIFY(!items(window_->contentItem(), QStringLiteral("codeBlock")).isEmpty());
        if (const QByteArray dir = qgetenv("TERN_TEST_SCREENSHOTS"); !dir.isEmpty())
            window_->grabWindow().save(QString::fromLocal8Bit(dir) + QStringLiteral("/chatview.png"));
    }
    void cleanupTestCase() {
        delete engine_;
        delete app_;
        delete settings_;
    }

    void codeBlockHasHeaderAndHighlighting() {
        const auto blocks = items(window_->contentItem(), QStringLiteral("codeBlock"));
        QCOMPARE(blocks.size(), 1);
        QQuickItem* block = blocks[0];
        QCOMPARE(items(block, QStringLiteral("codeLanguage")).value(0)->property("text").toString(), QStringLiteral("Python"));
        QQuickItem* code = items(block, QStringLiteral("codeText")).value(0);
        QVERIFY(code);
        QCOMPARE(code->property("text").toString(), kCode);
        // The highlighter is attached to the TextEdit's document: "def" and the comment are coloured.
        auto* qdoc = code->property("textDocument").value<QQuickTextDocument*>();
        QVERIFY(qdoc);
        QTextDocument* doc = qdoc->textDocument();
        QTRY_VERIFY(!doc->firstBlock().layout()->formats().isEmpty());
        QCOMPARE(doc->findBlockByNumber(1).layout()->formats().value(0).format.fontItalic(), true);  // # say hello
        // The prose around it is Markdown: the inline code span is not a block.
        const auto prose = items(window_->contentItem(), QStringLiteral("messageText"));
        QCOMPARE(prose.size(), 3);  // the question, the text before and after the block
    }

    void copyPutsTheRawCodeOnTheClipboard() {
        QQuickItem* block = items(window_->contentItem(), QStringLiteral("codeBlock")).value(0);
        QQuickItem* button = items(block, QStringLiteral("copyCodeButton")).value(0);
        QVERIFY(button);
        QGuiApplication::clipboard()->clear();
        QCOMPARE(button->property("text").toString(), QStringLiteral("Copy"));
        const QPointF centre = button->mapToScene(QPointF(button->width() / 2, button->height() / 2));
        QTest::mouseClick(window_, Qt::LeftButton, {}, centre.toPoint());
        QTRY_COMPARE(QGuiApplication::clipboard()->text(), kCode);
        QCOMPARE(button->property("text").toString(), QStringLiteral("Copied"));  // feedback, then back
        QTRY_COMPARE_WITH_TIMEOUT(button->property("text").toString(), QStringLiteral("Copy"), 5000);
    }

    void rightToLeftTextIsLeftAligned() {
        const auto texts = items(window_->contentItem(), QStringLiteral("messageText"));
        QVERIFY(texts.size() >= 2);
        int checked = 0;
        for (QQuickItem* t : texts) {
            const QString s = t->property("text").toString();
            if (!s.startsWith(QChar(0x05e9)) && !s.startsWith(QChar(0x0645))) continue;
            // The first letter is Hebrew or Arabic; every line still starts at the left edge (give or
            // take the trailing space of a wrapped right-to-left line). Right-aligned, they would
            // start hundreds of pixels in.
            for (qreal x : lineStarts(t))
                QVERIFY2(x < 12, qPrintable(QStringLiteral("\"%1\": a line starts at x=%2 of %3").arg(s.left(20)).arg(x).arg(t->width())));
            ++checked;
        }
        QCOMPARE(checked, 2);
    }

    void paragraphsTakeTheirMajorityDirection() {
        const auto texts = items(window_->contentItem(), QStringLiteral("messageText"));
        // The question starts with a Hebrew word but is English: left to right, punctuation in place.
        QTextDocument* question = documentOf(texts.value(0));
        QVERIFY(question);
        QCOMPARE(question->firstBlock().textDirection(), Qt::LeftToRight);
        // The answer: an English line that opens in Arabic, then an Arabic paragraph.
        QTextDocument* answer = documentOf(texts.value(1));
        QVERIFY(answer);
        QCOMPARE(answer->blockCount(), 2);
        QCOMPARE(answer->firstBlock().textDirection(), Qt::LeftToRight);
        QCOMPARE(answer->lastBlock().textDirection(), Qt::RightToLeft);
        // Code is always left to right, even a comment in Hebrew, and starts at the left.
        QQuickItem* code = items(window_->contentItem(), QStringLiteral("codeText")).value(0);
        QTextDocument* codeDoc = documentOf(code);
        QCOMPARE(codeDoc->lastBlock().text(), QStringLiteral("# שלום עולם"));
        QCOMPARE(codeDoc->lastBlock().textDirection(), Qt::LeftToRight);
        for (qreal x : lineStarts(code)) QVERIFY(x < 2);
    }

    // The sliders button above the chat opens this chat's sampling form; a change made there is
    // this chat's own and is shown as custom.
    void chatSamplingPopup() {
        QQuickItem* button = items(window_->contentItem(), QStringLiteral("chatSamplingButton")).value(0);
        QVERIFY(button);
        QCOMPARE(button->property("text").toString(), QString());
        const QPointF centre = button->mapToScene(QPointF(button->width() / 2, button->height() / 2));
        QTest::mouseClick(window_, Qt::LeftButton, {}, centre.toPoint());
        QQuickItem* slider = nullptr;
        QTRY_VERIFY((slider = items(window_->contentItem(), QStringLiteral("minPSlider")).value(0)) && slider->isVisible());
        const double before = app_->conversations()->sampling().minP;
        slider->forceActiveFocus();
        QTest::keyClick(window_, Qt::Key_Right);  // one step up
        QTRY_COMPARE(app_->conversations()->samplingOverrides().value(QStringLiteral("minP")).toDouble(), before + 0.01);
        QCOMPARE(button->property("text").toString(), QStringLiteral("Custom"));
        if (const QByteArray dir = qgetenv("TERN_TEST_SCREENSHOTS"); !dir.isEmpty()) {
            QTest::qWait(500);  // the popup's opening transition
            window_->grabWindow().save(QString::fromLocal8Bit(dir) + QStringLiteral("/sampling.png"));
        }
        app_->conversations()->resetChatSampling();
        QCOMPARE(button->property("text").toString(), QString());
        QTest::keyClick(window_, Qt::Key_Escape);
        QTRY_VERIFY(!slider->isVisible());
    }

    // Defect 1: an answer is labelled with the model that wrote it (its stored metrics), not with
    // the model loaded now; one without a stored model says "Assistant".
    void answerNamesTheModelThatWroteIt() {
        const QString loaded = app_->session()->model().name();
        QVERIFY(!loaded.isEmpty());
        ChatMessageItem old = message(QStringLiteral("assistant"), QStringLiteral("An answer from another model."));
        old.metrics = {{QStringLiteral("model"), QStringLiteral("Older Model 7B")}};
        const int rows = app_->conversations()->chat()->rowCount();
        app_->conversations()->chat()->append(old);
        app_->conversations()->chat()->append(message(QStringLiteral("assistant"), QStringLiteral("No metrics.")));
        auto authorOf = [&](const QString& content) -> QString {
            for (QQuickItem* b : items(window_->contentItem(), QStringLiteral("messageBubble")))
                if (b->property("content").toString() == content)
                    return items(b, QStringLiteral("authorLabel")).value(0)->property("text").toString();
            return QStringLiteral("<no bubble>");
        };
        QTRY_COMPARE(authorOf(QStringLiteral("An answer from another model.")), QStringLiteral("Older Model 7B"));
        QTRY_COMPARE(authorOf(QStringLiteral("No metrics.")), QStringLiteral("Assistant"));
        app_->conversations()->chat()->truncate(rows);
    }
};

QTEST_MAIN(TestChatView)
#include "tst_chatview.moc"
