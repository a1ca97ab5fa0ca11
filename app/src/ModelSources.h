#pragma once
// Where models come from: the catalog's downloads, importing a file, and writing a local
// benchmark model (random weights). Each ends by adding the file to the library and loading it.
#include <QObject>
#include <QVariantList>

#include "DownloadManager.h"
#include "EngineTypes.h"

namespace tern::app {

class Alerts;
class ModelLibrary;
class ModelSession;
class Settings;

class ModelSources : public QObject {
    Q_OBJECT
    Q_PROPERTY(QVariantList catalog READ catalog CONSTANT)
    Q_PROPERTY(tern::app::DownloadManager* downloads READ downloads CONSTANT)
    // The benchmark model being written ("tiny", "small", "2b4t"), "" when none, and how far.
    Q_PROPERTY(QString creatingPreset READ creatingPreset NOTIFY creationChanged)
    Q_PROPERTY(double creationProgress READ creationProgress NOTIFY creationChanged)
    // The demo model that ships with Tern (trained on WordNet), "" when this install lacks it.
    Q_PROPERTY(QString bundledModelPath READ bundledModelPath CONSTANT)
    // A double for QML, whose numbers are doubles (and whose qmllint 6.4 knows no 64-bit integer type).
    Q_PROPERTY(double bundledModelBytes READ bundledModelBytes CONSTANT)
public:
    ModelSources(Settings* settings, ModelLibrary* library, ModelSession* session, Alerts* alerts,
                 QObject* parent = nullptr);

    QVariantList catalog() const { return catalog_; }
    DownloadManager* downloads() { return &downloads_; }
    QString creatingPreset() const { return creatingPreset_; }
    double creationProgress() const { return creationProgress_; }
    QString bundledModelPath() const;
    qint64 bundledModelBytes() const;

    // Validates, adds to the library and loads; a bad file only produces an alert.
    Q_INVOKABLE bool importModel(const QString& pathOrUrl);
    Q_INVOKABLE void download(int catalogIndex);
    // Adds the bundled demo model to the library where it lies (read-only is fine) and loads it.
    Q_INVOKABLE bool openBundledModel();
    // Writes (once; later it is just loaded) the random-weight model of a synth preset.
    Q_INVOKABLE void createBenchmarkModel(const QString& preset = QStringLiteral("2b4t"));
    Q_INVOKABLE QString benchmarkModelPath(const QString& preset) const;

Q_SIGNALS:
    void creationChanged();
    // To the worker (queued).
    void creationRequested(const tern::app::BenchmarkModelRequest& request);

private:
    Settings* settings_;
    ModelLibrary* library_;
    ModelSession* session_;
    Alerts* alerts_;
    DownloadManager downloads_;
    QVariantList catalog_;
    QString creatingPreset_;
    double creationProgress_ = 0;
};

}  // namespace tern::app
