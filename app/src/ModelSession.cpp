#include "ModelSession.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QUrl>

#include <limits>

#include <spdlog/spdlog.h>

#include "Alerts.h"
#include "AppPaths.h"
#include "EngineWorker.h"
#include "LiveMetrics.h"
#include "Settings.h"
#include "tern/devices.h"

namespace tern::app {

ModelSession::ModelSession(Settings* settings, Alerts* alerts, LiveMetrics* metrics, QObject* parent)
    : QObject(parent), settings_(settings), alerts_(alerts), metrics_(metrics), thread_(new QThread) {
    worker_ = new EngineWorker;
    worker_->moveToThread(thread_);
    connect(thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_->setObjectName(QStringLiteral("tern-engine"));

    connect(worker_, &EngineWorker::loadProgress, this, [this](quint64 id, double p) {
        if (id != activeLoad_) return;
        loadProgress_ = p;
        Q_EMIT loadProgressChanged();
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::modelLoaded, this, [this](quint64 id, const ModelSummary& model) {
        if (id != activeLoad_) return;
        activeLoad_ = 0;
        model_ = model;
        settings_->setLastModel(model.path());
        metrics_->setModel(model);
        Q_EMIT modelChanged();
        setState(Ready);
    }, Qt::QueuedConnection);
    connect(worker_, &EngineWorker::loadFailed, this, [this](quint64 id, const QString& err, bool cancelled) {
        if (id != activeLoad_) return;
        activeLoad_ = 0;
        model_ = {};
        applied_ = {};
        metrics_->clearModel();
        Q_EMIT modelChanged();
        setState(NoModel);
        if (!cancelled) alerts_->report(tr("Could not load the model: %1").arg(err));
    }, Qt::QueuedConnection);
    connect(this, &ModelSession::loadRequested, worker_, &EngineWorker::loadModel, Qt::QueuedConnection);
    connect(this, &ModelSession::unloadRequested, worker_, &EngineWorker::unloadModel, Qt::QueuedConnection);
    connect(settings_, &Settings::changed, this, &ModelSession::reloadIfModelOptionsChanged);
    thread_->start();
}

ModelSession::~ModelSession() {
    if (stopEngine(kQuitWaitMs)) {
        delete thread_;
        return;
    }
    // Deleting a running QThread aborts the process, and joining one stuck in a system call can
    // hang for ever. So the thread and its worker are left to end on their own: what they still
    // emit goes nowhere (this object's connections die with it), and main() ends the process
    // with _Exit, so no exit-time destructor runs under them.
    spdlog::error("the engine thread did not stop within {} ms; leaving it", kQuitWaitMs);
}

bool ModelSession::stopEngine(int waitMs) {
    if (thread_->isFinished()) return true;
    // Every id up to the largest: what runs now and anything still queued behind it.
    constexpr quint64 all = std::numeric_limits<quint64>::max();
    worker_->requestCancelLoad(all);
    worker_->requestStop(all);
    worker_->requestCancelBenchmark(all);
    thread_->quit();  // after the current call returns; queued calls are dropped
    return thread_->wait(QDeadlineTimer(waitMs));
}

QString ModelSession::version() const { return QStringLiteral(TERN_VERSION); }

void ModelSession::setState(State s) {
    if (state_ == s) return;
    state_ = s;
    Q_EMIT stateChanged();
}

LoadRequest ModelSession::loadRequest(const QString& path) const {
    LoadRequest r;
    r.path = path;
    r.threads = settings_->threads();
    r.contextLength = settings_->contextLength();
    r.backend = backendKindFromName(settings_->backend());
    r.device = settings_->device();
    r.head = parse_head(settings_->lmHead().toStdString()).value_or(HeadType::AsStored);
    r.kv = parse_kv(settings_->kvCache().toStdString()).value_or(KvType::F16);
    r.chatTemplate = chat_template_from_name(settings_->chatTemplateOverride(path).toStdString());
    return r;
}

void ModelSession::load(const QString& pathOrUrl) {
    const QString path = AppPaths::localPath(pathOrUrl);
    if (!QFileInfo::exists(path)) {
        alerts_->report(tr("The file %1 does not exist.").arg(path));
        return;
    }
    Q_EMIT releasing();
    if (activeLoad_) worker_->requestCancelLoad(activeLoad_);
    alerts_->clear();
    applied_ = loadRequest(path);
    applied_.id = activeLoad_ = ++nextLoad_;
    loadProgress_ = 0;
    Q_EMIT loadProgressChanged();
    setState(Loading);
    Q_EMIT loadRequested(applied_);
}

void ModelSession::reloadIfModelOptionsChanged() {
    if (applied_.path.isEmpty() || state_ == NoModel) return;
    const LoadRequest wanted = loadRequest(applied_.path);
    if (wanted.head == applied_.head && wanted.kv == applied_.kv && wanted.chatTemplate == applied_.chatTemplate) return;
    spdlog::info("LM head, KV cache or chat template setting changed: reloading {}", applied_.path.toStdString());
    load(applied_.path);
}

void ModelSession::cancelLoad() {
    if (activeLoad_) worker_->requestCancelLoad(activeLoad_);
}

void ModelSession::unload() {
    Q_EMIT releasing();
    model_ = {};
    applied_ = {};
    metrics_->clearModel();
    Q_EMIT modelChanged();
    Q_EMIT unloadRequested();
    setState(NoModel);
}

QVariantList ModelSession::devices() const {
    QVariantList out;
    for (const DeviceInfo& d : list_devices())
        out.push_back(QVariantMap{{QStringLiteral("index"), d.index},
                                  {QStringLiteral("name"), QString::fromStdString(d.name)},
                                  {QStringLiteral("type"), QString::fromLatin1(device_type_name(d.type))},
                                  {QStringLiteral("usable"), d.usable},
                                  {QStringLiteral("reason"), QString::fromStdString(d.reason)}});
    return out;
}

QString ModelSession::vulkanStatus() const { return QString::fromStdString(vulkan_status()); }

}  // namespace tern::app
