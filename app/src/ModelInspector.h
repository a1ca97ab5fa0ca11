#pragma once
// A quick look inside a GGUF file without loading its weights: is it a model Tern can run, and
// what is it. Used to validate imports and to describe the library's files.
#include <QString>
#include <QVariantMap>

namespace tern::app {

struct ModelDescription {
    bool ok = false;
    QString error;         // for people: what is wrong with the file
    QString name;          // general.name, else the file name
    QString arch;
    QString ternaryType;   // type of blk.0.attn_q.weight
    qint64 fileBytes = 0;
    int nCtxTrain = 0;
    qint64 ramBytes = 0;   // file + KV cache at min(training context, 4096)
    bool synthetic = false;  // random weights (the file's tern.synthetic key)
    double fp16Ratio = 0;    // weight memory as the FP16 baseline / as stored (tern::ModelFile)
    QString chatTemplate;    // the engine's name of the template the file gets ("llama3")
    bool chatTemplateRecognised = false;  // found in the file; false: the default runs
    QVariantMap toMap() const;
};

ModelDescription inspectModel(const QString& path);

// Which chat template runs for a file, for people: "detected: Llama 3", "default: Plain — no
// known template found", or with a choice (an engine template name) "chosen: ChatML (detected: Llama 3)".
QString chatTemplateNote(const ModelDescription& d, const QString& chosen);

}  // namespace tern::app
