#pragma once
// Builds the main window from the Tern QML module's Main.qml. Shared by main() and the GUI
// tests, so the tests drive the very window users see.
#include <QQmlApplicationEngine>
#include <QQuickWindow>

namespace tern::app {

class AppContext;

// Returns the window, or nullptr (errors are logged) when the QML failed to load. The window's
// singletons are the parts of `app` (which must outlive the engine).
QQuickWindow* loadMainWindow(QQmlApplicationEngine& engine, AppContext* app);

// Identity (organisation, name, desktop file, icon) and style; call right after QApplication.
void setUpApplication();

}  // namespace tern::app
