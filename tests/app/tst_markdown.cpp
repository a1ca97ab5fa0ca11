// Answers split into prose and fenced code blocks (language tag, unclosed fences while streaming,
// nested and inline backticks), the per-bubble segment model's in-place updates, the code
// highlighter's colours for each language and theme, and how block quotes are told apart.
#include <algorithm>

#include <QAbstractItemModelTester>
#include <QAbstractTextDocumentLayout>
#include <QSignalSpy>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>
#include <QtTest>

#include "CodeHighlighter.h"
#include "MarkdownSegments.h"
#include "MarkdownStyle.h"
#include "ParagraphLayout.h"

using namespace tern::app;
using Kind = MarkdownSegment::Kind;

namespace {

MarkdownSegment text(const QString& t) { return {Kind::Text, t, {}, true}; }
MarkdownSegment code(const QString& t, const QString& lang, bool closed = true) { return {Kind::Code, t, lang, closed}; }

QString describe(const QVector<MarkdownSegment>& v) {
    QStringList out;
    for (const auto& s : v)
        out << QStringLiteral("%1[%2%3]{%4}")
                   .arg(s.kind == Kind::Code ? QStringLiteral("code") : QStringLiteral("text"), s.language,
                        s.closed ? QString() : QStringLiteral(",open"), s.text);
    return out.join(QLatin1Char(' '));
}

#define COMPARE_SEGMENTS(actual, expected)                                                          \
    do {                                                                                            \
        const auto a_ = (actual);                                                                   \
        const QVector<MarkdownSegment> e_ = expected;                                               \
        QVERIFY2(a_ == e_, qPrintable(QStringLiteral("\n got:  %1\n want: %2").arg(describe(a_), describe(e_)))); \
    } while (0)

// The foreground colour the highlighter gave the character at `pos` of line `line`.
QColor colorAt(QTextDocument& doc, int line, int pos) {
    const QTextBlock b = doc.findBlockByNumber(line);
    for (const QTextLayout::FormatRange& r : b.layout()->formats())
        if (pos >= r.start && pos < r.start + r.length) return r.format.foreground().color();
    return {};
}

}  // namespace

class TestMarkdown : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void plainTextIsOneSegment() {
        COMPARE_SEGMENTS(splitMarkdown(QStringLiteral("Hello **world**.\n\nSecond paragraph.")),
                         {text(QStringLiteral("Hello **world**.\n\nSecond paragraph."))});
        QVERIFY(splitMarkdown(QString()).isEmpty());
        QVERIFY(splitMarkdown(QStringLiteral("\n  \n")).isEmpty());
    }

    void fencedBlockWithLanguage() {
        const QString md = QStringLiteral("Here is C++:\n\n```cpp\nint main() {\n  return 0;\n}\n```\n\nDone.");
        COMPARE_SEGMENTS(splitMarkdown(md), (QVector<MarkdownSegment>{
                                                text(QStringLiteral("Here is C++:")),
                                                code(QStringLiteral("int main() {\n  return 0;\n}"), QStringLiteral("cpp")),
                                                text(QStringLiteral("Done."))}));
    }

    void languageTagForms() {
        // The first word of the info string; pandoc braces; no tag at all; tildes.
        QCOMPARE(splitMarkdown(QStringLiteral("```python title=\"x.py\"\nx = 1\n```")).value(0).language, QStringLiteral("python"));
        QCOMPARE(splitMarkdown(QStringLiteral("```{.bash}\nls\n```")).value(0).language, QStringLiteral("bash"));
        QCOMPARE(splitMarkdown(QStringLiteral("```  js  \nx\n```")).value(0).language, QStringLiteral("js"));
        COMPARE_SEGMENTS(splitMarkdown(QStringLiteral("```\nplain\n```")), {code(QStringLiteral("plain"), QString())});
        COMPARE_SEGMENTS(splitMarkdown(QStringLiteral("~~~json\n{\"a\": 1}\n~~~")),
                         {code(QStringLiteral("{\"a\": 1}"), QStringLiteral("json"))});
        // CRLF line ends.
        COMPARE_SEGMENTS(splitMarkdown(QStringLiteral("a\r\n```sh\r\nls\r\n```\r\n")),
                         (QVector<MarkdownSegment>{text(QStringLiteral("a")), code(QStringLiteral("ls"), QStringLiteral("sh"))}));
    }

    void unclosedFenceWhileStreaming() {
        // The closing fence has not arrived: everything after the opening is code, marked open.
        COMPARE_SEGMENTS(splitMarkdown(QStringLiteral("Try:\n```python\ndef f():\n    ret"), true),
                         (QVector<MarkdownSegment>{text(QStringLiteral("Try:")),
                                                   code(QStringLiteral("def f():\n    ret"), QStringLiteral("python"), false)}));
        // Finished without a closing fence (the model stopped): still a code block.
        COMPARE_SEGMENTS(splitMarkdown(QStringLiteral("```sh\nls -l\n")), {code(QStringLiteral("ls -l"), QStringLiteral("sh"), false)});
        // The opening line has not ended: its language may still grow, so no block yet.
        COMPARE_SEGMENTS(splitMarkdown(QStringLiteral("Try:\n```pyt"), true), {text(QStringLiteral("Try:"))});
        // "``" may become a fence with the next token: held back while streaming, shown when final.
        COMPARE_SEGMENTS(splitMarkdown(QStringLiteral("Try:\n``"), true), {text(QStringLiteral("Try:"))});
        COMPARE_SEGMENTS(splitMarkdown(QStringLiteral("Try:\n``"), false), {text(QStringLiteral("Try:\n``"))});
        // A closing fence arriving one backtick at a time does not flash into the code.
        COMPARE_SEGMENTS(splitMarkdown(QStringLiteral("```c\nx;\n``"), true), {code(QStringLiteral("x;"), QStringLiteral("c"), false)});
        COMPARE_SEGMENTS(splitMarkdown(QStringLiteral("```c\nx;\n```"), true), {code(QStringLiteral("x;"), QStringLiteral("c"), true)});
    }

    void nestedBackticks() {
        // A four-backtick fence holds a three-backtick one: the inner fences are code.
        const QString md = QStringLiteral("````markdown\n```python\nprint(1)\n```\n````\nAfter.");
        COMPARE_SEGMENTS(splitMarkdown(md), (QVector<MarkdownSegment>{
                                                code(QStringLiteral("```python\nprint(1)\n```"), QStringLiteral("markdown")),
                                                text(QStringLiteral("After."))}));
        // A tilde fence is not closed by backticks, and vice versa.
        COMPARE_SEGMENTS(splitMarkdown(QStringLiteral("~~~\n```\n~~~")), {code(QStringLiteral("```"), QString())});
        // Inline code spans, even with three backticks on one line, are prose.
        const QString inline_ = QStringLiteral("Use `ls` or ```echo `x` ``` here.\n```not a fence``` either");
        COMPARE_SEGMENTS(splitMarkdown(inline_), {text(inline_)});
        // A closing fence needs nothing after it: "``` x" inside a block is code.
        COMPARE_SEGMENTS(splitMarkdown(QStringLiteral("```\na\n``` x\nb\n```")), {code(QStringLiteral("a\n``` x\nb"), QString())});
    }

    void indentedFenceInAList() {
        const QString md = QStringLiteral("1. Install:\n   ```bash\n   pip install x\n     --upgrade\n   ```\n2. Run it.");
        COMPARE_SEGMENTS(splitMarkdown(md), (QVector<MarkdownSegment>{
                                                text(QStringLiteral("1. Install:")),
                                                code(QStringLiteral("pip install x\n  --upgrade"), QStringLiteral("bash")),
                                                text(QStringLiteral("2. Run it."))}));
    }

    void languageNames() {
        QCOMPARE(canonicalLanguage(QStringLiteral("C++")), QStringLiteral("cpp"));
        QCOMPARE(canonicalLanguage(QStringLiteral("py")), QStringLiteral("python"));
        QCOMPARE(canonicalLanguage(QStringLiteral("TS")), QStringLiteral("javascript"));
        QCOMPARE(canonicalLanguage(QStringLiteral("jsonc")), QStringLiteral("json"));
        QCOMPARE(canonicalLanguage(QStringLiteral("zsh")), QStringLiteral("shell"));
        QCOMPARE(canonicalLanguage(QStringLiteral("haskell")), QString());
        QCOMPARE(languageDisplayName(QStringLiteral("cpp")), QStringLiteral("C++"));
        QCOMPARE(languageDisplayName(QStringLiteral("bash")), QStringLiteral("Bash"));
        QCOMPARE(languageDisplayName(QStringLiteral("haskell")), QStringLiteral("haskell"));
    }

    void segmentModelUpdatesInPlace() {
        SegmentModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        m.setStreaming(true);
        // Stream an answer a few characters at a time, as the worker does.
        const QString answer = QStringLiteral("Run this:\n```python\nprint(\"hi\")\n```\nThat prints hi.");
        for (int i = 1; i <= answer.size(); i += 3) m.setMarkdown(answer.left(i));
        m.setMarkdown(answer);
        m.setStreaming(false);
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(removed.count(), 0);    // rows only appear, none is rebuilt
        QCOMPARE(inserted.count(), 3);   // one per segment
        QVERIFY(changed.count() > 3);    // the rest were in-place updates
        QCOMPARE(m.data(m.index(1), SegmentModel::KindRole).toString(), QStringLiteral("code"));
        QCOMPARE(m.data(m.index(1), SegmentModel::TextRole).toString(), QStringLiteral("print(\"hi\")"));
        QCOMPARE(m.data(m.index(1), SegmentModel::LanguageNameRole).toString(), QStringLiteral("Python"));
        QCOMPARE(m.data(m.index(1), SegmentModel::HighlightRole).toString(), QStringLiteral("python"));
        QVERIFY(m.data(m.index(1), SegmentModel::ClosedRole).toBool());
        QCOMPARE(m.data(m.index(2), SegmentModel::TextRole).toString(), QStringLiteral("That prints hi."));
        // An edit that turns prose into code replaces rows from there on.
        m.setMarkdown(QStringLiteral("Run this:\n    indented"));
        QCOMPARE(m.rowCount(), 1);
        m.setMarkdown(QString());
        QCOMPARE(m.rowCount(), 0);
    }

    void highlightsCpp() {
        QTextDocument doc;
        doc.documentLayout();  // as in a TextEdit: without a layout no contentsChange is emitted
        SyntaxHighlighter h(&doc);
        h.setLanguage(QStringLiteral("c++"));
        QCOMPARE(h.language(), QStringLiteral("cpp"));
        doc.setPlainText(QStringLiteral("#include <vector>\n"
                                        "int x = 42; // \"not a string\" return\n"
                                        "const char* s = \"if /* no */\";\n"
                                        "/* block\n"
                                        "   return */ return 0x1F;"));
        using T = SyntaxHighlighter::Token;
        const auto c = [&](T t) { return SyntaxHighlighter::color(t, false); };
        QCOMPARE(colorAt(doc, 0, 0), c(T::Meta));       // #include
        QCOMPARE(colorAt(doc, 0, 10), c(T::String));    // <vector>
        QCOMPARE(colorAt(doc, 1, 0), c(T::Type));       // int
        QCOMPARE(colorAt(doc, 1, 4), QColor());         // x: plain
        QCOMPARE(colorAt(doc, 1, 8), c(T::Number));     // 42
        QCOMPARE(colorAt(doc, 1, 12), c(T::Comment));   // the comment...
        QCOMPARE(colorAt(doc, 1, 32), c(T::Comment));   // ...including a keyword in it
        QCOMPARE(colorAt(doc, 2, 0), c(T::Keyword));    // const
        QCOMPARE(colorAt(doc, 2, 17), c(T::String));    // "if /* no */": a string, not a comment
        QCOMPARE(colorAt(doc, 3, 0), c(T::Comment));    // block comment...
        QCOMPARE(colorAt(doc, 4, 5), c(T::Comment));    // ...continues on the next line
        QCOMPARE(colorAt(doc, 4, 13), c(T::Keyword));   // return after */
        QCOMPARE(colorAt(doc, 4, 20), c(T::Number));    // 0x1F
    }

    void highlightsPythonJsJsonShell() {
        using T = SyntaxHighlighter::Token;
        const auto c = [](T t) { return SyntaxHighlighter::color(t, false); };
        {
            QTextDocument doc;
            doc.documentLayout();
            SyntaxHighlighter h(&doc);
            h.setLanguage(QStringLiteral("py"));
            doc.setPlainText(QStringLiteral("@cache\ndef f(x):  # def\n    return f\"{x}\" + '''a\nb''' or None"));
            QCOMPARE(colorAt(doc, 0, 0), c(T::Meta));      // decorator
            QCOMPARE(colorAt(doc, 1, 0), c(T::Keyword));   // def
            QCOMPARE(colorAt(doc, 1, 12), c(T::Comment));
            QCOMPARE(colorAt(doc, 2, 4), c(T::Keyword));   // return
            QCOMPARE(colorAt(doc, 2, 11), c(T::String));   // the f of f"..."
            QCOMPARE(colorAt(doc, 2, 20), c(T::String));   // '''a
            QCOMPARE(colorAt(doc, 3, 0), c(T::String));    // b''' (triple quotes span lines)
            QCOMPARE(colorAt(doc, 3, 8), c(T::Number));    // None
        }
        {
            QTextDocument doc;
            doc.documentLayout();
            SyntaxHighlighter h(&doc);
            h.setLanguage(QStringLiteral("javascript"));
            doc.setPlainText(QStringLiteral("const s = `a\n${b}`; obj.delete(1.5e-3);"));
            QCOMPARE(colorAt(doc, 0, 0), c(T::Keyword));
            QCOMPARE(colorAt(doc, 0, 10), c(T::String));   // template literal...
            QCOMPARE(colorAt(doc, 1, 2), c(T::String));    // ...over two lines
            QCOMPARE(colorAt(doc, 1, 11), QColor());       // .delete is a member, not the keyword
            QCOMPARE(colorAt(doc, 1, 18), c(T::Number));   // 1.5e-3
        }
        {
            QTextDocument doc;
            doc.documentLayout();
            SyntaxHighlighter h(&doc);
            h.setLanguage(QStringLiteral("json"));
            doc.setPlainText(QStringLiteral("{\"url\": \"http://x\", \"n\": -1, \"ok\": true}"));
            QCOMPARE(colorAt(doc, 0, 1), c(T::Meta));      // key
            QCOMPARE(colorAt(doc, 0, 15), c(T::String));   // value (its // is not a comment)
            QCOMPARE(colorAt(doc, 0, 26), c(T::Number));   // 1
            QCOMPARE(colorAt(doc, 0, 36), c(T::Number));   // true
        }
        {
            QTextDocument doc;
            doc.documentLayout();
            SyntaxHighlighter h(&doc);
            h.setLanguage(QStringLiteral("bash"));
            doc.setPlainText(QStringLiteral("for f in *.gguf; do echo \"$f\" ${#a} # done\nls --time 'it''s' x#y; done"));
            QCOMPARE(colorAt(doc, 0, 0), c(T::Keyword));   // for
            QCOMPARE(colorAt(doc, 0, 6), c(T::Keyword));   // in
            QCOMPARE(colorAt(doc, 0, 20), c(T::Type));     // echo
            QCOMPARE(colorAt(doc, 0, 25), c(T::String));   // "$f"
            QCOMPARE(colorAt(doc, 0, 31), c(T::Meta));     // ${#a}: not a comment
            QCOMPARE(colorAt(doc, 0, 38), c(T::Comment));  // # done
            QCOMPARE(colorAt(doc, 1, 5), QColor());        // --time is an option
            QCOMPARE(colorAt(doc, 1, 10), c(T::String));
            QCOMPARE(colorAt(doc, 1, 20), QColor());       // x#y: # inside a word
            QCOMPARE(colorAt(doc, 1, 24), c(T::Keyword));  // done
        }
    }

    void themesAndUnknownLanguages() {
        using T = SyntaxHighlighter::Token;
        for (T t : {T::Keyword, T::Type, T::String, T::Comment, T::Number, T::Meta})
            QVERIFY(SyntaxHighlighter::color(t, false) != SyntaxHighlighter::color(t, true));
        QTextDocument doc;
        doc.documentLayout();  // as in a TextEdit: without a layout no contentsChange is emitted
        SyntaxHighlighter h(&doc);
        h.setLanguage(QStringLiteral("cpp"));
        doc.setPlainText(QStringLiteral("return 1;"));
        QCOMPARE(colorAt(doc, 0, 0), SyntaxHighlighter::color(T::Keyword, false));
        h.setDark(true);  // re-coloured at once
        QCOMPARE(colorAt(doc, 0, 0), SyntaxHighlighter::color(T::Keyword, true));
        h.setLanguage(QStringLiteral("brainfuck"));
        QCOMPARE(h.language(), QString());
        QCOMPARE(colorAt(doc, 0, 0), QColor());         // unknown: left plain
    }

    void paragraphDirections() {
        QCOMPARE(dominantDirection(u"Hello"), Qt::LeftToRight);
        QCOMPARE(dominantDirection(u"שלום עולם"), Qt::RightToLeft);
        QCOMPARE(dominantDirection(u"שלום! How are you today?"), Qt::LeftToRight);   // first letter is not the vote
        QCOMPARE(dominantDirection(u"Tern: מודל שפה קטן ומהיר"), Qt::RightToLeft);
        QCOMPARE(dominantDirection(u"123 ... !"), Qt::LeftToRight);                  // nothing strong
        QTextDocument doc;
        doc.setPlainText(QStringLiteral("مرحبا hello world\nمرحبا بالعالم\nplain"));
        applyParagraphLayout(&doc, false);
        QTextBlock b = doc.firstBlock();
        QCOMPARE(b.textDirection(), Qt::LeftToRight);
        QCOMPARE(b.blockFormat().alignment(), Qt::AlignLeft | Qt::AlignAbsolute);
        QCOMPARE(b.next().textDirection(), Qt::RightToLeft);
        QCOMPARE(b.next().blockFormat().alignment(), Qt::AlignLeft | Qt::AlignAbsolute);  // still on the left
        applyParagraphLayout(&doc, true);  // code
        QCOMPARE(b.next().textDirection(), Qt::LeftToRight);
    }

    // Defect 12: a block quote looks different from plain text. Its words are muted and italic and
    // indented from the box the view draws behind it; quoteAreas gives one box per quote, spanning
    // the text column and covering its lines, and none around plain paragraphs or table cells.
    void blockQuotesGetABox() {
        QTextDocument doc;
        doc.setDocumentMargin(0);
        doc.setMarkdown(QStringLiteral("Before.\n\n> First quoted paragraph.\n>\n> Second, still quoted.\n\n"
                                       "Between.\n\n> Another quote.\n\n| a |\n|---|\n| > not a quote here |\n\nAfter."));
        doc.setTextWidth(400);
        const QColor muted(QStringLiteral("#9aa4b2"));
        applyMarkdownStyle(&doc, {QColor(QStringLiteral("#7dd3fc")), muted});
        const QList<QRectF> areas = quoteAreas(&doc);
        QCOMPARE(areas.size(), 2);
        for (const QRectF& a : areas) {
            QCOMPARE(a.left(), 0.0);     // the column's left edge: the bar sits there
            QCOMPARE(a.width(), 400.0);  // to its right edge
        }
        QVERIFY(areas[0].bottom() < areas[1].top());

        int quoted = 0, plain = 0;
        for (QTextBlock b = doc.begin(); b.isValid(); b = b.next()) {
            if (b.text().isEmpty()) continue;
            const QRectF lines = doc.documentLayout()->blockBoundingRect(b);
            const QTextCharFormat f = b.begin().fragment().charFormat();
            const bool inQuote = b.blockFormat().intProperty(QTextFormat::BlockQuoteLevel) > 0;
            const bool inBox = std::any_of(areas.begin(), areas.end(), [&](const QRectF& a) { return a.intersects(lines); });
            QVERIFY2(inQuote == inBox, qPrintable(b.text()));
            if (inQuote) {
                ++quoted;
                QVERIFY2(std::any_of(areas.begin(), areas.end(), [&](const QRectF& a) {
                             return a.top() <= lines.top() - kQuotePadding && a.bottom() >= lines.bottom() + kQuotePadding; }),
                         qPrintable(b.text()));
                QCOMPARE(b.blockFormat().leftMargin(), kQuoteIndent);   // clear of the bar
                QCOMPARE(b.layout()->lineAt(0).x(), kQuoteIndent);
                QVERIFY(f.fontItalic());
                QCOMPARE(f.foreground().color(), muted);
            } else {
                ++plain;
                QVERIFY2(!f.fontItalic() && !f.hasProperty(QTextFormat::ForegroundBrush), qPrintable(b.text()));
            }
        }
        QCOMPARE(quoted, 3);
        QCOMPARE(plain, 5);  // Before, Between, the two cells, After

        // Applying again (every change of the text or colours does) changes nothing; a narrower
        // column narrows the boxes.
        const QString before = doc.toHtml();
        applyMarkdownStyle(&doc, {QColor(QStringLiteral("#7dd3fc")), muted});
        QCOMPARE(doc.toHtml(), before);
        doc.setTextWidth(250);
        QCOMPARE(quoteAreas(&doc).value(0).width(), 250.0);

        QTextDocument noQuote;
        noQuote.setMarkdown(QStringLiteral("Just text.\n\nMore text, no quote."));
        applyMarkdownStyle(&noQuote, {QColor(QStringLiteral("#7dd3fc")), muted});
        QVERIFY(quoteAreas(&noQuote).isEmpty());
    }
};

QTEST_MAIN(TestMarkdown)
#include "tst_markdown.moc"
