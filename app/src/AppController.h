#pragma once
// The glue QML talks to: owns the engine thread, the chat model and the live metrics, and turns
// user actions (send, stop, load) into queued calls on the worker. No engine code runs here.
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QThread>
#include <QVariantMap>

#include "BenchmarkHistory.h"
#include "ChatModel.h"
#include "ConversationListModel.h"
#include "DownloadManager.h"
#include "ModelLibrary.h"
#include "LiveMetrics.h"
#include "Settings.h"

namespace tern::app {

class Database;
class EngineWorker;

class AppController : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString state READ state NOTIFY stateChanged)  // welcome | loading | ready
    Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadProgressChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    Q_PROPERTY(QVariantMap modelInfo READ modelInfo NOTIFY modelChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    Q_PROPERTY(bool creatingBenchmark READ creatingBenchmark NOTIFY benchmarkChanged)
    Q_PROPERTY(double benchmarkProgress READ benchmarkProgress NOTIFY benchmarkChanged)
    Q_PROPERTY(tern::app::ChatModel* chat READ chat CONSTANT)
    Q_PROPERTY(tern::app::LiveMetrics* metrics READ metrics CONSTANT)
    Q_PROPERTY(tern::app::Settings* settings READ settings CONSTANT)
    Q_PROPERTY(tern::app::ConversationListModel* conversations READ conversations CONSTANT)
    Q_PROPERTY(tern::app::ModelLibrary* library READ library CONSTANT)
    Q_PROPERTY(tern::app::DownloadManager* downloads READ downloads CONSTANT)
    Q_PROPERTY(QVariantList catalog READ catalog CONSTANT)
    Q_PROPERTY(qint64 currentConversation READ currentConversation NOTIFY currentConversationChanged)
    // The open chat's system prompt (new chats start from the default in Settings).
    Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY systemPromptChanged)
    // The open chat's sampling parameters: the Settings defaults with this chat's own values on top
    // (samplingOverrides, stored with the chat). Keys in Sampling.h.
    Q_PROPERTY(QVariantMap sampling READ sampling NOTIFY samplingChanged)
    Q_PROPERTY(QVariantMap samplingOverrides READ samplingOverrides NOTIFY samplingChanged)
    Q_PROPERTY(QString version READ version CONSTANT)
    // The Benchmark page: tern::bench runs, ternary against FP16, and their stored history.
    Q_PROPERTY(tern::app::BenchmarkHistory* benchmarkHistory READ benchmarkHistory CONSTANT)
    Q_PROPERTY(bool benchRunning READ benchRunning NOTIFY benchChanged)
    Q_PROPERTY(double benchProgress READ benchProgress NOTIFY benchChanged)
    Q_PROPERTY(QString benchPhase READ benchPhase NOTIFY benchChanged)
    // The model the Benchmark page should select when it opens (set by measureFp16), "" for none.
    Q_PROPERTY(QString benchmarkTarget READ benchmarkTarget NOTIFY benchChanged)
public:
    // db may be nullptr (nothing is stored) or an open Database that outlives the controller.
    explicit AppController(Settings* settings, Database* db = nullptr, QObject* parent = nullptr);

    // A streaming answer is written to the database this often (ms), so a crash loses at most this much.
    static constexpr int kCheckpointMs = 2000;
    ~AppController() override;

    QString state() const { return state_; }
    double loadProgress() const { return loadProgress_; }
    QString lastError() const { return lastError_; }
    QVariantMap modelInfo() const { return modelInfo_; }
    bool generating() const { return activeRequest_ != 0; }
    bool creatingBenchmark() const { return creatingBenchmark_; }
    double benchmarkProgress() const { return benchmarkProgress_; }
    ChatModel* chat() { return &chat_; }
    LiveMetrics* metrics() { return &metrics_; }
    Settings* settings() { return settings_; }
    QString version() const;
    ConversationListModel* conversations() { return &conversations_; }
    qint64 currentConversation() const { return conversationId_; }
    QString systemPrompt() const { return systemPrompt_; }
    void setSystemPrompt(const QString& text);
    QVariantMap sampling() const;
    QVariantMap samplingOverrides() const { return samplingOverrides_; }
    // This chat only; a key the app does not know is ignored.
    Q_INVOKABLE void setChatSampling(const QString& key, const QVariant& value);
    // Back to following the Settings defaults.
    Q_INVOKABLE void resetChatSampling();
    ModelLibrary* library() { return &library_; }
    DownloadManager* downloads() { return &downloads_; }
    QVariantList catalog() const { return catalog_; }
    BenchmarkHistory* benchmarkHistory() { return &benchHistory_; }
    bool benchRunning() const { return activeBench_ != 0; }
    double benchProgress() const { return benchProgress_; }
    QString benchPhase() const { return benchPhase_; }
    QString benchmarkTarget() const { return benchmarkTarget_; }
    // "Measure FP16" in the metrics panel: the loaded model becomes the Benchmark page's choice
    // (added to the library as an imported file if it was opened from elsewhere); the page opens
    // in QML. False (and lastError) when no model is loaded or the file cannot be listed.
    Q_INVOKABLE bool measureFp16();
    Q_INVOKABLE void clearBenchmarkTarget();

    // Benchmarks the model at `pathOrUrl` (options as EngineWorker::runBenchmark; threads default
    // to Settings). Refused (false, lastError) while an answer streams or a model loads.
    Q_INVOKABLE bool runBenchmark(const QString& pathOrUrl, const QVariantMap& options = {});
    Q_INVOKABLE void cancelBenchmark();
    Q_INVOKABLE void clearBenchmarkHistory();
    // Writes the history as CSV to a path or file: URL; false (and lastError) on failure.
    Q_INVOKABLE bool exportBenchmarkCsv(const QString& fileUrl);
    // Asks where (QFileDialog), then exports; returns the file written, "" when cancelled or failed.
    Q_INVOKABLE QString exportBenchmarkCsvWithDialog();

    // Validates, adds to the library and loads; a bad file only produces lastError.
    Q_INVOKABLE bool importModel(const QString& pathOrUrl);
    Q_INVOKABLE void downloadCatalogModel(int index);
    Q_INVOKABLE void downloadOfficialModel() { downloadCatalogModel(0); }

    Q_INVOKABLE void openConversation(qint64 id);
    Q_INVOKABLE void renameConversation(qint64 id, const QString& title);
    Q_INVOKABLE void deleteConversation(qint64 id);
    // format: "md" or "json"; fileUrl may be a file: URL or a path. Returns false (and sets lastError).
    Q_INVOKABLE bool exportConversation(qint64 id, const QString& fileUrl, const QString& format);
    Q_INVOKABLE bool importConversation(const QString& fileUrl);

    Q_INVOKABLE void loadModel(const QString& pathOrUrl);
    Q_INVOKABLE void cancelLoad();
    Q_INVOKABLE void unloadModel();
    Q_INVOKABLE bool send(const QString& text);
    Q_INVOKABLE void stop();
    Q_INVOKABLE void regenerate();                      // replace the last answer
    Q_INVOKABLE void editAndResend(int row, const QString& text);  // drop row.. and ask again
    Q_INVOKABLE void newChat();
    Q_INVOKABLE void copyText(const QString& text);
    Q_INVOKABLE void createBenchmarkModel(const QString& preset = QStringLiteral("2b4t"));
    Q_INVOKABLE void clearError();
    void reportError(const QString& e) { setError(e); }
    Q_INVOKABLE QString formatBytes(double bytes) const;
    // The engine's compute devices: [{index, name, type, usable, reason}], and why Vulkan is off ("" if on).
    Q_INVOKABLE QVariantList devices() const;
    Q_INVOKABLE QString vulkanStatus() const;
    Q_INVOKABLE QString benchmarkModelPath(const QString& preset) const;

Q_SIGNALS:
    void stateChanged();
    void loadProgressChanged();
    void lastErrorChanged();
    void modelChanged();
    void generatingChanged();
    void benchmarkChanged();
    void currentConversationChanged();
    void systemPromptChanged();
    void samplingChanged();
    // An answer finished (row in the chat model); tests and the screenshot mode wait on it.
    void answerFinished(int row, const QVariantMap& stats);
    void benchChanged();
    // A benchmark ended (tests wait on it); error is "" when it succeeded or was cancelled.
    void benchmarkFinished(bool cancelled, const QString& error);

    // To the worker (queued).
    void workerSetBackend(const QString& kind, int device);
    void workerSetModelOptions(const QString& head, const QString& kvCache);
    void workerLoad(quint64 loadId, const QString& path, int threads, int contextLength);
    void workerUnload();
    void workerGenerate(quint64 requestId, const QVariantList& messages, const QVariantMap& params);
    void workerCreateBenchmark(const QString& preset, const QString& tokenizerJson, const QString& outPath);
    void workerRunBenchmark(quint64 benchId, const QString& path, const QVariantMap& options);

private:
    void setState(const QString& s);
    void setError(const QString& e);
    void startAnswer();
    void onTokens(quint64 id, const QString& delta, int n, double ms);
    void onFinished(quint64 id, const QVariantMap& stats);
    void onFailed(quint64 id, const QString& error);

    // The panel's FP16 comparison: the newest benchmark of the loaded file in both precisions.
    void updateMeasuredComparison();
    // Settings changed: a new LM head or KV cache type reloads the model.
    void reloadIfModelOptionsChanged();
    void ensureConversation(const QString& firstMessage);
    void dropFrom(int row);  // chat rows row.. and their stored copies

    Settings* settings_;
    Database* db_;
    ConversationListModel conversations_;
    ModelLibrary library_;
    DownloadManager downloads_;
    QVariantList catalog_;
    qint64 conversationId_ = 0;
    QString systemPrompt_;
    QVariantMap samplingOverrides_;
    QElapsedTimer sinceCheckpoint_;
    QThread thread_;
    EngineWorker* worker_ = nullptr;  // lives on thread_
    ChatModel chat_;
    LiveMetrics metrics_;
    QString state_ = QStringLiteral("welcome");
    QString lastError_;
    QVariantMap modelInfo_;
    double loadProgress_ = 0;
    quint64 nextId_ = 0;
    quint64 activeLoad_ = 0;
    quint64 activeRequest_ = 0;
    int answerRow_ = -1;
    bool creatingBenchmark_ = false;
    BenchmarkHistory benchHistory_;
    quint64 activeBench_ = 0;
    QString benchPath_;
    QString benchmarkTarget_;
    QString modelPath_;            // the loaded (or loading) model's file
    QString appliedHead_, appliedKv_;  // the settings it was loaded with
    QString benchPhase_;
    double benchProgress_ = 0;
    double benchmarkProgress_ = 0;
};

}  // namespace tern::app
