// Durability: a child process writes finished messages and streams a long answer into the database
// with the app's checkpoint interval; it is SIGKILLed mid-answer. Every finished message must
// survive, and the partial answer at most kCheckpointMs behind.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <cstdio>

#include "AppContext.h"
#include "Alerts.h"
#include "Benchmarks.h"
#include "Conversations.h"
#include "ModelLibrary.h"
#include "ModelSession.h"
#include "ModelSources.h"
#include "Navigation.h"
#include "Database.h"

using namespace tern::app;

namespace {
constexpr int kFinished = 20;

// The child: what Conversations does with a conversation, minus the engine.
int child(const QString& path) {
    Database db;
    if (!db.open(path)) return 2;
    const qint64 c = db.createConversation(QStringLiteral("durability"));
    for (int i = 0; i < kFinished; ++i) {
        ChatMessageItem m;
        m.role = i % 2 ? QStringLiteral("assistant") : QStringLiteral("user");
        m.content = QStringLiteral("finished %1").arg(i);
        db.addMessage(c, m, true);
    }
    ChatMessageItem a;
    a.role = QStringLiteral("assistant");
    const qint64 id = db.addMessage(c, a, false);
    QString text;
    QElapsedTimer sinceCheckpoint;
    sinceCheckpoint.start();
    bool announced = false;
    for (int tok = 0;; ++tok) {  // "tokens" forever, until killed
        text += QStringLiteral("t%1 ").arg(tok);
        if (sinceCheckpoint.elapsed() >= 200) {  // faster than the app's 2 s so the test is quick
            db.updateMessage(id, text, {}, false);
            sinceCheckpoint.restart();
            if (!announced) {
                std::printf("STREAMING\n");
                std::fflush(stdout);
                announced = true;
            }
        }
        QThread::msleep(2);
    }
}
}  // namespace

class TestDurability : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void killedWhileStreaming() {
        QTemporaryDir dir;
        const QString path = dir.path() + QStringLiteral("/kill.sqlite");
        QProcess p;
        p.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--child"), path});
        QVERIFY(p.waitForStarted());
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("STREAMING") || p.state() != QProcess::Running, 20000);
        QVERIFY(p.state() == QProcess::Running);
        QTest::qWait(700);  // a few more checkpoints
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished());
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);

        Database db;
        QVERIFY2(db.open(path), qPrintable(db.error()));
        const auto convs = db.conversations();
        QCOMPARE(convs.size(), 1);
        const auto ms = db.messages(convs[0].id);
        QCOMPARE(ms.size(), kFinished + 1);
        for (int i = 0; i < kFinished; ++i) QCOMPARE(ms[i].content, QStringLiteral("finished %1").arg(i));
        // The partial answer is there, up to its last checkpoint, and marked as interrupted.
        QVERIFY(ms.last().content.startsWith(QStringLiteral("t0 t1 ")));
        QCOMPARE(ms.last().metrics.value(QStringLiteral("stopReason")).toString(), QStringLiteral("interrupted"));
        QVERIFY(Conversations::kCheckpointMs <= 5000);  // "at most the last few seconds"
    }
};

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc == 3 && QByteArray(argv[1]) == "--child") return child(QString::fromLocal8Bit(argv[2]));
    TestDurability t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_durability.moc"
