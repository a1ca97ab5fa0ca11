#pragma once
// Syntax colours for the code blocks of an answer: keywords, types, strings, comments, numbers and
// "meta" (preprocessor lines, decorators, shell variables, JSON keys) for C/C++, Python,
// JavaScript/TypeScript, JSON and shell, in a light and a dark palette. A small hand-written
// scanner per line (with state across lines for block comments, triple-quoted and template
// strings), not regular expressions, so a keyword inside a string or comment is never coloured.
#include <QColor>
#include <QObject>
#include <QPointer>
#include <QQuickTextDocument>
#include <QSyntaxHighlighter>

namespace tern::app {

class SyntaxHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    enum class Token { Keyword, Type, String, Comment, Number, Meta };

    explicit SyntaxHighlighter(QTextDocument* document = nullptr);

    // A fence tag ("py", "c++", "bash"...) or a canonical name; unknown languages are left plain.
    void setLanguage(const QString& tag);
    QString language() const { return language_; }  // canonical, "" when none
    void setDark(bool dark);
    bool dark() const { return dark_; }

    static QColor color(Token t, bool dark);

protected:
    void highlightBlock(const QString& text) override;

private:
    void mark(int from, int length, Token t);
    QString language_;
    bool dark_ = false;
};

// For QML: `CodeHighlighter { textDocument: codeEdit.textDocument; language: "python"; dark: theme.dark }`
class CodeHighlighter : public QObject {
    Q_OBJECT
    Q_PROPERTY(QQuickTextDocument* textDocument READ textDocument WRITE setTextDocument NOTIFY textDocumentChanged)
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
    Q_PROPERTY(bool dark READ dark WRITE setDark NOTIFY darkChanged)
public:
    explicit CodeHighlighter(QObject* parent = nullptr);

    QQuickTextDocument* textDocument() const { return doc_; }
    void setTextDocument(QQuickTextDocument* d);
    QString language() const { return language_; }
    void setLanguage(const QString& l);
    bool dark() const { return dark_; }
    void setDark(bool d);
    SyntaxHighlighter* highlighter() const { return highlighter_; }

Q_SIGNALS:
    void textDocumentChanged();
    void languageChanged();
    void darkChanged();

private:
    QPointer<QQuickTextDocument> doc_;
    QString language_;
    bool dark_ = false;
    SyntaxHighlighter* highlighter_;
};

}  // namespace tern::app
