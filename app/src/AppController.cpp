#include "AppController.h"

#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QStandardPaths>
#include <QUuid>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QGuiApplication>
#include <QUrl>

#include <spdlog/spdlog.h>

#include "AppPaths.h"
#include "Database.h"
#include "EngineWorker.h"
#include "Sampling.h"
#include "tern/devices.h"

namespace tern::app {

AppController::AppController(Settings* settings, Database* db, QObject* parent)
    : QObject(parent), settings_(settings), db_(db && db->isOpen() ? db : nullptr), conversations_(db_),
      library_(settings) {
    {
        QFile f(QStringLiteral(":/resources/catalog.json"));
        if (f.open(QIODevice::ReadOnly))
            catalog_ = QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("models")).toArray().toVariantList();
    }
    connect(&downloads_, &DownloadManager::finished, this, [this](const QString& path) {
        library_.refresh();
        loadModel(path);
    });
    connect(&downloads_, &DownloadManager::failed, this, [this](const QString& e) { setError(e); });
    connect(settings_, &Settings::changed, &library_, [this] { library_.refresh(); });
    connect(settings_, &Settings::changed, this, &AppController::samplingChanged);  // the defaults under this chat's
    connect(settings_, &Settings::changed, this, &AppController::reloadIfModelOptionsChanged);
    systemPrompt_ = settings_->systemPrompt();

    worker_ = new EngineWorker;
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.setObjectName(QStringLiteral("tern-engine"));

    // GUI -> worker: queued because the worker lives on another thread.
    connect(this, &AppController::workerSetBackend, worker_, &EngineWorker::setBackend, Qt::QueuedConnection);
    connect(this, &AppController::workerSetModelOptions, worker_, &EngineWorker::setModelOptions, Qt::QueuedConnection);
    connect(this, &AppController::workerLoad, worker_, &EngineWorker::loadModel, Qt::QueuedConnection);
    connect(this, &AppController::workerUnload, worker_, &EngineWorker::unloadModel, Qt::QueuedConnection);
    connect(this, &AppController::workerGenerate, worker_, &EngineWorker::generate, Qt::QueuedConnection);
    connect(this, &AppController::workerCreateBenchmark, worker_, &EngineWorker::createBenchmarkModel,
            Qt::QueuedConnection);
    connect(this, &AppController::workerRunBenchmark, worker_, &EngineWorker::runBenchmark, Qt::QueuedConnection);
    if (db_) benchHistory_.setRuns(db_->benchmarkRuns());

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
        updateMeasuredComparison();
        Q_EMIT modelChanged();
        setState(QStringLiteral("ready"));
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::loadFailed, this, [this](quint64 id, const QString& err, bool cancelled) {
        if (id != activeLoad_) return;
        activeLoad_ = 0;
        modelInfo_.clear();
        modelPath_.clear();
        metrics_.clearModel();
        Q_EMIT modelChanged();
        setState(QStringLiteral("welcome"));
        if (!cancelled) setError(tr("Could not load the model: %1").arg(err));
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::tokensReady, this, &AppController::onTokens, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::generationStarted, this, [this](quint64 id, int contextTokens) {
        if (id == activeRequest_) metrics_.setAnswerContext(contextTokens);
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::energyMeasured, this, [this](quint64 id, double joules, int tokens) {
        if (id == activeRequest_) metrics_.onEnergyMeasured(joules, tokens);
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::generationFinished, this, &AppController::onFinished, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::generationFailed, this, &AppController::onFailed, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::benchmarkProgress, this, [this](double p) {
        benchmarkProgress_ = p;
        Q_EMIT benchmarkChanged();
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::benchmarkRunProgress, this, [this](quint64 id, const QString& phase, double f) {
        if (id != activeBench_) return;
        benchPhase_ = phase;
        benchProgress_ = f;
        Q_EMIT benchChanged();
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::benchmarkResult, this, [this](quint64 id, const QVariantMap& result) {
        if (id != activeBench_) return;
        if (db_) {
            db_->addBenchmarkRun(benchPath_, result, QStringLiteral("bench"));
            benchHistory_.setRuns(db_->benchmarkRuns());
        } else {  // nothing stored: the history lives as long as the app
            QVector<BenchmarkRunRow> runs = benchHistory_.runs();
            runs.push_back({qint64(runs.size() + 1), benchPath_,
                            QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs), QStringLiteral("bench"), result});
            benchHistory_.setRuns(runs);
        }
        updateMeasuredComparison();
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::benchmarkFinished, this, [this](quint64 id, bool cancelled, const QString& error) {
        if (id != activeBench_) return;
        activeBench_ = 0;
        benchPhase_ = cancelled ? tr("Cancelled") : error.isEmpty() ? tr("Done") : tr("Failed");
        Q_EMIT benchChanged();
        if (!error.isEmpty()) setError(tr("The benchmark stopped: %1").arg(error));
        Q_EMIT benchmarkFinished(cancelled, error);
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::benchmarkCreated, this, [this](const QString& path) {
        creatingBenchmark_ = false;
        Q_EMIT benchmarkChanged();
        library_.refresh();
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
    if (activeBench_) worker_->requestCancelBenchmark(activeBench_);
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
    modelPath_ = path;
    appliedHead_ = settings_->lmHead();
    appliedKv_ = settings_->kvCache();
    // Queued in order, before the load.
    Q_EMIT workerSetBackend(settings_->backend(), settings_->device());
    Q_EMIT workerSetModelOptions(appliedHead_, appliedKv_);
    Q_EMIT workerLoad(activeLoad_, path, settings_->threads(), settings_->contextLength());
}

void AppController::reloadIfModelOptionsChanged() {
    if (modelPath_.isEmpty() || (state_ != QLatin1String("ready") && state_ != QLatin1String("loading"))) return;
    if (settings_->lmHead() == appliedHead_ && settings_->kvCache() == appliedKv_) return;
    spdlog::info("LM head or KV cache setting changed: reloading {}", modelPath_.toStdString());
    loadModel(modelPath_);
}

void AppController::updateMeasuredComparison() {
    const QString batch = benchHistory_.latestBatchWithBoth(modelInfo_.value(QStringLiteral("path")).toString());
    metrics_.setBenchmarkComparison(batch.isEmpty() ? QVariantMap() : benchHistory_.comparison(batch));
}

bool AppController::measureFp16() {
    const QString path = modelInfo_.value(QStringLiteral("path")).toString();
    if (path.isEmpty()) {
        setError(tr("Load a model first."));
        return false;
    }
    if (!library_.contains(path) && library_.importFile(path).isEmpty()) {
        setError(library_.lastError());
        return false;
    }
    // The page selects by the library's spelling of the path.
    benchmarkTarget_ = path;
    const QString canonical = QFileInfo(path).canonicalFilePath();
    for (int row = 0; row < library_.rowCount(); ++row) {
        const QString p = library_.data(library_.index(row), ModelLibrary::PathRole).toString();
        if (QFileInfo(p).canonicalFilePath() == canonical) benchmarkTarget_ = p;
    }
    Q_EMIT benchChanged();
    return true;
}

void AppController::clearBenchmarkTarget() {
    if (benchmarkTarget_.isEmpty()) return;
    benchmarkTarget_.clear();
    Q_EMIT benchChanged();
}

bool AppController::importModel(const QString& pathOrUrl) {
    const QString path = library_.importFile(pathOrUrl);
    if (path.isEmpty()) {
        setError(library_.lastError());
        return false;
    }
    loadModel(path);
    return true;
}

void AppController::downloadCatalogModel(int index) {
    if (index < 0 || index >= catalog_.size()) return;
    const QVariantMap m = catalog_[index].toMap();
    clearError();
    downloads_.start(QUrl(m.value(QStringLiteral("url")).toString()), settings_->modelsDir(),
                     m.value(QStringLiteral("file")).toString(), m.value(QStringLiteral("bytes")).toLongLong(),
                     m.value(QStringLiteral("sha256")).toString());
}

void AppController::cancelLoad() {
    if (activeLoad_) worker_->requestCancelLoad(activeLoad_);
}

void AppController::unloadModel() {
    stop();
    modelInfo_.clear();
    modelPath_.clear();
    metrics_.clearModel();
    Q_EMIT modelChanged();
    Q_EMIT workerUnload();
    setState(QStringLiteral("welcome"));
}

bool AppController::send(const QString& text) {
    const QString t = text.trimmed();
    if (t.isEmpty() || state_ != QLatin1String("ready") || activeRequest_) return false;
    if (activeBench_) {
        setError(tr("A benchmark is running; send again when it has finished or been cancelled."));
        return false;
    }
    ChatMessageItem m;
    m.role = QStringLiteral("user");
    m.content = t;
    m.createdAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    ensureConversation(t);
    if (db_) m.id = db_->addMessage(conversationId_, m, true);  // committed before the answer starts
    chat_.append(m);
    startAnswer();
    return true;
}

void AppController::startAnswer() {
    QVariantList history;
    const QString sys = systemPrompt_.trimmed();
    if (!sys.isEmpty())
        history.push_back(QVariantMap{{QStringLiteral("role"), QStringLiteral("system")}, {QStringLiteral("content"), sys}});
    history.append(chat_.history());
    ChatMessageItem a;
    a.role = QStringLiteral("assistant");
    a.streaming = true;
    a.createdAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    answerRow_ = chat_.append(a);
    if (db_ && conversationId_) chat_.setId(answerRow_, db_->addMessage(conversationId_, a, false));
    sinceCheckpoint_.start();
    activeRequest_ = ++nextId_;
    metrics_.beginAnswer();
    Q_EMIT generatingChanged();
    Q_EMIT workerGenerate(activeRequest_, history, sampling());
}

void AppController::stop() {
    if (activeRequest_) worker_->requestStop(activeRequest_);
}

void AppController::regenerate() {
    if (activeRequest_ || state_ != QLatin1String("ready")) return;
    int n = chat_.rowCount();
    if (n > 0 && chat_.messages().back().role == QLatin1String("assistant")) dropFrom(--n);
    if (n == 0) return;
    startAnswer();
}

void AppController::editAndResend(int row, const QString& text) {
    if (activeRequest_ || state_ != QLatin1String("ready")) return;
    if (row < 0 || row >= chat_.rowCount()) return;
    dropFrom(row);
    send(text);
}

void AppController::newChat() {
    stop();
    chat_.clear();
    if (conversationId_) {
        conversationId_ = 0;
        Q_EMIT currentConversationChanged();
    }
    if (systemPrompt_ != settings_->systemPrompt()) {
        systemPrompt_ = settings_->systemPrompt();
        Q_EMIT systemPromptChanged();
    }
    if (!samplingOverrides_.isEmpty()) {
        samplingOverrides_.clear();
        Q_EMIT samplingChanged();
    }
}

QVariantMap AppController::sampling() const { return sampling::merged(settings_->samplingParams(), samplingOverrides_); }

void AppController::setChatSampling(const QString& key, const QVariant& value) {
    const QVariantMap one = sampling::sanitize({{key, value}});
    if (one.isEmpty() || samplingOverrides_.value(key) == one.value(key)) return;
    samplingOverrides_.insert(key, one.value(key));
    if (db_ && conversationId_) db_->setSampling(conversationId_, samplingOverrides_);
    Q_EMIT samplingChanged();
}

void AppController::resetChatSampling() {
    if (samplingOverrides_.isEmpty()) return;
    samplingOverrides_.clear();
    if (db_ && conversationId_) db_->setSampling(conversationId_, {});
    Q_EMIT samplingChanged();
}

void AppController::setSystemPrompt(const QString& text) {
    if (text == systemPrompt_) return;
    systemPrompt_ = text;
    if (db_ && conversationId_) db_->setSystemPrompt(conversationId_, text);
    Q_EMIT systemPromptChanged();
}

void AppController::dropFrom(int row) {
    if (db_ && conversationId_) db_->truncateConversation(conversationId_, row);
    chat_.truncate(row);
}

void AppController::ensureConversation(const QString& firstMessage) {
    if (!db_ || conversationId_) return;
    // Title from the first words of the first message; the user can rename it.
    QString title = firstMessage.simplified();
    if (title.size() > 48) title = title.left(47) + QChar(0x2026);
    conversationId_ = db_->createConversation(title, systemPrompt_, samplingOverrides_);
    conversations_.refresh();
    Q_EMIT currentConversationChanged();
}

void AppController::openConversation(qint64 id) {
    if (!db_ || id == conversationId_) return;
    if (activeRequest_) stop();
    chat_.setMessages(db_->messages(id));
    conversationId_ = id;
    const ConversationRow row = db_->conversation(id);
    systemPrompt_ = row.systemPrompt;
    samplingOverrides_ = sampling::sanitize(row.sampling);
    Q_EMIT currentConversationChanged();
    Q_EMIT systemPromptChanged();
    Q_EMIT samplingChanged();
}

void AppController::renameConversation(qint64 id, const QString& title) {
    if (!db_ || title.trimmed().isEmpty()) return;
    db_->renameConversation(id, title.trimmed());
    conversations_.refresh();
}

void AppController::deleteConversation(qint64 id) {
    if (!db_) return;
    if (id == conversationId_) newChat();
    db_->deleteConversation(id);
    conversations_.refresh();
}

bool AppController::exportConversation(qint64 id, const QString& fileUrl, const QString& format) {
    if (!db_) return false;
    const QString path = fileUrl.startsWith(QStringLiteral("file:")) ? QUrl(fileUrl).toLocalFile() : fileUrl;
    const QByteArray bytes = format == QLatin1String("json")
                                 ? QJsonDocument(db_->exportJson(id)).toJson(QJsonDocument::Indented)
                                 : db_->exportMarkdown(id).toUtf8();
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size()) {
        setError(tr("Could not write %1: %2").arg(path, f.errorString()));
        return false;
    }
    return true;
}

bool AppController::importConversation(const QString& fileUrl) {
    if (!db_) return false;
    const QString path = fileUrl.startsWith(QStringLiteral("file:")) ? QUrl(fileUrl).toLocalFile() : fileUrl;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        setError(tr("Could not open %1: %2").arg(path, f.errorString()));
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        setError(tr("%1 is not valid JSON: %2").arg(path, pe.errorString()));
        return false;
    }
    const qint64 id = db_->importJson(doc.object());
    if (!id) {
        setError(tr("Could not import %1: %2").arg(path, db_->error()));
        return false;
    }
    conversations_.refresh();
    openConversation(id);
    return true;
}

void AppController::copyText(const QString& text) {
    if (auto* cb = QGuiApplication::clipboard()) cb->setText(text);
}

void AppController::onTokens(quint64 id, const QString& delta, int n, double ms) {
    if (id != activeRequest_) return;
    chat_.appendText(answerRow_, delta);
    metrics_.onTokens(n, ms);
    // Checkpoint the partial answer so a crash or kill loses at most the last few seconds.
    if (db_ && sinceCheckpoint_.elapsed() >= kCheckpointMs) {
        const ChatMessageItem& a = chat_.messages()[answerRow_];
        if (a.id) db_->updateMessage(a.id, a.content, {}, false);
        sinceCheckpoint_.restart();
    }
}

void AppController::onFinished(quint64 id, const QVariantMap& stats) {
    if (id != activeRequest_) return;
    activeRequest_ = 0;
    metrics_.finishAnswer(stats);
    const int row = answerRow_;
    // The streamed deltas and the final text agree; the final text wins in case a delta was dropped.
    chat_.setContent(row, stats.value(QStringLiteral("text")).toString());
    const QVariantMap perMessage = metrics_.messageMetrics(stats);
    chat_.finish(row, perMessage);
    if (db_) {
        const ChatMessageItem& a = chat_.messages()[row];
        if (a.id) db_->updateMessage(a.id, a.content, perMessage, true);
        db_->addBenchmarkRun(modelInfo_.value(QStringLiteral("path")).toString(), perMessage);
        conversations_.refresh();
    }
    answerRow_ = -1;
    Q_EMIT generatingChanged();
    Q_EMIT answerFinished(row, stats);
}

void AppController::onFailed(quint64 id, const QString& error) {
    if (id != activeRequest_) return;
    activeRequest_ = 0;
    chat_.finish(answerRow_, {});
    if (chat_.get(answerRow_).value(QStringLiteral("content")).toString().isEmpty()) {
        dropFrom(answerRow_);
    } else if (db_) {
        const ChatMessageItem& a = chat_.messages()[answerRow_];
        if (a.id) db_->updateMessage(a.id, a.content, {}, true);
    }
    answerRow_ = -1;
    Q_EMIT generatingChanged();
    setError(error);
}

QVariantList AppController::devices() const {
    QVariantList out;
    for (const DeviceInfo& d : list_devices())
        out.push_back(QVariantMap{{QStringLiteral("index"), d.index},
                                  {QStringLiteral("name"), QString::fromStdString(d.name)},
                                  {QStringLiteral("type"), QString::fromLatin1(device_type_name(d.type))},
                                  {QStringLiteral("usable"), d.usable},
                                  {QStringLiteral("reason"), QString::fromStdString(d.reason)}});
    return out;
}

QString AppController::vulkanStatus() const { return QString::fromStdString(vulkan_status()); }

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

bool AppController::runBenchmark(const QString& pathOrUrl, const QVariantMap& options) {
    const QString path = pathOrUrl.startsWith(QStringLiteral("file:")) ? QUrl(pathOrUrl).toLocalFile() : pathOrUrl;
    if (activeBench_) return false;
    if (activeRequest_ || activeLoad_ || creatingBenchmark_) {
        setError(tr("Wait for the answer or the model loading to finish before benchmarking."));
        return false;
    }
    if (!QFileInfo::exists(path)) {
        setError(tr("The file %1 does not exist.").arg(path));
        return false;
    }
    QVariantMap o = options;
    if (!o.contains(QStringLiteral("threads"))) o[QStringLiteral("threads")] = settings_->threads();
    o[QStringLiteral("batch")] = QUuid::createUuid().toString(QUuid::WithoutBraces);
    clearError();
    activeBench_ = ++nextId_;
    benchPath_ = path;
    benchProgress_ = 0;
    benchPhase_ = tr("Starting");
    Q_EMIT benchChanged();
    Q_EMIT workerSetBackend(settings_->backend(), settings_->device());
    Q_EMIT workerSetModelOptions(settings_->lmHead(), settings_->kvCache());
    Q_EMIT workerRunBenchmark(activeBench_, path, o);
    return true;
}

void AppController::cancelBenchmark() {
    if (!activeBench_) return;
    worker_->requestCancelBenchmark(activeBench_);
    benchPhase_ = tr("Cancelling…");
    Q_EMIT benchChanged();
}

void AppController::clearBenchmarkHistory() {
    if (db_) {
        db_->deleteBenchmarkRuns(QStringLiteral("bench"));
        benchHistory_.setRuns(db_->benchmarkRuns());
    } else {
        benchHistory_.setRuns({});
    }
    updateMeasuredComparison();
}

bool AppController::exportBenchmarkCsv(const QString& fileUrl) {
    const QString path = fileUrl.startsWith(QStringLiteral("file:")) ? QUrl(fileUrl).toLocalFile() : fileUrl;
    const QByteArray bytes = benchmarkCsv(benchHistory_.runs()).toUtf8();
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size()) {
        setError(tr("Could not write %1: %2").arg(path, f.errorString()));
        return false;
    }
    return true;
}

QString AppController::exportBenchmarkCsvWithDialog() {
    const QString suggested = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) +
                              QStringLiteral("/tern-benchmarks-%1.csv").arg(QDate::currentDate().toString(Qt::ISODate));
    const QString path = QFileDialog::getSaveFileName(nullptr, tr("Export the benchmark history"), suggested,
                                                      tr("CSV files (*.csv);;All files (*)"));
    if (path.isEmpty()) return {};
    return exportBenchmarkCsv(path) ? path : QString();
}

QString AppController::formatBytes(double b) const {
    const char* units[] = {"B", "KB", "MB", "GB", "TB"};
    int u = 0;
    while (b >= 1024 && u < 4) { b /= 1024; ++u; }
    return QString::number(b, 'f', u == 0 ? 0 : (b < 10 ? 2 : 1)) + QLatin1Char(' ') + QLatin1String(units[u]);
}

}  // namespace tern::app
