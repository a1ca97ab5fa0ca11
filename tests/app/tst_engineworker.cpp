// EngineWorker on its own thread with a tiny synthetic model: tokens arrive in order and match a
// direct engine run, stop takes effect within a token, a load can be cancelled, bad files fail.
#include <QSignalSpy>
#include <QThread>
#include <QtTest>

#include "EngineWorker.h"
#include "test_models.h"
#include "tern/generate.h"
#include "tern/model.h"
#include "tern/session.h"

using namespace tern::app;

namespace {
const QVariantList kChat = {QVariantMap{{QStringLiteral("role"), QStringLiteral("user")},
                                        {QStringLiteral("content"), QStringLiteral("Tell me about terns.")}}};
QVariantMap greedy(int maxTokens) {
    return {{QStringLiteral("temperature"), 0.0}, {QStringLiteral("maxTokens"), maxTokens},
            {QStringLiteral("repeatPenalty"), 1.0}};
}
}  // namespace

class TestEngineWorker : public QObject {
    Q_OBJECT
    QThread thread_;
    EngineWorker* worker_ = nullptr;

    void load(quint64 id, const QString& path) {
        QSignalSpy loaded(worker_, &EngineWorker::modelLoaded);
        QMetaObject::invokeMethod(worker_, "loadModel", Qt::QueuedConnection, Q_ARG(quint64, id),
                                  Q_ARG(QString, path), Q_ARG(int, 2), Q_ARG(int, 256));
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() > 0, 60000);
    }

private Q_SLOTS:
    void init() {
        worker_ = new EngineWorker;
        worker_->moveToThread(&thread_);
        connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
        thread_.start();
    }
    void cleanup() {
        thread_.quit();
        thread_.wait();
        worker_ = nullptr;
    }

    void tokensArriveInOrder() {
        const QString path = tern::app::test::tinyModel();
        load(1, path);
        QSignalSpy tokens(worker_, &EngineWorker::tokensReady);
        QSignalSpy done(worker_, &EngineWorker::generationFinished);
        QMetaObject::invokeMethod(worker_, "generate", Qt::QueuedConnection, Q_ARG(quint64, 5),
                                  Q_ARG(QVariantList, kChat), Q_ARG(QVariantMap, greedy(48)));
        QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 60000);
        QVERIFY(tokens.count() >= 1);
        QString streamed;
        int lastN = 0;
        for (const auto& args : tokens) {
            QCOMPARE(args[0].toULongLong(), quint64(5));
            QVERIFY(args[2].toInt() >= lastN);  // token counts only grow
            lastN = args[2].toInt();
            streamed += args[1].toString();
        }
        const QVariantMap stats = done[0][1].toMap();
        QCOMPARE(streamed, stats.value(QStringLiteral("text")).toString());
        QCOMPARE(stats.value(QStringLiteral("nGenerated")).toInt(), lastN);
        if (lastN >= 2) {  // inter-token latency percentiles, ordered
            QVERIFY(stats.value(QStringLiteral("itlP50Ms")).toDouble() > 0);
            QVERIFY(stats.value(QStringLiteral("itlP95Ms")).toDouble() >= stats.value(QStringLiteral("itlP50Ms")).toDouble());
        }

        // The same request straight through the engine, loaded as the app loads it by default
        // (head as stored, F16 KV cache), gives the same text.
        tern::LoadOptions lo;
        lo.n_threads = 2;
        lo.kv_type = tern::KvType::F16;
        auto model = tern::Model::load(path.toStdString(), lo);
        tern::Session session(model, {256, 128});
        const auto ids = model->tokenizer().encode(
            tern::format_chat({{tern::ChatMessage::Role::User, "Tell me about terns."}}, model->chat_template(), true),
            true, true);
        tern::GenerateOptions g;
        g.max_tokens = 48;
        g.sampling.temperature = 0;
        g.sampling.repeat_penalty = 1.0f;
        std::string direct;
        tern::generate(session, ids, g, [&](std::string_view t, int32_t) { direct += t; return true; });
        QCOMPARE(streamed, QString::fromStdString(direct));
    }

    void batchesRespectTheRepaintBudget() {
        load(1, tern::app::test::tinyModel());
        QSignalSpy tokens(worker_, &EngineWorker::tokensReady);
        QSignalSpy done(worker_, &EngineWorker::generationFinished);
        QMetaObject::invokeMethod(worker_, "generate", Qt::QueuedConnection, Q_ARG(quint64, 1),
                                  Q_ARG(QVariantList, kChat), Q_ARG(QVariantMap, greedy(200)));
        QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 60000);
        const double ms = tokens.last()[3].toDouble();
        // At most one batch per 33 ms, plus the first and the final flush.
        QVERIFY2(tokens.count() <= ms / EngineWorker::kEmitIntervalMs + 2,
                 qPrintable(QStringLiteral("%1 batches in %2 ms").arg(tokens.count()).arg(ms)));
    }

    void stopWorks() {
        load(1, tern::app::test::tinyModel());
        QSignalSpy done(worker_, &EngineWorker::generationFinished);
        int tokensAtStop = -1;
        // DirectConnection: runs on the worker thread right after the batch, like a user's click would
        // land between two tokens.
        connect(worker_, &EngineWorker::tokensReady, this, [&](quint64 id, const QString&, int n, double) {
            if (tokensAtStop < 0) { tokensAtStop = n; worker_->requestStop(id); }
        }, Qt::DirectConnection);
        QMetaObject::invokeMethod(worker_, "generate", Qt::QueuedConnection, Q_ARG(quint64, 9),
                                  Q_ARG(QVariantList, kChat), Q_ARG(QVariantMap, greedy(100000)));
        QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 60000);
        const QVariantMap stats = done[0][1].toMap();
        QCOMPARE(stats.value(QStringLiteral("stopReason")).toString(), QStringLiteral("stopped"));
        QVERIFY2(stats.value(QStringLiteral("nGenerated")).toInt() <= tokensAtStop + 1,
                 qPrintable(QStringLiteral("%1 tokens after stop at %2").arg(stats.value(QStringLiteral("nGenerated")).toInt()).arg(tokensAtStop)));
    }

    void stopBeforeStartIsNotLost() {
        load(1, tern::app::test::tinyModel());
        QSignalSpy done(worker_, &EngineWorker::generationFinished);
        worker_->requestStop(3);  // before the queued request runs
        QMetaObject::invokeMethod(worker_, "generate", Qt::QueuedConnection, Q_ARG(quint64, 3),
                                  Q_ARG(QVariantList, kChat), Q_ARG(QVariantMap, greedy(100000)));
        QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 60000);
        QVERIFY(done[0][1].toMap().value(QStringLiteral("nGenerated")).toInt() <= 1);
    }

    void cancelLoadWorks() {
        const QString path = tern::app::test::tinyModel(QStringLiteral("small"));
        QSignalSpy failed(worker_, &EngineWorker::loadFailed);
        QSignalSpy loaded(worker_, &EngineWorker::modelLoaded);
        worker_->requestCancelLoad(4);
        QMetaObject::invokeMethod(worker_, "loadModel", Qt::QueuedConnection, Q_ARG(quint64, 4),
                                  Q_ARG(QString, path), Q_ARG(int, 2), Q_ARG(int, 256));
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() > 0, 60000);
        QCOMPARE(loaded.count(), 0);
        QCOMPARE(failed[0][2].toBool(), true);  // cancelled, not an error
        // Cancelling mid-load through the progress callback.
        QSignalSpy failed2(worker_, &EngineWorker::loadFailed);
        connect(worker_, &EngineWorker::loadProgress, this, [&](quint64 id, double) { worker_->requestCancelLoad(id); },
                Qt::DirectConnection);
        QMetaObject::invokeMethod(worker_, "loadModel", Qt::QueuedConnection, Q_ARG(quint64, 5),
                                  Q_ARG(QString, path), Q_ARG(int, 2), Q_ARG(int, 256));
        QTRY_VERIFY_WITH_TIMEOUT(failed2.count() > 0, 60000);
        QCOMPARE(failed2[0][2].toBool(), true);
        // Generating without a model is an error, not a crash.
        QSignalSpy genFailed(worker_, &EngineWorker::generationFailed);
        QMetaObject::invokeMethod(worker_, "generate", Qt::QueuedConnection, Q_ARG(quint64, 6),
                                  Q_ARG(QVariantList, kChat), Q_ARG(QVariantMap, greedy(4)));
        QTRY_VERIFY_WITH_TIMEOUT(genFailed.count() > 0, 10000);
    }

    // The LM head and KV cache options reach Model::load, and modelLoaded carries what the GUI's
    // estimates need (plain values), and whether RAPL can be read.
    void modelOptionsReachTheEngine() {
        const QString path = tern::app::test::tinyModel();
        QSignalSpy loaded(worker_, &EngineWorker::modelLoaded);
        load(1, path);
        QVariantMap info = loaded.last()[1].toMap();
        QCOMPARE(info.value(QStringLiteral("kvType")).toString(), QStringLiteral("F16"));  // the app's default
        QVERIFY(info.value(QStringLiteral("headType")).toString() != QLatin1String("Q8_0"));
        const qulonglong exactHead = info.value(QStringLiteral("headBytes")).toULongLong();
        QVERIFY(exactHead > 0);
        for (const char* k : {"nEmbd", "nLayer", "nHead", "nHeadKv", "headDim", "nFf", "nVocab", "weightBytesPerToken",
                              "kvBytesPerToken", "nThreads"})
            QVERIFY2(info.value(QLatin1String(k)).toULongLong() > 0, k);
        QCOMPARE(info.value(QStringLiteral("precision")).toString(), QStringLiteral("ternary"));
        QVERIFY(info.contains(QStringLiteral("raplAvailable")));
        if (!info.value(QStringLiteral("raplAvailable")).toBool()) QVERIFY(!info.value(QStringLiteral("raplWhy")).toString().isEmpty());
        const qulonglong f16Kv = info.value(QStringLiteral("kvBytesPerToken")).toULongLong();

        QMetaObject::invokeMethod(worker_, "setModelOptions", Qt::QueuedConnection, Q_ARG(QString, QStringLiteral("q8_0")),
                                  Q_ARG(QString, QStringLiteral("f32")));
        load(2, path);
        info = loaded.last()[1].toMap();
        QCOMPARE(info.value(QStringLiteral("headType")).toString(), QStringLiteral("Q8_0"));
        QCOMPARE(info.value(QStringLiteral("kvType")).toString(), QStringLiteral("F32"));
        QVERIFY(info.value(QStringLiteral("headBytes")).toULongLong() < exactHead);
        QCOMPARE(info.value(QStringLiteral("kvBytesPerToken")).toULongLong(), 2 * f16Kv);

        // The int8 cache: per row, head_dim codes and a 4-byte scale per 32 values.
        QMetaObject::invokeMethod(worker_, "setModelOptions", Qt::QueuedConnection, Q_ARG(QString, QStringLiteral("q8_0")),
                                  Q_ARG(QString, QStringLiteral("q8")));
        load(3, path);
        info = loaded.last()[1].toMap();
        QCOMPARE(info.value(QStringLiteral("kvType")).toString(), QStringLiteral("Q8_0"));
        const qulonglong headDim = info.value(QStringLiteral("headDim")).toULongLong();
        QCOMPARE(info.value(QStringLiteral("kvBytesPerToken")).toULongLong(),
                 f16Kv / (2 * headDim) * (headDim + 4 * ((headDim + 31) / 32)));

        // An answer says which context it starts from.
        QSignalSpy started(worker_, &EngineWorker::generationStarted);
        QSignalSpy done(worker_, &EngineWorker::generationFinished);
        QMetaObject::invokeMethod(worker_, "generate", Qt::QueuedConnection, Q_ARG(quint64, 7),
                                  Q_ARG(QVariantList, kChat), Q_ARG(QVariantMap, greedy(8)));
        QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 60000);
        QCOMPARE(started.count(), 1);
        QVERIFY(started[0][1].toInt() > 0);
        const QVariantMap stats = done[0][1].toMap();
        QVERIFY(started[0][1].toInt() <= stats.value(QStringLiteral("nPast")).toInt());
        QCOMPARE(stats.contains(QStringLiteral("raplJoules")),
                 info.value(QStringLiteral("raplAvailable")).toBool() && stats.value(QStringLiteral("nGenerated")).toInt() >= 2);
    }

    void badFileGivesAClearError() {
        QTemporaryDir dir;
        const QString bad = dir.path() + QStringLiteral("/notamodel.gguf");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a GGUF file at all");
        f.close();
        QSignalSpy failed(worker_, &EngineWorker::loadFailed);
        QMetaObject::invokeMethod(worker_, "loadModel", Qt::QueuedConnection, Q_ARG(quint64, 1),
                                  Q_ARG(QString, bad), Q_ARG(int, 2), Q_ARG(int, 256));
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() > 0, 10000);
        QCOMPARE(failed[0][2].toBool(), false);
        QVERIFY(!failed[0][1].toString().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestEngineWorker)
#include "tst_engineworker.moc"
