#pragma once
// Finding the items of a loaded QML scene by objectName, for the app tests. Delegates are in the
// visual tree, not always in the QObject tree, so this walks childItems().
#include <QList>
#include <QRectF>
#include <QStringList>
#include <QQuickItem>
#include <QString>

inline void collectItems(QQuickItem* root, const QString& name, QList<QQuickItem*>& out) {
    if (root->objectName() == name) out.push_back(root);
    for (QQuickItem* c : root->childItems()) collectItems(c, name, out);
}

// Every item below root (root included) with this objectName, in tree order.
inline QList<QQuickItem*> items(QQuickItem* root, const QString& name) {
    QList<QQuickItem*> out;
    collectItems(root, name, out);
    return out;
}

// The first of them, or nullptr.
inline QQuickItem* firstItem(QQuickItem* root, const QString& name) { return items(root, name).value(0); }

// Where an item lies in the window.
inline QRectF sceneRect(const QQuickItem* item) { return item->mapRectToScene(QRectF(0, 0, item->width(), item->height())); }

// Shown on screen: visible, not transparent, with some size.
inline bool isShown(const QQuickItem* item) { return item->isVisible() && item->opacity() > 0 && item->width() > 0 && item->height() > 0; }

// The text items (Text, Label, TextEdit, ...: anything with a painted width) below root that show
// some text.
inline void collectTexts(QQuickItem* root, QList<QQuickItem*>& out) {
    if (!root->isVisible() || root->opacity() <= 0) return;
    if (root->metaObject()->indexOfProperty("paintedWidth") >= 0 && !root->property("text").toString().isEmpty() && isShown(root))
        out.push_back(root);
    for (QQuickItem* c : root->childItems()) collectTexts(c, out);
}

// What is wrong with the text below root, in words (empty when nothing): a text wider than its own
// box (not elided or wrapped), a text box that leaves the nearest rectangle around it (a tile, a
// card) or root itself sideways, and two texts of one row or column drawn over each other.
inline QStringList textLayoutProblems(QQuickItem* root) {
    QStringList problems;
    QList<QQuickItem*> texts;
    collectTexts(root, texts);
    auto name = [](QQuickItem* t) { return QStringLiteral("\"%1\"").arg(t->property("text").toString().left(60)); };
    for (QQuickItem* t : texts) {
        const QRectF box = sceneRect(t);
        const qreal painted = t->property("paintedWidth").toReal();
        if (painted > t->width() + 1)
            problems << QStringLiteral("%1 paints %2 px in a %3 px box").arg(name(t)).arg(painted).arg(t->width());
        QQuickItem* frame = t->parentItem();
        while (frame && frame != root && !frame->inherits("QQuickRectangle")) frame = frame->parentItem();
        for (const QQuickItem* outer : {frame, root}) {
            if (!outer) continue;
            const QRectF o = sceneRect(outer);
            if (box.left() < o.left() - 1 || box.right() > o.right() + 1)
                problems << QStringLiteral("%1 spans x %2..%3, outside its %4 at x %5..%6")
                                .arg(name(t)).arg(box.left()).arg(box.right())
                                .arg(outer == root ? QStringLiteral("panel") : QStringLiteral("frame"))
                                .arg(o.left()).arg(o.right());
        }
        for (QQuickItem* other : texts) {
            if (other <= t || other->parentItem() != t->parentItem()) continue;
            const QRectF overlap = box.intersected(sceneRect(other));
            if (overlap.width() > 1 && overlap.height() > 1)
                problems << QStringLiteral("%1 and %2 overlap").arg(name(t), name(other));
        }
    }
    return problems;
}
