// Storage failures while chatting (hardening issue, item 6): with the database read-only or full,
// a sent message and its answer stay on screen, the banner says that chats are not being saved
// and why, the chat cannot be left (which would lose them), and once writing works again they are
// stored without the user doing anything. The failures are real SQLite states set on the app's own
// connection: PRAGMA query_only (a read-only database) and max_page_count (a full one).
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "Alerts.h"
#include "AppContext.h"
#include "Conversations.h"
#include "Database.h"
#include "ModelSession.h"
#include "Settings.h"
#include "test_models.h"

using namespace tern::app;

namespace {
QVariant pragma(const Database& db, const QString& statement) {
    QSqlQuery q(QSqlDatabase::database(db.connectionName()));
    if (!q.exec(statement)) qWarning() << q.lastError().text();
    return q.next() ? q.value(0) : QVariant();
}
}  // namespace

class TestStorage : public QObject {
    Q_OBJECT
    Settings* settings_ = nullptr;

    // Sends `text`, waits for the answer.
    static void ask(AppContext& app, const QString& text) {
        QSignalSpy finished(app.conversations(), &Conversations::answerFinished);
        QVERIFY(app.conversations()->send(text));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
    }

    // The common check: the failure is on screen and in memory, the chat stays, and everything
    // is stored once `repair` has made writing work again.
    void failThenRecover(const QString& name, const std::function<void(Database&)>& breakIt,
                         const std::function<void(Database&)>& repair, const QString& why) {
        QTemporaryDir dir;
        Database db;
        QVERIFY(db.open(dir.path() + QStringLiteral("/%1.sqlite").arg(name)));
        AppContext app(settings_, &db);
        app.session()->load(tern::app::test::tinyModel());
        QTRY_COMPARE_WITH_TIMEOUT(app.session()->state(), ModelSession::Ready, 60000);
        ask(app, QStringLiteral("stored first"));
        const qint64 id = app.conversations()->current();
        QCOMPARE(db.messages(id).size(), 2);

        breakIt(db);
        const QString big = QStringLiteral("Not stored yet: what is a ternary weight?");
        ask(app, big);
        QVERIFY(app.conversations()->unsaved());
        const QString banner = app.alerts()->message();
        QVERIFY2(banner.contains(QStringLiteral("not being saved")), qPrintable(banner));
        QVERIFY2(banner.contains(why, Qt::CaseInsensitive), qPrintable(banner));
        QCOMPARE(app.conversations()->chat()->rowCount(), 4);  // still on screen
        QCOMPARE(db.messages(id).size(), 2);                   // and really not stored
        const QString answer = app.conversations()->chat()->get(3).value(QStringLiteral("content")).toString();

        // Leaving the chat would lose the turns: refused, and said.
        app.conversations()->newChat();
        QCOMPARE(app.conversations()->current(), id);
        QCOMPARE(app.conversations()->chat()->rowCount(), 4);
        QVERIFY2(app.alerts()->message().contains(QStringLiteral("stays open")), qPrintable(app.alerts()->message()));

        repair(db);
        QTRY_VERIFY_WITH_TIMEOUT(!app.conversations()->unsaved(), 3 * Conversations::kRetryMs);
        QCOMPARE(app.alerts()->message(), QString());  // the banner goes once it is true no more
        const auto stored = db.messages(id);
        QCOMPARE(stored.size(), 4);
        QCOMPARE(stored[2].content, big);
        QCOMPARE(stored[3].content, answer);
        QVERIFY(stored[3].metrics.contains(QStringLiteral("nGenerated")));  // the finished answer, not a checkpoint
        app.conversations()->newChat();
        QCOMPARE(app.conversations()->current(), 0);
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TernTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_storage"));
        QSettings().clear();
        settings_ = new Settings;
        settings_->setMaxTokens(8);
    }
    void cleanupTestCase() { delete settings_; }

    void readOnlyDatabase() {
        failThenRecover(
            QStringLiteral("readonly"), [](Database& db) { pragma(db, QStringLiteral("PRAGMA query_only = ON")); },
            [](Database& db) { pragma(db, QStringLiteral("PRAGMA query_only = OFF")); }, QStringLiteral("readonly"));
    }

    void fullDatabase() {
        failThenRecover(
            QStringLiteral("full"),
            [](Database& db) {
                // No page may be added, and the free space left in the pages is filled up: a
                // table's own pages by rows of it (another chat's messages), the rest by a filler table.
                pragma(db, QStringLiteral("CREATE TABLE filler(x BLOB)"));
                const qint64 other = db.createConversation(QStringLiteral("filler"));
                QVERIFY(other > 0);
                const int pages = pragma(db, QStringLiteral("PRAGMA page_count")).toInt();
                QVERIFY(pages > 0);
                pragma(db, QStringLiteral("PRAGMA max_page_count = %1").arg(pages));
                QSqlQuery q(QSqlDatabase::database(db.connectionName()));
                for (int size : {4000, 1000, 200, 40, 8, 1})
                    while (q.exec(QStringLiteral("INSERT INTO filler VALUES(zeroblob(%1))").arg(size))) {}
                QVERIFY(q.lastError().text().contains(QStringLiteral("full")));
                ChatMessageItem m;
                m.role = QStringLiteral("user");
                for (int size : {4000, 1000, 200, 40, 8, 1}) {
                    m.content = QString(size, QLatin1Char('f'));
                    while (db.addMessage(other, m, true)) {}
                }
                QVERIFY2(db.error().contains(QStringLiteral("full")), qPrintable(db.error()));
            },
            [](Database& db) { pragma(db, QStringLiteral("PRAGMA max_page_count = 1073741823")); },
            QStringLiteral("full"));
    }
};

QTEST_MAIN(TestStorage)
#include "tst_storage.moc"
