// Database: round trip, migrations, search, truncation, export/import.
#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include "Database.h"

using namespace tern::app;

namespace {
ChatMessageItem msg(const QString& role, const QString& content, QVariantMap metrics = {}) {
    ChatMessageItem m;
    m.role = role;
    m.content = content;
    m.metrics = std::move(metrics);
    return m;
}
}  // namespace

class TestDatabase : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString path(const char* name) { return dir_.path() + QLatin1Char('/') + QLatin1String(name); }

private Q_SLOTS:
    void roundTrip() {
        const QString p = path("rt.sqlite");
        qint64 conv = 0, answer = 0;
        {
            Database db;
            QVERIFY2(db.open(p), qPrintable(db.error()));
            QCOMPARE(db.schemaVersion(), Database::kSchemaVersion);
            conv = db.createConversation(QStringLiteral("Terns"), QStringLiteral("Be brief."));
            QVERIFY(conv > 0);
            QVERIFY(db.addMessage(conv, msg(QStringLiteral("user"), QStringLiteral("What is a tern?")), true));
            answer = db.addMessage(conv, msg(QStringLiteral("assistant"), QString()), false);
            QVERIFY(db.updateMessage(answer, QStringLiteral("A seabird."), {{QStringLiteral("decodeTps"), 31.5}}, true));
        }
        Database db;
        QVERIFY(db.open(p));
        const auto rows = db.conversations();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows[0].title, QStringLiteral("Terns"));
        QCOMPARE(rows[0].messageCount, 2);
        QCOMPARE(rows[0].systemPrompt, QStringLiteral("Be brief."));
        const auto ms = db.messages(conv);
        QCOMPARE(ms.size(), 2);
        QCOMPARE(ms[1].content, QStringLiteral("A seabird."));
        QCOMPARE(ms[1].metrics.value(QStringLiteral("decodeTps")).toDouble(), 31.5);
        QCOMPARE(ms[1].id, answer);
        // WAL is on.
        QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        raw.setDatabaseName(p);
        QVERIFY(raw.open());
        {
            QSqlQuery q(raw);
            QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        }
        raw.close();
        raw = {};
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
    }

    void migratesFromVersion1() {
        const QString p = path("v1.sqlite");
        {
            // A database as the first release wrote it (schema 1, no indexes).
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
            raw.setDatabaseName(p);
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE conversations (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, system_prompt TEXT NOT NULL DEFAULT '')")));
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, position INTEGER NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL, metrics TEXT NOT NULL DEFAULT '', complete INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL)")));
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE benchmark_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, model TEXT NOT NULL, created_at TEXT NOT NULL, metrics TEXT NOT NULL)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO conversations(title, created_at, updated_at) VALUES('old', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO messages(conversation_id, position, role, content, created_at) VALUES(1, 0, 'user', 'hello', '2025-01-01T00:00:00Z')")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version=1")));
            q = QSqlQuery();
            raw.close();
            raw = {};
            QSqlDatabase::removeDatabase(QStringLiteral("v1"));
        }
        Database db;
        QVERIFY2(db.open(p), qPrintable(db.error()));
        QCOMPARE(db.schemaVersion(), Database::kSchemaVersion);
        QCOMPARE(db.messages(1).value(0).content, QStringLiteral("hello"));
        QVERIFY(db.conversation(1).sampling.isEmpty());  // old chats follow the defaults
        // Old chats get the default context policy (schema 5); it can be changed and is read back.
        QCOMPARE(db.conversation(1).contextPolicy, ContextPolicy::RollingWindow);
        QVERIFY(db.setContextPolicy(1, ContextPolicy::TruncateMiddle));
        QCOMPARE(db.conversation(1).contextPolicy, ContextPolicy::TruncateMiddle);
        QCOMPARE(db.conversations().value(0).contextPolicy, ContextPolicy::TruncateMiddle);
        QVERIFY(db.setSampling(1, {{QStringLiteral("minP"), 0.1}}));
    }

    // Run groups (schema 6): stored, updated and read back after a reopen, oldest first; a group
    // with its rows is all or nothing.
    void benchmarkGroupsRoundTrip() {
        const QString p = path("groups.sqlite");
        const QVariantMap machine{{QStringLiteral("cpuModel"), QStringLiteral("Test CPU")},
                                  {QStringLiteral("isa"), QStringLiteral("avx2")},
                                  {QStringLiteral("logicalCores"), 8},
                                  {QStringLiteral("readBandwidth"), 3.1e10},
                                  {QStringLiteral("gpus"), QStringList{QStringLiteral("llvmpipe (cpu)")}},
                                  {QStringLiteral("rapl"), false}};
        {
            Database db;
            QVERIFY2(db.open(p), qPrintable(db.error()));
            QVERIFY(db.addBenchmarkGroup({QStringLiteral("g1"), QStringLiteral("run"), {}, QStringLiteral("tiny"),
                                          QStringLiteral("2026-01-01T00:00:00.000Z"), QStringLiteral("running"), {}}));
            QVERIFY(db.addBenchmarkGroup({QStringLiteral("g2"), QStringLiteral("sweep"), QStringLiteral("threads"),
                                          QStringLiteral("tiny: threads sweep"), {}, QStringLiteral("running"), machine}));
            QVERIFY(!db.addBenchmarkGroup({QStringLiteral("g1"), QStringLiteral("run"), {}, {}, {}, QStringLiteral("complete"), {}}));
            QVERIFY(db.setBenchmarkGroupState(QStringLiteral("g1"), QStringLiteral("complete")));
            QVERIFY(db.setBenchmarkGroupState(QStringLiteral("g2"), QStringLiteral("cancelled")));
            QVERIFY(!db.setBenchmarkGroupState(QStringLiteral("nope"), QStringLiteral("complete")));
            QVERIFY(db.setBenchmarkGroupMachine(QStringLiteral("g1"), machine));
            QVERIFY(db.hasBenchmarkGroup(QStringLiteral("g2")));
            QVERIFY(!db.hasBenchmarkGroup(QStringLiteral("g3")));
        }
        Database db;
        QVERIFY(db.open(p));
        auto groups = db.benchmarkGroups();
        QCOMPARE(groups.size(), 2);
        QCOMPARE(groups[0].id, QStringLiteral("g1"));
        QCOMPARE(groups[0].kind, QStringLiteral("run"));
        QCOMPARE(groups[0].createdAt, QStringLiteral("2026-01-01T00:00:00.000Z"));
        QCOMPARE(groups[0].state, QStringLiteral("complete"));
        QCOMPARE(groups[0].machine.value(QStringLiteral("cpuModel")).toString(), QStringLiteral("Test CPU"));
        QCOMPARE(groups[1].id, QStringLiteral("g2"));
        QCOMPARE(groups[1].axis, QStringLiteral("threads"));
        QCOMPARE(groups[1].label, QStringLiteral("tiny: threads sweep"));
        QCOMPARE(groups[1].state, QStringLiteral("cancelled"));
        QVERIFY(!groups[1].createdAt.isEmpty());  // now, when not given
        QCOMPARE(groups[1].machine.value(QStringLiteral("readBandwidth")).toDouble(), 3.1e10);
        QCOMPARE(groups[1].machine.value(QStringLiteral("gpus")).toStringList(), QStringList{QStringLiteral("llvmpipe (cpu)")});

        // An import: the group and its rows, or nothing at all.
        const BenchmarkRunRow row{0, QStringLiteral("m.gguf"), QStringLiteral("2025-06-01T10:00:00.000Z"), QStringLiteral("bench"),
                                  {{QStringLiteral("batch"), QStringLiteral("g3")}, {QStringLiteral("tokensPerSecond"), 12.5}}};
        QVERIFY(db.addBenchmarkGroupWithRuns({QStringLiteral("g3"), QStringLiteral("import"), {}, QStringLiteral("x.json"), {},
                                              QStringLiteral("complete"), machine},
                                             {row, row}));
        QCOMPARE(db.benchmarkRuns().size(), 2);
        QCOMPARE(db.benchmarkRuns()[0].createdAt, QStringLiteral("2025-06-01T10:00:00.000Z"));  // when it ran
        QVERIFY(!db.addBenchmarkGroupWithRuns({QStringLiteral("g3"), QStringLiteral("import"), {}, {}, {}, QStringLiteral("complete"), {}},
                                              {row}));
        QCOMPARE(db.benchmarkRuns().size(), 2);  // the duplicate group stored none of its rows
        QCOMPARE(db.benchmarkGroups().size(), 3);
        QVERIFY(db.deleteBenchmarkGroup(QStringLiteral("g2")));
        QCOMPARE(db.benchmarkGroups().size(), 2);
        QCOMPARE(db.deleteBenchmarkGroups(), 2);
        QVERIFY(db.benchmarkGroups().isEmpty());
    }

    // A schema-5 database with the Benchmark page's rows: they are kept, and each batch becomes
    // one complete 'run' group, created when its first row was.
    void migratesBenchRowsIntoGroups() {
        const QString p = path("v5.sqlite");
        {
            Database db;
            QVERIFY(db.open(p));
        }
        {
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v5"));
            raw.setDatabaseName(p);
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(QStringLiteral("DROP TABLE benchmark_groups")));  // as schema 5 had it
            const char* rows[] = {
                "('/m/a.gguf', '2025-03-01T10:00:00.000Z', 'bench', '{\"batch\":\"b-one\",\"modelName\":\"Model A\",\"test\":\"pp16\"}')",
                "('/m/a.gguf', '2025-03-01T10:00:05.000Z', 'bench', '{\"batch\":\"b-one\",\"modelName\":\"Model A\",\"test\":\"tg8\"}')",
                "('/m/b.gguf', '2025-03-02T09:00:00.000Z', 'bench', '{\"batch\":\"b-two\",\"modelName\":\"Model B\",\"test\":\"tg8\"}')",
                "('/m/c.gguf', '2025-03-03T09:00:00.000Z', 'bench', '{\"tokensPerSecond\":3}')",  // no batch: no group
                "('/m/c.gguf', '2025-03-03T09:00:00.000Z', 'bench', '')",                          // no metrics at all
                "('/m/d.gguf', '2025-03-04T09:00:00.000Z', 'answer', '{\"batch\":\"not-a-bench\"}')",
                "('/m/b.gguf', '2025-03-05T09:00:00.000Z', 'bench', '{\"batch\":\"b-one\",\"modelName\":\"Model A\",\"test\":\"tg8\"}')",
            };
            for (const char* r : rows)
                QVERIFY2(q.exec(QStringLiteral("INSERT INTO benchmark_runs(model, created_at, kind, metrics) VALUES ") + QLatin1String(r)),
                         qPrintable(q.lastError().text()));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version=5")));
            q = QSqlQuery();
            raw.close();
            raw = {};
            QSqlDatabase::removeDatabase(QStringLiteral("v5"));
        }
        Database db;
        QVERIFY2(db.open(p), qPrintable(db.error()));
        QCOMPARE(db.schemaVersion(), 6);
        QCOMPARE(db.benchmarkRuns().size(), 6);  // every row kept
        QCOMPARE(db.benchmarkRuns(QStringLiteral("answer")).size(), 1);
        QCOMPARE(db.benchmarkRuns()[0].metrics.value(QStringLiteral("test")).toString(), QStringLiteral("pp16"));
        const auto groups = db.benchmarkGroups();
        QCOMPARE(groups.size(), 2);
        QStringList ids;
        for (const auto& g : groups) ids << g.id;
        ids.sort();
        QCOMPARE(ids, (QStringList{QStringLiteral("b-one"), QStringLiteral("b-two")}));
        for (const auto& g : groups) {
            QCOMPARE(g.kind, QStringLiteral("run"));
            QCOMPARE(g.state, QStringLiteral("complete"));
            QCOMPARE(g.axis, QString());
            QVERIFY(g.machine.isEmpty());  // not recorded before schema 6
            if (g.id == QLatin1String("b-one")) {
                QCOMPARE(g.createdAt, QStringLiteral("2025-03-01T10:00:00.000Z"));  // its first row's
                QCOMPARE(g.label, QStringLiteral("Model A"));
            } else {
                QCOMPARE(g.createdAt, QStringLiteral("2025-03-02T09:00:00.000Z"));
                QCOMPARE(g.label, QStringLiteral("Model B"));
            }
        }
        // New groups go on after the migrated ones.
        QVERIFY(db.addBenchmarkGroup({QStringLiteral("new"), QStringLiteral("sweep"), QStringLiteral("pp"), {}, {},
                                      QStringLiteral("running"), {}}));
        QCOMPARE(db.benchmarkGroups().back().id, QStringLiteral("new"));
    }

    void refusesANewerSchema() {
        const QString p = path("future.sqlite");
        {
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
            raw.setDatabaseName(p);
            QVERIFY(raw.open());
            QSqlQuery(raw).exec(QStringLiteral("PRAGMA user_version=99"));
            raw.close();
            raw = {};
            QSqlDatabase::removeDatabase(QStringLiteral("future"));
        }
        Database db;
        QVERIFY(!db.open(p));
        QVERIFY(db.error().contains(QStringLiteral("newer")));
    }

    void searchRenameDeleteTruncate() {
        Database db;
        QVERIFY(db.open(path("ops.sqlite")));
        const qint64 a = db.createConversation(QStringLiteral("Birds"));
        const qint64 b = db.createConversation(QStringLiteral("Kernels"));
        db.addMessage(a, msg(QStringLiteral("user"), QStringLiteral("arctic tern migration")), true);
        db.addMessage(b, msg(QStringLiteral("user"), QStringLiteral("I2_S 100% ternary")), true);
        db.addMessage(b, msg(QStringLiteral("assistant"), QStringLiteral("ok")), true);
        db.addMessage(b, msg(QStringLiteral("user"), QStringLiteral("more")), true);
        QCOMPARE(db.conversations(QStringLiteral("MIGRATION")).size(), 1);  // content, any case
        QCOMPARE(db.conversations(QStringLiteral("kern")).value(0).id, b);  // title
        QCOMPARE(db.conversations(QStringLiteral("100%")).value(0).id, b);  // % is literal
        QCOMPARE(db.conversations(QStringLiteral("0_t")).size(), 0);        // _ is literal
        QVERIFY(db.renameConversation(a, QStringLiteral("Seabirds")));
        QVERIFY(db.setSystemPrompt(a, QStringLiteral("You are an ornithologist.")));
        QCOMPARE(db.conversation(a).systemPrompt, QStringLiteral("You are an ornithologist."));
        QCOMPARE(db.conversation(a).title, QStringLiteral("Seabirds"));
        QVERIFY(db.truncateConversation(b, 1));
        QCOMPARE(db.messages(b).size(), 1);
        QVERIFY(db.deleteConversation(b));
        QCOMPARE(db.conversations().size(), 1);
        QCOMPARE(db.messages(b).size(), 0);  // cascaded
    }

    void samplingPerConversation() {
        const QString p = path("sampling.sqlite");
        qint64 a = 0, b = 0;
        {
            Database db;
            QVERIFY(db.open(p));
            a = db.createConversation(QStringLiteral("Creative"), {},
                                      {{QStringLiteral("temperature"), 1.2}, {QStringLiteral("repeatLastN"), 128}});
            b = db.createConversation(QStringLiteral("Plain"));
            QVERIFY(db.setSampling(b, {{QStringLiteral("minP"), 0.2}, {QStringLiteral("repeatPenalty"), 1.25},
                                       {QStringLiteral("unknown"), 3}}));
        }
        Database db;
        QVERIFY(db.open(p));
        QCOMPARE(db.conversation(a).sampling.value(QStringLiteral("temperature")).toDouble(), 1.2);
        QCOMPARE(db.conversation(a).sampling.value(QStringLiteral("repeatLastN")).toInt(), 128);
        const QVariantMap sb = db.conversation(b).sampling;
        QCOMPARE(sb.size(), 2);  // the unknown key was dropped
        QCOMPARE(sb.value(QStringLiteral("minP")).toDouble(), 0.2);
        QCOMPARE(sb.value(QStringLiteral("repeatPenalty")).toDouble(), 1.25);
        QCOMPARE(db.conversations().value(0).sampling, sb);  // the list carries it too (b is newest)
        // Exported and imported with the chat.
        const qint64 copy = db.importJson(db.exportJson(a));
        QVERIFY(copy > 0);
        QCOMPARE(db.conversation(copy).sampling, db.conversation(a).sampling);
        QVERIFY(db.setSampling(a, {}));
        QVERIFY(db.conversation(a).sampling.isEmpty());
    }

    void exportAndImport() {
        Database db;
        QVERIFY(db.open(path("io.sqlite")));
        const qint64 c = db.createConversation(QStringLiteral("Export me"), QStringLiteral("sys"));
        db.addMessage(c, msg(QStringLiteral("user"), QStringLiteral("Q")), true);
        db.addMessage(c, msg(QStringLiteral("assistant"), QStringLiteral("**A**"),
                             {{QStringLiteral("decodeTps"), 12.0}, {QStringLiteral("model"), QStringLiteral("m")},
                              {QStringLiteral("estimated"), QVariantMap{{QStringLiteral("energyRatio"), 71.0}}}}),
                      true);
        const QJsonObject j = db.exportJson(c);
        QCOMPARE(j.value(QStringLiteral("format")).toString(), QStringLiteral("tern-conversation"));
        QCOMPARE(j.value(QStringLiteral("messages")).toArray().size(), 2);
        const QString md = db.exportMarkdown(c);
        QVERIFY(md.startsWith(QStringLiteral("# Export me")));
        QVERIFY(md.contains(QStringLiteral("**A**")));
        QVERIFY(md.contains(QStringLiteral("12.0 tok/s")));

        const qint64 copy = db.importJson(j);
        QVERIFY2(copy > 0, qPrintable(db.error()));
        const auto ms = db.messages(copy);
        QCOMPARE(ms.size(), 2);
        QCOMPARE(ms[1].metrics.value(QStringLiteral("estimated")).toMap().value(QStringLiteral("energyRatio")).toDouble(), 71.0);
        QCOMPARE(db.conversation(copy).systemPrompt, QStringLiteral("sys"));

        QVERIFY(!db.importJson(QJsonObject{{QStringLiteral("format"), QStringLiteral("other")}}));
        QVERIFY(!db.error().isEmpty());
        QJsonObject bad = j;
        bad[QStringLiteral("messages")] = QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("robot")}}};
        const int before = db.conversations().size();
        QVERIFY(!db.importJson(bad));
        QCOMPARE(db.conversations().size(), before);  // nothing half-imported
    }
};

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
