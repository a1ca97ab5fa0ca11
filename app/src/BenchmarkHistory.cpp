#include "BenchmarkHistory.h"

#include <QFileInfo>
#include <QHash>
#include <QSet>

#include "EngineTypes.h"
#include "tern/machine.h"

namespace tern::app {

namespace {

QString csvField(const QString& s) {
    QString v = s;
    // A cell starting like a formula would be run by a spreadsheet (CSV injection).
    if (!v.isEmpty() && QStringLiteral("=+-@\t\r").contains(v.front())) v.prepend(QLatin1Char('\''));
    if (v.contains(QLatin1Char(',')) || v.contains(QLatin1Char('"')) || v.contains(QLatin1Char('\n')) ||
        v.contains(QLatin1Char('\r'))) {
        v.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        v = QLatin1Char('"') + v + QLatin1Char('"');
    }
    return v;
}

QString csvNumber(const QVariant& v, int precision = -1) {
    if (!v.isValid() || v.isNull()) return {};
    const double d = v.toDouble();
    if (precision < 0) return QString::number(d, 'g', 12);
    return QString::number(d, 'f', precision);
}

QString modelName(const BenchmarkRunRow& r) {
    const QString n = r.metrics.value(QStringLiteral("modelName")).toString();
    return n.isEmpty() ? QFileInfo(r.model).completeBaseName() : n;
}

double memoryOf(const QVariantMap& m) {
    return m.value(QStringLiteral("weightBytes")).toDouble() + m.value(QStringLiteral("kvBytes")).toDouble();
}

}  // namespace

QString benchmarkCsv(const QVector<BenchmarkRunRow>& rows) {
    static const char* const kHeader[] = {
        "date", "model", "model_file", "test", "precision", "backend", "head", "threads", "n_tokens",
        "tokens_per_second", "stddev", "ttft_ms", "load_ms", "peak_rss_bytes", "weight_bytes", "kv_bytes",
        "bytes_per_token", "gb_per_second", "joules_per_token_estimated", "joules_per_token_measured", "perplexity",
        "quality_text", "run"};
    QStringList lines;
    QStringList header;
    for (const char* h : kHeader) header << QLatin1String(h);
    lines << header.join(QLatin1Char(','));
    for (const BenchmarkRunRow& r : rows) {
        const QVariantMap& m = r.metrics;
        const QVariant measured = m.value(QStringLiteral("joulesPerTokenMeasured"));
        QStringList f;
        f << csvField(r.createdAt) << csvField(modelName(r)) << csvField(r.model)
          << csvField(m.value(QStringLiteral("test")).toString())
          << csvField(m.value(QStringLiteral("precision")).toString())
          << csvField(m.value(QStringLiteral("backend")).toString())
          << csvField(m.value(QStringLiteral("head")).toString())
          << csvNumber(m.value(QStringLiteral("threads")), 0) << csvNumber(m.value(QStringLiteral("nTokens")), 0)
          << csvNumber(m.value(QStringLiteral("tokensPerSecond")), 3) << csvNumber(m.value(QStringLiteral("stddev")), 3)
          << csvNumber(m.value(QStringLiteral("ttftMs")), 3) << csvNumber(m.value(QStringLiteral("loadMs")), 1)
          << csvNumber(m.value(QStringLiteral("peakRssBytes")), 0) << csvNumber(m.value(QStringLiteral("weightBytes")), 0)
          << csvNumber(m.value(QStringLiteral("kvBytes")), 0) << csvNumber(m.value(QStringLiteral("bytesPerToken")), 0)
          << csvNumber(m.value(QStringLiteral("gbPerSecond")), 3)
          << csvNumber(m.value(QStringLiteral("joulesPerTokenEst")))
          << (measured.isValid() && measured.toDouble() >= 0 ? csvNumber(measured) : QString())
          << csvNumber(m.value(QStringLiteral("perplexity")), 4)
          << csvField(m.value(QStringLiteral("qualityText")).toString())
          << csvField(m.value(QStringLiteral("batch")).toString());
        lines << f.join(QLatin1Char(','));
    }
    return lines.join(QStringLiteral("\r\n")) + QStringLiteral("\r\n");
}

BenchmarkHistory::BenchmarkHistory(QObject* parent) : QAbstractListModel(parent) {}

void BenchmarkHistory::setRuns(const QVector<BenchmarkRunRow>& oldestFirst) {
    beginResetModel();
    runs_ = oldestFirst;
    endResetModel();
    Q_EMIT countChanged();
    Q_EMIT groupsChanged();
}

void BenchmarkHistory::setGroups(const QVector<BenchmarkGroupRow>& oldestFirst) {
    groups_ = oldestFirst;
    Q_EMIT groupsChanged();
}

namespace {

QVariantMap rowMap(const BenchmarkRunRow& r) {
    QVariantMap m = r.metrics;
    m[QStringLiteral("id")] = r.id;
    m[QStringLiteral("createdAt")] = r.createdAt;
    m[QStringLiteral("model")] = r.model;
    return m;
}

}  // namespace

QVariantList BenchmarkHistory::groups() const {
    QHash<QString, int> counts;
    for (const BenchmarkRunRow& r : runs_) ++counts[r.metrics.value(QStringLiteral("batch")).toString()];
    QVariantList out;
    for (auto it = groups_.crbegin(); it != groups_.crend(); ++it) {
        const BenchmarkGroupRow& g = *it;
        out << QVariantMap{{QStringLiteral("id"), g.id},
                           {QStringLiteral("kind"), g.kind},
                           {QStringLiteral("axis"), g.axis},
                           {QStringLiteral("label"), g.label},
                           {QStringLiteral("createdAt"), g.createdAt},
                           {QStringLiteral("state"), g.state},
                           {QStringLiteral("machineSummary"),
                            g.machine.isEmpty() ? QString()
                                                : QString::fromStdString(tern::machine_summary(machineFromMap(g.machine)))},
                           {QStringLiteral("runCount"), counts.value(g.id)}};
    }
    return out;
}

QVariantList BenchmarkHistory::runsInGroup(const QString& groupId) const {
    QVariantList out;
    if (groupId.isEmpty()) return out;
    for (const BenchmarkRunRow& r : runs_)
        if (r.metrics.value(QStringLiteral("batch")).toString() == groupId) out << rowMap(r);
    return out;
}

QVariantMap BenchmarkHistory::run(qint64 id) const {
    for (const BenchmarkRunRow& r : runs_)
        if (r.id == id) return rowMap(r);
    return {};
}

QVector<BenchmarkRunRow> BenchmarkHistory::rowsWithIds(const QVariantList& ids) const {
    QSet<qint64> wanted;
    for (const QVariant& v : ids) wanted.insert(v.toLongLong());
    QVector<BenchmarkRunRow> out;
    for (const BenchmarkRunRow& r : runs_)
        if (wanted.contains(r.id)) out.push_back(r);
    return out;
}

QString BenchmarkHistory::latestBatch() const {
    return runs_.isEmpty() ? QString() : runs_.back().metrics.value(QStringLiteral("batch")).toString();
}

QVariantMap BenchmarkHistory::comparison(const QString& batch) const {
    QVariantMap out;
    QVariantMap side[3];  // ternary, fp16, fp16-twin
    for (const BenchmarkRunRow& r : runs_) {
        const QVariantMap& m = r.metrics;
        if (m.value(QStringLiteral("batch")).toString() != batch) continue;
        const QString p = m.value(QStringLiteral("precision")).toString();
        const int i = p == QLatin1String("ternary") ? 0 : p == QLatin1String("fp16") ? 1
                    : p == QLatin1String("fp16-twin") ? 2 : -1;
        if (i < 0) continue;
        out[QStringLiteral("batch")] = batch;
        if (i < 2 || !out.contains(QStringLiteral("model"))) {  // the benchmarked file's name, not its twin's
            out[QStringLiteral("model")] = modelName(r);
            out[QStringLiteral("createdAt")] = r.createdAt;
        }
        for (const char* k : {"backend", "head", "threads", "kvType"})
            if (m.contains(QLatin1String(k))) out[QLatin1String(k)] = m.value(QLatin1String(k));
        QVariantMap& s = side[i];
        const double tps = m.value(QStringLiteral("tokensPerSecond")).toDouble();
        s[QStringLiteral("peakRssBytes")] = std::max(s.value(QStringLiteral("peakRssBytes")).toDouble(),
                                                     m.value(QStringLiteral("peakRssBytes")).toDouble());
        const QString test = m.value(QStringLiteral("test")).toString();
        if (test.startsWith(QLatin1String("ppl"))) {  // quality: the perplexity test
            out[QStringLiteral("pplTest")] = test;
            out[QStringLiteral("qualityText")] = m.value(QStringLiteral("qualityText"));
            s[QStringLiteral("ppl")] = m.value(QStringLiteral("perplexity")).toDouble();
            s[QStringLiteral("pplTokens")] = m.value(QStringLiteral("nTokens")).toInt();
        } else if (test.startsWith(QLatin1String("pp"))) {
            out[QStringLiteral("ppTest")] = test;
            s[QStringLiteral("ppTps")] = tps;
            if (!s.contains(QStringLiteral("memoryBytes"))) s[QStringLiteral("memoryBytes")] = memoryOf(m);
        } else {
            // Decoding is what a chat feels and what the energy per token is about.
            out[QStringLiteral("tgTest")] = test;
            s[QStringLiteral("tgTps")] = tps;
            s[QStringLiteral("memoryBytes")] = memoryOf(m);
            s[QStringLiteral("joulesEst")] = m.value(QStringLiteral("joulesPerTokenEst")).toDouble();
            s[QStringLiteral("joulesMeasured")] = m.value(QStringLiteral("joulesPerTokenMeasured"), -1).toDouble();
        }
    }
    if (!side[0].isEmpty()) out[QStringLiteral("ternary")] = side[0];
    if (!side[1].isEmpty()) out[QStringLiteral("fp16")] = side[1];
    if (!side[2].isEmpty()) out[QStringLiteral("twin")] = side[2];
    auto ratio = [&](const char* key, bool higherIsBetter) {
        const double t = side[0].value(QLatin1String(key), -1).toDouble();
        const double f = side[1].value(QLatin1String(key), -1).toDouble();
        if (t <= 0 || f <= 0) return 0.0;
        return higherIsBetter ? t / f : f / t;
    };
    out[QStringLiteral("speedup")] = ratio("tgTps", true);
    out[QStringLiteral("memoryRatio")] = ratio("memoryBytes", false);
    out[QStringLiteral("energyRatioEst")] = ratio("joulesEst", false);
    out[QStringLiteral("energyRatioMeasured")] = ratio("joulesMeasured", false);
    return out;
}

QString BenchmarkHistory::latestBatchWithBoth(const QString& modelPath) const {
    if (modelPath.isEmpty()) return {};
    const QString canonical = QFileInfo(modelPath).canonicalFilePath();
    auto sameFile = [&](const QString& p) {
        if (p == modelPath) return true;
        return !canonical.isEmpty() && QFileInfo(p).canonicalFilePath() == canonical;
    };
    QHash<QString, int> seen;  // batch -> bit 0: ternary tg, bit 1: fp16 tg
    for (auto it = runs_.crbegin(); it != runs_.crend(); ++it) {  // newest first
        const QVariantMap& m = it->metrics;
        const QString batch = m.value(QStringLiteral("batch")).toString();
        if (batch.isEmpty() || !m.value(QStringLiteral("test")).toString().startsWith(QLatin1String("tg")) ||
            m.value(QStringLiteral("tokensPerSecond")).toDouble() <= 0 || !sameFile(it->model))
            continue;
        const QString p = m.value(QStringLiteral("precision")).toString();
        int& bits = seen[batch];
        bits |= p == QLatin1String("ternary") ? 1 : p == QLatin1String("fp16") ? 2 : 0;
        if (bits == 3) {
            // Newest-first order reaches a batch's last result first; the batch is complete here.
            return batch;
        }
    }
    return {};
}

int BenchmarkHistory::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(runs_.size()); }

QVariant BenchmarkHistory::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= runs_.size()) return {};
    const BenchmarkRunRow& r = runs_[runs_.size() - 1 - index.row()];  // newest first
    const QVariantMap& m = r.metrics;
    switch (role) {
    case IdRole: return r.id;
    case CreatedAtRole: return r.createdAt;
    case BatchRole: return m.value(QStringLiteral("batch"));
    case Qt::DisplayRole:
    case ModelRole: return modelName(r);
    case ModelPathRole: return r.model;
    case TestRole: return m.value(QStringLiteral("test"));
    case PrecisionRole: return m.value(QStringLiteral("precision"));
    case BackendRole: return m.value(QStringLiteral("backend"));
    case HeadRole: return m.value(QStringLiteral("head"));
    case ThreadsRole: return m.value(QStringLiteral("threads")).toInt();
    case TokensPerSecondRole: return m.value(QStringLiteral("tokensPerSecond")).toDouble();
    case StddevRole: return m.value(QStringLiteral("stddev")).toDouble();
    case TtftMsRole: return m.value(QStringLiteral("ttftMs")).toDouble();
    case PeakRssRole: return m.value(QStringLiteral("peakRssBytes")).toDouble();
    case MemoryRole: return memoryOf(m);
    case JoulesEstRole: return m.value(QStringLiteral("joulesPerTokenEst")).toDouble();
    case JoulesMeasuredRole: return m.value(QStringLiteral("joulesPerTokenMeasured"), -1).toDouble();
    case PerplexityRole: return m.value(QStringLiteral("perplexity"), 0).toDouble();
    }
    return {};
}

QHash<int, QByteArray> BenchmarkHistory::roleNames() const {
    return {{IdRole, "runId"},          {CreatedAtRole, "createdAt"},
            {BatchRole, "batch"},        {ModelRole, "model"},
            {ModelPathRole, "modelPath"}, {TestRole, "test"},
            {PrecisionRole, "precision"}, {BackendRole, "backend"},
            {HeadRole, "head"},          {ThreadsRole, "threads"},
            {TokensPerSecondRole, "tokensPerSecond"}, {StddevRole, "stddev"},
            {TtftMsRole, "ttftMs"},      {PeakRssRole, "peakRssBytes"},
            {MemoryRole, "memoryBytes"}, {JoulesEstRole, "joulesEst"},
            {JoulesMeasuredRole, "joulesMeasured"}, {PerplexityRole, "perplexity"}};
}

}  // namespace tern::app
