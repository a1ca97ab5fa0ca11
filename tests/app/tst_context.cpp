// Issue 13, defect 6: a conversation that outgrows the model's context. Each chat picks what
// happens (rolling window, truncate middle, stop; stored with it); the model gets a prompt that
// fits, the chat says which messages were left out, an answer that fills the context goes on
// under the rolling window, and the context meter moves while an answer streams.
//
// The tiny random-weight model (Llama-3 vocabulary) is loaded with a 128-token context and answers
// greedily: it practically never samples an end-of-text token, so every answer runs until its
// length limit or the context stops it.
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "AppContext.h"
#include "ContextWindow.h"
#include "Conversations.h"
#include "Database.h"
#include "EngineWorker.h"
#include "Format.h"
#include "LiveMetrics.h"
#include "ModelSession.h"
#include "Settings.h"
#include "test_models.h"

using namespace tern::app;
using Role = tern::ChatMessage::Role;

namespace {

constexpr int kContext = 128;
const QString kSystem = QStringLiteral("Always answer about seabirds.");

ChatMessageItem item(const QString& role, const QString& content) {
    ChatMessageItem m;
    m.role = role;
    m.content = content;
    return m;
}

// A stored conversation of `turns` questions and answers, each one different (so the prompt shows
// which of them the model saw).
QStringList storeConversation(Database& db, qint64& id, int turns) {
    static const char* const birds[] = {"terns", "gulls", "puffins", "gannets", "skuas", "petrels", "shags", "auks"};
    QStringList texts;
    id = db.createConversation(QStringLiteral("long chat"), kSystem);
    for (int i = 0; i < turns; ++i) {
        const QString bird = QLatin1String(birds[i % 8]);
        texts << QStringLiteral("Question %1: where do %2 nest in winter?").arg(i + 1).arg(bird)
              << QStringLiteral("Answer %1: %2 nest on rocky coasts and islands.").arg(i + 1).arg(bird);
    }
    for (int i = 0; i < texts.size(); ++i)
        db.addMessage(id, item(i % 2 ? QStringLiteral("assistant") : QStringLiteral("user"), texts[i]), true);
    return texts;
}

// A word is a token, a message costs two more (its role and its end): enough to test the choice.
std::vector<int32_t> countWords(const std::vector<tern::ChatMessage>& chat) {
    std::vector<int32_t> ids;
    for (const tern::ChatMessage& m : chat) {
        ids.insert(ids.end(), 2, 0);
        for (const QString& w : QString::fromStdString(m.content).split(QLatin1Char(' '), Qt::SkipEmptyParts))
            ids.push_back(int32_t(w.size()));
    }
    return ids;
}

std::vector<tern::ChatMessage> wordChat() {
    // System 3 + 2 = 5 tokens; each other message 4 + 2 = 6.
    std::vector<tern::ChatMessage> chat{{Role::System, "be very brief"}};
    for (int i = 0; i < 6; ++i)
        chat.push_back({i % 2 ? Role::Assistant : Role::User, "message number " + std::to_string(i) + " here"});
    chat.push_back({Role::User, "the last question"});  // 3 + 2 = 5
    return chat;
}

}  // namespace

class TestContext : public QObject {
    Q_OBJECT
    Settings* settings_ = nullptr;

    struct Answer {
        GenerationStats stats;
        QVariantMap metrics;   // as the chat shows them (and stores them)
        QString content;
        QList<int> trimmed;    // droppedMessages of each contextTrimmed signal, in order
        QList<int> contextWhileStreaming;  // the meter's tokens each time it changed mid-answer
        QList<double> kvWhileStreaming;    // the KV tile's bytes
    };

    // Opens stored conversation `id` under `policy`, asks `question` and waits for the answer.
    static Answer ask(AppContext& app, qint64 id, ContextPolicy::Policy policy, const QString& question) {
        Answer a;
        Conversations* c = app.conversations();
        if (id) c->open(id);
        c->setContextPolicy(policy);
        QSignalSpy finished(c, &Conversations::answerFinished);
        QSignalSpy trimmed(app.session()->worker(), &EngineWorker::contextTrimmed);
        QObject guard;
        QObject::connect(app.metrics(), &LiveMetrics::changed, &guard, [&] {
            if (!c->generating() || app.metrics()->generated() == 0) return;
            a.contextWhileStreaming << app.metrics()->contextUsed();
            a.kvWhileStreaming << app.metrics()->kvUsedBytes();
        });
        if (!c->send(question)) return a;
        [&] { QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000); }();
        if (finished.isEmpty()) return a;
        const int row = finished[0][0].toInt();
        a.stats = finished[0][1].value<GenerationStats>();
        a.metrics = c->chat()->get(row).value(QStringLiteral("metrics")).toMap();
        a.content = c->chat()->get(row).value(QStringLiteral("content")).toString();
        for (const QList<QVariant>& s : trimmed) a.trimmed << s[1].toInt();
        return a;
    }

    void loadModel(AppContext& app) {
        app.session()->load(tern::app::test::tinyModel());
        QTRY_COMPARE_WITH_TIMEOUT(app.session()->state(), ModelSession::Ready, 60000);
        QCOMPARE(app.session()->model().nCtx, kContext);
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TernTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_context"));
        QSettings().clear();
        settings_ = new Settings;
        settings_->setContextLength(kContext);
        settings_->setTemperature(0);  // greedy: the same answer every run
        settings_->setThreads(2);
    }
    void cleanupTestCase() { delete settings_; }

    // The choice itself, with a word-count tokenizer: 5 + 6 * 6 + 5 = 46 tokens in all.
    void rollingWindowLeavesOutTheOldestAndKeepsTheSystemPrompt() {
        const auto chat = wordChat();
        const ContextFit all = fitContext(chat, ContextPolicy::RollingWindow, 64, 10, 10, countWords);
        QVERIFY(all.fits);
        QCOMPARE(all.dropped, 0);
        QCOMPARE(all.messages.size(), chat.size());
        // 32 tokens of context, 10 kept free: at most 22 for the prompt = system, 1 exchange, question.
        const ContextFit f = fitContext(chat, ContextPolicy::RollingWindow, 32, 10, 10, countWords);
        QVERIFY(f.fits);
        QCOMPARE(f.dropped, 4);
        QCOMPARE(int(f.tokens.size()), 5 + 6 + 6 + 5);
        QCOMPARE(f.messages.size(), size_t(4));
        QCOMPARE(f.messages[0].content, chat[0].content);  // the system prompt
        QCOMPARE(f.messages[1].content, chat[5].content);  // a question, not an answer without one
        QVERIFY(f.messages[1].role == Role::User);
        QCOMPARE(f.messages[3].content, chat.back().content);
        // One token less and the last exchange goes too.
        const ContextFit g = fitContext(chat, ContextPolicy::RollingWindow, 31, 10, 10, countWords);
        QVERIFY(g.fits);
        QCOMPARE(g.dropped, 6);
        QCOMPARE(g.messages.size(), size_t(2));
        // Not even the system prompt and the question fit: the shortest choice, marked.
        const ContextFit none = fitContext(chat, ContextPolicy::RollingWindow, 12, 10, 10, countWords);
        QVERIFY(!none.fits);
        QCOMPARE(none.messages.size(), size_t(2));
    }

    void truncateMiddleKeepsTheFirstQuestionAndTheNewest() {
        const auto chat = wordChat();
        // 28 for the prompt: system 5, first question 6, the newest exchange 12, the question 5.
        const ContextFit f = fitContext(chat, ContextPolicy::TruncateMiddle, 35, 7, 7, countWords);
        QVERIFY(f.fits);
        QCOMPARE(f.messages.size(), size_t(5));
        QCOMPARE(f.messages[0].content, chat[0].content);
        QCOMPARE(f.messages[1].content, chat[1].content);  // the first question
        QCOMPARE(f.messages[2].content, chat[5].content);  // then the newest exchange
        QCOMPARE(f.messages[4].content, chat.back().content);
        QCOMPARE(f.dropped, 3);
        // Where even the first question cannot stay, the newest messages still do.
        const ContextFit g = fitContext(chat, ContextPolicy::TruncateMiddle, 21, 10, 10, countWords);
        QVERIFY(g.fits);
        QCOMPARE(g.messages.size(), size_t(2));
        QCOMPARE(g.messages[1].content, chat.back().content);
    }

    // Where the first question can stay with less room for the answer, it stays.
    void truncateMiddleGivesUpRoomBeforeTheFirstQuestion() {
        const auto chat = wordChat();
        // 26 tokens: system 5 + first question 6 + question 5 = 16 leaves 10 of the 12 wanted.
        const ContextFit f = fitContext(chat, ContextPolicy::TruncateMiddle, 26, 12, 1, countWords);
        QVERIFY(f.fits);
        QCOMPARE(f.messages.size(), size_t(3));
        QCOMPARE(f.messages[1].content, chat[1].content);
        // The rolling window takes the newest exchange instead, with the full room.
        const ContextFit r = fitContext(chat, ContextPolicy::RollingWindow, 26, 4, 1, countWords);
        QCOMPARE(r.messages.size(), size_t(4));
        QCOMPARE(r.messages[1].content, chat[5].content);
    }

    void stopLeavesEverythingIn() {
        const auto chat = wordChat();
        const ContextFit f = fitContext(chat, ContextPolicy::Stop, 30, 10, 10, countWords);
        QVERIFY(!f.fits);
        QCOMPARE(f.dropped, 0);
        QCOMPARE(f.messages.size(), chat.size());
    }

    void policyNamesRoundTrip() {
        for (auto p : {ContextPolicy::RollingWindow, ContextPolicy::TruncateMiddle, ContextPolicy::Stop})
            QCOMPARE(ContextPolicy::fromKey(ContextPolicy::key(p)), p);
        QCOMPARE(ContextPolicy::fromKey(QStringLiteral("nonsense")), ContextPolicy::RollingWindow);
        QCOMPARE(ContextPolicy::fromKey(QString()), ContextPolicy::RollingWindow);
        QCOMPARE(answerReserve(2048, 512), 512);
        QCOMPARE(answerReserve(128, 512), 32);
        QCOMPARE(answerReserve(128, 0), 32);
    }

    // Rolling window: the model gets the system prompt and the newest messages, the answer comes
    // in full, the chat says how many messages were left out, and the history stays whole.
    void rollingWindowKeepsAnswering() {
        settings_->setMaxTokens(16);
        QTemporaryDir dir;
        Database db;
        QVERIFY(db.open(dir.path() + QStringLiteral("/rolling.sqlite")));
        qint64 id = 0;
        const QStringList texts = storeConversation(db, id, 5);
        AppContext app(settings_, &db);
        loadModel(app);
        const QString question = QStringLiteral("And where do they fly in spring?");
        const Answer a = ask(app, id, ContextPolicy::RollingWindow, question);
        QCOMPARE(a.stats.stopReason, StopReason::MaxTokens);
        QCOMPARE(a.stats.nGenerated, 16);
        QVERIFY(!a.content.isEmpty());
        const int dropped = a.stats.droppedMessages;
        QVERIFY2(dropped > 0 && dropped % 2 == 0, qPrintable(QString::number(dropped)));  // whole exchanges
        QVERIFY(a.stats.nPrompt + answerReserve(kContext, 16) <= kContext);
        // The prompt: the system prompt first, then exactly the newest messages and the question.
        const QString prompt = a.stats.promptText;
        QVERIFY2(prompt.indexOf(kSystem) >= 0 && prompt.indexOf(kSystem) < prompt.indexOf(texts[dropped]), qPrintable(prompt));
        for (int i = 0; i < texts.size(); ++i) QCOMPARE(prompt.contains(texts[i]), i >= dropped);
        QVERIFY(prompt.contains(question));
        // The chat says so, the stored answer too, and no message was deleted.
        QCOMPARE(a.trimmed, QList<int>{dropped});
        QCOMPARE(a.metrics.value(QStringLiteral("droppedMessages")).toInt(), dropped);
        QCOMPARE(Format::leftOut(dropped),
                 QStringLiteral("%1 earlier messages no longer fit and were left out of the model's context").arg(dropped));
        const auto stored = db.messages(id);
        QCOMPARE(stored.size(), texts.size() + 2);
        QCOMPARE(stored.last().metrics.value(QStringLiteral("droppedMessages")).toInt(), dropped);
    }

    void truncateMiddleKeepsTheFirstAndTheLastTurns() {
        settings_->setMaxTokens(16);
        QTemporaryDir dir;
        Database db;
        QVERIFY(db.open(dir.path() + QStringLiteral("/middle.sqlite")));
        qint64 id = 0;
        const QStringList texts = storeConversation(db, id, 5);
        AppContext app(settings_, &db);
        loadModel(app);
        const Answer a = ask(app, id, ContextPolicy::TruncateMiddle, QStringLiteral("And in spring?"));
        QCOMPARE(a.stats.stopReason, StopReason::MaxTokens);
        const int dropped = a.stats.droppedMessages;
        QVERIFY(dropped > 0);
        const QString prompt = a.stats.promptText;
        QVERIFY(prompt.contains(kSystem));
        QVERIFY2(prompt.contains(texts.first()), qPrintable(prompt));  // the first question
        for (int i = 1; i < texts.size(); ++i) QCOMPARE(prompt.contains(texts[i]), i > dropped);
        QVERIFY(prompt.contains(texts.last()));
        QCOMPARE(a.metrics.value(QStringLiteral("droppedMessages")).toInt(), dropped);
    }

    // Stop: a conversation that no longer fits gets no answer, the reason, and what to do; one that
    // fits with too little room stops where the context is full.
    void stopSaysTheContextIsFull() {
        QTemporaryDir dir;
        Database db;
        QVERIFY(db.open(dir.path() + QStringLiteral("/stop.sqlite")));
        qint64 full = 0, nearly = 0;
        const QStringList texts = storeConversation(db, full, 5);
        storeConversation(db, nearly, 3);
        AppContext app(settings_, &db);
        loadModel(app);

        settings_->setMaxTokens(16);
        const Answer none = ask(app, full, ContextPolicy::Stop, QStringLiteral("And in spring?"));
        QCOMPARE(none.stats.stopReason, StopReason::ContextFull);
        QCOMPARE(none.stats.nGenerated, 0);
        QCOMPARE(none.stats.droppedMessages, 0);
        QVERIFY(none.content.isEmpty());
        QVERIFY(none.trimmed.isEmpty());
        for (const QString& t : texts) QVERIFY(none.stats.promptText.contains(t));  // nothing left out
        QCOMPARE(none.metrics.value(QStringLiteral("stopReason")).toString(), QStringLiteral("context_full"));
        QCOMPARE(none.metrics.value(QStringLiteral("contextPolicy")).toString(), QStringLiteral("stop"));
        const QString advice = Format::contextFullAdvice(QStringLiteral("stop"), kContext);
        QVERIFY(advice.contains(QStringLiteral("128 tokens")));
        QVERIFY(advice.contains(QStringLiteral("new chat")));
        QVERIFY(advice.contains(QStringLiteral("Rolling window")));
        QCOMPARE(app.metrics()->contextUsed(), kContext);  // the meter says full, not 0

        settings_->setMaxTokens(64);
        const Answer cut = ask(app, nearly, ContextPolicy::Stop, QStringLiteral("And in spring?"));
        QCOMPARE(cut.stats.stopReason, StopReason::ContextFull);
        QVERIFY2(cut.stats.nPrompt > kContext - 64, "the test needs a prompt that leaves less room than the answer wants");
        QCOMPARE(cut.stats.nGenerated, kContext - cut.stats.nPrompt + 1);  // up to the last position
        QCOMPARE(cut.stats.droppedMessages, 0);
        QVERIFY(!cut.content.isEmpty());
    }

    // Rolling window, an answer longer than the room left: it goes on past the point where the
    // context filled, after fewer of the earlier messages; the meter and the KV tile move while it
    // streams.
    void rollingAnswerGoesOnWhenTheContextFills() {
        settings_->setMaxTokens(64);
        QTemporaryDir dir;
        Database db;
        QVERIFY(db.open(dir.path() + QStringLiteral("/goes-on.sqlite")));
        qint64 id = 0;
        const QStringList texts = storeConversation(db, id, 3);
        AppContext app(settings_, &db);
        loadModel(app);
        const Answer a = ask(app, id, ContextPolicy::RollingWindow, QStringLiteral("And in spring?"));
        QCOMPARE(a.stats.stopReason, StopReason::MaxTokens);
        QCOMPARE(a.stats.nGenerated, 64);
        QVERIFY2(a.stats.nGenerated > kContext - a.stats.nPrompt + 1,
                 "the answer should need more room than the first prompt left");
        // Left out twice: before the answer, and more when it filled the context.
        QVERIFY2(a.trimmed.size() >= 2, qPrintable(QString::number(a.trimmed.size())));
        for (int i = 1; i < a.trimmed.size(); ++i) QVERIFY(a.trimmed[i] > a.trimmed[i - 1]);
        QCOMPARE(a.stats.droppedMessages, a.trimmed.last());
        QCOMPARE(a.metrics.value(QStringLiteral("droppedMessages")).toInt(), a.trimmed.last());
        QVERIFY(a.stats.promptText.contains(kSystem));
        QVERIFY(!a.stats.promptText.contains(texts.first()));

        // The meter read the cache while the answer streamed (it read 0 before): more than the
        // question, and the KV tile more than 0 B.
        QVERIFY(!a.contextWhileStreaming.isEmpty());
        QVERIFY2(*std::max_element(a.contextWhileStreaming.begin(), a.contextWhileStreaming.end()) > 20,
                 qPrintable(QString::number(a.contextWhileStreaming.first())));
        for (int used : a.contextWhileStreaming) QVERIFY(used > 0 && used <= kContext);
        for (double kv : a.kvWhileStreaming) QVERIFY(kv > 0);
    }

    // Truncate middle goes on the same way, and the first question stays through both cuts.
    void truncateMiddleAnswerGoesOnAndKeepsTheFirstQuestion() {
        settings_->setMaxTokens(64);
        QTemporaryDir dir;
        Database db;
        QVERIFY(db.open(dir.path() + QStringLiteral("/middle-goes-on.sqlite")));
        qint64 id = 0;
        const QStringList texts = storeConversation(db, id, 3);
        AppContext app(settings_, &db);
        loadModel(app);
        const Answer a = ask(app, id, ContextPolicy::TruncateMiddle, QStringLiteral("And in spring?"));
        QCOMPARE(a.stats.stopReason, StopReason::MaxTokens);
        QCOMPARE(a.stats.nGenerated, 64);
        QVERIFY(a.stats.nGenerated > kContext - a.stats.nPrompt + 1);
        QVERIFY2(a.trimmed.size() >= 2, qPrintable(QString::number(a.trimmed.size())));
        QVERIFY(a.stats.promptText.contains(kSystem));
        QVERIFY(a.stats.promptText.contains(texts.first()));
        QVERIFY(!a.stats.promptText.contains(texts.last()));
    }

    // The question and the answer alone fill the context: the rolling window has nothing left to
    // leave out, so the answer stops there and says what to do.
    void rollingWindowStopsWhenTheAnswerAloneFillsTheContext() {
        settings_->setMaxTokens(kContext * 2);
        AppContext app(settings_, nullptr);
        loadModel(app);
        const Answer a = ask(app, 0, ContextPolicy::RollingWindow, QStringLiteral("Tell me a very long story."));
        QCOMPARE(a.stats.stopReason, StopReason::ContextFull);
        QCOMPARE(a.stats.nGenerated, kContext - a.stats.nPrompt + 1);
        QCOMPARE(a.stats.droppedMessages, 0);
        QCOMPARE(a.metrics.value(QStringLiteral("contextPolicy")).toString(), QStringLiteral("rolling"));
        QVERIFY(Format::contextFullAdvice(QStringLiteral("rolling"), kContext).contains(QStringLiteral("longer context")));
    }

    // A message longer than the whole context: a clear message, no crash, no answer.
    void aMessageLongerThanTheContextIsRefused() {
        settings_->setMaxTokens(16);
        AppContext app(settings_, nullptr);
        loadModel(app);
        QString huge;
        for (int i = 0; i < 200; ++i) huge += QStringLiteral("word%1 ").arg(i);
        QSignalSpy failed(app.session()->worker(), &EngineWorker::generationFailed);
        QVERIFY(app.conversations()->send(huge));
        QTRY_VERIFY_WITH_TIMEOUT(!app.conversations()->generating(), 60000);
        QCOMPARE(failed.count(), 1);
        const QString why = failed[0][1].toString();
        QVERIFY2(why.contains(QStringLiteral("context of 128 tokens")) && why.contains(QStringLiteral("Shorten")), qPrintable(why));
        QCOMPARE(app.conversations()->chat()->rowCount(), 1);  // the question stays, no empty answer
    }

    // The choice is stored with the chat: it is there after a restart; a new chat starts rolling.
    void policySurvivesARestart() {
        QTemporaryDir dir;
        const QString path = dir.path() + QStringLiteral("/restart.sqlite");
        qint64 stop = 0, middle = 0;
        {
            Database db;
            QVERIFY(db.open(path));
            stop = db.createConversation(QStringLiteral("stop"));
            middle = db.createConversation(QStringLiteral("middle"));
            AppContext app(settings_, &db);
            QSignalSpy changed(app.conversations(), &Conversations::contextPolicyChanged);
            app.conversations()->open(stop);
            app.conversations()->setContextPolicy(ContextPolicy::Stop);
            app.conversations()->open(middle);
            app.conversations()->setContextPolicy(ContextPolicy::TruncateMiddle);
            QVERIFY(changed.count() >= 3);
        }
        Database db;
        QVERIFY(db.open(path));
        QCOMPARE(db.conversation(stop).contextPolicy, ContextPolicy::Stop);
        AppContext app(settings_, &db);
        QCOMPARE(app.conversations()->contextPolicy(), ContextPolicy::RollingWindow);
        app.conversations()->open(stop);
        QCOMPARE(app.conversations()->contextPolicy(), ContextPolicy::Stop);
        app.conversations()->open(middle);
        QCOMPARE(app.conversations()->contextPolicy(), ContextPolicy::TruncateMiddle);
        app.conversations()->newChat();
        QCOMPARE(app.conversations()->contextPolicy(), ContextPolicy::RollingWindow);
        // Exported and imported with the chat.
        const qint64 copy = db.importJson(db.exportJson(stop));
        QVERIFY(copy > 0);
        QCOMPARE(db.conversation(copy).contextPolicy, ContextPolicy::Stop);
    }
};

QTEST_MAIN(TestContext)
#include "tst_context.moc"
