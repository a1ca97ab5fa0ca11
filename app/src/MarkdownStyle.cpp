#include "MarkdownStyle.h"

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

}  // namespace

void applyMarkdownStyle(QTextDocument* doc, const MarkdownColors& colors) {
    if (!doc) return;
    QTextCursor cursor(doc);
    cursor.beginEditBlock();
    QTextTable* lastTable = nullptr;
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next()) {
        const bool quote = b.blockFormat().intProperty(QTextFormat::BlockQuoteLevel) > 0;
        for (QTextBlock::iterator it = b.begin(); !it.atEnd(); ++it) {
            const QTextFragment frag = it.fragment();
            const QTextCharFormat cf = frag.charFormat();
            QTextCharFormat f;
            if (cf.isAnchor() && colors.link.isValid() && cf.foreground().color() != colors.link) {
                f.setForeground(colors.link);
            } else if (!cf.isAnchor() && quote) {
                // Qt Quick's TextEdit draws neither block backgrounds nor a bar beside a block: the
                // quote's words get the tint behind them, muted and in italics.
                if (colors.quoteText.isValid() && cf.foreground().color() != colors.quoteText) f.setForeground(colors.quoteText);
                if (colors.quoteBackground.isValid() && cf.background().color() != colors.quoteBackground) f.setBackground(colors.quoteBackground);
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

MarkdownStyle::MarkdownStyle(QObject* parent) : QObject(parent) {}

void MarkdownStyle::setTextDocument(QQuickTextDocument* d) {
    if (d == doc_) return;
    disconnect(connection_);
    doc_ = d;
    if (d && d->textDocument())
        connection_ = connect(d->textDocument(), &QTextDocument::contentsChanged, this, &MarkdownStyle::apply);
    apply();
    Q_EMIT changed();
}

void MarkdownStyle::setColor(QColor& field, const QColor& c) {
    if (c == field) return;
    field = c;
    apply();
    Q_EMIT changed();
}

void MarkdownStyle::setLinkColor(const QColor& c) { setColor(colors_.link, c); }
void MarkdownStyle::setQuoteColor(const QColor& c) { setColor(colors_.quoteText, c); }
void MarkdownStyle::setQuoteBackground(const QColor& c) { setColor(colors_.quoteBackground, c); }

void MarkdownStyle::apply() {
    if (applying_ || !doc_) return;  // our own format changes come back as contentsChanged
    applying_ = true;
    applyMarkdownStyle(doc_->textDocument(), colors_);
    applying_ = false;
}

}  // namespace tern::app
