#include "AppController.h"

#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QUrl>

#include <spdlog/spdlog.h>

#include "AppPaths.h"
#include "EngineWorker.h"

namespace tern::app {

AppController::AppController(Settings* settings, QObject* parent) : QObject(parent), settings_(settings) {
    worker_ = new EngineWorker;
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.setObjectName(QStringLiteral("tern-engine"));

    // GUI -> worker: queued because the worker lives on another thread.
    connect(this, &AppController::workerLoad, worker_, &EngineWorker::loadModel, Qt::QueuedConnection);
    connect(this, &AppController::workerUnload, worker_, &EngineWorker::unloadModel, Qt::QueuedConnection);
    connect(this, &AppController::workerGenerate, worker_, &EngineWorker::generate, Qt::QueuedConnection);
    connect(this, &AppController::workerCreateBenchmark, worker_, &EngineWorker::createBenchmarkModel,
            Qt::QueuedConnection);

    // Worker -> GUI.
    connect(worker_, &EngineWorker::loadProgress, this, [this](quint64 id, double p) {
        if (id != activeLoad_) return;
        loadProgress_ = p;
        Q_EMIT loadProgressChanged();
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::modelLoaded, this, [this](quint64 id, const QVariantMap& info) {
        if (id != activeLoad_) return;
        activeLoad_ = 0;
        modelInfo_ = info;
        settings_->setLastModel(info.value(QStringLiteral("path")).toString());
        metrics_.setModel(info);
        Q_EMIT modelChanged();
        setState(QStringLiteral("ready"));
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::loadFailed, this, [this](quint64 id, const QString& err, bool cancelled) {
        if (id != activeLoad_) return;
        activeLoad_ = 0;
        modelInfo_.clear();
        metrics_.clearModel();
        Q_EMIT modelChanged();
        setState(QStringLiteral("welcome"));
        if (!cancelled) setError(tr("Could not load the model: %1").arg(err));
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::tokensReady, this, &AppController::onTokens, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::generationFinished, this, &AppController::onFinished, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::generationFailed, this, &AppController::onFailed, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::benchmarkProgress, this, [this](double p) {
        benchmarkProgress_ = p;
        Q_EMIT benchmarkChanged();
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::benchmarkCreated, this, [this](const QString& path) {
        creatingBenchmark_ = false;
        Q_EMIT benchmarkChanged();
        loadModel(path);
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::benchmarkFailed, this, [this](const QString& err) {
        creatingBenchmark_ = false;
        Q_EMIT benchmarkChanged();
        setError(tr("Could not create the benchmark model: %1").arg(err));
    }, Qt::QueuedConnection);

    thread_.start();
}

AppController::~AppController() {
    // Stop whatever runs so the thread can be joined before the models it uses go away.
    if (activeRequest_) worker_->requestStop(activeRequest_);
    if (activeLoad_) worker_->requestCancelLoad(activeLoad_);
    thread_.quit();
    thread_.wait();
}

QString AppController::version() const { return QStringLiteral(TERN_VERSION); }

void AppController::setState(const QString& s) {
    if (state_ == s) return;
    state_ = s;
    Q_EMIT stateChanged();
}

void AppController::setError(const QString& e) {
    spdlog::warn("{}", e.toStdString());
    lastError_ = e;
    Q_EMIT lastErrorChanged();
}

void AppController::clearError() {
    lastError_.clear();
    Q_EMIT lastErrorChanged();
}

void AppController::loadModel(const QString& pathOrUrl) {
    const QString path = pathOrUrl.startsWith(QStringLiteral("file:")) ? QUrl(pathOrUrl).toLocalFile() : pathOrUrl;
    if (!QFileInfo::exists(path)) {
        setError(tr("The file %1 does not exist.").arg(path));
        return;
    }
    if (activeRequest_) stop();
    if (activeLoad_) worker_->requestCancelLoad(activeLoad_);
    clearError();
    activeLoad_ = ++nextId_;
    loadProgress_ = 0;
    Q_EMIT loadProgressChanged();
    setState(QStringLiteral("loading"));
    Q_EMIT workerLoad(activeLoad_, path, settings_->threads(), settings_->contextLength());
}

void AppController::cancelLoad() {
    if (activeLoad_) worker_->requestCancelLoad(activeLoad_);
}

void AppController::unloadModel() {
    stop();
    modelInfo_.clear();
    metrics_.clearModel();
    Q_EMIT modelChanged();
    Q_EMIT workerUnload();
    setState(QStringLiteral("welcome"));
}

bool AppController::send(const QString& text) {
    const QString t = text.trimmed();
    if (t.isEmpty() || state_ != QLatin1String("ready") || activeRequest_) return false;
    ChatMessageItem m;
    m.role = QStringLiteral("user");
    m.content = t;
    m.createdAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    chat_.append(m);
    startAnswer();
    return true;
}

void AppController::startAnswer() {
    QVariantList history;
    const QString sys = settings_->systemPrompt().trimmed();
    if (!sys.isEmpty())
        history.push_back(QVariantMap{{QStringLiteral("role"), QStringLiteral("system")}, {QStringLiteral("content"), sys}});
    history.append(chat_.history());
    ChatMessageItem a;
    a.role = QStringLiteral("assistant");
    a.streaming = true;
    a.createdAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    answerRow_ = chat_.append(a);
    activeRequest_ = ++nextId_;
    metrics_.beginAnswer();
    Q_EMIT generatingChanged();
    Q_EMIT workerGenerate(activeRequest_, history, settings_->samplingParams());
}

void AppController::stop() {
    if (activeRequest_) worker_->requestStop(activeRequest_);
}

void AppController::regenerate() {
    if (activeRequest_ || state_ != QLatin1String("ready")) return;
    int n = chat_.rowCount();
    if (n > 0 && chat_.messages().back().role == QLatin1String("assistant")) chat_.truncate(--n);
    if (n == 0) return;
    startAnswer();
}

void AppController::editAndResend(int row, const QString& text) {
    if (activeRequest_ || state_ != QLatin1String("ready")) return;
    if (row < 0 || row >= chat_.rowCount()) return;
    chat_.truncate(row);
    send(text);
}

void AppController::newChat() {
    stop();
    chat_.clear();
}

void AppController::copyText(const QString& text) {
    if (auto* cb = QGuiApplication::clipboard()) cb->setText(text);
}

void AppController::onTokens(quint64 id, const QString& delta, int n, double ms) {
    if (id != activeRequest_) return;
    chat_.appendText(answerRow_, delta);
    metrics_.onTokens(n, ms);
}

void AppController::onFinished(quint64 id, const QVariantMap& stats) {
    if (id != activeRequest_) return;
    activeRequest_ = 0;
    metrics_.finishAnswer(stats);
    const int row = answerRow_;
    // The streamed deltas and the final text agree; the final text wins in case a delta was dropped.
    chat_.setContent(row, stats.value(QStringLiteral("text")).toString());
    chat_.finish(row, metrics_.messageMetrics(stats));
    answerRow_ = -1;
    Q_EMIT generatingChanged();
    Q_EMIT answerFinished(row, stats);
}

void AppController::onFailed(quint64 id, const QString& error) {
    if (id != activeRequest_) return;
    activeRequest_ = 0;
    chat_.finish(answerRow_, {});
    if (chat_.get(answerRow_).value(QStringLiteral("content")).toString().isEmpty()) chat_.truncate(answerRow_);
    answerRow_ = -1;
    Q_EMIT generatingChanged();
    setError(error);
}

QString AppController::benchmarkModelPath(const QString& preset) const {
    return settings_->modelsDir() + QStringLiteral("/tern-benchmark-%1.gguf").arg(preset);
}

void AppController::createBenchmarkModel(const QString& preset) {
    if (creatingBenchmark_) return;
    const QString out = benchmarkModelPath(preset);
    if (QFileInfo::exists(out)) {  // made before: same seed, same bytes, so just load it
        loadModel(out);
        return;
    }
    QDir().mkpath(QFileInfo(out).absolutePath());
    creatingBenchmark_ = true;
    benchmarkProgress_ = 0;
    clearError();
    Q_EMIT benchmarkChanged();
    Q_EMIT workerCreateBenchmark(preset, AppPaths::tokenizerJson(), out);
}

QString AppController::formatBytes(double b) const {
    const char* units[] = {"B", "KB", "MB", "GB", "TB"};
    int u = 0;
    while (b >= 1024 && u < 4) { b /= 1024; ++u; }
    return QString::number(b, 'f', u == 0 ? 0 : (b < 10 ? 2 : 1)) + QLatin1Char(' ') + QLatin1String(units[u]);
}

}  // namespace tern::app
