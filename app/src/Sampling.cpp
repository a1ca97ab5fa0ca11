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

SamplingParams fromMap(const QVariantMap& params) {
    const QVariantMap p = sanitize(params);
    SamplingParams s;
    s.temperature = p.value(QStringLiteral("temperature"), s.temperature).toDouble();
    s.topK = p.value(QStringLiteral("topK"), s.topK).toInt();
    s.topP = p.value(QStringLiteral("topP"), s.topP).toDouble();
    s.minP = p.value(QStringLiteral("minP"), s.minP).toDouble();
    s.repeatPenalty = p.value(QStringLiteral("repeatPenalty"), s.repeatPenalty).toDouble();
    s.repeatLastN = p.value(QStringLiteral("repeatLastN"), s.repeatLastN).toInt();
    s.maxTokens = p.value(QStringLiteral("maxTokens"), s.maxTokens).toInt();
    return s;
}

tern::GenerateOptions toGenerateOptions(const SamplingParams& p) {
    tern::GenerateOptions g;
    g.max_tokens = p.maxTokens;
    tern::SamplerParams& s = g.sampling;
    s.temperature = float(p.temperature);
    s.top_k = p.topK;
    s.top_p = float(p.topP);
    s.min_p = float(p.minP);
    s.repeat_penalty = float(p.repeatPenalty);
    s.repeat_last_n = p.repeatLastN;
    s.seed = p.seed;
    return g;
}

}  // namespace tern::app::sampling
