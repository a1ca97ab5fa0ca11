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

QString tokenizerJson() {
    const QString env = qEnvironmentVariable("TERN_TOKENIZER_JSON");
    if (!env.isEmpty() && QFileInfo::exists(env)) return env;
    const QString installed =
        QCoreApplication::applicationDirPath() + QStringLiteral("/../share/tern/tokenizer.json");
    if (QFileInfo::exists(installed)) return QFileInfo(installed).canonicalFilePath();
    return QStringLiteral(TERN_SOURCE_TOKENIZER_JSON);
}

QString bundledModelsDir() {
    const QString demo = QStringLiteral("/demo-ternary.gguf");
    const QString installed = QCoreApplication::applicationDirPath() + QStringLiteral("/../share/tern/models");
    if (QFileInfo::exists(installed + demo)) return QFileInfo(installed).canonicalFilePath();
    const QString source = QStringLiteral(TERN_SOURCE_MODELS_DIR);
    if (QFileInfo::exists(source + demo)) return source;
    return {};
}

QString localPath(const QString& pathOrUrl) {
    return pathOrUrl.startsWith(QStringLiteral("file:")) ? QUrl(pathOrUrl).toLocalFile() : pathOrUrl;
}

}  // namespace tern::app::AppPaths
