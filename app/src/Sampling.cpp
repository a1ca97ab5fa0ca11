#include "Sampling.h"

namespace tern::app::sampling {

namespace {
bool isInt(const QString& k) {
    return k == QLatin1String("topK") || k == QLatin1String("repeatLastN") || k == QLatin1String("maxTokens");
}
}  // namespace

const QStringList& keys() {
    static const QStringList k = {QStringLiteral("temperature"),   QStringLiteral("topK"),
                                  QStringLiteral("topP"),          QStringLiteral("minP"),
                                  QStringLiteral("repeatPenalty"), QStringLiteral("repeatLastN"),
                                  QStringLiteral("maxTokens")};
    return k;
}

QVariantMap sanitize(const QVariantMap& params) {
    QVariantMap out;
    for (const QString& k : keys()) {
        const QVariant v = params.value(k);
        if (!v.isValid() || v.isNull()) continue;
        bool ok = false;
        if (isInt(k)) {
            const int i = qRound(v.toDouble(&ok));
            if (ok) out.insert(k, i);
        } else {
            const double d = v.toDouble(&ok);
            if (ok) out.insert(k, d);
        }
    }
    return out;
}

QVariantMap merged(const QVariantMap& defaults, const QVariantMap& overrides) {
    QVariantMap out = defaults;
    const QVariantMap o = sanitize(overrides);
    for (auto it = o.begin(); it != o.end(); ++it) out.insert(it.key(), it.value());
    return out;
}

tern::GenerateOptions toGenerateOptions(const QVariantMap& params) {
    tern::GenerateOptions g;
    g.max_tokens = 512;
    const QVariantMap p = sanitize(params);
    tern::SamplerParams& s = g.sampling;
    g.max_tokens = p.value(QStringLiteral("maxTokens"), g.max_tokens).toInt();
    s.temperature = p.value(QStringLiteral("temperature"), s.temperature).toFloat();
    s.top_k = p.value(QStringLiteral("topK"), s.top_k).toInt();
    s.top_p = p.value(QStringLiteral("topP"), s.top_p).toFloat();
    s.min_p = p.value(QStringLiteral("minP"), s.min_p).toFloat();
    s.repeat_penalty = p.value(QStringLiteral("repeatPenalty"), s.repeat_penalty).toFloat();
    s.repeat_last_n = p.value(QStringLiteral("repeatLastN"), s.repeat_last_n).toInt();
    // The seed is not a user setting; tests pass one for reproducible runs.
    if (params.contains(QStringLiteral("seed"))) s.seed = params.value(QStringLiteral("seed")).toULongLong();
    return g;
}

}  // namespace tern::app::sampling
