#pragma once
// A tiny synthetic model for the app tests, written once per test process.
#include <QDir>
#include <QString>
#include <QTemporaryDir>

#include "tern/benchmark_model.h"

namespace tern::app::test {

// arch: bitnet-b1.58 (the 2B4T layout) or llama (tern-cli synth --arch llama: the Llama-3
// vocabulary with its chat template).
inline QString tinyModel(const QString& preset = QStringLiteral("tiny"), const QString& arch = QStringLiteral("bitnet-b1.58")) {
    static QTemporaryDir dir;
    const QString path = dir.path() + QStringLiteral("/%1-%2.gguf").arg(arch, preset);
    if (!QFile::exists(path)) {
        tern::BenchmarkModelOptions o;
        o.preset = preset.toStdString();
        o.arch = arch.toStdString();
        o.seed = 7;
        o.tokenizer_json = TERN_TOKENIZER_JSON;
        tern::write_benchmark_model(o, path.toStdString());
    }
    return path;
}

}  // namespace tern::app::test
