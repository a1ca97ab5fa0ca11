#include "Conversations.h"

#include <QClipboard>
#include <QDateTime>
#include <QFile>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStandardPaths>

#include "Alerts.h"
#include "AppPaths.h"
#include "Database.h"
#include "EngineWorker.h"
#include "LiveMetrics.h"
#include "ModelSession.h"
#include "Sampling.h"
#include "Settings.h"
#include "WriteFile.h"

namespace tern::app {

Conversations::Conversations(Settings* settings, Database* db, ModelSession* session, LiveMetrics* metrics,
                             Alerts* alerts, QObject* parent)
    : QObject(parent), settings_(settings), db_(db && db->isOpen() ? db : nullptr), session_(session),
      metrics_(metrics), alerts_(alerts), list_(db_) {
    systemPrompt_ = settings_->systemPrompt();
    connect(settings_, &Settings::changed, this, &Conversations::samplingChanged);  // the defaults under this chat's
    connect(session_, &ModelSession::releasing, this, &Conversations::stop);

    EngineWorker* worker = session_->worker();
    connect(this, &Conversations::generationRequested, worker, &EngineWorker::generate, Qt::QueuedConnection);
    connect(worker, &EngineWorker::tokensReady, this, &Conversations::onTokens, Qt::QueuedConnection);
    connect(worker, &EngineWorker::generationStarted, this, [this](quint64 id, int contextTokens) {
        if (id == activeRequest_) metrics_->setAnswerContext(contextTokens);
    }, Qt::QueuedConnection);
    connect(worker, &EngineWorker::contextTrimmed, this, [this](quint64 id, int dropped) {
        if (id == activeRequest_ && answerRow_ >= 0) chat_.setMetric(answerRow_, QStringLiteral("droppedMessages"), dropped);
    }, Qt::QueuedConnection);
    connect(worker, &EngineWorker::energyMeasured, this, [this](quint64 id, double joules, int tokens) {
        if (id == activeRequest_) metrics_->onEnergyMeasured(joules, tokens);
    }, Qt::QueuedConnection);
    connect(worker, &EngineWorker::generationFinished, this, &Conversations::onFinished, Qt::QueuedConnection);
    connect(worker, &EngineWorker::generationFailed, this, &Conversations::onFailed, Qt::QueuedConnection);
    connect(this, &Conversations::twinComparisonRequested, worker, &EngineWorker::compareWithTwin, Qt::QueuedConnection);
    connect(worker, &EngineWorker::twinAnswers, this,
            [this](quint64 id, const QString& own, const QString& twin, const QString& error) {
                if (id == twinRequest_) metrics_->setTwinAnswers(own, twin, error);
            }, Qt::QueuedConnection);
    retry_.setInterval(kRetryMs);
    connect(&retry_, &QTimer::timeout, this, &Conversations::saveNow);
}

Conversations::~Conversations() {
    if (activeRequest_) session_->worker()->requestStop(activeRequest_);
}

bool Conversations::ready() const { return session_->state() == ModelSession::Ready; }

bool Conversations::send(const QString& text) {
    const QString t = text.trimmed();
    if (t.isEmpty() || !ready() || activeRequest_) return false;
    if (const QString busy = busyCheck_ ? busyCheck_() : QString(); !busy.isEmpty()) {
        alerts_->report(busy);
        return false;
    }
    ChatMessageItem m;
    m.role = QStringLiteral("user");
    m.content = t;
    m.createdAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    chat_.append(m);
    saveNow();  // committed before the answer starts
    startAnswer(QRandomGenerator::global()->generate64());
    return true;
}

void Conversations::startAnswer(quint64 seed) {
    GenerationRequest request;
    const QString sys = systemPrompt_.trimmed();
    if (!sys.isEmpty()) request.messages.push_back({tern::ChatMessage::Role::System, sys.toStdString()});
    for (tern::ChatMessage& m : chat_.history()) request.messages.push_back(std::move(m));
    request.sampling = sampling();
    request.sampling.seed = seed;  // stored with the answer (its metrics), so it can be reproduced
    request.contextPolicy = answerPolicy_ = contextPolicy_;
    ChatMessageItem a;
    a.role = QStringLiteral("assistant");
    a.streaming = true;
    a.createdAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    answerRow_ = chat_.append(a);
    saveNow();
    sinceCheckpoint_.start();
    request.id = activeRequest_ = ++nextRequest_;
    cancelTwinComparison();  // the new answer never waits for the last one's comparison
    lastMessages_ = request.messages;
    metrics_->beginAnswer();
    Q_EMIT generatingChanged();
    Q_EMIT generationRequested(request);
}

void Conversations::stop() {
    if (activeRequest_) session_->worker()->requestStop(activeRequest_);
}

void Conversations::regenerate(const QString& seed) {
    if (activeRequest_ || !ready()) return;
    bool given = false;
    const quint64 s = seed.toULongLong(&given);
    int n = chat_.rowCount();
    if (n > 0 && chat_.messages().back().role == QLatin1String("assistant")) dropFrom(--n);
    if (n == 0) return;
    startAnswer(given ? s : QRandomGenerator::global()->generate64());
}

void Conversations::editAndResend(int row, const QString& text) {
    if (activeRequest_ || !ready()) return;
    if (row < 0 || row >= chat_.rowCount()) return;
    dropFrom(row);
    send(text);
}

void Conversations::newChat() {
    leaveAnswer();
    if (!saveNow()) return refuseToLeave();
    chat_.clear();
    if (conversationId_) {
        conversationId_ = 0;
        Q_EMIT currentChanged();
    }
    if (systemPrompt_ != settings_->systemPrompt()) {
        systemPrompt_ = settings_->systemPrompt();
        Q_EMIT systemPromptChanged();
    }
    if (!samplingOverrides_.isEmpty()) {
        samplingOverrides_.clear();
        Q_EMIT samplingChanged();
    }
    if (contextPolicy_ != ContextPolicy::RollingWindow) {
        contextPolicy_ = ContextPolicy::RollingWindow;
        Q_EMIT contextPolicyChanged();
    }
}

SamplingParams Conversations::sampling() const {
    return sampling::fromMap(sampling::merged(settings_->samplingParams(), samplingOverrides_));
}

void Conversations::setChatSampling(const QString& key, const QVariant& value) {
    const QVariantMap one = sampling::sanitize({{key, value}});
    if (one.isEmpty() || samplingOverrides_.value(key) == one.value(key)) return;
    samplingOverrides_.insert(key, one.value(key));
    pendingSettings_ = true;
    saveNow();
    Q_EMIT samplingChanged();
}

void Conversations::resetChatSampling() {
    if (samplingOverrides_.isEmpty()) return;
    samplingOverrides_.clear();
    pendingSettings_ = true;
    saveNow();
    Q_EMIT samplingChanged();
}

void Conversations::setContextPolicy(ContextPolicy::Policy policy) {
    if (policy == contextPolicy_) return;
    contextPolicy_ = policy;
    pendingSettings_ = true;
    saveNow();
    Q_EMIT contextPolicyChanged();
}

void Conversations::setSystemPrompt(const QString& text) {
    if (text == systemPrompt_) return;
    systemPrompt_ = text;
    pendingSettings_ = true;
    saveNow();
    Q_EMIT systemPromptChanged();
}

void Conversations::dropFrom(int row) {
    // Stored rows are always a prefix of the chat's, so chat row r is stored position r.
    pendingTruncate_ = pendingTruncate_ < 0 ? row : std::min(pendingTruncate_, row);
    for (int r = row; r < chat_.rowCount(); ++r) staleMessages_.remove(chat_.messages()[r].id);
    chat_.truncate(row);
    saveNow();
}

void Conversations::leaveAnswer() {
    if (!activeRequest_) return;
    stop();
    // What streamed so far stays stored, marked interrupted; the rest of it goes nowhere.
    chat_.finish(answerRow_, {{QStringLiteral("stopReason"), QStringLiteral("interrupted")}});
    storeAnswer(answerRow_);
    answerRow_ = -1;
}

bool Conversations::saveNow() {
    if (!db_) return true;
    auto failed = [this] {
        storageFailed();
        return false;
    };
    if (!conversationId_) {
        if (chat_.rowCount() == 0) return true;
        // Titled from the first words of the first message; the user can rename it.
        QString title = chat_.messages().first().content.simplified();
        if (title.size() > 48) title = title.left(47) + QChar(0x2026);
        const qint64 id = db_->createConversation(title, systemPrompt_, samplingOverrides_, contextPolicy_);
        if (!id) return failed();
        conversationId_ = id;
        pendingTruncate_ = -1;
        pendingSettings_ = false;
        list_.refresh();
        Q_EMIT currentChanged();
    }
    if (pendingTruncate_ >= 0) {
        if (!db_->truncateConversation(conversationId_, pendingTruncate_)) return failed();
        pendingTruncate_ = -1;
    }
    if (pendingSettings_) {
        if (!db_->setSystemPrompt(conversationId_, systemPrompt_) || !db_->setSampling(conversationId_, samplingOverrides_) ||
            !db_->setContextPolicy(conversationId_, contextPolicy_))
            return failed();
        pendingSettings_ = false;
    }
    for (int r = 0; r < chat_.rowCount(); ++r) {
        const ChatMessageItem& m = chat_.messages()[r];
        if (m.id == 0) {
            const qint64 id = db_->addMessage(conversationId_, m, !m.streaming);
            if (!id) return failed();
            chat_.setId(r, id);
        } else if (staleMessages_.contains(m.id)) {
            if (!db_->updateMessage(m.id, m.content, m.metrics, !m.streaming)) return failed();
            staleMessages_.remove(m.id);
        }
    }
    if (unsaved_) {
        unsaved_ = false;
        retry_.stop();
        if (alerts_->message() == storageAlert_) alerts_->clear();
        list_.refresh();
        Q_EMIT unsavedChanged();
    }
    return true;
}

void Conversations::storageFailed() {
    if (unsaved_) return;  // already said; the retry timer runs
    unsaved_ = true;
    storageAlert_ = tr("Chats are not being saved: %1. This chat is kept in memory and saved as soon as "
                       "writing works again.").arg(db_->error());
    alerts_->report(storageAlert_);
    retry_.start();
    Q_EMIT unsavedChanged();
}

void Conversations::refuseToLeave() {
    // Leaving would drop the turns that exist only in memory.
    storageAlert_ = tr("This chat is not saved yet (%1), so it stays open until it is.").arg(db_->error());
    alerts_->report(storageAlert_);
}

void Conversations::storeAnswer(int row) {
    if (row < 0 || row >= chat_.rowCount()) return;
    const qint64 id = chat_.messages()[row].id;
    if (id) staleMessages_.insert(id);
    saveNow();
}

void Conversations::open(qint64 id) {
    if (!db_ || id == conversationId_) return;
    leaveAnswer();
    if (!saveNow()) return refuseToLeave();
    chat_.setMessages(db_->messages(id));
    conversationId_ = id;
    const ConversationRow row = db_->conversation(id);
    systemPrompt_ = row.systemPrompt;
    samplingOverrides_ = sampling::sanitize(row.sampling);
    contextPolicy_ = row.contextPolicy;
    Q_EMIT currentChanged();
    Q_EMIT systemPromptChanged();
    Q_EMIT samplingChanged();
    Q_EMIT contextPolicyChanged();
}

void Conversations::rename(qint64 id, const QString& title) {
    if (!db_ || title.trimmed().isEmpty()) return;
    db_->renameConversation(id, title.trimmed());
    list_.refresh();
}

void Conversations::remove(qint64 id) {
    if (!db_) return;
    if (id == conversationId_) {  // deleted on purpose: nothing of it is left to save
        leaveAnswer();
        chat_.clear();
        pendingTruncate_ = -1;
        pendingSettings_ = false;
        staleMessages_.clear();
        newChat();
    }
    db_->deleteConversation(id);
    list_.refresh();
}

QUrl Conversations::suggestedExportFile(qint64 id, const QString& format) const {
    QString name = db_ ? db_->conversation(id).title.simplified() : QString();
    name.replace(QRegularExpression(QStringLiteral(R"([/\\:*?"<>|\x00-\x1f]+)")), QStringLiteral("-"));
    name = name.trimmed();
    while (name.startsWith(QLatin1Char('.'))) name.remove(0, 1);  // no hidden file
    if (name.isEmpty()) name = tr("Chat");
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    return QUrl::fromLocalFile(dir + QLatin1Char('/') + name.left(80) +
                               (format == QLatin1String("json") ? QStringLiteral(".json") : QStringLiteral(".md")));
}

bool Conversations::exportTo(qint64 id, const QString& fileUrl, const QString& format) {
    if (!db_) return false;
    const QString path = AppPaths::localPath(fileUrl);
    const QByteArray bytes = format == QLatin1String("json")
                                 ? QJsonDocument(db_->exportJson(id)).toJson(QJsonDocument::Indented)
                                 : db_->exportMarkdown(id).toUtf8();
    const QString error = writeFile(path, bytes);
    if (!error.isEmpty()) alerts_->report(error);
    return error.isEmpty();
}

bool Conversations::importFrom(const QString& fileUrl) {
    if (!db_) return false;
    const QString path = AppPaths::localPath(fileUrl);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        alerts_->report(tr("Could not open %1: %2").arg(path, f.errorString()));
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        alerts_->report(tr("%1 is not valid JSON: %2").arg(path, pe.errorString()));
        return false;
    }
    const qint64 id = db_->importJson(doc.object());
    if (!id) {
        alerts_->report(tr("Could not import %1: %2").arg(path, db_->error()));
        return false;
    }
    list_.refresh();
    open(id);
    return true;
}

void Conversations::copyText(const QString& text) {
    if (auto* cb = QGuiApplication::clipboard()) cb->setText(text);
}

void Conversations::onTokens(quint64 id, const QString& delta, int n, double ms, int nPast, quint64 kvUsed) {
    if (id != activeRequest_ || answerRow_ < 0) return;
    chat_.appendText(answerRow_, delta);
    metrics_->onTokens(n, ms, nPast, double(kvUsed));
    // Checkpoint the partial answer so a crash or kill loses at most the last few seconds.
    if (db_ && sinceCheckpoint_.elapsed() >= kCheckpointMs) {
        storeAnswer(answerRow_);
        sinceCheckpoint_.restart();
    }
}

void Conversations::onFinished(quint64 id, const GenerationStats& stats) {
    if (id != activeRequest_) return;
    activeRequest_ = 0;
    if (answerRow_ < 0) {  // the user left that chat while it streamed
        metrics_->finishAnswer(stats);
        Q_EMIT generatingChanged();
        return;
    }
    metrics_->finishAnswer(stats);
    if (stats.stopReason == StopReason::EndOfText || stats.stopReason == StopReason::MaxTokens) compareWithTwin();
    const int row = answerRow_;
    // The streamed deltas and the final text agree; the final text wins in case a delta was dropped.
    chat_.setContent(row, stats.text);
    QVariantMap perMessage = metrics_->messageMetrics(stats);
    perMessage[QStringLiteral("contextPolicy")] = ContextPolicy::key(answerPolicy_);  // what the notices say
    chat_.finish(row, perMessage);
    if (db_) {
        storeAnswer(row);
        if (!unsaved_ && !db_->addBenchmarkRun(session_->model().path(), perMessage)) storageFailed();
        list_.refresh();
    }
    answerRow_ = -1;
    Q_EMIT generatingChanged();
    Q_EMIT answerFinished(row, stats);
}

void Conversations::onFailed(quint64 id, const QString& error) {
    if (id != activeRequest_) return;
    activeRequest_ = 0;
    if (answerRow_ < 0) {
        Q_EMIT generatingChanged();
        alerts_->report(error);
        return;
    }
    chat_.finish(answerRow_, {});
    if (chat_.messages()[answerRow_].content.isEmpty()) {
        dropFrom(answerRow_);
    } else {
        storeAnswer(answerRow_);
    }
    answerRow_ = -1;
    Q_EMIT generatingChanged();
    alerts_->report(error);
}

void Conversations::compareWithTwin() {
    const QString twin = AppPaths::twinModel(session_->model().path());
    if (twin.isEmpty() || lastMessages_.empty()) return;
    GenerationRequest r;
    r.id = twinRequest_ = ++nextRequest_;
    r.messages = lastMessages_;
    r.sampling.maxTokens = kTwinMaxTokens;
    metrics_->setTwinRunning();
    Q_EMIT twinComparisonRequested(r, twin);
}

void Conversations::cancelTwinComparison() {
    if (twinRequest_) session_->worker()->requestCancelTwinComparison(twinRequest_);
    twinRequest_ = 0;
    metrics_->clearTwin();
}

}  // namespace tern::app
