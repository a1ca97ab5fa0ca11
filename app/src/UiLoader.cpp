#include "UiLoader.h"

#include <QApplication>
#include <QIcon>
#include <QPalette>
#include <QQmlContext>
#include <QtQml>
#include <QQuickStyle>

#include "AppController.h"
#include "CodeHighlighter.h"
#include "MarkdownSegments.h"
#include "ParagraphLayout.h"

namespace tern::app {

void setUpApplication() {
    QCoreApplication::setOrganizationName(QStringLiteral("Tern"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("tern.github.io"));
    QCoreApplication::setApplicationName(QStringLiteral("Tern"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TERN_VERSION));
    // Must match resources/io.github.tern.Tern.desktop: Wayland app_id / X11 class for the shell.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.tern.Tern"));
    QGuiApplication::setWindowIcon(QIcon(QStringLiteral(":/resources/icons/tern.svg")));
    // Material follows our light/dark choice; the user may still force another style via QT_QUICK_CONTROLS_STYLE.
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE")) QQuickStyle::setStyle(QStringLiteral("Material"));
}

void registerQmlTypes() {
    static bool done = false;
    if (done) return;
    done = true;
    qmlRegisterType<SegmentModel>("Tern", 1, 0, "SegmentModel");
    qmlRegisterType<CodeHighlighter>("Tern", 1, 0, "CodeHighlighter");
    qmlRegisterType<ParagraphLayout>("Tern", 1, 0, "ParagraphLayout");
}

QQuickWindow* loadMainWindow(QQmlApplicationEngine& engine, AppController* app) {
    registerQmlTypes();
    // Qt 6.4 has no colour-scheme API: a dark window palette means the desktop is in dark mode.
    const QColor window = QGuiApplication::palette().color(QPalette::Window);
    engine.rootContext()->setContextProperty(QStringLiteral("systemDark"), window.lightness() < 128);
    engine.rootContext()->setContextProperty(QStringLiteral("app"), app);
    engine.load(QUrl(QStringLiteral("qrc:/ui/Main.qml")));
    if (engine.rootObjects().isEmpty()) return nullptr;
    return qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
}

}  // namespace tern::app
