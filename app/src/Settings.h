#pragma once
// User preferences in QSettings (INI under ~/.config/Tern/). Keys are versioned through
// kSchemaVersion so a later release can migrate them.
#include <QObject>
#include <QSettings>
#include <QVariantMap>

namespace tern::app {

class Settings : public QObject {
    Q_OBJECT
    Q_PROPERTY(int threads READ threads WRITE setThreads NOTIFY changed)
    Q_PROPERTY(QString backend READ backend WRITE setBackend NOTIFY changed)  // auto | cpu | vulkan
    Q_PROPERTY(int device READ device WRITE setDevice NOTIFY changed)         // Vulkan index, -1: choose
    Q_PROPERTY(int contextLength READ contextLength WRITE setContextLength NOTIFY changed)
    // How the model is loaded (a change reloads a loaded model), spelt as tern-cli's --head and
    // --kv (tern/options.h): the LM head "f16" (as stored, F16 in the official file), "q8" (8-bit:
    // about half the bytes per token, tiny accuracy cost) or "q6"; the KV cache "f16" (half the
    // memory), "f32" (exact reference numerics) or "q8" (int8 with per-32 scales: about half of
    // F16's memory, small accuracy cost).
    Q_PROPERTY(QString lmHead READ lmHead WRITE setLmHead NOTIFY changed)
    Q_PROPERTY(QString kvCache READ kvCache WRITE setKvCache NOTIFY changed)
    Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY changed)   // system | light | dark
    // What the theme means here: dark, or system on a desktop whose window palette is dark.
    Q_PROPERTY(bool dark READ dark NOTIFY changed)
    Q_PROPERTY(QString modelsDir READ modelsDir WRITE setModelsDir NOTIFY changed)
    Q_PROPERTY(QString lastModel READ lastModel WRITE setLastModel NOTIFY changed)
    Q_PROPERTY(double temperature READ temperature WRITE setTemperature NOTIFY changed)
    Q_PROPERTY(int topK READ topK WRITE setTopK NOTIFY changed)
    Q_PROPERTY(double topP READ topP WRITE setTopP NOTIFY changed)
    Q_PROPERTY(double minP READ minP WRITE setMinP NOTIFY changed)
    Q_PROPERTY(double repeatPenalty READ repeatPenalty WRITE setRepeatPenalty NOTIFY changed)
    Q_PROPERTY(int repeatLastN READ repeatLastN WRITE setRepeatLastN NOTIFY changed)  // 0: off, -1: all
    Q_PROPERTY(int maxTokens READ maxTokens WRITE setMaxTokens NOTIFY changed)
    Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY changed)
    // The local OpenAI-compatible server (LocalServer): whether it runs, its port, and the key
    // clients must send ("": none).
    Q_PROPERTY(bool serverEnabled READ serverEnabled WRITE setServerEnabled NOTIFY changed)
    Q_PROPERTY(int serverPort READ serverPort WRITE setServerPort NOTIFY changed)
    Q_PROPERTY(QString serverApiKey READ serverApiKey WRITE setServerApiKey NOTIFY changed)
public:
    static constexpr int kSchemaVersion = 2;
    explicit Settings(QObject* parent = nullptr);

    int threads() const;
    void setThreads(int v);
    QString backend() const;
    void setBackend(const QString& v);
    int device() const;
    void setDevice(int v);
    int contextLength() const;
    void setContextLength(int v);
    QString lmHead() const;
    void setLmHead(const QString& v);  // anything but "f16", "q8" or "q6" is ignored
    QString kvCache() const;
    void setKvCache(const QString& v);  // anything but "f16", "f32" or "q8" is ignored
    QString theme() const;
    void setTheme(const QString& v);
    bool dark() const;
    // For this run only (command line), not saved.
    void overrideTheme(const QString& v);
    QString modelsDir() const;
    void setModelsDir(const QString& v);
    QString lastModel() const;
    void setLastModel(const QString& v);
    double temperature() const;
    void setTemperature(double v);
    int topK() const;
    void setTopK(int v);
    double topP() const;
    void setTopP(double v);
    double minP() const;
    void setMinP(double v);
    double repeatPenalty() const;
    void setRepeatPenalty(double v);
    int repeatLastN() const;
    void setRepeatLastN(int v);
    int maxTokens() const;
    void setMaxTokens(int v);
    QString systemPrompt() const;
    void setSystemPrompt(const QString& v);
    bool serverEnabled() const;
    void setServerEnabled(bool v);
    static constexpr int kDefaultServerPort = 8080;
    int serverPort() const;
    void setServerPort(int v);
    QString serverApiKey() const;
    void setServerApiKey(const QString& v);

    // The chat template chosen for one model file, by the engine's name for it (tern/chat.h:
    // "llama3", "chatml", ...); "" when none was chosen and the file's own (detected) one runs.
    // Keyed by the file's canonical path, not its hash: hashing a multi-gigabyte file would take
    // seconds on every look at the library, and the path is how the library and "last model"
    // already name a model. A moved file falls back to its detected template.
    QString chatTemplateOverride(const QString& modelPath) const;
    // "" (or a name the engine does not know) removes the choice.
    void setChatTemplateOverride(const QString& modelPath, const QString& name);

    // The sampling defaults in the form EngineWorker::generate takes (keys in Sampling.h).
    Q_INVOKABLE QVariantMap samplingParams() const;
    // Back to the built-in sampling defaults.
    Q_INVOKABLE void resetSampling();

Q_SIGNALS:
    void changed();

private:
    void set(const QString& key, const QVariant& v);
    QSettings s_;
    QString themeOverride_;
};

}  // namespace tern::app
