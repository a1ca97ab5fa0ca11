#pragma once
// Finding the items of a loaded QML scene by objectName, for the app tests. Delegates are in the
// visual tree, not always in the QObject tree, so this walks childItems().
#include <QList>
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
