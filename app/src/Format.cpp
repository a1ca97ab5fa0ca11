#include "Format.h"

#include <cmath>

namespace tern::app {

QString Format::bytes(double b) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (b >= 1000 && u < 4) { b /= 1000; ++u; }
    return QString::number(b, 'f', u == 0 ? 0 : (b < 10 ? 2 : 1)) + QLatin1Char(' ') + QLatin1String(units[u]);
}

QString Format::duration(double ms) {
    if (!std::isfinite(ms) || ms < 0) return QStringLiteral("—");
    if (ms < 1000) return QObject::tr("%1 ms").arg(std::lround(ms));
    if (ms < 60000) return QObject::tr("%1 s").arg(QString::number(ms / 1000, 'f', ms < 10000 ? 2 : 1));
    const long s = std::lround(ms / 1000);
    return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
}

QString Format::stopReason(const QString& key) {
    if (key.isEmpty()) return {};
    if (key == QLatin1String("eog")) return QObject::tr("finished");
    if (key == QLatin1String("max_tokens")) return QObject::tr("reached the answer length limit");
    if (key == QLatin1String("context_full")) return QObject::tr("the context is full");
    if (key == QLatin1String("stopped")) return QObject::tr("stopped");
    if (key == QLatin1String("interrupted")) return QObject::tr("interrupted");
    return QObject::tr("ended");
}

QString Format::leftOut(int messages) {
    if (messages <= 0) return {};
    if (messages == 1) return QObject::tr("1 earlier message no longer fits and was left out of the model's context");
    return QObject::tr("%1 earlier messages no longer fit and were left out of the model's context").arg(messages);
}

QString Format::contextFullAdvice(const QString& policyKey, int contextTokens) {
    const QString size = contextTokens > 0 ? QObject::tr("%1 tokens").arg(contextTokens) : QObject::tr("its size");
    if (policyKey == QLatin1String("stop"))
        return QObject::tr("The conversation fills the model's context (%1). Start a new chat, or choose "
                           "\u201cRolling window\u201d beside the context meter to leave the oldest messages out.").arg(size);
    return QObject::tr("The question and this answer fill the model's whole context (%1), so it could not go on. "
                       "Start a new chat, or load the model with a longer context in Settings.").arg(size);
}

QString Format::times(int n) {
    if (n == 1) return QObject::tr("once");
    if (n == 2) return QObject::tr("twice");
    return QObject::tr("%1 times").arg(n);
}

}  // namespace tern::app
