#include "Database.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUuid>

#include <spdlog/spdlog.h>

#include "Sampling.h"

namespace tern::app {

namespace {

// A null QString binds as SQL NULL; the schema wants '' for "empty".
QString nn(const QString& s) { return s.isNull() ? QStringLiteral("") : s; }

QString now() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs); }

QString toJson(const QVariantMap& m) {
    return m.isEmpty() ? QStringLiteral("") : QString::fromUtf8(QJsonDocument(QJsonObject::fromVariantMap(m)).toJson(QJsonDocument::Compact));
}

QVariantMap fromJson(const QString& s) {
    return s.isEmpty() ? QVariantMap() : QJsonDocument::fromJson(s.toUtf8()).object().toVariantMap();
}

// Each step takes the schema from version i to i + 1; never edit a released step, add one.
const char* const kMigrations[] = {
    // 0 -> 1
    "CREATE TABLE conversations ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL, system_prompt TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE messages ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL,"
    "  metrics TEXT NOT NULL DEFAULT '', complete INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);"
    "CREATE TABLE benchmark_runs ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT, model TEXT NOT NULL, created_at TEXT NOT NULL, metrics TEXT NOT NULL);",
    // 1 -> 2: messages are always read per conversation in order.
    "CREATE INDEX messages_by_conversation ON messages(conversation_id, position);"
    "CREATE INDEX conversations_by_update ON conversations(updated_at);",
    // 2 -> 3: each chat's own sampling parameters (JSON, only the ones it overrides).
    "ALTER TABLE conversations ADD COLUMN sampling TEXT NOT NULL DEFAULT '';",
    // 3 -> 4: benchmark_runs holds both answers' figures and the Benchmark page's results.
    "ALTER TABLE benchmark_runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'answer';"
    "CREATE INDEX benchmark_runs_by_kind ON benchmark_runs(kind, id);",
    // 4 -> 5: what each chat does when it outgrows the model's context (ContextPolicy::key).
    "ALTER TABLE conversations ADD COLUMN context_policy TEXT NOT NULL DEFAULT 'rolling';",
    // 5 -> 6: run groups (a click of Run, a sweep, an import), charted together. Each batch of the
    // Benchmark page's results so far becomes one 'run' group, created when its first result was.
    "CREATE TABLE benchmark_groups ("
    "  id TEXT PRIMARY KEY, kind TEXT NOT NULL, axis TEXT NOT NULL DEFAULT '', label TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL, machine TEXT NOT NULL DEFAULT '', state TEXT NOT NULL);"
    "INSERT INTO benchmark_groups(id, kind, axis, label, created_at, machine, state)"
    "  SELECT b.batch, 'run', '',"
    "   COALESCE((SELECT json_extract(r.metrics, '$.modelName') FROM benchmark_runs r WHERE r.id = b.first), ''),"
    "   (SELECT r.created_at FROM benchmark_runs r WHERE r.id = b.first), '', 'complete'"
    "  FROM (SELECT json_extract(metrics, '$.batch') AS batch, MIN(id) AS first FROM benchmark_runs"
    "        WHERE kind = 'bench' AND json_valid(metrics) GROUP BY 1) AS b"
    "  WHERE typeof(b.batch) = 'text' AND b.batch != '';",
};

// SQLite's primary result codes (the low byte of an extended one).
constexpr int kSqlitePerm = 3, kSqliteReadOnly = 8, kSqliteCorrupt = 11, kSqliteFull = 13, kSqliteNotADb = 26;

Database::Failure classify(const QSqlError& e) {
    bool ok = false;
    const int code = e.nativeErrorCode().toInt(&ok) & 0xff;
    if (!ok) return Database::Failure::Other;
    switch (code) {
    case kSqliteReadOnly:
    case kSqlitePerm: return Database::Failure::ReadOnly;
    case kSqliteFull: return Database::Failure::DiskFull;
    case kSqliteCorrupt:
    case kSqliteNotADb: return Database::Failure::Corrupt;
    default: return Database::Failure::Other;
    }
}

}  // namespace

Database::Database(QObject* parent)
    : QObject(parent), connection_(QStringLiteral("tern-") + QUuid::createUuid().toString(QUuid::WithoutBraces)) {}

Database::~Database() { close(); }

bool Database::isOpen() const {
    return QSqlDatabase::contains(connection_) && QSqlDatabase::database(connection_, false).isOpen();
}

void Database::close() {
    if (!QSqlDatabase::contains(connection_)) return;
    {
        QSqlDatabase db = QSqlDatabase::database(connection_, false);
        if (db.isOpen()) db.close();
    }
    QSqlDatabase::removeDatabase(connection_);
}

void Database::recordFailure(const QSqlError& e) const {
    failure_ = classify(e);
    const QString why = e.databaseText().isEmpty() ? e.text() : e.databaseText();
    switch (failure_) {
    case Failure::ReadOnly: error_ = QStringLiteral("the database %1 is read-only (%2)").arg(path_, why); break;
    case Failure::DiskFull: error_ = QStringLiteral("the disk holding %1 is full (%2)").arg(path_, why); break;
    case Failure::Corrupt: error_ = QStringLiteral("the database %1 is damaged (%2)").arg(path_, why); break;
    default: error_ = QStringLiteral("the database %1 failed: %2").arg(path_, why); break;
    }
    spdlog::error("database: {}", error_.toStdString());
}

void Database::setWritesFailing(bool failing) {
    if (failing == writesFailing_) return;
    writesFailing_ = failing;
    if (!failing) spdlog::info("database: writes succeed again");
    Q_EMIT writesFailingChanged();
}

bool Database::read(QSqlQuery& q) const {
    if (q.exec()) return true;
    recordFailure(q.lastError());
    return false;
}

bool Database::write(QSqlQuery& q) {
    if (!q.exec()) {
        recordFailure(q.lastError());
        setWritesFailing(true);
        return false;
    }
    setWritesFailing(false);
    return true;
}

// A transaction's commit is where a full disk shows (the WAL append): never assume it worked.
bool Database::commit() {
    QSqlDatabase db = QSqlDatabase::database(connection_);
    if (db.commit()) return true;
    recordFailure(db.lastError());
    db.rollback();
    setWritesFailing(true);
    return false;
}

bool Database::exec(const QString& sql) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    // QSqlQuery runs one statement at a time.
    for (const QString& stmt : sql.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        if (stmt.trimmed().isEmpty()) continue;
        if (!q.exec(stmt)) {
            recordFailure(q.lastError());
            spdlog::error("sql: {}", stmt.toStdString());
            return false;
        }
    }
    return true;
}

bool Database::open(const QString& path) {
    close();
    path_ = path;
    error_.clear();
    failure_ = Failure::None;
    writesFailing_ = false;
    if (!openConnection(path, {})) {
        // A file or folder that cannot be written (a read-only mount, another user's file): SQLite
        // cannot make the WAL index beside it, so it is opened read-only and immutable instead,
        // which shows the chats; writesFailing() tells that none can be saved.
        const QFileInfo file(path);
        if (!file.exists() || failure_ == Failure::Corrupt ||
            (file.isWritable() && QFileInfo(file.absolutePath()).isWritable()))
            return false;
        close();
        const QString uri = QUrl::fromLocalFile(file.absoluteFilePath()).toString(QUrl::FullyEncoded) +
                            QStringLiteral("?immutable=1");
        if (!openConnection(uri, QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_OPEN_URI"))) return false;
    }
    if (!probeWrites()) spdlog::warn("database {} opened, but chats cannot be saved", path.toStdString());
    return true;
}

bool Database::openConnection(const QString& name, const QString& options) {
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection_);
    db.setDatabaseName(name);
    db.setConnectOptions(options);
    if (!db.open()) {
        recordFailure(db.lastError());
        return false;
    }
    // WAL: readers never block the writer, and a commit is one append; NORMAL is durable in WAL
    // mode except for the last commits on power loss (a killed process loses nothing committed).
    // A read-only file cannot switch its journal mode, and can still be read.
    return exec(QStringLiteral("PRAGMA busy_timeout=3000; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL")) &&
           (exec(QStringLiteral("PRAGMA journal_mode=WAL")) || failure_ == Failure::ReadOnly) && checkIntegrity() &&
           migrate();
}

// quick_check reads every page once (milliseconds for a chat history): damage is found and named
// at start, rather than showing up as chats that silently fail to load.
bool Database::checkIntegrity() {
    QSqlQuery q(QSqlDatabase::database(connection_));
    if (!q.exec(QStringLiteral("PRAGMA quick_check(1)")) || !q.next()) {
        recordFailure(q.lastError());
        return false;
    }
    const QString verdict = q.value(0).toString();
    if (verdict == QLatin1String("ok")) return true;
    failure_ = Failure::Corrupt;
    error_ = QStringLiteral("the database %1 is damaged (%2)").arg(path_, verdict);
    spdlog::error("database: {}", error_.toStdString());
    return false;
}

bool Database::probeWrites() {
    // A write that is rolled back: SQLite refuses it on a read-only file, folder or connection
    // (BEGIN IMMEDIATE alone does not: it succeeds on a read-only connection).
    const int version = schemaVersion();
    QSqlQuery q(QSqlDatabase::database(connection_));
    if (version < 0 || !q.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        recordFailure(q.lastError());
        setWritesFailing(true);
        return false;
    }
    const bool ok = q.exec(QStringLiteral("PRAGMA user_version=%1").arg(version));
    if (!ok) recordFailure(q.lastError());
    QSqlQuery(QSqlDatabase::database(connection_)).exec(QStringLiteral("ROLLBACK"));
    if (!ok) setWritesFailing(true);
    else if (failure_ != Failure::DiskFull) setWritesFailing(false);  // a full disk is only known by writing
    return ok;
}

QString Database::setAside(const QString& path) {
    const QString target =
        path + QStringLiteral(".damaged-") + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    if (!QFile::rename(path, target)) return {};
    for (const char* side : {"-wal", "-shm"})
        if (QFile::exists(path + QLatin1String(side))) QFile::rename(path + QLatin1String(side), target + QLatin1String(side));
    spdlog::warn("damaged database {} set aside as {}", path.toStdString(), target.toStdString());
    return target;
}

bool Database::injectFault(Fault fault) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    qint64 pages = 0;
    if (fault == Fault::DiskFull) {
        if (!q.exec(QStringLiteral("PRAGMA page_count")) || !q.next()) return false;
        pages = q.value(0).toLongLong();
    }
    const bool ok =
        q.exec(QStringLiteral("PRAGMA query_only=%1").arg(fault == Fault::ReadOnly ? 1 : 0)) &&
        q.exec(QStringLiteral("PRAGMA max_page_count=%1").arg(fault == Fault::DiskFull ? pages : qint64(4294967294)));
    spdlog::warn("database: fault injected: {}", fault == Fault::None ? "none" : fault == Fault::DiskFull ? "disk full" : "read-only");
    return ok;
}

int Database::schemaVersion() const {
    QSqlQuery q(QSqlDatabase::database(connection_));
    if (q.exec(QStringLiteral("PRAGMA user_version")) && q.next()) return q.value(0).toInt();
    recordFailure(q.lastError());
    return -1;
}

bool Database::migrate() {
    const int from = schemaVersion();
    if (from > kSchemaVersion) {
        error_ = QStringLiteral("the database was written by a newer Tern (schema %1, this one knows %2)")
                     .arg(from).arg(kSchemaVersion);
        return false;
    }
    if (from < 0) return false;  // error() says why
    QSqlDatabase db = QSqlDatabase::database(connection_);
    for (int v = from; v < kSchemaVersion; ++v) {
        if (!db.transaction()) {
            recordFailure(db.lastError());
            return false;
        }
        if (!exec(QString::fromLatin1(kMigrations[v])) ||
            !exec(QStringLiteral("PRAGMA user_version=%1").arg(v + 1))) {
            db.rollback();
            return false;
        }
        if (!commit()) return false;
        spdlog::info("database migrated to schema {}", v + 1);
    }
    return true;
}

void Database::touch(qint64 conversationId) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("UPDATE conversations SET updated_at=? WHERE id=?"));
    q.addBindValue(now());
    q.addBindValue(conversationId);
    write(q);  // a failure is recorded; the message itself is stored
}

qint64 Database::createConversation(const QString& title, const QString& systemPrompt, const QVariantMap& sampling,
                                    ContextPolicy::Policy contextPolicy) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("INSERT INTO conversations(title, created_at, updated_at, system_prompt, sampling, context_policy)"
                             " VALUES(?,?,?,?,?,?)"));
    const QString t = now();
    q.addBindValue(nn(title));
    q.addBindValue(t);
    q.addBindValue(t);
    q.addBindValue(nn(systemPrompt));
    q.addBindValue(toJson(sampling::sanitize(sampling)));
    q.addBindValue(ContextPolicy::key(contextPolicy));
    if (!write(q)) return 0;
    return q.lastInsertId().toLongLong();
}

bool Database::renameConversation(qint64 id, const QString& title) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("UPDATE conversations SET title=? WHERE id=?"));
    q.addBindValue(nn(title));
    q.addBindValue(id);
    return write(q) && q.numRowsAffected() == 1;
}

bool Database::setSystemPrompt(qint64 id, const QString& systemPrompt) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("UPDATE conversations SET system_prompt=? WHERE id=?"));
    q.addBindValue(nn(systemPrompt));
    q.addBindValue(id);
    return write(q) && q.numRowsAffected() == 1;
}

bool Database::setSampling(qint64 id, const QVariantMap& sampling) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("UPDATE conversations SET sampling=? WHERE id=?"));
    q.addBindValue(toJson(sampling::sanitize(sampling)));
    q.addBindValue(id);
    return write(q) && q.numRowsAffected() == 1;
}

bool Database::setContextPolicy(qint64 id, ContextPolicy::Policy policy) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("UPDATE conversations SET context_policy=? WHERE id=?"));
    q.addBindValue(ContextPolicy::key(policy));
    q.addBindValue(id);
    return write(q) && q.numRowsAffected() == 1;
}

bool Database::deleteConversation(qint64 id) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("DELETE FROM conversations WHERE id=?"));
    q.addBindValue(id);
    return write(q) && q.numRowsAffected() == 1;
}

QVector<ConversationRow> Database::conversations(const QString& search) const {
    QVector<ConversationRow> out;
    QSqlQuery q(QSqlDatabase::database(connection_));
    QString sql = QStringLiteral(
        "SELECT c.id, c.title, c.created_at, c.updated_at, c.system_prompt,"
        " (SELECT COUNT(*) FROM messages m WHERE m.conversation_id=c.id), c.sampling, c.context_policy"
        " FROM conversations c");
    const QString s = search.trimmed();
    if (!s.isEmpty())
        sql += QStringLiteral(" WHERE c.title LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages m WHERE"
                              " m.conversation_id=c.id AND m.content LIKE ? ESCAPE '\\')");
    sql += QStringLiteral(" ORDER BY c.updated_at DESC, c.id DESC");
    q.prepare(sql);
    if (!s.isEmpty()) {
        QString like = s;
        like.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('%'), QStringLiteral("\\%"))
            .replace(QLatin1Char('_'), QStringLiteral("\\_"));
        q.addBindValue(QLatin1Char('%') + like + QLatin1Char('%'));
        q.addBindValue(QLatin1Char('%') + like + QLatin1Char('%'));
    }
    if (!read(q)) return out;
    while (q.next())
        out.push_back({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                       q.value(4).toString(), q.value(5).toInt(), fromJson(q.value(6).toString()),
                       ContextPolicy::fromKey(q.value(7).toString())});
    return out;
}

ConversationRow Database::conversation(qint64 id) const {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("SELECT id, title, created_at, updated_at, system_prompt, sampling, context_policy"
                             " FROM conversations WHERE id=?"));
    q.addBindValue(id);
    if (!read(q) || !q.next()) return {};
    return {q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
            q.value(4).toString(), 0, fromJson(q.value(5).toString()), ContextPolicy::fromKey(q.value(6).toString())};
}

qint64 Database::addMessage(qint64 conversationId, const ChatMessageItem& m, bool complete) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral(
        "INSERT INTO messages(conversation_id, position, role, content, metrics, complete, created_at)"
        " VALUES(?, (SELECT COALESCE(MAX(position), -1) + 1 FROM messages WHERE conversation_id=?), ?, ?, ?, ?, ?)"));
    q.addBindValue(conversationId);
    q.addBindValue(conversationId);
    q.addBindValue(nn(m.role));
    q.addBindValue(nn(m.content));
    q.addBindValue(toJson(m.metrics));
    q.addBindValue(complete ? 1 : 0);
    q.addBindValue(m.createdAt.isEmpty() ? now() : m.createdAt);
    if (!write(q)) return 0;
    touch(conversationId);
    return q.lastInsertId().toLongLong();
}

bool Database::updateMessage(qint64 messageId, const QString& content, const QVariantMap& metrics, bool complete) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("UPDATE messages SET content=?, metrics=?, complete=? WHERE id=?"));
    q.addBindValue(nn(content));
    q.addBindValue(toJson(metrics));
    q.addBindValue(complete ? 1 : 0);
    q.addBindValue(messageId);
    return write(q);
}

bool Database::truncateConversation(qint64 conversationId, int fromIndex) {
    // Positions may have gaps after deletions: count in order, not by value.
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("DELETE FROM messages WHERE conversation_id=? AND id IN (SELECT id FROM messages"
                             " WHERE conversation_id=? ORDER BY position LIMIT -1 OFFSET ?)"));
    q.addBindValue(conversationId);
    q.addBindValue(conversationId);
    q.addBindValue(fromIndex);
    return write(q);
}

QVector<ChatMessageItem> Database::messages(qint64 conversationId) const {
    QVector<ChatMessageItem> out;
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("SELECT id, role, content, metrics, complete, created_at FROM messages"
                             " WHERE conversation_id=? ORDER BY position"));
    q.addBindValue(conversationId);
    if (!read(q)) return out;
    while (q.next()) {
        ChatMessageItem m;
        m.id = q.value(0).toLongLong();
        m.role = q.value(1).toString();
        m.content = q.value(2).toString();
        m.metrics = fromJson(q.value(3).toString());
        if (!q.value(4).toBool()) m.metrics[QStringLiteral("stopReason")] = QStringLiteral("interrupted");
        m.createdAt = q.value(5).toString();
        out.push_back(m);
    }
    return out;
}

qint64 Database::addBenchmarkRun(const QString& model, const QVariantMap& metrics, const QString& kind) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("INSERT INTO benchmark_runs(model, created_at, metrics, kind) VALUES(?,?,?,?)"));
    q.addBindValue(nn(model));
    q.addBindValue(now());
    q.addBindValue(toJson(metrics));
    q.addBindValue(nn(kind));
    if (!write(q)) return 0;
    return q.lastInsertId().toLongLong();
}

QVector<BenchmarkRunRow> Database::benchmarkRuns(const QString& kind) const {
    QVector<BenchmarkRunRow> out;
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("SELECT id, model, created_at, kind, metrics FROM benchmark_runs WHERE kind=? ORDER BY id"));
    q.addBindValue(nn(kind));
    if (!read(q)) return out;
    while (q.next())
        out.push_back({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                       fromJson(q.value(4).toString())});
    return out;
}

int Database::deleteBenchmarkRuns(const QString& kind) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("DELETE FROM benchmark_runs WHERE kind=?"));
    q.addBindValue(nn(kind));
    return write(q) ? q.numRowsAffected() : 0;
}

bool Database::addBenchmarkGroup(const BenchmarkGroupRow& g) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("INSERT INTO benchmark_groups(id, kind, axis, label, created_at, machine, state)"
                             " VALUES(?,?,?,?,?,?,?)"));
    q.addBindValue(nn(g.id));
    q.addBindValue(nn(g.kind));
    q.addBindValue(nn(g.axis));
    q.addBindValue(nn(g.label));
    q.addBindValue(g.createdAt.isEmpty() ? now() : g.createdAt);
    q.addBindValue(toJson(g.machine));
    q.addBindValue(nn(g.state));
    return write(q);
}

bool Database::setBenchmarkGroupState(const QString& id, const QString& state) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("UPDATE benchmark_groups SET state=? WHERE id=?"));
    q.addBindValue(nn(state));
    q.addBindValue(nn(id));
    return write(q) && q.numRowsAffected() == 1;
}

bool Database::setBenchmarkGroupMachine(const QString& id, const QVariantMap& machine) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("UPDATE benchmark_groups SET machine=? WHERE id=?"));
    q.addBindValue(toJson(machine));
    q.addBindValue(nn(id));
    return write(q) && q.numRowsAffected() == 1;
}

QVector<BenchmarkGroupRow> Database::benchmarkGroups() const {
    QVector<BenchmarkGroupRow> out;
    QSqlQuery q(QSqlDatabase::database(connection_));
    // rowid: the order they were added in, whatever the clock said.
    q.prepare(QStringLiteral("SELECT id, kind, axis, label, created_at, state, machine FROM benchmark_groups ORDER BY rowid"));
    if (!read(q)) return out;
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                       q.value(4).toString(), q.value(5).toString(), fromJson(q.value(6).toString())});
    return out;
}

bool Database::hasBenchmarkGroup(const QString& id) const {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("SELECT 1 FROM benchmark_groups WHERE id=?"));
    q.addBindValue(nn(id));
    return read(q) && q.next();
}

bool Database::deleteBenchmarkGroup(const QString& id) {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("DELETE FROM benchmark_groups WHERE id=?"));
    q.addBindValue(nn(id));
    return write(q) && q.numRowsAffected() == 1;
}

bool Database::addBenchmarkGroupWithRuns(const BenchmarkGroupRow& group, const QVector<BenchmarkRunRow>& runs) {
    QSqlDatabase db = QSqlDatabase::database(connection_);
    if (!db.transaction()) {
        recordFailure(db.lastError());
        return false;
    }
    if (!addBenchmarkGroup(group)) {
        db.rollback();
        return false;
    }
    for (const BenchmarkRunRow& r : runs) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO benchmark_runs(model, created_at, metrics, kind) VALUES(?,?,?,'bench')"));
        q.addBindValue(nn(r.model));
        q.addBindValue(r.createdAt.isEmpty() ? now() : r.createdAt);
        q.addBindValue(toJson(r.metrics));
        if (!write(q)) {
            db.rollback();
            return false;
        }
    }
    return commit();
}

int Database::deleteBenchmarkGroups() {
    QSqlQuery q(QSqlDatabase::database(connection_));
    q.prepare(QStringLiteral("DELETE FROM benchmark_groups"));
    return write(q) ? q.numRowsAffected() : 0;
}

QJsonObject Database::exportJson(qint64 conversationId) const {
    const ConversationRow c = conversation(conversationId);
    QJsonArray msgs;
    for (const ChatMessageItem& m : messages(conversationId)) {
        QJsonObject o{{QStringLiteral("role"), m.role}, {QStringLiteral("content"), m.content},
                      {QStringLiteral("createdAt"), m.createdAt}};
        if (!m.metrics.isEmpty()) o[QStringLiteral("metrics")] = QJsonObject::fromVariantMap(m.metrics);
        msgs.append(o);
    }
    return {{QStringLiteral("format"), QStringLiteral("tern-conversation")},
            {QStringLiteral("version"), 1},
            {QStringLiteral("title"), c.title},
            {QStringLiteral("createdAt"), c.createdAt},
            {QStringLiteral("systemPrompt"), c.systemPrompt},
            {QStringLiteral("sampling"), QJsonObject::fromVariantMap(c.sampling)},
            {QStringLiteral("contextPolicy"), ContextPolicy::key(c.contextPolicy)},
            {QStringLiteral("messages"), msgs}};
}

QString Database::exportMarkdown(qint64 conversationId) const {
    const ConversationRow c = conversation(conversationId);
    QString md = QStringLiteral("# %1\n\n").arg(c.title);
    if (!c.systemPrompt.isEmpty()) md += QStringLiteral("> System: %1\n\n").arg(c.systemPrompt);
    for (const ChatMessageItem& m : messages(conversationId)) {
        md += m.role == QLatin1String("user") ? QStringLiteral("## You\n\n") : QStringLiteral("## Assistant\n\n");
        md += m.content + QStringLiteral("\n\n");
        const QVariantMap& x = m.metrics;
        if (x.contains(QStringLiteral("decodeTps")))
            md += QStringLiteral("*%1 · %2 tok/s · TTFT %3 ms · %4 tokens · %5*\n\n")
                      .arg(x.value(QStringLiteral("model")).toString())
                      .arg(x.value(QStringLiteral("decodeTps")).toDouble(), 0, 'f', 1)
                      .arg(qRound(x.value(QStringLiteral("ttftMs")).toDouble()))
                      .arg(x.value(QStringLiteral("nGenerated")).toInt())
                      .arg(x.value(QStringLiteral("stopReason")).toString());
    }
    return md;
}

qint64 Database::importJson(const QJsonObject& doc) {
    if (doc.value(QStringLiteral("format")).toString() != QLatin1String("tern-conversation")) {
        error_ = QStringLiteral("not a Tern conversation export (the \"format\" field is missing or wrong)");
        return 0;
    }
    if (doc.value(QStringLiteral("version")).toInt() > 1) {
        error_ = QStringLiteral("the file was exported by a newer Tern");
        return 0;
    }
    const QJsonArray msgs = doc.value(QStringLiteral("messages")).toArray();
    for (const QJsonValue& v : msgs) {
        const QString role = v.toObject().value(QStringLiteral("role")).toString();
        if (role != QLatin1String("user") && role != QLatin1String("assistant") && role != QLatin1String("system")) {
            error_ = QStringLiteral("a message has an unknown role \"%1\"").arg(role);
            return 0;
        }
    }
    QSqlDatabase db = QSqlDatabase::database(connection_);
    if (!db.transaction()) {  // all or nothing
        recordFailure(db.lastError());
        return 0;
    }
    QString title = doc.value(QStringLiteral("title")).toString();
    if (title.isEmpty()) title = QStringLiteral("Imported conversation");
    const qint64 id = createConversation(title, doc.value(QStringLiteral("systemPrompt")).toString(),
                                         doc.value(QStringLiteral("sampling")).toObject().toVariantMap(),
                                         ContextPolicy::fromKey(doc.value(QStringLiteral("contextPolicy")).toString()));
    if (!id) {
        db.rollback();
        return 0;
    }
    for (const QJsonValue& v : msgs) {
        const QJsonObject o = v.toObject();
        ChatMessageItem m;
        m.role = o.value(QStringLiteral("role")).toString();
        m.content = o.value(QStringLiteral("content")).toString();
        m.metrics = o.value(QStringLiteral("metrics")).toObject().toVariantMap();
        m.createdAt = o.value(QStringLiteral("createdAt")).toString();
        if (!addMessage(id, m, true)) {
            db.rollback();
            return 0;
        }
    }
    return commit() ? id : 0;
}

}  // namespace tern::app
