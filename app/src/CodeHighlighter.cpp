#include "CodeHighlighter.h"

#include <QQuickTextDocument>
#include <QSet>
#include <QTextDocument>

#include "MarkdownSegments.h"

namespace tern::app {

namespace {

// Block states carried from one line to the next.
enum State { Normal = 0, InBlockComment = 1, InTripleDouble = 2, InTripleSingle = 3, InTemplate = 4 };

struct Spec {
    QSet<QString> keywords, types, constants;
    bool slashComments = false;   // // and /* */
    bool hashComments = false;    // # to the end of the line
    bool preprocessor = false;    // a line starting with # (C)
    bool tripleQuotes = false;    // Python """ and '''
    bool templateStrings = false; // JavaScript `...${}...`
    bool singleQuotes = true;     // '...' is a string
    bool shell = false;           // $VAR, words with dashes, '...' without escapes, # only at a word start
    bool decorators = false;      // Python @name
    bool jsonKeys = false;        // "key": in another colour
};

QSet<QString> words(const char* list) {
    QSet<QString> s;
    for (const QString& w : QString::fromLatin1(list).split(QLatin1Char(' '), Qt::SkipEmptyParts)) s.insert(w);
    return s;
}

const Spec* specFor(const QString& lang) {
    static const Spec cpp = [] {
        Spec s;
        s.keywords = words(
            "alignas alignof asm break case catch class concept const consteval constexpr constinit const_cast "
            "continue co_await co_return co_yield decltype default delete do dynamic_cast else enum explicit export "
            "extern final for friend goto if inline mutable namespace new noexcept operator override private "
            "protected public register reinterpret_cast requires return sizeof static static_assert static_cast "
            "struct switch template this thread_local throw try typedef typeid typename union using virtual volatile "
            "while layout uniform in out inout buffer shared __global__ __device__ __host__ __shared__");
        s.types = words(
            "auto bool char char8_t char16_t char32_t double float int long short signed unsigned void wchar_t "
            "size_t ssize_t ptrdiff_t intptr_t uintptr_t int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t "
            "uint64_t std string vector map unique_ptr shared_ptr FILE vec2 vec3 vec4 ivec2 ivec3 ivec4 uvec2 uvec3 "
            "uvec4 mat2 mat3 mat4 uint");
        s.constants = words("true false nullptr NULL");
        s.slashComments = true;
        s.preprocessor = true;
        return s;
    }();
    static const Spec python = [] {
        Spec s;
        s.keywords = words(
            "and as assert async await break class continue def del elif else except finally for from global if "
            "import in is lambda nonlocal not or pass raise return try while with yield match case");
        s.types = words(
            "int float str bool list dict set tuple bytes bytearray object type len range print enumerate zip map "
            "filter open super isinstance sorted reversed min max sum abs any all iter next self cls");
        s.constants = words("True False None NotImplemented Ellipsis");
        s.hashComments = true;
        s.tripleQuotes = true;
        s.decorators = true;
        return s;
    }();
    static const Spec js = [] {
        Spec s;
        s.keywords = words(
            "async await break case catch class const continue debugger default delete do else export extends "
            "finally for from function get if import in instanceof let new of return set static super switch this "
            "throw try typeof var void while with yield as interface type enum implements private public protected "
            "readonly declare namespace abstract keyof property signal readonly required alias");
        s.types = words(
            "string number boolean any unknown never object symbol bigint Array Promise Map Set Object String "
            "Number Boolean Date Error JSON Math RegExp console window document int real double var list");
        s.constants = words("true false null undefined NaN Infinity");
        s.slashComments = true;
        s.templateStrings = true;
        return s;
    }();
    static const Spec json = [] {
        Spec s;
        s.constants = words("true false null");
        s.singleQuotes = false;
        s.jsonKeys = true;
        s.slashComments = true;  // JSONC; harmless for JSON
        return s;
    }();
    static const Spec shell = [] {
        Spec s;
        s.keywords = words(
            "if then else elif fi case esac for while until do done in function select return exit break continue "
            "local export readonly declare unset shift source alias set time");
        s.types = words("echo printf cd pwd read eval exec trap test sudo");
        s.constants = words("true false");
        s.hashComments = true;
        s.shell = true;
        return s;
    }();
    if (lang == QLatin1String("cpp")) return &cpp;
    if (lang == QLatin1String("python")) return &python;
    if (lang == QLatin1String("javascript")) return &js;
    if (lang == QLatin1String("json")) return &json;
    if (lang == QLatin1String("shell")) return &shell;
    return nullptr;
}

bool isIdentStart(QChar c) { return c.isLetter() || c == QLatin1Char('_'); }
bool isIdent(QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_'); }

bool isStringPrefix(const QString& w) {
    if (w.isEmpty() || w.size() > 2) return false;
    for (QChar ch : w)
        if (!QStringLiteral("rbfuRBFU").contains(ch)) return false;
    return true;
}

// Index just after the string that starts with `quote` at i (escapes honoured unless rawQuotes),
// or -1 when it does not end on this line.
int stringEnd(const QString& t, int i, QChar quote, bool escapes) {
    for (int j = i + 1; j < t.size(); ++j) {
        if (escapes && t[j] == QLatin1Char('\\')) { ++j; continue; }
        if (t[j] == quote) return j + 1;
    }
    return -1;
}

}  // namespace

SyntaxHighlighter::SyntaxHighlighter(QTextDocument* document) : QSyntaxHighlighter(document) {}

void SyntaxHighlighter::setLanguage(const QString& tag) {
    const QString c = specFor(tag) ? tag : canonicalLanguage(tag);
    if (c == language_) return;
    language_ = c;
    rehighlight();
}

void SyntaxHighlighter::setDark(bool dark) {
    if (dark == dark_) return;
    dark_ = dark;
    rehighlight();
}

QColor SyntaxHighlighter::color(Token t, bool dark) {
    // Palettes in the spirit of GitHub's light and dark code themes, checked for contrast on the
    // code block backgrounds in ui/Main.qml.
    switch (t) {
    case Token::Keyword: return QColor(dark ? 0xff7b72 : 0xcf222e);
    case Token::Type: return QColor(dark ? 0xffa657 : 0x953800);
    case Token::String: return QColor(dark ? 0xa5d6ff : 0x0a3069);
    case Token::Comment: return QColor(dark ? 0x8b949e : 0x6e7781);
    case Token::Number: return QColor(dark ? 0x79c0ff : 0x0550ae);
    case Token::Meta: return QColor(dark ? 0xd2a8ff : 0x8250df);
    }
    return {};
}

void SyntaxHighlighter::mark(int from, int length, Token t) {
    QTextCharFormat f;
    f.setForeground(color(t, dark_));
    if (t == Token::Comment) f.setFontItalic(true);
    setFormat(from, length, f);
}

void SyntaxHighlighter::highlightBlock(const QString& t) {
    const Spec* spec = specFor(language_);
    if (!spec) return;
    const int n = int(t.size());
    int state = previousBlockState() < 0 ? Normal : previousBlockState();
    int i = 0;

    // Carried over from the previous line.
    auto closeMultiline = [&](const QString& end, Token tok, bool escapes) {
        int j = 0;
        for (; j < n; ++j) {
            if (escapes && t[j] == QLatin1Char('\\')) { ++j; continue; }
            if (QStringView(t).mid(j).startsWith(end)) break;
        }
        if (j >= n) {
            mark(0, n, tok);
            return false;  // still open
        }
        mark(0, j + int(end.size()), tok);
        i = j + int(end.size());
        state = Normal;
        return true;
    };
    if (state == InBlockComment && !closeMultiline(QStringLiteral("*/"), Token::Comment, false)) { setCurrentBlockState(state); return; }
    if (state == InTripleDouble && !closeMultiline(QStringLiteral("\"\"\""), Token::String, true)) { setCurrentBlockState(state); return; }
    if (state == InTripleSingle && !closeMultiline(QStringLiteral("'''"), Token::String, true)) { setCurrentBlockState(state); return; }
    if (state == InTemplate && !closeMultiline(QStringLiteral("`"), Token::String, true)) { setCurrentBlockState(state); return; }

    if (spec->preprocessor && i == 0) {
        int k = 0;
        while (k < n && t[k].isSpace()) ++k;
        if (k < n && t[k] == QLatin1Char('#')) {
            // The directive, then an <include> or "include" as a string; a trailing comment stays a comment.
            int e = k + 1;
            while (e < n && t[e].isSpace()) ++e;
            while (e < n && isIdent(t[e])) ++e;
            mark(k, e - k, Token::Meta);
            i = e;
            while (i < n && t[i].isSpace()) ++i;
            if (i < n && t[i] == QLatin1Char('<')) {  // #include <header>
                const int close = int(t.indexOf(QLatin1Char('>'), i));
                const int end = close < 0 ? n : close + 1;
                mark(i, end - i, Token::String);
                i = end;
            }
        }
    }

    while (i < n) {
        const QChar c = t[i];
        const QStringView rest = QStringView(t).mid(i);
        // Comments.
        if (spec->slashComments && rest.startsWith(QLatin1String("//"))) { mark(i, n - i, Token::Comment); break; }
        if (spec->slashComments && rest.startsWith(QLatin1String("/*"))) {
            const int e = int(t.indexOf(QLatin1String("*/"), i + 2));
            if (e < 0) { mark(i, n - i, Token::Comment); state = InBlockComment; break; }
            mark(i, e + 2 - i, Token::Comment);
            i = e + 2;
            continue;
        }
        if (spec->hashComments && c == QLatin1Char('#') && (!spec->shell || i == 0 || t[i - 1].isSpace())) {
            mark(i, n - i, Token::Comment);
            break;
        }
        // Strings.
        if (spec->tripleQuotes && (rest.startsWith(QLatin1String("\"\"\"")) || rest.startsWith(QLatin1String("'''")))) {
            const QString q = rest.left(3).toString();
            const int e = int(t.indexOf(q, i + 3));
            if (e < 0) { mark(i, n - i, Token::String); state = q[0] == QLatin1Char('"') ? InTripleDouble : InTripleSingle; break; }
            mark(i, e + 3 - i, Token::String);
            i = e + 3;
            continue;
        }
        if (spec->templateStrings && c == QLatin1Char('`')) {
            const int e = stringEnd(t, i, c, true);
            if (e < 0) { mark(i, n - i, Token::String); state = InTemplate; break; }
            mark(i, e - i, Token::String);
            i = e;
            continue;
        }
        if (c == QLatin1Char('"') || (c == QLatin1Char('\'') && spec->singleQuotes)) {
            // In shell, single quotes have no escapes; an unterminated string runs to the line's end.
            const bool escapes = !(spec->shell && c == QLatin1Char('\''));
            int e = stringEnd(t, i, c, escapes);
            if (e < 0) e = n;
            Token tok = Token::String;
            if (spec->jsonKeys) {
                int k = e;
                while (k < n && t[k].isSpace()) ++k;
                if (k < n && t[k] == QLatin1Char(':')) tok = Token::Meta;
            }
            mark(i, e - i, tok);
            i = e;
            continue;
        }
        // Shell variables: $NAME, ${...}, $1, $?, $@ ...
        if (spec->shell && c == QLatin1Char('$') && i + 1 < n) {
            int e = i + 1;
            if (t[e] == QLatin1Char('{')) {
                const int close = int(t.indexOf(QLatin1Char('}'), e));
                e = close < 0 ? n : close + 1;
            } else if (isIdentStart(t[e])) {
                while (e < n && isIdent(t[e])) ++e;
            } else if (t[e].isDigit() || QStringLiteral("?@#*!$-").contains(t[e])) {
                ++e;
            }
            if (e > i + 1) { mark(i, e - i, Token::Meta); i = e; continue; }
        }
        // Python decorators.
        if (spec->decorators && c == QLatin1Char('@') && t.left(i).trimmed().isEmpty()) {
            int e = i + 1;
            while (e < n && (isIdent(t[e]) || t[e] == QLatin1Char('.'))) ++e;
            mark(i, e - i, Token::Meta);
            i = e;
            continue;
        }
        // Numbers: 42, 0x1F, 1e-3, 3.14f, 1'000'000, 10n, .5
        if (c.isDigit() || (c == QLatin1Char('.') && i + 1 < n && t[i + 1].isDigit())) {
            int e = i + 1;
            const bool hex = c == QLatin1Char('0') && e < n && (t[e] == QLatin1Char('x') || t[e] == QLatin1Char('X'));
            while (e < n) {
                const QChar d = t[e];
                if (d.isLetterOrNumber() || d == QLatin1Char('.') || d == QLatin1Char('_') ||
                    (d == QLatin1Char('\'') && e + 1 < n && t[e + 1].isDigit())) {  // 1'000'000
                    ++e;
                } else if ((d == QLatin1Char('+') || d == QLatin1Char('-')) && !hex &&
                           (t[e - 1] == QLatin1Char('e') || t[e - 1] == QLatin1Char('E'))) {
                    ++e;
                } else {
                    break;
                }
            }
            mark(i, e - i, Token::Number);
            i = e;
            continue;
        }
        // Words.
        if (isIdentStart(c)) {
            int e = i + 1;
            while (e < n && (isIdent(t[e]) || (spec->shell && t[e] == QLatin1Char('-')))) ++e;
            const QString w = t.mid(i, e - i);
            // Python string prefixes (f"...", rb'...'): coloured with their string.
            if (spec->tripleQuotes && e < n && (t[e] == QLatin1Char('"') || t[e] == QLatin1Char('\'')) && isStringPrefix(w)) {
                if (QStringView(t).mid(e).startsWith(QString(3, t[e]))) {
                    mark(i, e - i, Token::String);  // the triple-quoted string itself is next
                    i = e;
                } else {
                    int s = stringEnd(t, e, t[e], true);
                    if (s < 0) s = n;
                    mark(i, s - i, Token::String);
                    i = s;
                }
                continue;
            }
            // obj.delete, x.type, ls --time: members and options are not keywords.
            const bool member = i > 0 && (t[i - 1] == QLatin1Char('.') || (spec->shell && t[i - 1] == QLatin1Char('-')));
            const bool dashed = spec->shell && w.contains(QLatin1Char('-'));
            if (!dashed && !member) {
                if (spec->keywords.contains(w)) mark(i, e - i, Token::Keyword);
                else if (spec->types.contains(w)) mark(i, e - i, Token::Type);
                else if (spec->constants.contains(w)) mark(i, e - i, Token::Number);
            }
            i = e;
            continue;
        }
        ++i;
    }
    setCurrentBlockState(state);
}

CodeHighlighter::CodeHighlighter(QObject* parent) : QObject(parent), highlighter_(new SyntaxHighlighter(nullptr)) {
    highlighter_->setParent(this);
}

void CodeHighlighter::setTextDocument(QQuickTextDocument* d) {
    if (d == doc_) return;
    doc_ = d;
    highlighter_->setDocument(d ? d->textDocument() : nullptr);
    Q_EMIT textDocumentChanged();
}

void CodeHighlighter::setLanguage(const QString& l) {
    if (l == language_) return;
    language_ = l;
    highlighter_->setLanguage(l);
    Q_EMIT languageChanged();
}

void CodeHighlighter::setDark(bool d) {
    if (d == dark_) return;
    dark_ = d;
    highlighter_->setDark(d);
    Q_EMIT darkChanged();
}

}  // namespace tern::app
