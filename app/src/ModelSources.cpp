#include "ModelSources.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include "Alerts.h"
#include "AppPaths.h"
#include "EngineWorker.h"
#include "ModelLibrary.h"
#include "ModelSession.h"
#include "Settings.h"

namespace tern::app {

ModelSources::ModelSources(Settings* settings, ModelLibrary* library, ModelSession* session, Alerts* alerts,
                           QObject* parent)
    : QObject(parent), settings_(settings), library_(library), session_(session), alerts_(alerts) {
    QFile f(QStringLiteral(":/resources/catalog.json"));
    if (f.open(QIODevice::ReadOnly))
        catalog_ = QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("models")).toArray().toVariantList();
    connect(&downloads_, &DownloadManager::finished, this, [this](const QString& path) {
        library_->refresh();
        session_->load(path);
    });
    connect(&downloads_, &DownloadManager::failed, alerts_, &Alerts::report);
    // A download that failed, or was running when Tern last closed, shows on its card again.
    downloads_.restore(settings_->modelsDir());

    EngineWorker* worker = session_->worker();
    connect(this, &ModelSources::creationRequested, worker, &EngineWorker::createBenchmarkModel, Qt::QueuedConnection);
    connect(worker, &EngineWorker::benchmarkModelProgress, this, [this](const QString& preset, double f) {
        if (preset != creatingPreset_) return;
        creationProgress_ = f;
        Q_EMIT creationChanged();
    }, Qt::QueuedConnection);
    connect(worker, &EngineWorker::benchmarkModelCreated, this, [this](const QString&, const QString& path) {
        creatingPreset_.clear();
        Q_EMIT creationChanged();
        library_->refresh();
        session_->load(path);
    }, Qt::QueuedConnection);
    connect(worker, &EngineWorker::benchmarkModelFailed, this, [this](const QString&, const QString& err) {
        creatingPreset_.clear();
        Q_EMIT creationChanged();
        alerts_->report(tr("Could not create the benchmark model: %1").arg(err));
    }, Qt::QueuedConnection);
}

bool ModelSources::importModel(const QString& pathOrUrl) {
    const QString path = library_->importFile(pathOrUrl);
    if (path.isEmpty()) {
        alerts_->report(library_->lastError());
        return false;
    }
    session_->load(path);
    return true;
}

void ModelSources::download(int index) {
    if (index < 0 || index >= catalog_.size()) return;
    const QVariantMap m = catalog_[index].toMap();
    alerts_->clear();
    // A size the hub only shows rounded is for the card; the download then trusts the hash alone.
    const bool exact = m.value(QStringLiteral("bytesExact"), true).toBool();
    downloads_.start(QUrl(m.value(QStringLiteral("url")).toString()), settings_->modelsDir(),
                     m.value(QStringLiteral("file")).toString(),
                     exact ? m.value(QStringLiteral("bytes")).toLongLong() : 0, m.value(QStringLiteral("sha256")).toString());
}

QString ModelSources::bundledModelPath() const {
    const QString dir = AppPaths::bundledModelsDir();
    return dir.isEmpty() ? QString() : dir + QStringLiteral("/demo-ternary.gguf");
}

qint64 ModelSources::bundledModelBytes() const {
    const QString path = bundledModelPath();
    return path.isEmpty() ? 0 : QFileInfo(path).size();
}

bool ModelSources::openBundledModel() {
    const QString path = bundledModelPath();
    if (path.isEmpty()) {
        alerts_->report(tr("The bundled demo model is not installed with this copy of Tern."));
        return false;
    }
    return importModel(path);
}

QString ModelSources::benchmarkModelPath(const QString& preset) const {
    return settings_->modelsDir() + QStringLiteral("/tern-benchmark-%1.gguf").arg(preset);
}

void ModelSources::createBenchmarkModel(const QString& preset) {
    if (!creatingPreset_.isEmpty()) return;
    const QString out = benchmarkModelPath(preset);
    if (QFileInfo::exists(out)) {  // made before: same seed, same bytes, so just load it
        session_->load(out);
        return;
    }
    QDir().mkpath(QFileInfo(out).absolutePath());
    creatingPreset_ = preset;
    creationProgress_ = 0;
    alerts_->clear();
    Q_EMIT creationChanged();
    Q_EMIT creationRequested({preset, AppPaths::tokenizerJson(), out});
}

}  // namespace tern::app
