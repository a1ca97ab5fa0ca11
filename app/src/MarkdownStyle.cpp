#include "MarkdownStyle.h"

#include <QAbstractTextDocumentLayout>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextTable>

namespace tern::app {

namespace {

// Header cells take the alignment of the first body cell below them (what the delimiter row set).
void alignHeaders(QTextTable* table, QTextCursor& cursor) {
    if (table->rows() < 2) return;
    for (int col = 0; col < table->columns(); ++col) {
        const QTextTableCell body = table->cellAt(1, col);
        const QTextTableCell head = table->cellAt(0, col);
        if (!body.isValid() || !head.isValid()) continue;
        const Qt::Alignment want = body.firstCursorPosition().blockFormat().alignment();
        for (QTextFrame::iterator it = head.begin(); !it.atEnd(); ++it) {
            const QTextBlock b = it.currentBlock();
            if (!b.isValid() || b.blockFormat().alignment() == want) continue;
            QTextBlockFormat f = b.blockFormat();
            f.setAlignment(want);
            cursor.setPosition(b.position());
            cursor.setBlockFormat(f);
        }
    }
}

int quoteLevel(const QTextBlock& b) { return b.blockFormat().intProperty(QTextFormat::BlockQuoteLevel); }

}  // namespace

void applyMarkdownStyle(QTextDocument* doc, const MarkdownColors& colors) {
    if (!doc) return;
    QTextCursor cursor(doc);
    cursor.beginEditBlock();
    QTextTable* lastTable = nullptr;
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next()) {
        const int level = quoteLevel(b);
        if (level > 0) {
            // Inside its box (quoteAreas): indented from the box's bar, not Qt's 40 px both sides.
            QTextBlockFormat bf = b.blockFormat();
            if (bf.leftMargin() != kQuoteIndent * level || bf.rightMargin() != 0) {
                bf.setLeftMargin(kQuoteIndent * level);
                bf.setRightMargin(0);
                cursor.setPosition(b.position());
                cursor.setBlockFormat(bf);
            }
        }
        for (QTextBlock::iterator it = b.begin(); !it.atEnd(); ++it) {
            const QTextFragment frag = it.fragment();
            const QTextCharFormat cf = frag.charFormat();
            QTextCharFormat f;
            if (cf.isAnchor() && colors.link.isValid() && cf.foreground().color() != colors.link) {
                f.setForeground(colors.link);
            } else if (!cf.isAnchor() && level > 0) {
                // Muted and in italics; the box behind it is the view's.
                if (colors.quoteText.isValid() && cf.foreground().color() != colors.quoteText) f.setForeground(colors.quoteText);
                if (!cf.fontItalic()) f.setFontItalic(true);
            }
            if (f.properties().isEmpty()) continue;
            cursor.setPosition(frag.position());
            cursor.setPosition(frag.position() + frag.length(), QTextCursor::KeepAnchor);
            cursor.mergeCharFormat(f);
        }
        QTextCursor at(b);
        if (QTextTable* table = at.currentTable(); table && table != lastTable) {
            alignHeaders(table, cursor);
            lastTable = table;
        }
    }
    cursor.endEditBlock();
}

QList<QRectF> quoteAreas(QTextDocument* doc) {
    QList<QRectF> areas;
    if (!doc) return areas;
    QAbstractTextDocumentLayout* layout = doc->documentLayout();
    QRectF run;
    auto close = [&] {
        if (run.isValid()) areas << run.adjusted(0, -kQuotePadding, 0, kQuotePadding);
        run = QRectF();
    };
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next()) {
        // Quotes inside table cells keep their cell; only the text column's quotes get a box.
        if (quoteLevel(b) == 0 || QTextCursor(b).currentTable() || !b.layout() || b.layout()->lineCount() == 0) {
            close();
            continue;
        }
        // The block's layout starts at the column's left edge (the margin is inside its lines),
        // and its first line ends at the column's right edge.
        const QTextLine first = b.layout()->lineAt(0);
        const QRectF text = layout->blockBoundingRect(b);
        const qreal left = b.layout()->position().x();
        const QRectF area(left, text.top(), first.x() + first.width(), text.height());
        run = run.isValid() ? run.united(area) : area;
    }
    close();
    return areas;
}

MarkdownStyle::MarkdownStyle(QObject* parent) : QObject(parent) {}

void MarkdownStyle::setTextDocument(QQuickTextDocument* d) {
    if (d == doc_) return;
    for (const auto& c : connections_) disconnect(c);
    connections_.clear();
    doc_ = d;
    if (QTextDocument* doc = d ? d->textDocument() : nullptr) {
        connections_ << connect(doc, &QTextDocument::contentsChanged, this, &MarkdownStyle::apply);
        // A new width lays the text out again: the quotes move and change size with it.
        connections_ << connect(doc->documentLayout(), &QAbstractTextDocumentLayout::documentSizeChanged,
                                this, &MarkdownStyle::updateQuoteAreas);
        connections_ << connect(doc->documentLayout(), &QAbstractTextDocumentLayout::update,
                                this, &MarkdownStyle::updateQuoteAreas);
    }
    apply();
    Q_EMIT changed();
}

QVariantList MarkdownStyle::quoteAreasForQml() const {
    QVariantList out;
    for (const QRectF& r : quoteAreas_) out << r;
    return out;
}

void MarkdownStyle::updateQuoteAreas() {
    // apply() updates them once it is done; measuring lays text out, which reports back here.
    if (applying_ || measuring_) return;
    measuring_ = true;
    QList<QRectF> areas = doc_ ? tern::app::quoteAreas(doc_->textDocument()) : QList<QRectF>();
    measuring_ = false;
    if (areas == quoteAreas_) return;
    quoteAreas_ = std::move(areas);
    Q_EMIT quoteAreasChanged();
}

void MarkdownStyle::setColor(QColor& field, const QColor& c) {
    if (c == field) return;
    field = c;
    apply();
    Q_EMIT changed();
}

void MarkdownStyle::setLinkColor(const QColor& c) { setColor(colors_.link, c); }
void MarkdownStyle::setQuoteColor(const QColor& c) { setColor(colors_.quoteText, c); }

void MarkdownStyle::apply() {
    if (applying_ || !doc_) return;  // our own format changes come back as contentsChanged
    applying_ = true;
    applyMarkdownStyle(doc_->textDocument(), colors_);
    applying_ = false;
    updateQuoteAreas();
}

}  // namespace tern::app
