#include "MarkdownSegments.h"

#include <QHash>
#include <QRegularExpression>
#include <QStringList>

namespace tern::app {

namespace {

struct Fence {
    QChar ch;
    int length = 0;
    int indent = 0;   // leading whitespace characters before the fence
    QString info;
};

int leadingWhitespace(QStringView line) {
    int i = 0;
    while (i < line.size() && (line[i] == QLatin1Char(' ') || line[i] == QLatin1Char('\t'))) ++i;
    return i;
}

bool parseOpening(QStringView line, Fence& f) {
    const int i = leadingWhitespace(line);
    if (i >= line.size()) return false;
    const QChar ch = line[i];
    if (ch != QLatin1Char('`') && ch != QLatin1Char('~')) return false;
    int j = i;
    while (j < line.size() && line[j] == ch) ++j;
    if (j - i < 3) return false;
    const QString info = line.mid(j).trimmed().toString();
    // "```code``` more" is an inline code span, not a fence.
    if (ch == QLatin1Char('`') && info.contains(QLatin1Char('`'))) return false;
    f = {ch, j - i, i, info};
    return true;
}

// The run of fence characters a line consists of (after indentation, before trailing spaces), or
// -1 when the line holds anything else.
int fenceRun(QStringView line, QChar ch) {
    int i = leadingWhitespace(line);
    const int start = i;
    while (i < line.size() && line[i] == ch) ++i;
    const int run = i - start;
    if (run == 0) return -1;
    for (; i < line.size(); ++i)
        if (line[i] != QLatin1Char(' ') && line[i] != QLatin1Char('\t')) return -1;
    return run;
}

QString languageFromInfo(const QString& info) {
    QString word = info.section(QRegularExpression(QStringLiteral("\\s+")), 0, 0, QString::SectionSkipEmpty);
    // Pandoc-style "{.python}" and "{r}".
    while (word.startsWith(QLatin1Char('{')) || word.startsWith(QLatin1Char('.'))) word.remove(0, 1);
    while (word.endsWith(QLatin1Char('}'))) word.chop(1);
    return word;
}

QString stripIndent(QStringView line, int indent) {
    const int n = std::min(indent, leadingWhitespace(line));
    return line.mid(n).toString();
}

void addText(QVector<MarkdownSegment>& out, QStringList& lines) {
    while (!lines.isEmpty() && lines.front().trimmed().isEmpty()) lines.pop_front();
    while (!lines.isEmpty() && lines.back().trimmed().isEmpty()) lines.pop_back();
    if (!lines.isEmpty()) out.push_back({MarkdownSegment::Kind::Text, lines.join(QLatin1Char('\n')), {}, true});
    lines.clear();
}

}  // namespace

QVector<MarkdownSegment> splitMarkdown(const QString& markdown, bool streaming) {
    QVector<MarkdownSegment> out;
    QStringList lines = markdown.split(QLatin1Char('\n'));
    for (QString& l : lines)
        if (l.endsWith(QLatin1Char('\r'))) l.chop(1);
    // The last line is still being written when the text does not end with a newline.
    const bool lastIsPartial = streaming && !markdown.endsWith(QLatin1Char('\n'));

    QStringList text, code;
    bool inFence = false;
    Fence fence;
    for (int n = 0; n < lines.size(); ++n) {
        const QString& line = lines[n];
        const bool partial = lastIsPartial && n == lines.size() - 1;
        if (!inFence) {
            Fence f;
            if (parseOpening(line, f)) {
                // Its language may still be arriving: wait for the newline before opening the block.
                if (partial) break;
                addText(out, text);
                fence = f;
                inFence = true;
                code.clear();
                continue;
            }
            // "`" or "``" alone may become a fence with the next token.
            if (partial) {
                const int ticks = fenceRun(line, QLatin1Char('`'));
                const int tildes = fenceRun(line, QLatin1Char('~'));
                if ((ticks > 0 && ticks < 3) || (tildes > 0 && tildes < 3)) break;
            }
            text.push_back(line);
        } else {
            const int run = fenceRun(line, fence.ch);
            if (run >= fence.length) {
                out.push_back({MarkdownSegment::Kind::Code, code.join(QLatin1Char('\n')), languageFromInfo(fence.info), true});
                inFence = false;
                continue;
            }
            if (partial && run > 0) break;  // the closing fence is still arriving
            code.push_back(stripIndent(line, fence.indent));
        }
    }
    if (inFence) {
        // A trailing newline before the (missing) closing fence is not part of the code.
        if (!code.isEmpty() && code.back().isEmpty() && !lastIsPartial) code.pop_back();
        out.push_back({MarkdownSegment::Kind::Code, code.join(QLatin1Char('\n')), languageFromInfo(fence.info), false});
    } else {
        addText(out, text);
    }
    return out;
}

QString canonicalLanguage(const QString& tag) {
    static const QHash<QString, QString> kAliases = [] {
        QHash<QString, QString> h;
        for (const char* t : {"c", "h", "cpp", "c++", "cxx", "cc", "hpp", "hxx", "hh", "cuda", "cu", "glsl", "hlsl",
                              "objc", "objective-c", "objectivec", "arduino"})
            h.insert(QLatin1String(t), QStringLiteral("cpp"));
        for (const char* t : {"python", "py", "python3", "py3", "ipython", "pycon", "gyp", "bzl", "starlark"})
            h.insert(QLatin1String(t), QStringLiteral("python"));
        for (const char* t : {"javascript", "js", "jsx", "mjs", "cjs", "node", "typescript", "ts", "tsx", "qml"})
            h.insert(QLatin1String(t), QStringLiteral("javascript"));
        for (const char* t : {"json", "jsonc", "json5", "jsonl", "ndjson", "geojson"})
            h.insert(QLatin1String(t), QStringLiteral("json"));
        for (const char* t : {"sh", "bash", "shell", "zsh", "ksh", "dash", "console", "shell-session", "shellsession",
                              "terminal", "sh-session", "bash-session"})
            h.insert(QLatin1String(t), QStringLiteral("shell"));
        return h;
    }();
    return kAliases.value(tag.trimmed().toLower());
}

QString languageDisplayName(const QString& tag) {
    static const QHash<QString, QString> kNames = {
        {QStringLiteral("c"), QStringLiteral("C")},           {QStringLiteral("h"), QStringLiteral("C")},
        {QStringLiteral("cpp"), QStringLiteral("C++")},       {QStringLiteral("c++"), QStringLiteral("C++")},
        {QStringLiteral("cxx"), QStringLiteral("C++")},       {QStringLiteral("cc"), QStringLiteral("C++")},
        {QStringLiteral("hpp"), QStringLiteral("C++")},       {QStringLiteral("cuda"), QStringLiteral("CUDA")},
        {QStringLiteral("cu"), QStringLiteral("CUDA")},       {QStringLiteral("glsl"), QStringLiteral("GLSL")},
        {QStringLiteral("hlsl"), QStringLiteral("HLSL")},     {QStringLiteral("objc"), QStringLiteral("Objective-C")},
        {QStringLiteral("python"), QStringLiteral("Python")}, {QStringLiteral("py"), QStringLiteral("Python")},
        {QStringLiteral("python3"), QStringLiteral("Python")}, {QStringLiteral("javascript"), QStringLiteral("JavaScript")},
        {QStringLiteral("js"), QStringLiteral("JavaScript")}, {QStringLiteral("jsx"), QStringLiteral("JSX")},
        {QStringLiteral("node"), QStringLiteral("JavaScript")}, {QStringLiteral("typescript"), QStringLiteral("TypeScript")},
        {QStringLiteral("ts"), QStringLiteral("TypeScript")}, {QStringLiteral("tsx"), QStringLiteral("TSX")},
        {QStringLiteral("qml"), QStringLiteral("QML")},       {QStringLiteral("json"), QStringLiteral("JSON")},
        {QStringLiteral("jsonc"), QStringLiteral("JSON")},    {QStringLiteral("json5"), QStringLiteral("JSON5")},
        {QStringLiteral("jsonl"), QStringLiteral("JSON Lines")}, {QStringLiteral("sh"), QStringLiteral("Shell")},
        {QStringLiteral("shell"), QStringLiteral("Shell")},   {QStringLiteral("bash"), QStringLiteral("Bash")},
        {QStringLiteral("zsh"), QStringLiteral("Zsh")},       {QStringLiteral("console"), QStringLiteral("Terminal")},
        {QStringLiteral("terminal"), QStringLiteral("Terminal")}, {QStringLiteral("shell-session"), QStringLiteral("Terminal")},
    };
    const QString key = tag.trimmed().toLower();
    return kNames.value(key, tag.trimmed());
}

SegmentModel::SegmentModel(QObject* parent) : QAbstractListModel(parent) {}

void SegmentModel::setMarkdown(const QString& m) {
    if (m == markdown_) return;
    markdown_ = m;
    update();
    Q_EMIT markdownChanged();
}

void SegmentModel::setStreaming(bool s) {
    if (s == streaming_) return;
    streaming_ = s;
    update();
    Q_EMIT streamingChanged();
}

void SegmentModel::update() {
    const QVector<MarkdownSegment> next = splitMarkdown(markdown_, streaming_);
    const int common = int(std::min(next.size(), segments_.size()));
    // Rows whose kind changed are replaced (a Text delegate cannot become a Code one).
    int firstReplaced = common;
    for (int i = 0; i < common; ++i)
        if (next[i].kind != segments_[i].kind) { firstReplaced = i; break; }
    for (int i = 0; i < firstReplaced; ++i) {
        if (next[i] == segments_[i]) continue;
        segments_[i] = next[i];
        Q_EMIT dataChanged(index(i), index(i));
    }
    const int oldCount = int(segments_.size());
    if (oldCount > firstReplaced) {
        beginRemoveRows({}, firstReplaced, oldCount - 1);
        segments_.resize(firstReplaced);
        endRemoveRows();
    }
    if (next.size() > firstReplaced) {
        beginInsertRows({}, firstReplaced, int(next.size()) - 1);
        for (int i = firstReplaced; i < next.size(); ++i) segments_.push_back(next[i]);
        endInsertRows();
    }
    if (oldCount != segments_.size()) Q_EMIT countChanged();
}

int SegmentModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(segments_.size()); }

QVariant SegmentModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= segments_.size()) return {};
    const MarkdownSegment& s = segments_[index.row()];
    switch (role) {
    case KindRole: return s.kind == MarkdownSegment::Kind::Code ? QStringLiteral("code") : QStringLiteral("text");
    case Qt::DisplayRole:
    case TextRole: return s.text;
    case LanguageRole: return s.language;
    case LanguageNameRole: return languageDisplayName(s.language);
    case HighlightRole: return canonicalLanguage(s.language);
    case ClosedRole: return s.closed;
    }
    return {};
}

QHash<int, QByteArray> SegmentModel::roleNames() const {
    return {{KindRole, "kind"}, {TextRole, "segmentText"}, {LanguageRole, "language"},
            {LanguageNameRole, "languageName"}, {HighlightRole, "highlight"}, {ClosedRole, "closed"}};
}

}  // namespace tern::app
