#pragma once
// Bidirectional text in the chat, laid out consistently. Qt gives each paragraph the direction of
// its first letter and aligns right-to-left paragraphs to the right, so an answer that opens with
// an Arabic greeting or a question that starts with a Hebrew name would sit on the wrong side of
// its bubble, with its punctuation flipped. Attached to a TextEdit's document, this gives every
// paragraph the direction most of its letters have (code: always left to right) and aligns every
// paragraph to the left; right-to-left runs inside a line are still ordered by the Unicode
// bidirectional algorithm. Prose paragraphs (and whole lists) also get some space below them,
// which Qt's Markdown reader does not give.
#include <QObject>
#include <QPointer>
#include <QQuickTextDocument>
#include <QStringView>

class QTextDocument;

namespace tern::app {

// The direction most strong characters of `text` have; left to right on a tie or with none.
Qt::LayoutDirection dominantDirection(QStringView text);

// Sets every paragraph's direction (by majority, or left to right when `code`), left alignment
// and, for prose, the space below paragraphs and lists.
void applyParagraphLayout(QTextDocument* doc, bool code);
constexpr qreal kParagraphSpacing = 8;

// For QML: `ParagraphLayout { textDocument: edit.textDocument }`; re-applied on every change.
class ParagraphLayout : public QObject {
    Q_OBJECT
    Q_PROPERTY(QQuickTextDocument* textDocument READ textDocument WRITE setTextDocument NOTIFY textDocumentChanged)
    Q_PROPERTY(bool code READ code WRITE setCode NOTIFY codeChanged)
public:
    explicit ParagraphLayout(QObject* parent = nullptr);

    QQuickTextDocument* textDocument() const { return doc_; }
    void setTextDocument(QQuickTextDocument* d);
    bool code() const { return code_; }
    void setCode(bool c);

Q_SIGNALS:
    void textDocumentChanged();
    void codeChanged();

private:
    void apply();
    QPointer<QQuickTextDocument> doc_;
    QMetaObject::Connection connection_;
    bool code_ = false;
    bool applying_ = false;
};

}  // namespace tern::app
