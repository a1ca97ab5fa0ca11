#pragma once
// The values that cross the app <-> engine-thread boundary, typed: what the GUI asks the worker
// (LoadRequest, GenerationRequest, BenchmarkRequest) and what it answers (ModelSummary,
// GenerationStats, BenchmarkRow). Plain copies, so they travel through queued signals; the
// engine's own structs ride inside them unconverted. Only the database edge turns them into maps
// (toMap), because stored metrics are JSON.
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <memory>
#include <optional>

#include "ContextWindow.h"
#include "tern/bench.h"
#include "tern/chat.h"
#include "tern/machine.h"
#include "tern/model.h"
#include "tern/options.h"
#include "tern/sweep.h"

namespace tern::app {

// Which compute device a load asks for; spelt as Settings stores it ("auto", "cpu", "vulkan").
LoadOptions::BackendKind backendKindFromName(const QString& name);

// Everything one model load needs: the file, threads, context and how to run it.
struct LoadRequest {
    quint64 id = 0;
    QString path;
    int threads = 0;
    int contextLength = 0;
    LoadOptions::BackendKind backend = LoadOptions::BackendKind::Cpu;
    int device = -1;
    HeadType head = HeadType::AsStored;
    KvType kv = KvType::F16;
    // The user's choice for this file (Settings::chatTemplateOverride); none: the file's own.
    std::optional<ChatTemplate> chatTemplate;
};

// A loaded model as the GUI shows it: the engine's ModelInfo plus the session's context and cache.
struct ModelSummary {
    Q_GADGET
    QML_VALUE_TYPE(modelSummary)
    Q_PROPERTY(bool loaded READ loaded)
    Q_PROPERTY(QString path READ path)
    Q_PROPERTY(QString name READ name)
    Q_PROPERTY(QString arch READ arch)
    Q_PROPERTY(QString ternaryType READ ternaryType)
    Q_PROPERTY(double fileBytes READ fileBytes)
    Q_PROPERTY(QString backend READ backend)
    Q_PROPERTY(QString backendFallbackReason READ backendFallbackReason)
    Q_PROPERTY(QString headType READ headType)
    Q_PROPERTY(QString kvType READ kvType)
    Q_PROPERTY(int contextSize MEMBER nCtx)
    // The chat template prompts are written in ("Llama 3"), and whether the user chose it.
    Q_PROPERTY(QString chatTemplate READ chatTemplateTitle)
    Q_PROPERTY(bool chatTemplateChosen MEMBER chatTemplateChosen)
public:
    tern::ModelInfo info;
    tern::ChatTemplate chatTemplate = tern::ChatTemplate::Plain;
    bool chatTemplateChosen = false;
    int nCtx = 0;
    quint64 kvBytes = 0;
    double loadMs = 0;
    bool raplAvailable = false;
    QString raplWhy;

    bool loaded() const { return !info.path.empty(); }
    QString path() const { return QString::fromStdString(info.path); }
    QString name() const;  // general.name, else the file's base name
    QString arch() const { return QString::fromStdString(info.arch); }
    QString ternaryType() const { return QString::fromStdString(info.ternary_type); }
    double fileBytes() const { return double(info.file_bytes); }
    QString backend() const { return QString::fromStdString(info.backend); }
    QString backendFallbackReason() const { return QString::fromStdString(info.backend_fallback_reason); }
    QString headType() const { return QString::fromStdString(info.head_type); }
    QString kvType() const { return QString::fromLatin1(kv_type_name(info.kv_type)); }
    QString chatTemplateTitle() const { return QString::fromLatin1(chat_template_title(chatTemplate)); }
};

// Sampling for one answer: the Settings defaults with the chat's own values on top (Sampling.h).
struct SamplingParams {
    Q_GADGET
    QML_VALUE_TYPE(samplingParams)
    Q_PROPERTY(double temperature MEMBER temperature)
    Q_PROPERTY(int topK MEMBER topK)
    Q_PROPERTY(double topP MEMBER topP)
    Q_PROPERTY(double minP MEMBER minP)
    Q_PROPERTY(double repeatPenalty MEMBER repeatPenalty)
    Q_PROPERTY(int repeatLastN MEMBER repeatLastN)
    Q_PROPERTY(int maxTokens MEMBER maxTokens)
public:
    double temperature = 0.8;
    int topK = 40;
    double topP = 0.95;
    double minP = 0.05;
    double repeatPenalty = 1.1;
    int repeatLastN = 64;
    int maxTokens = 512;
    quint64 seed = 0;
    bool operator==(const SamplingParams&) const = default;
};

// One generation: the whole conversation so far, how to sample it, and what to do when it does
// not fit the model's context.
struct GenerationRequest {
    quint64 id = 0;
    std::vector<tern::ChatMessage> messages;
    SamplingParams sampling;
    ContextPolicy::Policy contextPolicy = ContextPolicy::RollingWindow;
};

// Why an answer ended, in the engine's words and in the user's.
enum class StopReason { EndOfText, MaxTokens, ContextFull, Stopped, Unknown };
StopReason stopReasonFromEngine(const QString& reason);  // "eog", "max_tokens", "context_full", ...
QString stopReasonKey(StopReason r);                      // the stored spelling (the engine's)

// What a finished (or stopped) answer measured.
struct GenerationStats {
    int nPrompt = 0, nReused = 0, nGenerated = 0;
    double prefillMs = 0, ttftMs = 0, decodeMs = 0, prefillTps = 0, decodeTps = 0, totalMs = 0;
    StopReason stopReason = StopReason::Unknown;
    QString text;
    int nPast = -1, nCtx = 0;  // nPast < 0: unknown (stopped before the prompt was evaluated)
    quint64 kvBytes = 0, kvUsedBytes = 0;
    double raplJoules = -1;  // MEASURED decode energy; < 0 where RAPL is not readable
    int raplTokens = 0;
    double itlP50Ms = 0, itlP95Ms = 0;  // inter-token latency; 0 with fewer than two tokens
    quint64 seed = 0;
    int droppedMessages = 0;  // messages of the conversation left out of the model's context
    // The conversation as the model last saw it, formatted (without the answer): what was left out
    // can be checked (tests, the debug log).
    QString promptText;
    bool timed() const { return nPast >= 0; }  // the engine finished the request and timed it
};

// One benchmark: which file, which precisions, how long, and how to load it.
struct BenchmarkRequest {
    quint64 id = 0;
    QString path;
    QList<Precision> precisions{Precision::Ternary, Precision::Fp16};
    int nPrompt = 128, nGen = 64, repetitions = 3;
    QString batch;  // one click of Run: all its tests and precisions (its run group's id)
    LoadRequest load;  // threads, backend, head and KV cache (id and path unused)
    // A separately trained FP16 model to run after the precisions (the demo's twin), "" for none;
    // its results are labelled "fp16-twin".
    QString twinPath;
    // Quality: perplexity of this text (its file name for people), at most qualityChunks chunks
    // of the model's context; empty text: speed only.
    std::string qualityText;
    QString qualityName;
    int qualityChunks = 0;
};

// One sweep (tern::bench_sweep): an axis over its values, a line per precision and backend, each
// point stored as it finishes (benchmarkResult), all in the run group `group`.
struct SweepRequest {
    quint64 id = 0;
    QString path;
    tern::SweepAxis axis = tern::SweepAxis::Threads;
    std::vector<int> values;  // empty: tern::default_sweep_values
    QList<Precision> precisions{Precision::Ternary};
    QList<LoadOptions::BackendKind> backends{LoadOptions::BackendKind::Cpu};
    int nPrompt = 64, nGen = 32, repetitions = 2;
    QString group;
    LoadRequest load;  // threads (off the threads axis), head, KV cache, device
};

// The machine as stored with every run (the "machine" metrics key, a group's machine column):
// {cpuModel, isa, logicalCores, physicalCores, readBandwidth (bytes/s, 0 = not measured),
// gpus ("name (type)" each), rapl, raplReason}. An empty map reads back as an empty MachineInfo.
QVariantMap machineToMap(const tern::MachineInfo& machine);
tern::MachineInfo machineFromMap(const QVariantMap& map);

// One result of tern::bench, as the history stores it (metrics keys in BenchmarkHistory.h).
struct BenchmarkRow {
    tern::BenchResult result;
    QString batch, modelName;  // batch: the run group's id
    QString qualityName;  // the ppl test's text file; "" for speed tests
    int nPrompt = 0, nGen = 0, repetitions = 0;
    tern::MachineInfo machine;  // what it ran on
    QString source = QStringLiteral("app");  // "app", or "import" (from a bench JSON file)
    QString importedFrom;  // the imported file's name
    QVariantMap toMap() const;
    // The stored metrics back as an engine result (for the bench JSON export): what toMap kept.
    // createdAt stands in for the test time of rows stored before it was kept.
    static BenchmarkRow fromMap(const QVariantMap& metrics, const QString& modelPath, const QString& createdAt);
};

// A random-weight model to write (tern::write_benchmark_model).
struct BenchmarkModelRequest {
    QString preset;
    QString tokenizerJson;
    QString outPath;
};

// The worker's loaded model, handed to whoever else runs it (the local server): a Model is
// immutable, so sessions on other threads may share it.
using SharedModel = std::shared_ptr<const tern::Model>;

}  // namespace tern::app

Q_DECLARE_METATYPE(tern::app::LoadRequest)
Q_DECLARE_METATYPE(tern::app::GenerationRequest)
Q_DECLARE_METATYPE(tern::app::GenerationStats)
Q_DECLARE_METATYPE(tern::app::BenchmarkRequest)
Q_DECLARE_METATYPE(tern::app::BenchmarkRow)
Q_DECLARE_METATYPE(tern::app::SweepRequest)
Q_DECLARE_METATYPE(tern::MachineInfo)
Q_DECLARE_METATYPE(tern::app::BenchmarkModelRequest)
Q_DECLARE_METATYPE(tern::app::SharedModel)
