#include "ModelInspector.h"

#include <QFileInfo>

#include "gguf/gguf.h"
#include "model/hparams.h"
#include "tensor/type_traits.h"

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
        const auto file = gguf::File::open(path.toStdString());
        const std::string arch = file->get_string("general.architecture").value_or("");
        const ArchTraits* traits = find_arch(arch);
        if (!traits) {
            d.error = arch.empty() ? QObject::tr("%1 has no general.architecture: it is not a language model.").arg(fi.fileName())
                                   : QObject::tr("%1 is a \"%2\" model; Tern runs BitNet b1.58 models only.")
                                         .arg(fi.fileName(), QString::fromStdString(arch));
            return d;
        }
        ModelInfo info;
        read_hparams(*file, *traits, info);
        d.arch = QString::fromStdString(arch);
        if (auto n = file->get_string("general.name"); n && !n->empty()) d.name = QString::fromStdString(*n);
        if (const auto* t = file->find_tensor("blk.0.attn_q.weight")) d.ternaryType = QString::fromStdString(type_name(t->type));
        d.nCtxTrain = info.n_ctx_train;
        const int ctx = info.n_ctx_train > 0 ? std::min(info.n_ctx_train, 4096) : 4096;
        d.ramBytes = d.fileBytes + qint64(info.kv_bytes_per_token) * ctx;
        d.ok = true;
    } catch (const std::exception& e) {
        d.error = QString::fromUtf8(e.what());
    }
    return d;
}

}  // namespace tern::app
