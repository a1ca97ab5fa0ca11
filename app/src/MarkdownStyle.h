#pragma once
// Markdown answers styled for the app's theme. Qt's Markdown reader colours links with the
// application palette's link colour when the text is read (a dark blue, unreadable on the dark
// theme's background), leaves table header cells unaligned while a column's body cells follow its
// `:---:` alignment, and marks block quotes only with an indent. Attached to a TextEdit's document,
// this gives links the theme's link colour, each header cell its column's alignment, and quotes
// muted italic text; it also reports where each quote sits (quoteAreas), so the view can draw a
// tinted box with a bar at its side behind it (Qt Quick's TextEdit draws no block backgrounds or
// borders of its own).
#include <QColor>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QQuickTextDocument>
#include <QRectF>
#include <QVariantList>

class QTextDocument;

namespace tern::app {

struct MarkdownColors {
    QColor link;
    QColor quoteText;
};

// Quoted text starts this far from the edge of its box per quote level (Qt's reader indents 40 px).
constexpr qreal kQuoteIndent = 16;
// The box reaches this far above and below a quote's text (less than the paragraph spacing).
constexpr qreal kQuotePadding = 4;

void applyMarkdownStyle(QTextDocument* doc, const MarkdownColors& colors);

// One rectangle (document coordinates) per run of consecutive quoted blocks outside tables: from
// the left edge of the text column to its right edge, kQuotePadding above and below the text.
QList<QRectF> quoteAreas(QTextDocument* doc);

// For QML: `MarkdownStyle { textDocument: edit.textDocument; linkColor: ...; ... }`; re-applied on
// every change of the text or the colours; quoteAreas follows the text and its layout (width).
class MarkdownStyle : public QObject {
    Q_OBJECT
    Q_PROPERTY(QQuickTextDocument* textDocument READ textDocument WRITE setTextDocument NOTIFY changed)
    Q_PROPERTY(QColor linkColor READ linkColor WRITE setLinkColor NOTIFY changed)
    Q_PROPERTY(QColor quoteColor READ quoteColor WRITE setQuoteColor NOTIFY changed)
    Q_PROPERTY(QVariantList quoteAreas READ quoteAreasForQml NOTIFY quoteAreasChanged)  // of QRectF
public:
    explicit MarkdownStyle(QObject* parent = nullptr);

    QQuickTextDocument* textDocument() const { return doc_; }
    void setTextDocument(QQuickTextDocument* d);
    QColor linkColor() const { return colors_.link; }
    void setLinkColor(const QColor& c);
    QColor quoteColor() const { return colors_.quoteText; }
    void setQuoteColor(const QColor& c);
    const QList<QRectF>& quoteAreas() const { return quoteAreas_; }
    QVariantList quoteAreasForQml() const;

Q_SIGNALS:
    void changed();
    void quoteAreasChanged();

private:
    void setColor(QColor& field, const QColor& c);
    void apply();
    void updateQuoteAreas();
    QPointer<QQuickTextDocument> doc_;
    QList<QMetaObject::Connection> connections_;
    MarkdownColors colors_;
    QList<QRectF> quoteAreas_;
    bool applying_ = false;
    bool measuring_ = false;
};

}  // namespace tern::app
