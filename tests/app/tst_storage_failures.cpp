// Database when storage fails (issue 17): a full disk, a read-only file, a damaged file. Each
// failure must reach the caller as a false / 0 return with a reason a user can act on, and
// writesFailing() must follow it, because that is what tells the user chats are not being saved.
// The faults come from SQLite itself (Database::injectFault), and once more from a real tmpfs
// that is filled up and remounted read-only (skipped where mounting is not allowed).
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "ChatsDatabaseStartup.h"
#include "Database.h"

#include <sys/stat.h>
#include <unistd.h>

using namespace tern::app;

namespace {

ChatMessageItem msg(const QString& role, const QString& content) {
    ChatMessageItem m;
    m.role = role;
    m.content = content;
    return m;
}

// Big enough to need new pages, so a database that may not grow cannot take it.
QString bigText(int kb, QChar c = QLatin1Char('a')) { return QString(kb * 1024, c); }

// A small tmpfs mounted on a temporary folder for the life of the object (needs CAP_SYS_ADMIN).
struct Tmpfs {
    QTemporaryDir dir;
    bool mounted = false;
    explicit Tmpfs(const char* size) {
        mounted = QProcess::execute(QStringLiteral("mount"), {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                                                              QStringLiteral("size=") + QLatin1String(size), QStringLiteral("tmpfs"),
                                                              dir.path()}) == 0;
    }
    bool remountReadOnly() const {
        return QProcess::execute(QStringLiteral("mount"), {QStringLiteral("-o"), QStringLiteral("remount,ro"), dir.path()}) == 0;
    }
    ~Tmpfs() {
        if (mounted) QProcess::execute(QStringLiteral("umount"), {dir.path()});
    }
};

}  // namespace

class TestStorageFailures : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString path(const char* name) { return dir_.path() + QLatin1Char('/') + QLatin1String(name); }

private Q_SLOTS:
    void diskFullFailsEveryWriteWithTheReason() {
        const QString p = path("full.sqlite");
        Database db;
        QVERIFY2(db.open(p), qPrintable(db.error()));
        QSignalSpy changed(&db, &Database::writesFailingChanged);
        const qint64 conv = db.createConversation(QStringLiteral("Kept"));
        const qint64 answer = db.addMessage(conv, msg(QStringLiteral("assistant"), QStringLiteral("short")), false);
        QVERIFY(answer > 0);
        QVERIFY(!db.writesFailing());

        QVERIFY(db.injectFault(Database::Fault::DiskFull));
        QCOMPARE(db.addMessage(conv, msg(QStringLiteral("user"), bigText(200)), true), 0);
        QCOMPARE(db.failure(), Database::Failure::DiskFull);
        QVERIFY2(db.error().contains(QStringLiteral("is full")) && db.error().contains(p), qPrintable(db.error()));
        QVERIFY(db.writesFailing());
        QCOMPARE(changed.size(), 1);
        // The streaming checkpoint of a growing answer fails the same way, with the reason.
        QVERIFY(!db.updateMessage(answer, bigText(200, QLatin1Char('b')), {}, true));
        QCOMPARE(db.failure(), Database::Failure::DiskFull);
        QCOMPARE(changed.size(), 1);  // one change, not one per write

        // Room again: writes succeed, and the failure state ends.
        QVERIFY(db.injectFault(Database::Fault::None));
        QVERIFY(db.updateMessage(answer, bigText(200, QLatin1Char('b')), {}, true));
        QVERIFY(!db.writesFailing());
        QCOMPARE(changed.size(), 2);
        db.close();

        Database again;
        QVERIFY(again.open(p));
        const auto ms = again.messages(conv);
        QCOMPARE(ms.size(), 1);  // the failed insert left nothing behind
        QCOMPARE(ms[0].content, bigText(200, QLatin1Char('b')));
    }

    void readOnlyFailsEveryWriteButKeepsTheChatsReadable() {
        Database db;
        QVERIFY(db.open(path("ro.sqlite")));
        const qint64 conv = db.createConversation(QStringLiteral("Old chat"));
        const qint64 m = db.addMessage(conv, msg(QStringLiteral("user"), QStringLiteral("hello")), true);
        QVERIFY(db.probeWrites());

        QVERIFY(db.injectFault(Database::Fault::ReadOnly));
        QVERIFY(!db.probeWrites());
        QVERIFY(db.writesFailing());
        auto expectReadOnly = [&db](bool failed, const char* what) {
            QVERIFY2(failed, what);
            QCOMPARE(db.failure(), Database::Failure::ReadOnly);
            QVERIFY2(db.error().contains(QStringLiteral("read-only")), qPrintable(db.error()));
        };
        expectReadOnly(db.createConversation(QStringLiteral("new")) == 0, "createConversation");
        expectReadOnly(db.addMessage(conv, msg(QStringLiteral("user"), QStringLiteral("x")), true) == 0, "addMessage");
        expectReadOnly(!db.updateMessage(m, QStringLiteral("changed"), {}, true), "updateMessage");
        expectReadOnly(!db.renameConversation(conv, QStringLiteral("renamed")), "renameConversation");
        expectReadOnly(!db.setSystemPrompt(conv, QStringLiteral("sys")), "setSystemPrompt");
        expectReadOnly(!db.setSampling(conv, {{QStringLiteral("temperature"), 0.5}}), "setSampling");
        expectReadOnly(!db.truncateConversation(conv, 0), "truncateConversation");
        expectReadOnly(!db.deleteConversation(conv), "deleteConversation");
        expectReadOnly(db.addBenchmarkRun(QStringLiteral("m.gguf"), {{QStringLiteral("tps"), 1.0}}) == 0, "addBenchmarkRun");
        // What was saved before is still shown.
        QCOMPARE(db.conversations().value(0).title, QStringLiteral("Old chat"));
        QCOMPARE(db.messages(conv).value(0).content, QStringLiteral("hello"));

        QVERIFY(db.injectFault(Database::Fault::None));
        QVERIFY(db.probeWrites());  // what an app's retry timer asks
        QVERIFY(!db.writesFailing());
        QVERIFY(db.renameConversation(conv, QStringLiteral("renamed")));
    }

    // An import is one transaction: on a full disk it fails with the reason and leaves nothing.
    void importOnAFullDiskLeavesNothingHalfWritten() {
        Database db;
        QVERIFY(db.open(path("import.sqlite")));
        const QJsonObject doc{{QStringLiteral("format"), QStringLiteral("tern-conversation")},
                              {QStringLiteral("version"), 1},
                              {QStringLiteral("title"), QStringLiteral("Imported")},
                              {QStringLiteral("messages"),
                               QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                      {QStringLiteral("content"), bigText(300)}}}}};
        QVERIFY(db.injectFault(Database::Fault::DiskFull));
        QCOMPARE(db.importJson(doc), 0);
        QCOMPARE(db.failure(), Database::Failure::DiskFull);
        QVERIFY(db.conversations().isEmpty());
        QVERIFY(db.injectFault(Database::Fault::None));
        QVERIFY2(db.importJson(doc) > 0, qPrintable(db.error()));
    }

    void garbageFileIsNamedDamagedAndCanBeSetAside() {
        const QString p = path("garbage.sqlite");
        QByteArray junk(8192, Qt::Uninitialized);
        for (int i = 0; i < junk.size(); ++i) junk[i] = char(i * 131 + 7);
        {
            QFile f(p);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(junk);
        }
        Database db;
        QVERIFY(!db.open(p));
        QCOMPARE(db.failure(), Database::Failure::Corrupt);
        QVERIFY2(db.error().contains(QStringLiteral("damaged")) && db.error().contains(p), qPrintable(db.error()));
        db.close();

        const QString aside = Database::setAside(p);
        QVERIFY(!aside.isEmpty());
        QVERIFY(!QFile::exists(p));
        QFile kept(aside);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), junk);  // nothing of the user's file is lost
        QVERIFY2(db.open(p), qPrintable(db.error()));
        QVERIFY(db.conversations().isEmpty());
    }

    // A file with a valid header and damaged pages opens in SQLite; the check at open must find
    // it, instead of the chats on those pages silently not loading.
    void damagedPagesAreFoundAtOpen() {
        const QString p = path("damaged.sqlite");
        {
            Database db;
            QVERIFY(db.open(p));
            const qint64 conv = db.createConversation(QStringLiteral("Long chat"));
            for (int i = 0; i < 40; ++i) QVERIFY(db.addMessage(conv, msg(QStringLiteral("user"), bigText(2)), true));
        }  // closing checkpoints the WAL into the file
        QFile f(p);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.size() > 16 * 4096);
        f.seek(4096 * 3);  // pages 4 onwards: b-tree pages, not the header
        f.write(QByteArray(4096 * 8, '\x5a'));
        f.close();

        Database db;
        QVERIFY(!db.open(p));
        QCOMPARE(db.failure(), Database::Failure::Corrupt);
        QVERIFY2(db.error().contains(QStringLiteral("damaged")), qPrintable(db.error()));
    }

    // At start-up (issue 17): a chats database that cannot be used is neither used, emptied nor
    // overwritten. The user is asked, with the reason; "set aside" keeps the old file,
    // byte-identical, beside a new empty database; "quit" leaves everything as it was.
    void damagedDatabaseAtStartAsksAndSetsAside_data() {
        QTest::addColumn<QByteArray>("content");
        QByteArray junk(8192, Qt::Uninitialized);
        for (int i = 0; i < junk.size(); ++i) junk[i] = char(i * 131 + 7);
        QTest::newRow("garbage bytes") << junk;
        QTest::newRow("not a database") << QByteArray("These are my notes, not a database.\n").repeated(200);
        const QString whole = path("whole.sqlite");
        {
            Database db;
            QVERIFY(db.open(whole));
            const qint64 conv = db.createConversation(QStringLiteral("Long chat"));
            for (int i = 0; i < 40; ++i) QVERIFY(db.addMessage(conv, msg(QStringLiteral("user"), bigText(2)), true));
        }
        QFile f(whole);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray full = f.readAll();
        QVERIFY(full.size() > 16 * 4096);
        QTest::newRow("truncated SQLite file") << full.left(full.size() / 2 + 100);
    }
    void damagedDatabaseAtStartAsksAndSetsAside() {
        QFETCH(QByteArray, content);
        QTemporaryDir home;
        const QString p = home.path() + QStringLiteral("/tern.sqlite");
        {
            QFile f(p);
            QVERIFY(f.open(QIODevice::WriteOnly) && f.write(content) == content.size());
        }
        QStringList asked;
        // Quit first: nothing changes.
        {
            Database db;
            const ChatsDatabaseOpening r = openChatsDatabase(db, p, [&](const QString& q) {
                asked << q;
                return DamagedDatabaseChoice::Quit;
            });
            QVERIFY(r.quit);
            QVERIFY(!r.open);
        }
        QCOMPARE(asked.size(), 1);
        QVERIFY2(asked[0].contains(QStringLiteral("cannot be used")) && asked[0].contains(p) &&
                     asked[0].contains(QStringLiteral("set it aside")) && asked[0].contains(QStringLiteral("nothing is deleted")),
                 qPrintable(asked[0]));
        QCOMPARE(QDir(home.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("tern.sqlite")});
        QFile same(p);
        QVERIFY(same.open(QIODevice::ReadOnly));
        QCOMPARE(same.readAll(), content);
        same.close();

        // Then set aside: a fresh database opens at the path, the old file is beside it, intact.
        Database db;
        const ChatsDatabaseOpening r = openChatsDatabase(db, p, [&](const QString& q) {
            asked << q;
            return DamagedDatabaseChoice::SetAside;
        });
        QCOMPARE(asked.size(), 2);
        QVERIFY(!r.quit);
        QVERIFY2(r.open, qPrintable(r.notice));
        QVERIFY(db.conversations().isEmpty());
        const QStringList aside = QDir(home.path()).entryList({QStringLiteral("tern.sqlite.damaged-*")}, QDir::Files);
        QCOMPARE(aside.size(), 1);
        QVERIFY2(r.notice.contains(aside[0]), qPrintable(r.notice));
        QFile kept(home.path() + QLatin1Char('/') + aside[0]);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), content);
        QVERIFY(db.createConversation(QStringLiteral("New")) > 0);  // the new one takes chats
    }

    // A FIFO where the database should be is not opened (SQLite's first read would block for
    // ever): it is asked about at once, and set aside like a damaged file.
    void fifoInPlaceOfTheDatabaseIsAskedAboutWithoutBlocking() {
        QTemporaryDir home;
        const QString p = home.path() + QStringLiteral("/tern.sqlite");
        QCOMPARE(::mkfifo(QFile::encodeName(p).constData(), 0600), 0);
        QString asked;
        Database db;
        const ChatsDatabaseOpening r = openChatsDatabase(db, p, [&](const QString& q) {
            asked = q;
            return DamagedDatabaseChoice::SetAside;
        });
        QVERIFY2(asked.contains(QStringLiteral("not a regular file")) && asked.contains(p), qPrintable(asked));
        QVERIFY2(r.open, qPrintable(r.notice));
        QVERIFY(QFileInfo(p).isFile());  // a new database, not the FIFO
        const QFileInfoList aside = QDir(home.path()).entryInfoList({QStringLiteral("tern.sqlite.damaged-*")}, QDir::System);
        QCOMPARE(aside.size(), 1);
        QVERIFY(!aside[0].isFile());  // the FIFO itself, renamed
    }

    // A file that cannot be read is asked about the same way (root reads every file: skipped there).
    void unreadableDatabaseAtStartIsAskedAbout() {
        if (::geteuid() == 0) QSKIP("root can read a file without read permission");
        QTemporaryDir home;
        const QString p = home.path() + QStringLiteral("/tern.sqlite");
        {
            Database db;
            QVERIFY(db.open(p));
            QVERIFY(db.createConversation(QStringLiteral("Mine")) > 0);
        }
        QVERIFY(QFile::setPermissions(p, QFileDevice::WriteOwner));
        QString asked;
        Database db;
        const ChatsDatabaseOpening r = openChatsDatabase(db, p, [&](const QString& q) {
            asked = q;
            return DamagedDatabaseChoice::Quit;
        });
        QVERIFY(r.quit);
        QVERIFY2(asked.contains(p), qPrintable(asked));
        QVERIFY(QFile::exists(p));
    }

    // The same with a real filesystem: a tmpfs filled to the last byte, then remounted read-only.
    void realFullAndReadOnlyFilesystem() {
        Tmpfs fs("2m");
        if (!fs.mounted) QSKIP("mounting a tmpfs needs CAP_SYS_ADMIN");
        const QString p = fs.dir.path() + QStringLiteral("/tern.sqlite");
        const QString filler = fs.dir.path() + QStringLiteral("/filler");
        qint64 conv = 0;
        {
            Database db;
            QVERIFY2(db.open(p), qPrintable(db.error()));
            conv = db.createConversation(QStringLiteral("On tmpfs"));
            QVERIFY(db.addMessage(conv, msg(QStringLiteral("user"), QStringLiteral("saved")), true));
            {
                QFile fill(filler);
                QVERIFY(fill.open(QIODevice::WriteOnly));
                const QByteArray block(4096, 'f');
                while (fill.write(block) == block.size() && fill.flush()) {}
            }
            QCOMPARE(db.addMessage(conv, msg(QStringLiteral("assistant"), bigText(256)), true), 0);
            QCOMPARE(db.failure(), Database::Failure::DiskFull);
            QVERIFY(db.writesFailing());
            QVERIFY(QFile::remove(filler));
            QVERIFY2(db.addMessage(conv, msg(QStringLiteral("assistant"), bigText(256)), true) > 0, qPrintable(db.error()));
            QVERIFY(!db.writesFailing());
        }
        QVERIFY(fs.remountReadOnly());
        Database db;
        QVERIFY2(db.open(p), qPrintable(db.error()));  // the chats can still be read
        QVERIFY(db.writesFailing());
        QCOMPARE(db.failure(), Database::Failure::ReadOnly);
        QVERIFY2(db.error().contains(QStringLiteral("read-only")), qPrintable(db.error()));
        QCOMPARE(db.messages(conv).size(), 2);
        QCOMPARE(db.createConversation(QStringLiteral("new")), 0);
        QCOMPARE(db.failure(), Database::Failure::ReadOnly);
    }
};

QTEST_GUILESS_MAIN(TestStorageFailures)
#include "tst_storage_failures.moc"
