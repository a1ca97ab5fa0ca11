#pragma once
// Where Tern keeps things (XDG through QStandardPaths), and where it finds the tokenizer that the
// benchmark model embeds.
#include <QString>

namespace tern::app::AppPaths {

QString dataDir();          // ~/.local/share/Tern ($XDG_DATA_HOME/Tern)
QString defaultModelsDir(); // <data>/models
QString logDir();           // <data>/logs (Qt 6.4 has no StateLocation)
QString databasePath();     // <data>/tern.sqlite
// The Llama-3 tokenizer.json: $TERN_TOKENIZER_JSON, the install dir, then the source tree.
QString tokenizerJson();
// The folder of the bundled demo models (demo-ternary.gguf, demo-fp16.gguf): the install dir
// (<prefix>/share/tern/models), then the source tree; "" when neither has them.
QString bundledModelsDir();
// What was trained alongside a model and ships with it: for demo-ternary.gguf, the FP16 twin
// demo-fp16.gguf and the held-out text demo-validation.txt in the same folder; "" where a model
// has none (every other model).
QString twinModel(const QString& modelPath);
QString heldOutText(const QString& modelPath);
// A path as QML hands it over (a file: URL from a dialog, or a plain path) as a local path.
QString localPath(const QString& pathOrUrl);

}  // namespace tern::app::AppPaths
