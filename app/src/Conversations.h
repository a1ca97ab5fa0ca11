#pragma once
// The chat: the open conversation's messages, the stored conversations, and what the user does
// with them (send, stop, regenerate, edit and resend, open, rename, delete, export, import), with
// each chat's own system prompt and sampling. Answers stream from the engine worker the model
// session owns; finished messages are stored at once, a streaming one every kCheckpointMs.
#include <QElapsedTimer>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUrl>
#include <QVariantMap>

#include <functional>

#include "ChatModel.h"
#include "ConversationListModel.h"
#include "EngineTypes.h"

namespace tern::app {

class Alerts;
class Database;
class LiveMetrics;
class ModelSession;
class Settings;

class Conversations : public QObject {
    Q_OBJECT
    Q_PROPERTY(tern::app::ChatModel* chat READ chat CONSTANT)
    Q_PROPERTY(tern::app::ConversationListModel* list READ list CONSTANT)
    // The open chat's id; a double for QML (its numbers are doubles, exact for ids below 2^53,
    // and qmllint 6.4 knows no 64-bit integer type). C++ reads it as qint64.
    Q_PROPERTY(double current READ current NOTIFY currentChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    // The open chat's system prompt (new chats start from the default in Settings).
    Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY systemPromptChanged)
    // The open chat's sampling: the Settings defaults with this chat's own values on top
    // (samplingOverrides, stored with the chat; keys in Sampling.h).
    Q_PROPERTY(tern::app::SamplingParams sampling READ sampling NOTIFY samplingChanged)
    Q_PROPERTY(QVariantMap samplingOverrides READ samplingOverrides NOTIFY samplingChanged)
    // What the open chat does when it outgrows the model's context (stored with it; new chats
    // start with the rolling window). An answer that left messages out says so in the chat
    // (its metrics' droppedMessages).
    Q_PROPERTY(tern::app::ContextPolicy::Policy contextPolicy READ contextPolicy WRITE setContextPolicy NOTIFY
                   contextPolicyChanged)
    // A write to the database failed: the open chat has turns that exist only in memory (retried
    // every kRetryMs and before every later write; the banner says why).
    Q_PROPERTY(bool unsaved READ unsaved NOTIFY unsavedChanged)
public:
    // A streaming answer is written to the database this often (ms), so a crash loses at most this much.
    static constexpr int kCheckpointMs = 2000;
    // After a failed write, the unsaved turns are written again this often (ms).
    static constexpr int kRetryMs = 5000;

    // db may be nullptr (nothing is stored) or an open Database that outlives this object.
    Conversations(Settings* settings, Database* db, ModelSession* session, LiveMetrics* metrics, Alerts* alerts,
                  QObject* parent = nullptr);
    ~Conversations() override;

    // Why the engine cannot answer now ("" when it can), e.g. a benchmark is running.
    void setBusyCheck(std::function<QString()> check) { busyCheck_ = std::move(check); }

    ChatModel* chat() { return &chat_; }
    ConversationListModel* list() { return &list_; }
    qint64 current() const { return conversationId_; }
    bool unsaved() const { return unsaved_; }
    // Writes what is only in memory (the open chat's unstored or stale turns); true when nothing is left.
    bool saveNow();
    bool generating() const { return activeRequest_ != 0; }
    QString systemPrompt() const { return systemPrompt_; }
    void setSystemPrompt(const QString& text);
    SamplingParams sampling() const;
    QVariantMap samplingOverrides() const { return samplingOverrides_; }
    // This chat only; a key the app does not know is ignored.
    Q_INVOKABLE void setChatSampling(const QString& key, const QVariant& value);
    // Back to following the Settings defaults.
    Q_INVOKABLE void resetChatSampling();
    ContextPolicy::Policy contextPolicy() const { return contextPolicy_; }
    void setContextPolicy(ContextPolicy::Policy policy);

    Q_INVOKABLE bool send(const QString& text);
    Q_INVOKABLE void stop();
    // Before another chat opens, and on quit: stop the streaming answer and keep what it wrote
    // so far (marked interrupted).
    void leaveAnswer();
    // Replaces the last answer, sampled with a new random seed; with `seed` (an earlier answer's,
    // as its metrics store it) the same answer again.
    Q_INVOKABLE void regenerate(const QString& seed = {});
    Q_INVOKABLE void editAndResend(int row, const QString& text);  // drop row.. and ask again
    Q_INVOKABLE void newChat();
    Q_INVOKABLE void open(qint64 id);
    Q_INVOKABLE void rename(qint64 id, const QString& title);
    Q_INVOKABLE void remove(qint64 id);
    // format: "md" or "json"; fileUrl may be a file: URL or a path. False (and an alert) on failure.
    // Where the export dialog starts: the chat's title as a file name ("/" and other characters
    // a file name cannot hold become "-") with the format's suffix, in the Documents folder.
    Q_INVOKABLE QUrl suggestedExportFile(qint64 id, const QString& format) const;
    Q_INVOKABLE bool exportTo(qint64 id, const QString& fileUrl, const QString& format);
    Q_INVOKABLE bool importFrom(const QString& fileUrl);
    Q_INVOKABLE void copyText(const QString& text);

Q_SIGNALS:
    void currentChanged();
    void generatingChanged();
    void systemPromptChanged();
    void samplingChanged();
    void contextPolicyChanged();
    void unsavedChanged();
    // An answer finished (row in the chat model); tests and the screenshot mode wait on it.
    void answerFinished(int row, const tern::app::GenerationStats& stats);
    // To the worker (queued).
    void generationRequested(const tern::app::GenerationRequest& request);
    void twinComparisonRequested(const tern::app::GenerationRequest& request, const QString& twinPath);

private:
    bool ready() const;
    void startAnswer(quint64 seed);
    void onTokens(quint64 id, const QString& delta, int n, double ms, int nPast, quint64 kvUsed);
    void onFinished(quint64 id, const GenerationStats& stats);
    void onFailed(quint64 id, const QString& error);
    // After an answer on a model with an FP16 twin: both models' greedy answers, compared.
    void compareWithTwin();
    void cancelTwinComparison();
    void dropFrom(int row);  // chat rows row.. and their stored copies
    // A write failed (db_->error() says why): tell the user once, keep the turns, retry later.
    void storageFailed();
    // Stores the answer's current text (and metrics once finished), or marks it for saveNow.
    void storeAnswer(int row);
    void refuseToLeave();

    // The twin comparison's answers are short: the first words are what it is about.
    static constexpr int kTwinMaxTokens = 64;
    // The messages the last answer was asked with, for the twin comparison.
    std::vector<tern::ChatMessage> lastMessages_;
    quint64 twinRequest_ = 0;  // the comparison in flight or last asked for
    Settings* settings_;
    Database* db_;
    ModelSession* session_;
    LiveMetrics* metrics_;
    Alerts* alerts_;
    std::function<QString()> busyCheck_;
    ChatModel chat_;
    ConversationListModel list_;
    qint64 conversationId_ = 0;
    QString systemPrompt_;
    QVariantMap samplingOverrides_;
    ContextPolicy::Policy contextPolicy_ = ContextPolicy::RollingWindow;
    ContextPolicy::Policy answerPolicy_ = ContextPolicy::RollingWindow;  // the streaming answer's
    QElapsedTimer sinceCheckpoint_;
    quint64 nextRequest_ = 0;
    quint64 activeRequest_ = 0;
    int answerRow_ = -1;
    // What saveNow still has to write: a truncation of the stored chat from this row (-1: none),
    // the chat's system prompt and sampling, stored messages whose newer content failed to write
    // (chat rows with id 0 are not stored at all).
    int pendingTruncate_ = -1;
    bool pendingSettings_ = false;
    QSet<qint64> staleMessages_;
    bool unsaved_ = false;
    QString storageAlert_;  // the banner text this object reported, to clear it once saved
    QTimer retry_;
};

}  // namespace tern::app
