#pragma once
// Markdown answers styled for the app's theme. Qt's Markdown reader colours links with the
// application palette's link colour when the text is read (a dark blue, unreadable on the dark
// theme's background), leaves table header cells unaligned while a column's body cells follow its
// `:---:` alignment, and marks block quotes only with an indent. Attached to a TextEdit's document,
// this gives links the theme's link colour, each header cell its column's alignment, and quotes
// muted italic text on a tint (behind the words: Qt Quick draws no block backgrounds).
#include <QColor>
#include <QObject>
#include <QPointer>
#include <QQuickTextDocument>

class QTextDocument;

namespace tern::app {

struct MarkdownColors {
    QColor link;
    QColor quoteText;
    QColor quoteBackground;
};

void applyMarkdownStyle(QTextDocument* doc, const MarkdownColors& colors);

// For QML: `MarkdownStyle { textDocument: edit.textDocument; linkColor: ...; ... }`; re-applied on
// every change of the text or the colours.
class MarkdownStyle : public QObject {
    Q_OBJECT
    Q_PROPERTY(QQuickTextDocument* textDocument READ textDocument WRITE setTextDocument NOTIFY changed)
    Q_PROPERTY(QColor linkColor READ linkColor WRITE setLinkColor NOTIFY changed)
    Q_PROPERTY(QColor quoteColor READ quoteColor WRITE setQuoteColor NOTIFY changed)
    Q_PROPERTY(QColor quoteBackground READ quoteBackground WRITE setQuoteBackground NOTIFY changed)
public:
    explicit MarkdownStyle(QObject* parent = nullptr);

    QQuickTextDocument* textDocument() const { return doc_; }
    void setTextDocument(QQuickTextDocument* d);
    QColor linkColor() const { return colors_.link; }
    void setLinkColor(const QColor& c);
    QColor quoteColor() const { return colors_.quoteText; }
    void setQuoteColor(const QColor& c);
    QColor quoteBackground() const { return colors_.quoteBackground; }
    void setQuoteBackground(const QColor& c);

Q_SIGNALS:
    void changed();

private:
    void setColor(QColor& field, const QColor& c);
    void apply();
    QPointer<QQuickTextDocument> doc_;
    QMetaObject::Connection connection_;
    MarkdownColors colors_;
    bool applying_ = false;
};

}  // namespace tern::app
