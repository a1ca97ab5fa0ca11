#include "ModelInspector.h"

#include <QFileInfo>

#include "tern/chat.h"
#include "tern/inspect.h"

namespace tern::app {

QVariantMap ModelDescription::toMap() const {
    return {{QStringLiteral("ok"), ok}, {QStringLiteral("error"), error}, {QStringLiteral("name"), name},
            {QStringLiteral("arch"), arch}, {QStringLiteral("ternaryType"), ternaryType},
            {QStringLiteral("fileBytes"), double(fileBytes)}, {QStringLiteral("nCtxTrain"), nCtxTrain},
            {QStringLiteral("ramBytes"), double(ramBytes)}};
}

ModelDescription inspectModel(const QString& path) {
    ModelDescription d;
    const QFileInfo fi(path);
    d.name = fi.completeBaseName();
    d.fileBytes = fi.size();
    if (!fi.isFile()) {
        d.error = QObject::tr("%1 is not a file.").arg(path);
        return d;
    }
    try {
        const tern::ModelFile file = tern::inspect_model(path.toStdString());
        const ModelInfo& info = file.info;
        d.arch = QString::fromStdString(info.arch);
        if (!info.name.empty()) d.name = QString::fromStdString(info.name);
        d.ternaryType = QString::fromStdString(info.ternary_type);
        d.nCtxTrain = info.n_ctx_train;
        const int ctx = info.n_ctx_train > 0 ? std::min(info.n_ctx_train, 4096) : 4096;
        d.ramBytes = d.fileBytes + qint64(info.kv_bytes_per_token) * ctx;
        d.synthetic = file.synthetic;
        d.chatTemplate = QString::fromLatin1(chat_template_name(file.chat_template));
        d.chatTemplateRecognised = file.chat_template_recognised;
        if (info.weight_bytes > 0) d.fp16Ratio = double(file.fp16_weight_bytes) / double(info.weight_bytes);
        d.ok = true;
    } catch (const std::exception& e) {
        d.error = QString::fromUtf8(e.what());
    }
    return d;
}

QString chatTemplateNote(const ModelDescription& d, const QString& chosen) {
    if (!d.ok) return {};
    const auto title = [](const QString& name) {
        const auto t = chat_template_from_name(name.toStdString());
        return t ? QString::fromLatin1(chat_template_title(*t)) : name;
    };
    const QString own = d.chatTemplateRecognised
                            ? QObject::tr("detected: %1").arg(title(d.chatTemplate))
                            : QObject::tr("default: %1 — no known template found").arg(title(d.chatTemplate));
    if (chosen.isEmpty() || chosen == d.chatTemplate) return own;
    return QObject::tr("chosen: %1 (%2)").arg(title(chosen), own);
}

}  // namespace tern::app
