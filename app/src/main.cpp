// tern: the desktop app. `tern [MODEL.gguf]`, or `tern --screenshot FILE.png [--prompt P] [--page P] [MODEL]`
// to render the main window offscreen (docs, CI) and exit; with --page benchmark and a model it
// benchmarks the model first.
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTimer>

#include <spdlog/spdlog.h>

#include "AppController.h"
#include "AppPaths.h"
#include "Database.h"
#include "Logging.h"
#include "Settings.h"
#include "SignalHandler.h"
#include "UiLoader.h"

using namespace tern::app;

int main(int argc, char** argv) {
    QApplication qapp(argc, argv);  // QtCharts in QML needs the widgets application
    setUpApplication();

    QCommandLineParser cli;
    cli.setApplicationDescription(QStringLiteral("Chat with and profile BitNet b1.58 ternary models locally."));
    cli.addHelpOption();
    cli.addVersionOption();
    cli.addPositionalArgument(QStringLiteral("model"), QStringLiteral("A GGUF model to open."), QStringLiteral("[model]"));
    QCommandLineOption shot(QStringLiteral("screenshot"), QStringLiteral("Render the main window to FILE and exit."),
                            QStringLiteral("FILE"));
    QCommandLineOption prompt(QStringLiteral("prompt"), QStringLiteral("With --screenshot: ask this first."),
                              QStringLiteral("TEXT"));
    QCommandLineOption theme(QStringLiteral("theme"), QStringLiteral("Override the theme: system, light or dark."),
                             QStringLiteral("THEME"));
    QCommandLineOption page(QStringLiteral("page"), QStringLiteral("Open this page: chat, models, benchmark or settings."),
                            QStringLiteral("PAGE"));
    cli.addOptions({shot, prompt, theme, page});
    cli.process(qapp);

    initLogging(AppPaths::logDir());
    quitOnTerminationSignals();
    spdlog::info("Tern {} starting", TERN_VERSION);

    Settings settings;
    if (cli.isSet(theme)) settings.overrideTheme(cli.value(theme));  // this run only
    Database db;
    const bool dbOk = db.open(AppPaths::databasePath());
    AppController app(&settings, dbOk ? &db : nullptr);
    if (!dbOk) app.reportError(QStringLiteral("Chats will not be saved: the database could not be opened (%1).").arg(db.error()));

    QQmlApplicationEngine engine;
    QQuickWindow* window = loadMainWindow(engine, &app);
    if (!window) return 1;
    if (cli.isSet(page)) window->setProperty("currentPage", cli.value(page));

    QString model = cli.positionalArguments().value(0);
    if (model.isEmpty() && QFileInfo::exists(settings.lastModel())) model = settings.lastModel();
    if (!model.isEmpty()) app.loadModel(model);

    if (cli.isSet(shot)) {
        const QString file = cli.value(shot);
        auto grab = [window, file] {
            const QImage img = window->grabWindow();
            const bool ok = img.save(file);
            spdlog::info("screenshot {} {}", file.toStdString(), ok ? "saved" : "FAILED");
            QCoreApplication::exit(ok ? 0 : 2);
        };
        // On the Benchmark page with a model: benchmark it (ternary and FP16), grab the results.
        if (cli.value(page) == QLatin1String("benchmark") && !model.isEmpty()) {
            QObject::connect(&app, &AppController::stateChanged, &app, [&app, model, grab] {
                if (app.state() == QLatin1String("ready") && !app.benchRunning()) app.runBenchmark(model);
                else if (app.state() == QLatin1String("welcome")) QTimer::singleShot(300, grab);
            });
            QObject::connect(&app, &AppController::benchmarkFinished, &app, [grab] { QTimer::singleShot(800, grab); });
        } else if (cli.isSet(prompt) && !model.isEmpty()) {
            // With --prompt: wait for the model, ask, and grab once the answer is complete.
            const QString text = cli.value(prompt);
            QObject::connect(&app, &AppController::stateChanged, &app, [&app, text, grab] {
                if (app.state() == QLatin1String("ready")) app.send(text);
                else if (app.state() == QLatin1String("welcome")) QTimer::singleShot(300, grab);
            });
            QObject::connect(&app, &AppController::answerFinished, &app, [grab] { QTimer::singleShot(600, grab); });
        } else {
            QTimer::singleShot(model.isEmpty() ? 500 : 3000, grab);
        }
        QTimer::singleShot(120000, [] { QCoreApplication::exit(3); });  // never hang CI
    }
    return qapp.exec();
}
