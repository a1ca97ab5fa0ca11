#pragma once
// Conversations, messages (with their metrics) and benchmark runs in SQLite (WAL). Every finished
// message is committed at once; a streaming answer is checkpointed by the caller every few seconds,
// so a crash loses at most those seconds. The schema is versioned (PRAGMA user_version) and
// migrated step by step on open.
//
// Storage failures are never silent: every call that fails returns false / 0 / empty and leaves
// in error() a reason a user can act on, and failure() says which kind it was (a read-only file,
// a full disk, a damaged file). writesFailing() is true from a failed write until the next one
// that succeeds, with writesFailingChanged() at each change: what a "chats are not being saved"
// banner follows. open() checks the file (quick_check) and whether it can be written.
#include <QJsonObject>
#include <QSqlQuery>
#include <QObject>
#include <QString>
#include <QVariantMap>
#include <QVector>

#include "ChatModel.h"
#include "ContextWindow.h"

class QSqlError;
class QSqlQuery;

namespace tern::app {

struct ConversationRow {
    qint64 id = 0;
    QString title;
    QString createdAt;
    QString updatedAt;
    QString systemPrompt;
    int messageCount = 0;
    QVariantMap sampling;  // this chat's own sampling parameters (only those it overrides)
    ContextPolicy::Policy contextPolicy = ContextPolicy::RollingWindow;  // when it outgrows the context
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

// One run group (benchmark_groups): what one action produced, so its rows are charted together.
// kind: "run" (one click of Run), "sweep" (axis: "threads", "pp" or "depth"), "import" (a bench
// JSON file; label: its name). state: "running", "complete", "cancelled" (its finished points are
// kept) or "failed". machine: machineToMap() of what it ran on, empty when not recorded (groups
// made by the migration from rows stored before schema 6).
struct BenchmarkGroupRow {
    QString id, kind, axis, label, createdAt, state;
    QVariantMap machine;
};

class Database : public QObject {
    Q_OBJECT
public:
    static constexpr int kSchemaVersion = 6;

    enum class Failure { None, ReadOnly, DiskFull, Corrupt, Other };
    Q_ENUM(Failure)

    explicit Database(QObject* parent = nullptr);
    ~Database() override;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Opens (creating and migrating as needed). Returns false and sets error() and failure() when
    // the file cannot be opened, is damaged (Failure::Corrupt: see setAside()) or needs a migration
    // it cannot write. A database that opens but cannot be written (a read-only file or folder)
    // returns true with writesFailing() already set: its chats can still be read.
    bool open(const QString& path);
    void close();
    bool isOpen() const;
    // The last failure's reason, e.g. "the disk holding /x/tern.sqlite is full (database or disk
    // is full)"; the app shows it after "Chats are not being saved: ".
    QString error() const { return error_; }
    // The Qt SQL connection's name, for tests that put it into a failing state (PRAGMA query_only,
    // max_page_count) to see how the app handles a read-only or full database.
    QString connectionName() const { return connection_; }
    Failure failure() const { return failure_; }
    bool writesFailing() const { return writesFailing_; }
    int schemaVersion() const;

    // Whether a write can start now: false for a read-only file or connection (a full disk shows
    // only when a write needs room). Updates writesFailing(); cheap enough for a retry timer.
    bool probeWrites();

    // Moves a damaged database and its -wal and -shm aside as PATH.damaged-<UTC time> (nothing is
    // deleted: it may still be recoverable with the sqlite3 tool), so a new one can be opened at
    // PATH. Returns the new path of the main file, or an empty string if it could not be moved.
    static QString setAside(const QString& path);

    // Fault injection for tests, through SQLite itself: DiskFull lets the file grow by no page
    // (max_page_count: writes that need room fail with SQLITE_FULL), ReadOnly makes the connection
    // query-only (writes fail with SQLITE_READONLY); None lifts either.
    enum class Fault { None, DiskFull, ReadOnly };
    bool injectFault(Fault fault);

    qint64 createConversation(const QString& title, const QString& systemPrompt = {}, const QVariantMap& sampling = {},
                              ContextPolicy::Policy contextPolicy = ContextPolicy::RollingWindow);
    bool renameConversation(qint64 id, const QString& title);
    bool setSystemPrompt(qint64 id, const QString& systemPrompt);
    bool setSampling(qint64 id, const QVariantMap& sampling);
    bool setContextPolicy(qint64 id, ContextPolicy::Policy policy);
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

    // Run groups; the rows of one carry its id as their "batch" metrics key. createdAt empty: now.
    bool addBenchmarkGroup(const BenchmarkGroupRow& group);
    bool setBenchmarkGroupState(const QString& id, const QString& state);
    // Fills in the machine of a group that was started before it was known.
    bool setBenchmarkGroupMachine(const QString& id, const QVariantMap& machine);
    QVector<BenchmarkGroupRow> benchmarkGroups() const;  // oldest first
    bool hasBenchmarkGroup(const QString& id) const;
    bool deleteBenchmarkGroup(const QString& id);
    int deleteBenchmarkGroups();
    // A group and its rows (kind "bench", each with its own createdAt; empty: now) in one
    // transaction: all of them are stored, or none (error() says why).
    bool addBenchmarkGroupWithRuns(const BenchmarkGroupRow& group, const QVector<BenchmarkRunRow>& runs);

    // Export/import (format "tern-conversation", version 1) and Markdown export.
    QJsonObject exportJson(qint64 conversationId) const;
    QString exportMarkdown(qint64 conversationId) const;
    // Returns the new conversation's id, or 0 with error() set.
    qint64 importJson(const QJsonObject& doc);

Q_SIGNALS:
    void writesFailingChanged();

private:
    bool openConnection(const QString& name, const QString& options);  // opens, checks and migrates
    bool exec(const QString& sql);
    bool migrate();
    bool checkIntegrity();
    void touch(qint64 conversationId);
    // Runs a prepared query; on failure records why. write() also tracks writesFailing().
    bool read(QSqlQuery& q) const;
    bool write(QSqlQuery& q);
    bool commit();
    void recordFailure(const QSqlError& e) const;
    void setWritesFailing(bool failing);

    QString connection_;
    QString path_;
    mutable QString error_;
    mutable Failure failure_ = Failure::None;
    bool writesFailing_ = false;
};

}  // namespace tern::app
