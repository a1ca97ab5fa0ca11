#include "Conversations.h"

#include <QClipboard>
#include <QDateTime>
#include <QFile>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>

#include "Alerts.h"
#include "AppPaths.h"
#include "Database.h"
#include "EngineWorker.h"
#include "LiveMetrics.h"
#include "ModelSession.h"
#include "Sampling.h"
#include "Settings.h"

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
    connect(worker, &EngineWorker::energyMeasured, this, [this](quint64 id, double joules, int tokens) {
        if (id == activeRequest_) metrics_->onEnergyMeasured(joules, tokens);
    }, Qt::QueuedConnection);
    connect(worker, &EngineWorker::generationFinished, this, &Conversations::onFinished, Qt::QueuedConnection);
    connect(worker, &EngineWorker::generationFailed, this, &Conversations::onFailed, Qt::QueuedConnection);
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
    ensureConversation(t);
    if (db_) m.id = db_->addMessage(conversationId_, m, true);  // committed before the answer starts
    chat_.append(m);
    startAnswer();
    return true;
}

void Conversations::startAnswer() {
    GenerationRequest request;
    const QString sys = systemPrompt_.trimmed();
    if (!sys.isEmpty()) request.messages.push_back({tern::ChatMessage::Role::System, sys.toStdString()});
    for (tern::ChatMessage& m : chat_.history()) request.messages.push_back(std::move(m));
    request.sampling = sampling();
    ChatMessageItem a;
    a.role = QStringLiteral("assistant");
    a.streaming = true;
    a.createdAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    answerRow_ = chat_.append(a);
    if (db_ && conversationId_) chat_.setId(answerRow_, db_->addMessage(conversationId_, a, false));
    sinceCheckpoint_.start();
    request.id = activeRequest_ = ++nextRequest_;
    metrics_->beginAnswer();
    Q_EMIT generatingChanged();
    Q_EMIT generationRequested(request);
}

void Conversations::stop() {
    if (activeRequest_) session_->worker()->requestStop(activeRequest_);
}

void Conversations::regenerate() {
    if (activeRequest_ || !ready()) return;
    int n = chat_.rowCount();
    if (n > 0 && chat_.messages().back().role == QLatin1String("assistant")) dropFrom(--n);
    if (n == 0) return;
    startAnswer();
}

void Conversations::editAndResend(int row, const QString& text) {
    if (activeRequest_ || !ready()) return;
    if (row < 0 || row >= chat_.rowCount()) return;
    dropFrom(row);
    send(text);
}

void Conversations::newChat() {
    stop();
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
}

SamplingParams Conversations::sampling() const {
    return sampling::fromMap(sampling::merged(settings_->samplingParams(), samplingOverrides_));
}

void Conversations::setChatSampling(const QString& key, const QVariant& value) {
    const QVariantMap one = sampling::sanitize({{key, value}});
    if (one.isEmpty() || samplingOverrides_.value(key) == one.value(key)) return;
    samplingOverrides_.insert(key, one.value(key));
    if (db_ && conversationId_) db_->setSampling(conversationId_, samplingOverrides_);
    Q_EMIT samplingChanged();
}

void Conversations::resetChatSampling() {
    if (samplingOverrides_.isEmpty()) return;
    samplingOverrides_.clear();
    if (db_ && conversationId_) db_->setSampling(conversationId_, {});
    Q_EMIT samplingChanged();
}

void Conversations::setSystemPrompt(const QString& text) {
    if (text == systemPrompt_) return;
    systemPrompt_ = text;
    if (db_ && conversationId_) db_->setSystemPrompt(conversationId_, text);
    Q_EMIT systemPromptChanged();
}

void Conversations::dropFrom(int row) {
    if (db_ && conversationId_) db_->truncateConversation(conversationId_, row);
    chat_.truncate(row);
}

void Conversations::ensureConversation(const QString& firstMessage) {
    if (!db_ || conversationId_) return;
    // Title from the first words of the first message; the user can rename it.
    QString title = firstMessage.simplified();
    if (title.size() > 48) title = title.left(47) + QChar(0x2026);
    conversationId_ = db_->createConversation(title, systemPrompt_, samplingOverrides_);
    list_.refresh();
    Q_EMIT currentChanged();
}

void Conversations::open(qint64 id) {
    if (!db_ || id == conversationId_) return;
    if (activeRequest_) stop();
    chat_.setMessages(db_->messages(id));
    conversationId_ = id;
    const ConversationRow row = db_->conversation(id);
    systemPrompt_ = row.systemPrompt;
    samplingOverrides_ = sampling::sanitize(row.sampling);
    Q_EMIT currentChanged();
    Q_EMIT systemPromptChanged();
    Q_EMIT samplingChanged();
}

void Conversations::rename(qint64 id, const QString& title) {
    if (!db_ || title.trimmed().isEmpty()) return;
    db_->renameConversation(id, title.trimmed());
    list_.refresh();
}

void Conversations::remove(qint64 id) {
    if (!db_) return;
    if (id == conversationId_) newChat();
    db_->deleteConversation(id);
    list_.refresh();
}

bool Conversations::exportTo(qint64 id, const QString& fileUrl, const QString& format) {
    if (!db_) return false;
    const QString path = AppPaths::localPath(fileUrl);
    const QByteArray bytes = format == QLatin1String("json")
                                 ? QJsonDocument(db_->exportJson(id)).toJson(QJsonDocument::Indented)
                                 : db_->exportMarkdown(id).toUtf8();
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size()) {
        alerts_->report(tr("Could not write %1: %2").arg(path, f.errorString()));
        return false;
    }
    return true;
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
    if (id != activeRequest_) return;
    chat_.appendText(answerRow_, delta);
    metrics_->onTokens(n, ms, nPast, double(kvUsed));
    // Checkpoint the partial answer so a crash or kill loses at most the last few seconds.
    if (db_ && sinceCheckpoint_.elapsed() >= kCheckpointMs) {
        const ChatMessageItem& a = chat_.messages()[answerRow_];
        if (a.id) db_->updateMessage(a.id, a.content, {}, false);
        sinceCheckpoint_.restart();
    }
}

void Conversations::onFinished(quint64 id, const GenerationStats& stats) {
    if (id != activeRequest_) return;
    activeRequest_ = 0;
    metrics_->finishAnswer(stats);
    const int row = answerRow_;
    // The streamed deltas and the final text agree; the final text wins in case a delta was dropped.
    chat_.setContent(row, stats.text);
    const QVariantMap perMessage = metrics_->messageMetrics(stats);
    chat_.finish(row, perMessage);
    if (db_) {
        const ChatMessageItem& a = chat_.messages()[row];
        if (a.id) db_->updateMessage(a.id, a.content, perMessage, true);
        db_->addBenchmarkRun(session_->model().path(), perMessage);
        list_.refresh();
    }
    answerRow_ = -1;
    Q_EMIT generatingChanged();
    Q_EMIT answerFinished(row, stats);
}

void Conversations::onFailed(quint64 id, const QString& error) {
    if (id != activeRequest_) return;
    activeRequest_ = 0;
    chat_.finish(answerRow_, {});
    if (chat_.messages()[answerRow_].content.isEmpty()) {
        dropFrom(answerRow_);
    } else if (db_) {
        const ChatMessageItem& a = chat_.messages()[answerRow_];
        if (a.id) db_->updateMessage(a.id, a.content, {}, true);
    }
    answerRow_ = -1;
    Q_EMIT generatingChanged();
    alerts_->report(error);
}

}  // namespace tern::app
