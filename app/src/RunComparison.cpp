#include "RunComparison.h"

#include <QDateTime>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "Format.h"

namespace tern::app {

namespace {

QString str(const QVariantMap& m, const char* key) { return m.value(QLatin1String(key)).toString(); }
double num(const QVariantMap& m, const char* key, double fallback = 0) {
    const QVariant v = m.value(QLatin1String(key));
    return v.isValid() && !v.isNull() ? v.toDouble() : fallback;
}
QVariantMap machineOf(const QVariantMap& m) { return m.value(QStringLiteral("machine")).toMap(); }

QString modelOf(const QVariantMap& m) { return RunComparison::modelOf(m); }

bool isQuality(const QString& test) { return test.startsWith(QLatin1String("ppl")); }
bool isDecode(const QString& test) { return test.startsWith(QLatin1String("tg")); }
bool isPrefill(const QString& test) { return test.startsWith(QLatin1String("pp")) && !isQuality(test); }

QString localDate(const QString& iso, const char* format) {
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    return t.isValid() ? t.toLocalTime().toString(QLatin1String(format)) : iso.left(10);
}

// One way two runs can differ, and how a label says it.
struct Dimension {
    std::function<QString(const QVariantMap&)> value;  // "" when the row does not say
};

const QVector<Dimension>& labelDimensions() {
    static const QVector<Dimension> dims = {
        {[](const QVariantMap& m) { return modelOf(m); }},
        {[](const QVariantMap& m) { return str(m, "test"); }},
        {[](const QVariantMap& m) { return str(m, "precision"); }},
        {[](const QVariantMap& m) { return str(m, "backend"); }},
        {[](const QVariantMap& m) { return str(machineOf(m), "cpuModel"); }},
        // The GPU only matters to a run on it, and only needs saying where the backend does not
        // name its device ("vulkan (NVIDIA ...)" does).
        {[](const QVariantMap& m) {
            return str(m, "backend") == QLatin1String("vulkan")
                       ? machineOf(m).value(QStringLiteral("gpus")).toStringList().join(QStringLiteral(", "))
                       : QString();
        }},
        {[](const QVariantMap& m) {
            const int t = int(num(m, "threads"));
            return t <= 0 ? QString() : t == 1 ? RunComparison::tr("1 thread") : RunComparison::tr("%1 threads").arg(t);
        }},
        {[](const QVariantMap& m) {
            return str(m, "head").isEmpty() ? QString() : RunComparison::tr("head %1").arg(str(m, "head"));
        }},
        {[](const QVariantMap& m) {
            return str(m, "kvType").isEmpty() ? QString() : RunComparison::tr("KV %1").arg(str(m, "kvType"));
        }},
        {[](const QVariantMap& m) {
            return m.contains(QStringLiteral("nDepth")) ? RunComparison::tr("depth %1").arg(int(num(m, "nDepth")))
                                                        : QString();
        }},
        {[](const QVariantMap& m) { return localDate(str(m, "createdAt"), "yyyy-MM-dd"); }},
        // Where the row came from: an imported file (`tern-cli bench --json`), else this app.
        {[](const QVariantMap& m) {
            return str(m, "source") == QLatin1String("import")
                       ? RunComparison::tr("imported from %1").arg(str(m, "importedFrom"))
                       : QString();
        }},
    };
    return dims;
}

// Told apart only when everything above is the same: the time of day, then the rest of the
// machine (cores, bandwidth), then the stored id.
const QVector<Dimension>& tieBreakers() {
    static const QVector<Dimension> dims = {
        {[](const QVariantMap& m) { return localDate(str(m, "createdAt"), "HH:mm:ss"); }},
        {[](const QVariantMap& m) {
            const QVariantMap mc = machineOf(m);
            if (mc.isEmpty()) return QString();
            QString s = RunComparison::tr("%1 cores").arg(int(num(mc, "physicalCores")));
            if (const double bw = num(mc, "readBandwidth"); bw > 0)
                s += QStringLiteral(", ") + Format::bytes(bw) + QStringLiteral("/s");
            return s;
        }},
        {[](const QVariantMap& m) { return QStringLiteral("#%1").arg(m.value(QStringLiteral("id")).toLongLong()); }},
    };
    return dims;
}

bool allSame(const QVector<QVariantMap>& rows, const Dimension& d) {
    for (int i = 1; i < rows.size(); ++i)
        if (d.value(rows[i]) != d.value(rows[0])) return false;
    return true;
}

// The label of each row (what differs) and the caption (what they all share).
QStringList differenceLabels(const QVector<QVariantMap>& rows, QString* caption) {
    QStringList labels(rows.size());
    QStringList shared;
    for (const Dimension& d : labelDimensions()) {
        if (allSame(rows, d)) {
            if (!rows.isEmpty() && !d.value(rows[0]).isEmpty()) shared << d.value(rows[0]);
            continue;
        }
        for (int i = 0; i < rows.size(); ++i) {
            const QString v = d.value(rows[i]);
            if (v.isEmpty()) continue;
            if (!labels[i].isEmpty()) labels[i] += QStringLiteral(" · ");
            labels[i] += v;
        }
    }
    for (const Dimension& d : tieBreakers()) {
        const bool unique = QSet<QString>(labels.begin(), labels.end()).size() == labels.size();
        if (unique) break;
        if (allSame(rows, d)) continue;
        const QStringList before = labels;
        for (int i = 0; i < rows.size(); ++i) {
            if (before.count(before[i]) < 2) continue;
            labels[i] += (labels[i].isEmpty() ? QString() : QStringLiteral(" · ")) + d.value(rows[i]);
        }
    }
    // One run, or runs that differ in nothing a label says: name it by its model and test.
    for (int i = 0; i < rows.size(); ++i)
        if (labels[i].isEmpty()) labels[i] = modelOf(rows[i]) + QStringLiteral(" · ") + str(rows[i], "test");
    if (caption)
        *caption = shared.isEmpty() ? QString() : RunComparison::tr("all: %1").arg(shared.join(QStringLiteral(", ")));
    return labels;
}

// A metric's value in a row; < 0 when the row did not measure it.
double metricValue(const QVariantMap& m, int metric) {
    const QString test = str(m, "test");
    switch (metric) {
        case RunComparison::DecodeTokensPerSecond:
            return isDecode(test) && num(m, "tokensPerSecond") > 0 ? num(m, "tokensPerSecond") : -1;
        case RunComparison::PrefillTokensPerSecond:
            return isPrefill(test) && num(m, "tokensPerSecond") > 0 ? num(m, "tokensPerSecond") : -1;
        case RunComparison::TimeToFirstToken:
            return !isQuality(test) && num(m, "ttftMs") > 0 ? num(m, "ttftMs") : -1;
        case RunComparison::Memory: {
            const double b = num(m, "weightBytes") + num(m, "kvBytes");
            return b > 0 ? b : -1;
        }
        case RunComparison::JoulesPerTokenEstimated:
            return !isQuality(test) && num(m, "joulesPerTokenEst") > 0 ? num(m, "joulesPerTokenEst") : -1;
        case RunComparison::JoulesPerTokenMeasured:
            return !isQuality(test) && num(m, "joulesPerTokenMeasured", -1) > 0 ? num(m, "joulesPerTokenMeasured") : -1;
        case RunComparison::Perplexity:
            return isQuality(test) && num(m, "perplexity") > 0 ? num(m, "perplexity") : -1;
    }
    return -1;
}

// A figure with three significant digits at most, '.' as the decimal point whatever the locale
// (the same text goes into the SVG file).
QString figure(double v) {
    const int decimals = v >= 100 ? 0 : v >= 10 ? 1 : v >= 1 ? 2 : 3;
    return QString::number(v, 'f', decimals);
}

struct Scale {
    double factor = 1;
    QString unit;
};

// The unit of a metric's axis for values up to `top` (raw units: tokens/s, ms, bytes, J).
Scale scaleFor(int metric, double top) {
    switch (metric) {
        case RunComparison::DecodeTokensPerSecond:
        case RunComparison::PrefillTokensPerSecond:
            return {1, RunComparison::tr("tokens/s")};
        case RunComparison::TimeToFirstToken:
            return {1, RunComparison::tr("ms")};
        case RunComparison::Memory: {
            // Decimal units, as Format::bytes writes them.
            const char* units[] = {"B", "kB", "MB", "GB", "TB"};
            int u = 0;
            double f = 1;
            while (top / f >= 1000 && u < 4) {
                f *= 1000;
                ++u;
            }
            return {1 / f, QLatin1String(units[u])};
        }
        case RunComparison::JoulesPerTokenEstimated:
        case RunComparison::JoulesPerTokenMeasured: {
            if (top >= 1) return {1, RunComparison::tr("J/token")};
            if (top >= 1e-3) return {1e3, RunComparison::tr("mJ/token")};
            if (top >= 1e-6) return {1e6, RunComparison::tr("µJ/token")};
            return {1e9, RunComparison::tr("nJ/token")};
        }
        case RunComparison::Perplexity:
            return {1, QString()};
    }
    return {1, QString()};
}

QVariantMap point(double x, double y) { return {{QStringLiteral("x"), x}, {QStringLiteral("y"), y}}; }

}  // namespace

QVariantMap AxisTicks::toMap() const {
    QVariantList t;
    for (double v : ticks) t << v;
    return {{QStringLiteral("min"), min},
            {QStringLiteral("max"), max},
            {QStringLiteral("step"), step},
            {QStringLiteral("ticks"), t},
            {QStringLiteral("labels"), labels},
            {QStringLiteral("decimals"), decimals},
            {QStringLiteral("tickCount"), int(ticks.size())}};
}

AxisTicks RunComparison::niceAxis(double lo, double hi, int maxTicks, bool integerSteps) {
    maxTicks = std::max(2, maxTicks);
    if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
    if (lo > hi) std::swap(lo, hi);
    if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) {  // one value: a range around it
        const double pad = hi == 0 ? 1 : std::abs(hi) * 0.5;
        lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
        hi += pad;
    }
    const double raw = (hi - lo) / (maxTicks - 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    static const double kSteps[] = {1, 2, 2.5, 5};
    AxisTicks a;
    for (int i = 0;; ++i) {
        const double step = kSteps[i % 4] * magnitude * std::pow(10.0, i / 4);
        if (step < raw * (1 - 1e-9)) continue;
        if (integerSteps && (step < 1 || std::abs(step - std::round(step)) > 1e-9)) continue;
        const double min = std::floor(lo / step + 1e-9) * step;
        const double max = std::ceil(hi / step - 1e-9) * step;
        const int n = int(std::lround((max - min) / step)) + 1;
        if (n > maxTicks) continue;
        a.min = min;
        a.max = max;
        a.step = step;
        // As many decimals as the step has (2.5 -> 1, 0.25 -> 2, 200 -> 0).
        a.decimals = 0;
        while (a.decimals < 12 &&
               std::abs(step * std::pow(10.0, a.decimals) - std::round(step * std::pow(10.0, a.decimals))) >
                   1e-6 * step * std::pow(10.0, a.decimals))
            ++a.decimals;
        for (int k = 0; k < n; ++k) {
            double v = min + k * step;
            if (std::abs(v) < step * 1e-9) v = 0;  // never "-0"
            a.ticks << v;
            a.labels << QString::number(v, 'f', a.decimals);
        }
        return a;
    }
}

QString RunComparison::metricTitle(int metric) {
    switch (metric) {
        case DecodeTokensPerSecond:
            return tr("Decode speed (tg)");
        case PrefillTokensPerSecond:
            return tr("Prompt processing speed (pp)");
        case TimeToFirstToken:
            return tr("Time to first token");
        case Memory:
            return tr("Memory: weights + KV cache");
        case JoulesPerTokenEstimated:
            return tr("Energy per token, estimated");
        case JoulesPerTokenMeasured:
            return tr("Energy per token, measured (RAPL)");
        case Perplexity:
            return tr("Perplexity (lower is better)");
    }
    return {};
}

QVariantMap RunComparison::compare(const QVariantList& rowList, int metric) {
    QVector<QVariantMap> rows;
    for (const QVariant& v : rowList) rows << v.toMap();
    QString caption;
    const QStringList labels = differenceLabels(rows, &caption);
    double top = 0;
    QVector<double> values(rows.size());
    for (int i = 0; i < rows.size(); ++i) top = std::max(top, values[i] = metricValue(rows[i], metric));
    const Scale scale = scaleFor(metric, top);
    QVariantList bars, notMeasured;
    double scaledTop = 0;
    for (int i = 0; i < rows.size(); ++i) {
        const QVariant id = rows[i].value(QStringLiteral("id"));
        if (values[i] < 0) {
            notMeasured << QVariantMap{{QStringLiteral("label"), labels[i]}, {QStringLiteral("runId"), id}};
            continue;
        }
        const double v = values[i] * scale.factor;
        scaledTop = std::max(scaledTop, v);
        const QString text = metric == Memory       ? Format::bytes(values[i])
                             : scale.unit.isEmpty() ? figure(v)
                                                    : figure(v) + QLatin1Char(' ') + scale.unit;
        bars << QVariantMap{{QStringLiteral("label"), labels[i]},
                            {QStringLiteral("value"), v},
                            {QStringLiteral("valueText"), text},
                            {QStringLiteral("runId"), id}};
    }
    const QString title = metricTitle(metric);
    return {{QStringLiteral("metric"), metric},
            {QStringLiteral("title"), title},
            {QStringLiteral("unit"), scale.unit},
            {QStringLiteral("axisTitle"), scale.unit.isEmpty() ? tr("perplexity") : scale.unit},
            {QStringLiteral("caption"), caption},
            {QStringLiteral("higherIsBetter"), metric == DecodeTokensPerSecond || metric == PrefillTokensPerSecond},
            {QStringLiteral("bars"), bars},
            {QStringLiteral("notMeasured"), notMeasured},
            {QStringLiteral("axis"), niceAxis(0, scaledTop > 0 ? scaledTop : 1).toMap()}};
}

// By the file's name: an imported row knows only that (bench JSON has no general.name), so naming
// app runs by their internal name would make the same model "differ".
QString RunComparison::modelOf(const QVariantMap& row) {
    for (const char* key : {"modelFile", "model"})
        if (const QString f = QFileInfo(str(row, key)).completeBaseName(); !f.isEmpty()) return f;
    return str(row, "modelName");
}

QString RunComparison::sweepAxisTitle(const QString& axis) {
    if (axis == QLatin1String("threads")) return tr("threads");
    if (axis == QLatin1String("pp")) return tr("prompt length (tokens)");
    if (axis == QLatin1String("depth")) return tr("context depth (tokens)");
    return axis;
}

QVariantMap RunComparison::sweep(const QVariantList& rowList) {
    QString axis;
    struct Line {
        QString name;
        QVector<std::pair<double, double>> points, roof;
    };
    struct Chart {
        QVector<Line> lines;
        Line& line(const QString& name) {
            for (Line& l : lines)
                if (l.name == name) return l;
            lines.push_back({name, {}, {}});
            return lines.back();
        }
    } decode, prefill;
    for (const QVariant& v : rowList) {
        const QVariantMap m = v.toMap();
        if (axis.isEmpty()) axis = str(m, "sweep");
        if (str(m, "sweep").isEmpty() || str(m, "sweep") != axis) continue;
        const double tps = num(m, "tokensPerSecond");
        if (tps <= 0) continue;
        QString name = str(m, "series");
        if (name.isEmpty()) name = (str(m, "precision") + QLatin1Char(' ') + str(m, "backend")).trimmed();
        // A GPU line names its device, as its backend does ("ternary vulkan (NVIDIA ...)").
        const QString backend = str(m, "backend");
        if (name.endsWith(QLatin1String(" vulkan")) && backend.startsWith(QLatin1String("vulkan (")))
            name = name.left(name.size() - 6) + backend;
        const double x = num(m, "sweepValue");
        const QString test = str(m, "test");
        if (isDecode(test)) {
            Line& l = decode.line(name);
            l.points.push_back({x, tps});
            if (const double roof = num(m, "roofTokensPerSecond"); roof > 0) l.roof.push_back({x, roof});
        } else if (isPrefill(test)) {
            prefill.line(name).points.push_back({x, tps});
        }
    }
    const QString xTitle = sweepAxisTitle(axis);
    QVariantList charts;
    auto add = [&](Chart& c, const QString& kind, const QString& title) {
        if (c.lines.isEmpty()) return;
        double xMin = std::numeric_limits<double>::infinity(), xMax = 0, yMax = 0;
        QVariantList series;
        for (Line& l : c.lines) {
            std::sort(l.points.begin(), l.points.end());
            std::sort(l.roof.begin(), l.roof.end());
            QVariantList pts, roof;
            for (const auto& [x, y] : l.points) {
                pts << point(x, y);
                xMin = std::min(xMin, x);
                xMax = std::max(xMax, x);
                yMax = std::max(yMax, y);
            }
            for (const auto& [x, y] : l.roof) {
                roof << point(x, y);
                yMax = std::max(yMax, y);
            }
            series << QVariantMap{
                {QStringLiteral("name"), l.name}, {QStringLiteral("points"), pts}, {QStringLiteral("roof"), roof}};
        }
        charts << QVariantMap{{QStringLiteral("kind"), kind},
                              {QStringLiteral("title"), title},
                              {QStringLiteral("xTitle"), xTitle},
                              {QStringLiteral("yTitle"), tr("tokens/s")},
                              {QStringLiteral("series"), series},
                              // x from the first swept value (threads 1..2 fills the width), y from 0.
                              {QStringLiteral("x"), niceAxis(std::isfinite(xMin) ? xMin : 0, xMax, 6, true).toMap()},
                              {QStringLiteral("y"), niceAxis(0, yMax > 0 ? yMax : 1).toMap()}};
    };
    add(decode, QStringLiteral("decode"), tr("Decode speed (tg) and its bandwidth roof"));
    add(prefill, QStringLiteral("prefill"), tr("Prompt processing speed (pp)"));
    return {{QStringLiteral("axis"), axis}, {QStringLiteral("xTitle"), xTitle}, {QStringLiteral("charts"), charts}};
}

QString RunComparison::seriesColor(int index, bool dark) {
    // Theme.accent, Theme.fp16, Theme.twin, Theme.estimate first, then two more of the same
    // contrast on the theme's surface.
    static const char* const kLight[] = {"#0d9488", "#c2620f", "#1d4ed8", "#6d28d9", "#b91c1c", "#4d7c0f"};
    static const char* const kDark[] = {"#2dd4bf", "#f0a35e", "#60a5fa", "#c4b5fd", "#f87171", "#a3e635"};
    const int i = ((index % 6) + 6) % 6;
    return QLatin1String(dark ? kDark[i] : kLight[i]);
}

}  // namespace tern::app
