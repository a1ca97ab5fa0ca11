#include "Settings.h"

#include "AppPaths.h"

#include <QFileInfo>
#include <QGuiApplication>
#include <QPalette>

#include "tern/chat.h"
#include "tern/options.h"

namespace tern::app {

Settings::Settings(QObject* parent) : QObject(parent) {
    const int version = s_.value(QStringLiteral("schemaVersion"), 0).toInt();
    if (version < 2) {
        // v2: the LM head in the engine's one spelling (tern/options.h), as tern-cli --head takes it.
        const QString head = s_.value(QStringLiteral("engine/lmHead")).toString();
        if (head == QLatin1String("exact")) s_.setValue(QStringLiteral("engine/lmHead"), QStringLiteral("f16"));
        if (head == QLatin1String("q8_0")) s_.setValue(QStringLiteral("engine/lmHead"), QStringLiteral("q8"));
        if (head == QLatin1String("q6_k")) s_.setValue(QStringLiteral("engine/lmHead"), QStringLiteral("q6"));
    }
    if (version < kSchemaVersion) s_.setValue(QStringLiteral("schemaVersion"), kSchemaVersion);
}

void Settings::set(const QString& key, const QVariant& v) {
    if (s_.value(key) == v) return;
    s_.setValue(key, v);
    Q_EMIT changed();
}

int Settings::threads() const { return s_.value(QStringLiteral("engine/threads"), 0).toInt(); }
void Settings::setThreads(int v) { set(QStringLiteral("engine/threads"), v); }
QString Settings::backend() const { return s_.value(QStringLiteral("engine/backend"), QStringLiteral("auto")).toString(); }
void Settings::setBackend(const QString& v) { set(QStringLiteral("engine/backend"), v); }
int Settings::device() const { return s_.value(QStringLiteral("engine/device"), -1).toInt(); }
void Settings::setDevice(int v) { set(QStringLiteral("engine/device"), v); }
int Settings::contextLength() const { return s_.value(QStringLiteral("engine/contextLength"), 2048).toInt(); }
void Settings::setContextLength(int v) { set(QStringLiteral("engine/contextLength"), v); }
QString Settings::lmHead() const {
    const QString v = s_.value(QStringLiteral("engine/lmHead")).toString();
    return tern::parse_head(v.toStdString()) ? v : QString::fromLatin1(tern::head_name(tern::HeadType::AsStored));
}
void Settings::setLmHead(const QString& v) {
    if (tern::parse_head(v.toStdString())) set(QStringLiteral("engine/lmHead"), v);
}
QString Settings::kvCache() const {
    const QString v = s_.value(QStringLiteral("engine/kvCache")).toString();
    return tern::parse_kv(v.toStdString()) ? v : QString::fromLatin1(tern::kv_name(tern::KvType::F16));
}
void Settings::setKvCache(const QString& v) {
    if (tern::parse_kv(v.toStdString())) set(QStringLiteral("engine/kvCache"), v);
}
QString Settings::theme() const {
    if (!themeOverride_.isEmpty()) return themeOverride_;
    return s_.value(QStringLiteral("ui/theme"), QStringLiteral("system")).toString();
}
void Settings::setTheme(const QString& v) {
    themeOverride_.clear();  // choosing in the UI ends a command-line override
    set(QStringLiteral("ui/theme"), v);
    Q_EMIT changed();
}
bool Settings::dark() const {
    const QString t = theme();
    if (t == QLatin1String("dark")) return true;
    if (t != QLatin1String("system")) return false;
    // Qt 6.4 has no colour-scheme API: a dark window palette means the desktop is in dark mode.
    return QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
}
void Settings::overrideTheme(const QString& v) {
    themeOverride_ = v;
    Q_EMIT changed();
}
QString Settings::modelsDir() const {
    return s_.value(QStringLiteral("models/dir"), AppPaths::defaultModelsDir()).toString();
}
void Settings::setModelsDir(const QString& v) { set(QStringLiteral("models/dir"), v); }
namespace {
const QString kChatTemplatesKey = QStringLiteral("models/chatTemplates");  // canonical path -> template name
QString modelKey(const QString& path) {
    const QFileInfo fi(path);
    const QString canon = fi.canonicalFilePath();
    return canon.isEmpty() ? fi.absoluteFilePath() : canon;
}
}  // namespace

QString Settings::chatTemplateOverride(const QString& modelPath) const {
    const QString name = s_.value(kChatTemplatesKey).toMap().value(modelKey(modelPath)).toString();
    return tern::chat_template_from_name(name.toStdString()) ? name : QString();
}

void Settings::setChatTemplateOverride(const QString& modelPath, const QString& name) {
    QVariantMap all = s_.value(kChatTemplatesKey).toMap();
    if (tern::chat_template_from_name(name.toStdString())) all.insert(modelKey(modelPath), name);
    else all.remove(modelKey(modelPath));
    set(kChatTemplatesKey, all);
}

QString Settings::lastModel() const { return s_.value(QStringLiteral("models/last")).toString(); }
void Settings::setLastModel(const QString& v) { set(QStringLiteral("models/last"), v); }
double Settings::temperature() const { return s_.value(QStringLiteral("sampling/temperature"), 0.8).toDouble(); }
void Settings::setTemperature(double v) { set(QStringLiteral("sampling/temperature"), v); }
int Settings::topK() const { return s_.value(QStringLiteral("sampling/topK"), 40).toInt(); }
void Settings::setTopK(int v) { set(QStringLiteral("sampling/topK"), v); }
double Settings::topP() const { return s_.value(QStringLiteral("sampling/topP"), 0.95).toDouble(); }
void Settings::setTopP(double v) { set(QStringLiteral("sampling/topP"), v); }
double Settings::minP() const { return s_.value(QStringLiteral("sampling/minP"), 0.05).toDouble(); }
void Settings::setMinP(double v) { set(QStringLiteral("sampling/minP"), v); }
double Settings::repeatPenalty() const { return s_.value(QStringLiteral("sampling/repeatPenalty"), 1.1).toDouble(); }
void Settings::setRepeatPenalty(double v) { set(QStringLiteral("sampling/repeatPenalty"), v); }
int Settings::repeatLastN() const { return s_.value(QStringLiteral("sampling/repeatLastN"), 64).toInt(); }
void Settings::setRepeatLastN(int v) { set(QStringLiteral("sampling/repeatLastN"), v); }
int Settings::maxTokens() const { return s_.value(QStringLiteral("sampling/maxTokens"), 512).toInt(); }
void Settings::setMaxTokens(int v) { set(QStringLiteral("sampling/maxTokens"), v); }
QString Settings::systemPrompt() const { return s_.value(QStringLiteral("chat/systemPrompt")).toString(); }
void Settings::setSystemPrompt(const QString& v) { set(QStringLiteral("chat/systemPrompt"), v); }
bool Settings::serverEnabled() const { return s_.value(QStringLiteral("server/enabled"), false).toBool(); }
void Settings::setServerEnabled(bool v) { set(QStringLiteral("server/enabled"), v); }
int Settings::serverPort() const { return s_.value(QStringLiteral("server/port"), kDefaultServerPort).toInt(); }
void Settings::setServerPort(int v) { set(QStringLiteral("server/port"), v); }
QString Settings::serverApiKey() const { return s_.value(QStringLiteral("server/apiKey")).toString(); }
void Settings::setServerApiKey(const QString& v) { set(QStringLiteral("server/apiKey"), v); }

QVariantMap Settings::samplingParams() const {
    return {{QStringLiteral("temperature"), temperature()},
            {QStringLiteral("topK"), topK()},
            {QStringLiteral("topP"), topP()},
            {QStringLiteral("minP"), minP()},
            {QStringLiteral("repeatPenalty"), repeatPenalty()},
            {QStringLiteral("repeatLastN"), repeatLastN()},
            {QStringLiteral("maxTokens"), maxTokens()}};
}

void Settings::resetSampling() {
    for (const char* k : {"temperature", "topK", "topP", "minP", "repeatPenalty", "repeatLastN", "maxTokens"})
        s_.remove(QStringLiteral("sampling/") + QLatin1String(k));
    Q_EMIT changed();
}

}  // namespace tern::app
