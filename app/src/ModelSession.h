#pragma once
// The loaded model: owns the engine thread and its worker, loads and unloads, and says what is
// loaded (ModelSummary) and in which state the session is. The other controllers send their
// requests to worker() and listen to it; nothing here runs engine code on the GUI thread.
#include <QObject>
#include <QThread>
#include <QVariantList>

#include "EngineTypes.h"

namespace tern::app {

class Alerts;
class EngineWorker;
class LiveMetrics;
class Settings;

class ModelSession : public QObject {
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadProgressChanged)
    Q_PROPERTY(tern::app::ModelSummary model READ model NOTIFY modelChanged)
    Q_PROPERTY(QString version READ version CONSTANT)
public:
    enum State { NoModel, Loading, Ready };
    Q_ENUM(State)

    ModelSession(Settings* settings, Alerts* alerts, LiveMetrics* metrics, QObject* parent = nullptr);
    // Calls stopEngine(kQuitWaitMs). An engine thread that has still not ended is left running,
    // never joined (see stopEngine): the process is about to end, and main() ends it with _Exit.
    ~ModelSession() override;

    // How long quitting waits for the engine thread: a load, answer or benchmark step notices the
    // cancel within milliseconds, so only a call stuck in the kernel takes longer.
    static constexpr int kQuitWaitMs = 3000;
    // Cancels whatever the engine thread does (a load, an answer, a benchmark, now or queued),
    // ends its event loop and waits at most waitMs for it. Returns whether the thread has ended.
    // Used on quit: nothing waits on a blocked or slow engine call for longer than waitMs.
    bool stopEngine(int waitMs);

    State state() const { return state_; }
    double loadProgress() const { return loadProgress_; }
    const ModelSummary& model() const { return model_; }
    QString version() const;
    EngineWorker* worker() const { return worker_; }

    // The load Settings ask for (threads, context, device, head, KV cache) of the file at `path`.
    LoadRequest loadRequest(const QString& path) const;

    // A path or file: URL. A missing file only produces an alert.
    Q_INVOKABLE void load(const QString& pathOrUrl);
    Q_INVOKABLE void cancelLoad();
    Q_INVOKABLE void unload();
    // The engine's compute devices: [{index, name, type, usable, reason}], and why Vulkan is off ("" if on).
    Q_INVOKABLE QVariantList devices() const;
    Q_INVOKABLE QString vulkanStatus() const;

Q_SIGNALS:
    void stateChanged();
    void loadProgressChanged();
    void modelChanged();
    // The loaded model is about to go (a new load or an unload): stop what uses it.
    void releasing();
    // To the worker (queued): one request carries everything the load needs.
    void loadRequested(const tern::app::LoadRequest& request);
    void unloadRequested();

private:
    void setState(State s);
    // Settings changed: a new LM head, KV cache type or chat template of this file reloads the model.
    void reloadIfModelOptionsChanged();

    Settings* settings_;
    Alerts* alerts_;
    LiveMetrics* metrics_;
    QThread* thread_;                 // owned; deliberately leaked when it will not stop (~ModelSession)
    EngineWorker* worker_ = nullptr;  // lives on thread_
    State state_ = NoModel;
    ModelSummary model_;
    double loadProgress_ = 0;
    quint64 nextLoad_ = 0;
    quint64 activeLoad_ = 0;
    LoadRequest applied_;  // the loaded (or loading) model's request
};

}  // namespace tern::app
