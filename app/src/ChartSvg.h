#pragma once
// Sharing a chart: the Compare view's bars (RunComparison::compare) or one Sweep chart
// (an entry of RunComparison::sweep's charts) as a standalone SVG file drawn from the same data
// the QML shows (axes with ticks and units, labels, dashed roof lines, a legend), and any chart
// item as PNG through QQuickItem::grabToImage. Each with a save dialog and a path-taking variant.
#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QVariantMap>

#include <QQuickItem>

namespace tern::app {

class ChartSvg : public QObject {
    Q_OBJECT
    QML_ELEMENT
    // Why the last export failed, "" after one that worked.
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
public:
    using QObject::QObject;

    // The SVG documents themselves, in the light or dark theme's colours.
    static QString barsSvg(const QVariantMap& comparison, bool dark = false);
    static QString linesSvg(const QVariantMap& chart, bool dark = false);

    // Write to a path or file: URL; false (lastError, and the app's alert) on failure.
    Q_INVOKABLE bool writeBars(const QVariantMap& comparison, const QString& fileUrl, bool dark = false);
    Q_INVOKABLE bool writeLines(const QVariantMap& chart, const QString& fileUrl, bool dark = false);
    // Ask where (default name `baseName`.svg in Documents), then write; the file, "" when
    // cancelled or failed.
    Q_INVOKABLE QString writeBarsWithDialog(const QVariantMap& comparison, const QString& baseName, bool dark = false);
    Q_INVOKABLE QString writeLinesWithDialog(const QVariantMap& chart, const QString& baseName, bool dark = false);

    // Grabs `item` as it is drawn and saves it as PNG; the grab is asynchronous: pngSaved tells
    // when the file is written. False when the grab cannot start (no item, not in a window).
    Q_INVOKABLE bool savePng(QQuickItem* item, const QString& fileUrl);
    Q_INVOKABLE QString savePngWithDialog(QQuickItem* item, const QString& baseName);

    QString lastError() const { return lastError_; }

Q_SIGNALS:
    void pngSaved(const QString& path, bool ok);
    void lastErrorChanged();

private:
    bool writeFile(const QString& fileUrl, const QString& svg);
    void fail(const QString& message);
    QString askPath(const QString& title, const QString& baseName, const QString& filter, const QString& suffix);

    QString lastError_;
    QList<QSharedPointer<QQuickItemGrabResult>> pendingGrabs_;  // grabs not ready yet
};

}  // namespace tern::app
