#pragma once
// Builds the main window from ../ui/Main.qml with the controller in its context. Shared by main()
// and the GUI test, so the test drives the very window users see.
#include <QQmlApplicationEngine>
#include <QQuickWindow>

namespace tern::app {

class AppController;

// Returns the window, or nullptr (errors are logged) when the QML failed to load.
QQuickWindow* loadMainWindow(QQmlApplicationEngine& engine, AppController* app);

// The C++ types the QML imports as "Tern 1.0" (SegmentModel, CodeHighlighter, ParagraphLayout). Idempotent.
void registerQmlTypes();

// Identity (organisation, name, desktop file, icon) and style; call right after QApplication.
void setUpApplication();

}  // namespace tern::app
