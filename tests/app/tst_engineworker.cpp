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
// A greedy answer to one question.
GenerationRequest greedy(quint64 id, int maxTokens) {
    GenerationRequest r;
    r.id = id;
    r.messages = {{tern::ChatMessage::Role::User, "Tell me about terns."}};
    r.sampling.temperature = 0;
    r.sampling.maxTokens = maxTokens;
    r.sampling.repeatPenalty = 1.0;
    return r;
}
LoadRequest loadRequest(quint64 id, const QString& path, tern::HeadType head = tern::HeadType::AsStored,
                        tern::KvType kv = tern::KvType::F16) {
    LoadRequest r;
    r.id = id;
    r.path = path;
    r.threads = 2;
    r.contextLength = 256;
    r.head = head;
    r.kv = kv;
    return r;
}
GenerationStats statsOf(const QSignalSpy& done) { return done[0][1].value<GenerationStats>(); }
}  // namespace

class TestEngineWorker : public QObject {
    Q_OBJECT
    QThread thread_;
    EngineWorker* worker_ = nullptr;

    // Queued like the app's calls: the request runs on the worker's thread.
    void post(const LoadRequest& r) {
        QMetaObject::invokeMethod(worker_, [w = worker_, r] { w->loadModel(r); }, Qt::QueuedConnection);
    }
    void post(const GenerationRequest& r) {
        QMetaObject::invokeMethod(worker_, [w = worker_, r] { w->generate(r); }, Qt::QueuedConnection);
    }
    void load(const LoadRequest& r) {
        QSignalSpy loaded(worker_, &EngineWorker::modelLoaded);
        post(r);
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() > 0, 60000);
    }
    void load(quint64 id, const QString& path) { load(loadRequest(id, path)); }

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
        post(greedy(5, 48));
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
        const GenerationStats stats = statsOf(done);
        QCOMPARE(streamed, stats.text);
        QCOMPARE(stats.nGenerated, lastN);
        if (lastN >= 2) {  // inter-token latency percentiles, ordered
            QVERIFY(stats.itlP50Ms > 0);
            QVERIFY(stats.itlP95Ms >= stats.itlP50Ms);
        } else {           // one token (it may end at once): no gap to measure, none reported
            QCOMPARE(stats.itlP50Ms, 0.0);
            QCOMPARE(stats.itlP95Ms, 0.0);
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
        post(greedy(1, 200));
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
        connect(worker_, &EngineWorker::tokensReady, this, [&](quint64 id, const QString&, int n, double, int, quint64) {
            if (tokensAtStop < 0) { tokensAtStop = n; worker_->requestStop(id); }
        }, Qt::DirectConnection);
        post(greedy(9, 100000));
        QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 60000);
        const GenerationStats stats = statsOf(done);
        QVERIFY(stats.stopReason == StopReason::Stopped);
        QVERIFY2(stats.nGenerated <= tokensAtStop + 1,
                 qPrintable(QStringLiteral("%1 tokens after stop at %2").arg(stats.nGenerated).arg(tokensAtStop)));
    }

    void stopBeforeStartIsNotLost() {
        load(1, tern::app::test::tinyModel());
        QSignalSpy done(worker_, &EngineWorker::generationFinished);
        worker_->requestStop(3);  // before the queued request runs
        post(greedy(3, 100000));
        QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 60000);
        QVERIFY(statsOf(done).nGenerated <= 1);
    }

    void cancelLoadWorks() {
        const QString path = tern::app::test::tinyModel(QStringLiteral("small"));
        QSignalSpy failed(worker_, &EngineWorker::loadFailed);
        QSignalSpy loaded(worker_, &EngineWorker::modelLoaded);
        worker_->requestCancelLoad(4);
        post(loadRequest(4, path));
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() > 0, 60000);
        QCOMPARE(loaded.count(), 0);
        QCOMPARE(failed[0][2].toBool(), true);  // cancelled, not an error
        // Cancelling mid-load through the progress callback.
        QSignalSpy failed2(worker_, &EngineWorker::loadFailed);
        connect(worker_, &EngineWorker::loadProgress, this, [&](quint64 id, double) { worker_->requestCancelLoad(id); },
                Qt::DirectConnection);
        post(loadRequest(5, path));
        QTRY_VERIFY_WITH_TIMEOUT(failed2.count() > 0, 60000);
        QCOMPARE(failed2[0][2].toBool(), true);
        // Generating without a model is an error, not a crash.
        QSignalSpy genFailed(worker_, &EngineWorker::generationFailed);
        post(greedy(6, 4));
        QTRY_VERIFY_WITH_TIMEOUT(genFailed.count() > 0, 10000);
    }

    // The LM head and KV cache options of the load request reach Model::load, and modelLoaded
    // carries the engine's ModelInfo and whether RAPL can be read.
    void modelOptionsReachTheEngine() {
        const QString path = tern::app::test::tinyModel();
        QSignalSpy loaded(worker_, &EngineWorker::modelLoaded);
        load(1, path);
        ModelSummary model = loaded.last()[1].value<ModelSummary>();
        QCOMPARE(model.kvType(), QStringLiteral("F16"));  // the app's default
        QVERIFY(model.headType() != QLatin1String("Q8_0"));
        const uint64_t exactHead = model.info.head_bytes;
        QVERIFY(exactHead > 0);
        const tern::ModelInfo& i = model.info;
        for (uint64_t v : {uint64_t(i.n_embd), uint64_t(i.n_layer), uint64_t(i.n_head), uint64_t(i.n_head_kv),
                           uint64_t(i.head_dim), uint64_t(i.n_ff), uint64_t(i.n_vocab), i.weight_bytes_per_token,
                           i.kv_bytes_per_token, uint64_t(i.n_threads)})
            QVERIFY(v > 0);
        QVERIFY(model.info.precision == tern::Precision::Ternary);
        QCOMPARE(model.nCtx, 256);
        if (!model.raplAvailable) QVERIFY(!model.raplWhy.isEmpty());
        const uint64_t f16Kv = model.info.kv_bytes_per_token;

        load(loadRequest(2, path, tern::HeadType::Q8_0, tern::KvType::F32));
        model = loaded.last()[1].value<ModelSummary>();
        QCOMPARE(model.headType(), QStringLiteral("Q8_0"));
        QCOMPARE(model.kvType(), QStringLiteral("F32"));
        QVERIFY(model.info.head_bytes < exactHead);
        QCOMPARE(model.info.kv_bytes_per_token, 2 * f16Kv);

        // The int8 cache: per row, head_dim codes and a 4-byte scale per 32 values.
        load(loadRequest(3, path, tern::HeadType::Q8_0, tern::KvType::Q8_0));
        model = loaded.last()[1].value<ModelSummary>();
        QCOMPARE(model.kvType(), QStringLiteral("Q8_0"));
        const uint64_t headDim = uint64_t(model.info.head_dim);
        QCOMPARE(model.info.kv_bytes_per_token, f16Kv / (2 * headDim) * (headDim + 4 * ((headDim + 31) / 32)));

        // An answer says which context it starts from, and the cache grows while it streams.
        QSignalSpy started(worker_, &EngineWorker::generationStarted);
        QSignalSpy tokens(worker_, &EngineWorker::tokensReady);
        QSignalSpy done(worker_, &EngineWorker::generationFinished);
        post(greedy(7, 8));
        QTRY_VERIFY_WITH_TIMEOUT(done.count() > 0, 60000);
        QCOMPARE(started.count(), 1);
        QVERIFY(started[0][1].toInt() > 0);
        const GenerationStats stats = statsOf(done);
        QVERIFY(started[0][1].toInt() <= stats.nPast);
        QVERIFY(tokens.count() >= 1);
        QVERIFY(tokens.last()[4].toInt() > started[0][1].toInt() - 1);  // nPast while streaming
        QVERIFY(tokens.last()[5].toULongLong() > 0);                    // and the cache bytes it fills
        QCOMPARE(stats.raplJoules >= 0, model.raplAvailable && stats.nGenerated >= 2);
    }

    void badFileGivesAClearError() {
        QTemporaryDir dir;
        const QString bad = dir.path() + QStringLiteral("/notamodel.gguf");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a GGUF file at all");
        f.close();
        QSignalSpy failed(worker_, &EngineWorker::loadFailed);
        post(loadRequest(1, bad));
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() > 0, 10000);
        QCOMPARE(failed[0][2].toBool(), false);
        QVERIFY(!failed[0][1].toString().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestEngineWorker)
#include "tst_engineworker.moc"
