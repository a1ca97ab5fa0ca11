#include "AppPaths.h"

#include <QUrl>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace tern::app::AppPaths {

QString dataDir() {
    // ~/.local/share/Tern: the same folder scripts/run.sh and the docs use for models.
    const QString d = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/Tern");
    QDir().mkpath(d);
    return d;
}

QString defaultModelsDir() { return dataDir() + QStringLiteral("/models"); }

QString logDir() {
    const QString d = dataDir() + QStringLiteral("/logs");
    QDir().mkpath(d);
    return d;
}

QString databasePath() { return dataDir() + QStringLiteral("/tern.sqlite"); }

namespace {
// What the package installs beside the program (<prefix>/share/tern/REL), "" when it is absent.
QString installedShare(const QString& rel) {
    const QFileInfo f(QCoreApplication::applicationDirPath() + QStringLiteral("/../share/tern/") + rel);
    return f.exists() ? f.canonicalFilePath() : QString();
}
}  // namespace

QString tokenizerJson() {
    const QString env = qEnvironmentVariable("TERN_TOKENIZER_JSON");
    if (!env.isEmpty() && QFileInfo::exists(env)) return env;
    const QString installed = installedShare(QStringLiteral("tokenizer.json"));
    return installed.isEmpty() ? QStringLiteral(TERN_SOURCE_TOKENIZER_JSON) : installed;
}

QString bundledModelsDir() {
    const QString demo = QStringLiteral("/demo-ternary.gguf");
    const QString installed = installedShare(QStringLiteral("models"));
    if (!installed.isEmpty() && QFileInfo::exists(installed + demo)) return installed;
    const QString source = QStringLiteral(TERN_SOURCE_MODELS_DIR);
    if (QFileInfo::exists(source + demo)) return source;
    return {};
}

namespace {
QString besideDemoModel(const QString& modelPath, const QString& name) {
    const QFileInfo model(modelPath);
    if (model.fileName() != QLatin1String("demo-ternary.gguf")) return {};
    const QFileInfo f(model.absolutePath() + QLatin1Char('/') + name);
    return f.isFile() ? f.filePath() : QString();
}
}  // namespace

QString twinModel(const QString& modelPath) { return besideDemoModel(modelPath, QStringLiteral("demo-fp16.gguf")); }
QString heldOutText(const QString& modelPath) { return besideDemoModel(modelPath, QStringLiteral("demo-validation.txt")); }

QString localPath(const QString& pathOrUrl) {
    return pathOrUrl.startsWith(QStringLiteral("file:")) ? QUrl(pathOrUrl).toLocalFile() : pathOrUrl;
}

}  // namespace tern::app::AppPaths
