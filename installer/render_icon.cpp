// tern-render-icon SVG SIZE OUT.png: renders the app icon at one of the hicolor theme's sizes at
// build time (installer/install.cmake), with the SVG renderer the app itself draws its icons with,
// so the packages need no extra tool and the PNGs never go stale beside the SVG.
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: tern-render-icon SVG SIZE OUT.png\n");
        return 2;
    }
    // No QGuiApplication: painting shapes into a QImage needs none (and a build machine has no
    // display); the icon has no text, which would.
    const int size = QByteArray(argv[2]).toInt();
    QSvgRenderer svg(QString::fromLocal8Bit(argv[1]));
    if (!svg.isValid() || size <= 0) {
        std::fprintf(stderr, "tern-render-icon: cannot render %s at size %s\n", argv[1], argv[2]);
        return 1;
    }
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    svg.render(&painter);
    painter.end();
    if (!image.save(QString::fromLocal8Bit(argv[3]), "PNG")) {
        std::fprintf(stderr, "tern-render-icon: cannot write %s\n", argv[3]);
        return 1;
    }
    return 0;
}
