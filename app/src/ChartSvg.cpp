#include "ChartSvg.h"

#include <QDate>
#include <QFileDialog>
#include <QQuickItem>
#include <QQuickItemGrabResult>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QXmlStreamWriter>

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "Alerts.h"
#include "AppContext.h"
#include "AppPaths.h"
#include "RunComparison.h"
#include "WriteFile.h"

namespace tern::app {

namespace {

// Theme.qml's colours, so an exported chart looks like the one on screen.
struct Palette {
    QString background, text, muted, grid;
    bool dark;
};
Palette paletteFor(bool dark) {
    if (dark)
        return {QStringLiteral("#1c2027"), QStringLiteral("#e6e9ee"), QStringLiteral("#9aa4b2"),
                QStringLiteral("#2c323c"), true};
    return {QStringLiteral("#ffffff"), QStringLiteral("#1b1f24"), QStringLiteral("#5b6572"), QStringLiteral("#dde2e8"),
            false};
}

QString n(double v) { return QString::number(v, 'f', 1); }

// About how wide a line of sans-serif text is at this size (an SVG has no layout engine; the
// margins only need to be wide enough).
double textWidth(const QString& s, double px) { return s.size() * px * 0.58; }

class Svg {
public:
    Svg(QString* out, double w, double h, const Palette& p) : x_(out), p_(p) {
        x_.setAutoFormatting(true);
        x_.writeStartDocument();
        x_.writeStartElement(QStringLiteral("svg"));
        x_.writeDefaultNamespace(QStringLiteral("http://www.w3.org/2000/svg"));
        x_.writeAttribute(QStringLiteral("width"), n(w));
        x_.writeAttribute(QStringLiteral("height"), n(h));
        x_.writeAttribute(QStringLiteral("viewBox"), QStringLiteral("0 0 %1 %2").arg(n(w), n(h)));
        x_.writeAttribute(QStringLiteral("font-family"), QStringLiteral("DejaVu Sans, Helvetica, Arial, sans-serif"));
        rect(0, 0, w, h, p.background);
    }
    ~Svg() {
        x_.writeEndElement();
        x_.writeEndDocument();
    }
    void rect(double x, double y, double w, double h, const QString& fill, const QString& cls = {}) {
        x_.writeEmptyElement(QStringLiteral("rect"));
        if (!cls.isEmpty()) x_.writeAttribute(QStringLiteral("class"), cls);
        x_.writeAttribute(QStringLiteral("x"), n(x));
        x_.writeAttribute(QStringLiteral("y"), n(y));
        x_.writeAttribute(QStringLiteral("width"), n(std::max(0.0, w)));
        x_.writeAttribute(QStringLiteral("height"), n(std::max(0.0, h)));
        x_.writeAttribute(QStringLiteral("fill"), fill);
    }
    void line(double x1, double y1, double x2, double y2, const QString& stroke, double width = 1) {
        x_.writeEmptyElement(QStringLiteral("line"));
        x_.writeAttribute(QStringLiteral("x1"), n(x1));
        x_.writeAttribute(QStringLiteral("y1"), n(y1));
        x_.writeAttribute(QStringLiteral("x2"), n(x2));
        x_.writeAttribute(QStringLiteral("y2"), n(y2));
        x_.writeAttribute(QStringLiteral("stroke"), stroke);
        x_.writeAttribute(QStringLiteral("stroke-width"), n(width));
    }
    void text(double x, double y, const QString& s, double px, const QString& fill,
              const QString& anchor = QStringLiteral("start"), bool bold = false, double rotate = 0,
              const QString& cls = {}) {
        x_.writeStartElement(QStringLiteral("text"));
        if (!cls.isEmpty()) x_.writeAttribute(QStringLiteral("class"), cls);
        x_.writeAttribute(QStringLiteral("x"), n(x));
        x_.writeAttribute(QStringLiteral("y"), n(y));
        x_.writeAttribute(QStringLiteral("font-size"), n(px));
        x_.writeAttribute(QStringLiteral("fill"), fill);
        x_.writeAttribute(QStringLiteral("text-anchor"), anchor);
        if (bold) x_.writeAttribute(QStringLiteral("font-weight"), QStringLiteral("bold"));
        if (rotate != 0)
            x_.writeAttribute(QStringLiteral("transform"),
                              QStringLiteral("rotate(%1 %2 %3)").arg(n(rotate), n(x), n(y)));
        x_.writeCharacters(s);
        x_.writeEndElement();
    }
    void path(const QVector<QPointF>& pts, const QString& stroke, bool dashed, const QString& cls,
              const QString& title) {
        if (pts.isEmpty()) return;
        QString d;
        for (int i = 0; i < pts.size(); ++i)
            d += QStringLiteral("%1%2 %3 ")
                     .arg(i == 0 ? QLatin1Char('M') : QLatin1Char('L'))
                     .arg(n(pts[i].x()), n(pts[i].y()));
        x_.writeStartElement(QStringLiteral("path"));
        x_.writeAttribute(QStringLiteral("class"), cls);
        x_.writeAttribute(QStringLiteral("d"), d.trimmed());
        x_.writeAttribute(QStringLiteral("fill"), QStringLiteral("none"));
        x_.writeAttribute(QStringLiteral("stroke"), stroke);
        x_.writeAttribute(QStringLiteral("stroke-width"), dashed ? QStringLiteral("1.5") : QStringLiteral("2.5"));
        if (dashed) x_.writeAttribute(QStringLiteral("stroke-dasharray"), QStringLiteral("6 4"));
        x_.writeTextElement(QStringLiteral("title"), title);
        x_.writeEndElement();
    }
    void dot(QPointF c, const QString& fill) {
        x_.writeEmptyElement(QStringLiteral("circle"));
        x_.writeAttribute(QStringLiteral("cx"), n(c.x()));
        x_.writeAttribute(QStringLiteral("cy"), n(c.y()));
        x_.writeAttribute(QStringLiteral("r"), QStringLiteral("3.5"));
        x_.writeAttribute(QStringLiteral("fill"), fill);
    }

private:
    QXmlStreamWriter x_;
    Palette p_;
};

}  // namespace

QString ChartSvg::barsSvg(const QVariantMap& c, bool dark) {
    const Palette p = paletteFor(dark);
    const QVariantList bars = c.value(QStringLiteral("bars")).toList();
    const QVariantList missing = c.value(QStringLiteral("notMeasured")).toList();
    const QVariantMap axis = c.value(QStringLiteral("axis")).toMap();
    const double lo = axis.value(QStringLiteral("min")).toDouble(),
                 hi = axis.value(QStringLiteral("max"), 1).toDouble();
    const QVariantList ticks = axis.value(QStringLiteral("ticks")).toList();
    const QStringList tickLabels = axis.value(QStringLiteral("labels")).toStringList();

    // Horizontal bars: the labels, which name what differs, can be long.
    double labelW = 80;
    for (const QVariant& b : bars)
        labelW = std::max(labelW, textWidth(b.toMap().value(QStringLiteral("label")).toString(), 12));
    labelW = std::min(labelW, 380.0);
    const double width = 900, left = 20 + labelW + 10, right = 110;
    const double top = 76, barH = 22, rowH = 34;
    const double plotW = width - left - right;
    const double plotH = std::max<qsizetype>(1, bars.size()) * rowH;
    const double height = top + plotH + 56 + (missing.isEmpty() ? 0 : 20 + 16 * missing.size());
    const double range = hi > lo ? hi - lo : 1;
    auto xOf = [&](double v) { return left + (v - lo) / range * plotW; };

    QString out;
    {
        Svg s(&out, width, height, p);
        s.text(20, 28, c.value(QStringLiteral("title")).toString(), 17, p.text, QStringLiteral("start"), true, 0,
               QStringLiteral("title"));
        s.text(20, 50, c.value(QStringLiteral("caption")).toString(), 12, p.muted, QStringLiteral("start"), false, 0,
               QStringLiteral("caption"));
        for (int i = 0; i < ticks.size(); ++i) {
            const double x = xOf(ticks[i].toDouble());
            s.line(x, top, x, top + plotH, p.grid);
            s.text(x, top + plotH + 18, tickLabels.value(i), 11, p.muted, QStringLiteral("middle"), false, 0,
                   QStringLiteral("tick"));
        }
        s.line(left, top + plotH, left + plotW, top + plotH, p.muted);
        s.text(left + plotW / 2, top + plotH + 42, c.value(QStringLiteral("axisTitle")).toString(), 12, p.text,
               QStringLiteral("middle"), false, 0, QStringLiteral("axis-title"));
        for (int i = 0; i < bars.size(); ++i) {
            const QVariantMap b = bars[i].toMap();
            const double y = top + i * rowH + (rowH - barH) / 2;
            const double v = b.value(QStringLiteral("value")).toDouble();
            s.text(left - 10, y + barH / 2 + 4, b.value(QStringLiteral("label")).toString(), 12, p.text,
                   QStringLiteral("end"), false, 0, QStringLiteral("bar-label"));
            s.rect(left, y, xOf(v) - left, barH, RunComparison::seriesColor(i, dark), QStringLiteral("bar"));
            s.text(xOf(v) + 6, y + barH / 2 + 4, b.value(QStringLiteral("valueText")).toString(), 11, p.text,
                   QStringLiteral("start"), false, 0, QStringLiteral("value"));
        }
        double y = top + plotH + 70;
        if (!missing.isEmpty()) {
            s.text(20, y, QObject::tr("Not measured:"), 12, p.muted, QStringLiteral("start"), true);
            for (const QVariant& m : missing) {
                y += 16;
                s.text(32, y, m.toMap().value(QStringLiteral("label")).toString(), 11, p.muted, QStringLiteral("start"),
                       false, 0, QStringLiteral("not-measured"));
            }
        }
    }
    return out;
}

QString ChartSvg::linesSvg(const QVariantMap& c, bool dark) {
    const Palette p = paletteFor(dark);
    const QVariantList series = c.value(QStringLiteral("series")).toList();
    const QVariantMap xa = c.value(QStringLiteral("x")).toMap(), ya = c.value(QStringLiteral("y")).toMap();
    double legendW = 120;
    for (const QVariant& sv : series)
        legendW = std::max(
            legendW,
            textWidth(QObject::tr("%1 roof").arg(sv.toMap().value(QStringLiteral("name")).toString()), 12) + 36);
    legendW = std::min(legendW, 260.0);
    const double width = 900, height = 520;
    const double left = 78, right = legendW + 30, top = 56, bottom = 64;
    const double plotW = width - left - right, plotH = height - top - bottom;
    const double x0 = xa.value(QStringLiteral("min")).toDouble(), x1 = xa.value(QStringLiteral("max"), 1).toDouble();
    const double y0 = ya.value(QStringLiteral("min")).toDouble(), y1 = ya.value(QStringLiteral("max"), 1).toDouble();
    auto map = [&](double x, double y) {
        return QPointF(left + (x - x0) / (x1 > x0 ? x1 - x0 : 1) * plotW,
                       top + plotH - (y - y0) / (y1 > y0 ? y1 - y0 : 1) * plotH);
    };
    auto points = [&](const QVariantList& list) {
        QVector<QPointF> out;
        for (const QVariant& v : list) {
            const QVariantMap m = v.toMap();
            out << map(m.value(QStringLiteral("x")).toDouble(), m.value(QStringLiteral("y")).toDouble());
        }
        return out;
    };

    QString out;
    {
        Svg s(&out, width, height, p);
        s.text(20, 30, c.value(QStringLiteral("title")).toString(), 17, p.text, QStringLiteral("start"), true, 0,
               QStringLiteral("title"));
        const QVariantList xt = xa.value(QStringLiteral("ticks")).toList(),
                           yt = ya.value(QStringLiteral("ticks")).toList();
        const QStringList xl = xa.value(QStringLiteral("labels")).toStringList(),
                          yl = ya.value(QStringLiteral("labels")).toStringList();
        for (int i = 0; i < yt.size(); ++i) {
            const QPointF a = map(x0, yt[i].toDouble());
            s.line(left, a.y(), left + plotW, a.y(), p.grid);
            s.text(left - 8, a.y() + 4, yl.value(i), 11, p.muted, QStringLiteral("end"), false, 0,
                   QStringLiteral("tick"));
        }
        for (int i = 0; i < xt.size(); ++i) {
            const QPointF a = map(xt[i].toDouble(), y0);
            s.line(a.x(), top + plotH, a.x(), top + plotH + 5, p.muted);
            s.text(a.x(), top + plotH + 20, xl.value(i), 11, p.muted, QStringLiteral("middle"), false, 0,
                   QStringLiteral("tick"));
        }
        s.line(left, top, left, top + plotH, p.muted);
        s.line(left, top + plotH, left + plotW, top + plotH, p.muted);
        s.text(left + plotW / 2, height - 18, c.value(QStringLiteral("xTitle")).toString(), 12, p.text,
               QStringLiteral("middle"), false, 0, QStringLiteral("axis-title"));
        s.text(22, top + plotH / 2, c.value(QStringLiteral("yTitle")).toString(), 12, p.text, QStringLiteral("middle"),
               false, -90, QStringLiteral("axis-title"));

        double ly = top + 8;
        const double lx = left + plotW + 24;
        for (int i = 0; i < series.size(); ++i) {
            const QVariantMap sv = series[i].toMap();
            const QString name = sv.value(QStringLiteral("name")).toString();
            const QString colour = RunComparison::seriesColor(i, dark);
            const QVector<QPointF> roof = points(sv.value(QStringLiteral("roof")).toList());
            const QVector<QPointF> pts = points(sv.value(QStringLiteral("points")).toList());
            s.path(roof, colour, true, QStringLiteral("roof"), QObject::tr("%1 roof").arg(name));
            s.path(pts, colour, false, QStringLiteral("series"), name);
            for (const QPointF& pt : pts) s.dot(pt, colour);
            s.line(lx, ly, lx + 22, ly, colour, 2.5);
            s.text(lx + 30, ly + 4, name, 12, p.text, QStringLiteral("start"), false, 0, QStringLiteral("legend"));
            ly += 20;
            if (!roof.isEmpty()) {
                s.path({QPointF(lx, ly), QPointF(lx + 22, ly)}, colour, true, QStringLiteral("legend-roof"), {});
                s.text(lx + 30, ly + 4, QObject::tr("%1 roof").arg(name), 12, p.muted, QStringLiteral("start"), false,
                       0, QStringLiteral("legend"));
                ly += 20;
            }
        }
    }
    return out;
}

void ChartSvg::fail(const QString& message) {
    spdlog::warn("chart export: {}", message.toStdString());
    lastError_ = message;
    Q_EMIT lastErrorChanged();
    if (AppContext* app = AppContext::current(); app && app->alerts()) app->alerts()->report(message);
}

bool ChartSvg::writeFile(const QString& fileUrl, const QString& svg) {
    if (const QString error = tern::app::writeFile(AppPaths::localPath(fileUrl), svg.toUtf8()); !error.isEmpty()) {
        fail(error);
        return false;
    }
    if (!lastError_.isEmpty()) {
        lastError_.clear();
        Q_EMIT lastErrorChanged();
    }
    return true;
}

bool ChartSvg::writeBars(const QVariantMap& comparison, const QString& fileUrl, bool dark) {
    if (comparison.value(QStringLiteral("bars")).toList().isEmpty()) {
        fail(tr("There is nothing to export: none of the chosen runs measured this."));
        return false;
    }
    return writeFile(fileUrl, barsSvg(comparison, dark));
}

bool ChartSvg::writeLines(const QVariantMap& chart, const QString& fileUrl, bool dark) {
    if (chart.value(QStringLiteral("series")).toList().isEmpty()) {
        fail(tr("There is nothing to export: the sweep has no finished points yet."));
        return false;
    }
    return writeFile(fileUrl, linesSvg(chart, dark));
}

QString ChartSvg::askPath(const QString& title, const QString& baseName, const QString& filter, const QString& suffix) {
    const QString suggested =
        QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) +
        QStringLiteral("/%1-%2.%3").arg(baseName, QDate::currentDate().toString(Qt::ISODate), suffix);
    return QFileDialog::getSaveFileName(nullptr, title, suggested, filter);
}

QString ChartSvg::writeBarsWithDialog(const QVariantMap& comparison, const QString& baseName, bool dark) {
    const QString path =
        askPath(tr("Export the chart as SVG"), baseName, tr("SVG images (*.svg)"), QStringLiteral("svg"));
    if (path.isEmpty()) return {};
    return writeBars(comparison, path, dark) ? path : QString();
}

QString ChartSvg::writeLinesWithDialog(const QVariantMap& chart, const QString& baseName, bool dark) {
    const QString path =
        askPath(tr("Export the chart as SVG"), baseName, tr("SVG images (*.svg)"), QStringLiteral("svg"));
    if (path.isEmpty()) return {};
    return writeLines(chart, path, dark) ? path : QString();
}

bool ChartSvg::savePng(QQuickItem* item, const QString& fileUrl) {
    const QString path = AppPaths::localPath(fileUrl);
    if (!item || !item->window() || item->width() <= 0 || item->height() <= 0) {
        fail(tr("The chart is not shown, so it cannot be saved as an image."));
        return false;
    }
    const QSharedPointer<QQuickItemGrabResult> grab = item->grabToImage();
    if (!grab) {
        fail(tr("The chart could not be drawn into an image."));
        return false;
    }
    // The result lives until it is ready; held here, not by its own connection (which would keep
    // it for ever), and let go after its signal has returned.
    pendingGrabs_.push_back(grab);
    QQuickItemGrabResult* result = grab.data();
    connect(result, &QQuickItemGrabResult::ready, this, [this, result, path] {
        const bool ok = result->saveToFile(path);
        if (!ok) fail(tr("Could not write %1.").arg(path));
        Q_EMIT pngSaved(path, ok);
        QMetaObject::invokeMethod(
            this,
            [this, result] {
                pendingGrabs_.removeIf(
                    [result](const QSharedPointer<QQuickItemGrabResult>& g) { return g.data() == result; });
            },
            Qt::QueuedConnection);
    });
    return true;
}

QString ChartSvg::savePngWithDialog(QQuickItem* item, const QString& baseName) {
    const QString path =
        askPath(tr("Export the chart as PNG"), baseName, tr("PNG images (*.png)"), QStringLiteral("png"));
    if (path.isEmpty()) return {};
    return savePng(item, path) ? path : QString();
}

}  // namespace tern::app
