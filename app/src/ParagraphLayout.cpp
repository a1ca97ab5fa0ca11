#include "ParagraphLayout.h"

#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>

namespace tern::app {

Qt::LayoutDirection dominantDirection(QStringView text) {
    int ltr = 0, rtl = 0;
    for (QChar c : text) {
        switch (c.direction()) {
        case QChar::DirL: ++ltr; break;
        case QChar::DirR:
        case QChar::DirAL: ++rtl; break;
        default: break;
        }
    }
    return rtl > ltr ? Qt::RightToLeft : Qt::LeftToRight;
}

void applyParagraphLayout(QTextDocument* doc, bool code) {
    if (!doc) return;
    QTextCursor cursor(doc);
    bool editing = false;
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next()) {
        const Qt::LayoutDirection dir = code ? Qt::LeftToRight : dominantDirection(b.text());
        QTextBlockFormat f = b.blockFormat();
        const QTextBlockFormat before = f;
        f.setLayoutDirection(dir);
        // Absolute: "left" must not turn into "right" for a right-to-left paragraph. Alignment a
        // Markdown table asked for is kept.
        if (!f.hasProperty(QTextFormat::BlockAlignment) || (f.alignment() & Qt::AlignHorizontal_Mask) == Qt::AlignLeft)
            f.setAlignment(Qt::AlignLeft | Qt::AlignAbsolute);
        if (!code) {
            // Space after a paragraph, or after the last item of a list; none after the last block.
            const QTextBlock next = b.next();
            const bool inList = b.textList() != nullptr;
            const bool endsGroup = next.isValid() && (!inList || next.textList() != b.textList());
            f.setBottomMargin(endsGroup && !b.text().isEmpty() ? kParagraphSpacing : 0);
        }
        if (f == before) continue;
        if (!editing) {
            cursor.beginEditBlock();
            editing = true;
        }
        cursor.setPosition(b.position());
        cursor.setBlockFormat(f);
    }
    if (editing) cursor.endEditBlock();
}

ParagraphLayout::ParagraphLayout(QObject* parent) : QObject(parent) {}

void ParagraphLayout::setTextDocument(QQuickTextDocument* d) {
    if (d == doc_) return;
    disconnect(connection_);
    doc_ = d;
    if (d && d->textDocument())
        connection_ = connect(d->textDocument(), &QTextDocument::contentsChanged, this, &ParagraphLayout::apply);
    apply();
    Q_EMIT textDocumentChanged();
}

void ParagraphLayout::setCode(bool c) {
    if (c == code_) return;
    code_ = c;
    apply();
    Q_EMIT codeChanged();
}

void ParagraphLayout::apply() {
    if (applying_ || !doc_) return;  // our own format changes come back as contentsChanged
    applying_ = true;
    applyParagraphLayout(doc_->textDocument(), code_);
    applying_ = false;
}

}  // namespace tern::app
