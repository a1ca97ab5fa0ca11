#pragma once
// Conversations, messages (with their metrics) and benchmark runs in SQLite (WAL). Every finished
// message is committed at once; a streaming answer is checkpointed by the caller every few seconds,
// so a crash loses at most those seconds. The schema is versioned (PRAGMA user_version) and
// migrated step by step on open.
#include <QJsonObject>
#include <QSqlQuery>
#include <QString>
#include <QVariantMap>
#include <QVector>

#include "ChatModel.h"

namespace tern::app {

struct ConversationRow {
    qint64 id = 0;
    QString title;
    QString createdAt;
    QString updatedAt;
    QString systemPrompt;
    int messageCount = 0;
    QVariantMap sampling;  // this chat's own sampling parameters (only those it overrides)
};

// One row of benchmark_runs: a finished chat answer's figures (kind "answer") or one result of
// the Benchmark page (kind "bench": a pp or tg test in one precision; metrics in BenchmarkHistory.h).
struct BenchmarkRunRow {
    qint64 id = 0;
    QString model;      // the model file's path
    QString createdAt;  // ISO 8601, UTC
    QString kind;
    QVariantMap metrics;
};

class Database {
public:
    static constexpr int kSchemaVersion = 4;

    Database();
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Opens (creating and migrating as needed). Returns false and sets error() on failure.
    bool open(const QString& path);
    void close();
    bool isOpen() const;
    QString error() const { return error_; }
    // The Qt SQL connection's name, for tests that put it into a failing state (PRAGMA query_only,
    // max_page_count) to see how the app handles a read-only or full database.
    QString connectionName() const { return connection_; }
    int schemaVersion() const;

    qint64 createConversation(const QString& title, const QString& systemPrompt = {}, const QVariantMap& sampling = {});
    bool renameConversation(qint64 id, const QString& title);
    bool setSystemPrompt(qint64 id, const QString& systemPrompt);
    bool setSampling(qint64 id, const QVariantMap& sampling);
    bool deleteConversation(qint64 id);
    // Newest first; search matches titles and message text (case-insensitive).
    QVector<ConversationRow> conversations(const QString& search = {}) const;
    ConversationRow conversation(qint64 id) const;

    // Appends at the end of the conversation; complete=false for an answer still streaming.
    qint64 addMessage(qint64 conversationId, const ChatMessageItem& m, bool complete);
    bool updateMessage(qint64 messageId, const QString& content, const QVariantMap& metrics, bool complete);
    // Deletes the message at position `fromIndex` (0-based, in order) and everything after it.
    bool truncateConversation(qint64 conversationId, int fromIndex);
    QVector<ChatMessageItem> messages(qint64 conversationId) const;

    qint64 addBenchmarkRun(const QString& model, const QVariantMap& metrics, const QString& kind = QStringLiteral("answer"));
    // Oldest first.
    QVector<BenchmarkRunRow> benchmarkRuns(const QString& kind = QStringLiteral("bench")) const;
    int deleteBenchmarkRuns(const QString& kind = QStringLiteral("bench"));

    // Export/import (format "tern-conversation", version 1) and Markdown export.
    QJsonObject exportJson(qint64 conversationId) const;
    QString exportMarkdown(qint64 conversationId) const;
    // Returns the new conversation's id, or 0 with error() set.
    qint64 importJson(const QJsonObject& doc);

private:
    bool exec(const QString& sql);
    bool run(QSqlQuery& q);  // q.exec(), recording the error
    bool migrate();
    void touch(qint64 conversationId);

    QString connection_;
    QString error_;
};

}  // namespace tern::app
