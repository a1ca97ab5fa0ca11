#pragma once
// A tiny synthetic model for the app tests, written once per test process.
#include <QDir>
#include <QString>
#include <QTemporaryDir>

#include "tern/benchmark_model.h"

namespace tern::app::test {

inline QString tinyModel(const QString& preset = QStringLiteral("tiny")) {
    static QTemporaryDir dir;
    const QString path = dir.path() + QStringLiteral("/%1.gguf").arg(preset);
    if (!QFile::exists(path)) {
        tern::BenchmarkModelOptions o;
        o.preset = preset.toStdString();
        o.seed = 7;
        o.tokenizer_json = TERN_TOKENIZER_JSON;
        tern::write_benchmark_model(o, path.toStdString());
    }
    return path;
}

}  // namespace tern::app::test
