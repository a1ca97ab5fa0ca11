// tern: the desktop app. `tern [MODEL.gguf]`, or `tern --screenshot FILE.png [--prompt P] [--page P] [MODEL]`
// to render the main window offscreen (docs, CI) and exit; with --page benchmark and a model it
// benchmarks the model first. `--import FILE.json` adds `tern-cli bench --json` results to the
// history, and `--bench-view compare|sweep` opens the Benchmark page's view of them (the README's
// chart screenshots).
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSettings>
#include <QTimer>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string_view>

#include <spdlog/spdlog.h>

#include "AppContext.h"
#include "AppPaths.h"
#include "Alerts.h"
#include "Benchmarks.h"
#include "ChatsDatabaseStartup.h"
#include "Conversations.h"
#include "ModelSession.h"
#include "Navigation.h"
#include "Database.h"
#include "Logging.h"
#include "Settings.h"
#include "SignalHandler.h"
#include "UiLoader.h"

using namespace tern::app;

namespace {

// The command line; `cli` gets every option, the ones main() reads are returned.
struct Options {
    QCommandLineOption shot{QStringLiteral("screenshot"), QStringLiteral("Render the main window to FILE and exit."),
                            QStringLiteral("FILE")};
    QCommandLineOption prompt{QStringLiteral("prompt"), QStringLiteral("With --screenshot: ask this first."),
                              QStringLiteral("TEXT")};
    QCommandLineOption theme{QStringLiteral("theme"), QStringLiteral("Override the theme: system, light or dark."),
                             QStringLiteral("THEME")};
    QCommandLineOption page{QStringLiteral("page"), QStringLiteral("Open this page: chat, models, benchmark or settings."),
                            QStringLiteral("PAGE")};
    QCommandLineOption size{QStringLiteral("size"), QStringLiteral("The window's size, e.g. 1000x700."),
                            QStringLiteral("WxH")};
    QCommandLineOption import{QStringLiteral("import"),
                              QStringLiteral("Import a `tern-cli bench --json` file into the benchmark history (repeatable)."),
                              QStringLiteral("FILE")};
    QCommandLineOption benchView{QStringLiteral("bench-view"),
                                 QStringLiteral("Open the Benchmark page's run, compare (the imported decode runs chosen) or sweep view."),
                                 QStringLiteral("VIEW")};
};

void describe(QCommandLineParser& cli, const Options& o) {
    cli.setApplicationDescription(QStringLiteral("Chat with and profile BitNet b1.58 ternary models locally."));
    cli.addHelpOption();
    cli.addVersionOption();
    cli.addPositionalArgument(QStringLiteral("model"), QStringLiteral("A GGUF model to open."), QStringLiteral("[model]"));
    cli.addOptions({o.shot, o.prompt, o.theme, o.page, o.size, o.import, o.benchView});
}

// --help and --version print and exit before any window exists, so they work without a display
// (a QApplication aborts there: no platform plugin can start).
bool onlyPrints(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--") break;
        if (a == "-h" || a == "--help" || a == "--help-all" || a == "-?" || a == "-v" || a == "--version") return true;
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (onlyPrints(argc, argv)) {
        QCoreApplication core(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("Tern"));
        QCoreApplication::setApplicationVersion(QStringLiteral(TERN_VERSION));
        QCommandLineParser cli;
        describe(cli, o);
        cli.process(core);  // prints and exits
        return 0;
    }
    QApplication qapp(argc, argv);  // QtCharts in QML needs the widgets application
    setUpApplication();

    QCommandLineParser cli;
    describe(cli, o);
    cli.process(qapp);
    const QCommandLineOption &shot = o.shot, &prompt = o.prompt, &theme = o.theme, &page = o.page;

    initLogging(AppPaths::logDir());
    quitOnTerminationSignals();
    spdlog::info("Tern {} starting", TERN_VERSION);

    Settings settings;
    if (cli.isSet(theme)) settings.overrideTheme(cli.value(theme));  // this run only
    Database db;
    const ChatsDatabaseOpening opened = openChatsDatabase(db, AppPaths::databasePath(), askInDialog);
    if (opened.quit) return 1;
    AppContext app(&settings, opened.open ? &db : nullptr);
    if (!opened.notice.isEmpty()) app.alerts()->report(opened.notice);
    if (cli.isSet(page)) {
        const auto p = Navigation::pageFromName(cli.value(page));
        if (!p) {
            std::fprintf(stderr, "tern: --page must be chat, models, benchmark or settings, not '%s'\n",
                         qPrintable(cli.value(page)));
            return 2;
        }
        app.navigation()->setPage(*p);
    }
    const QStringList views{QStringLiteral("run"), QStringLiteral("compare"), QStringLiteral("sweep")};
    const int benchView = cli.isSet(o.benchView) ? int(views.indexOf(cli.value(o.benchView))) : 0;
    if (benchView < 0) {
        std::fprintf(stderr, "tern: --bench-view must be run, compare or sweep, not '%s'\n", qPrintable(cli.value(o.benchView)));
        return 2;
    }
    // The imported decode (tg) runs, which the compare view charts.
    QVariantList importedRuns;
    for (const QString& file : cli.values(o.import)) {
        if (app.benchmarks()->importBenchJson(file) < 0) {
            std::fprintf(stderr, "tern: could not import %s: %s\n", qPrintable(file), qPrintable(app.alerts()->message()));
            return 2;
        }
        for (const QVariant& r : app.benchmarks()->history()->runsInGroup(app.benchmarks()->lastGroup()))
            if (r.toMap().value(QStringLiteral("test")).toString().startsWith(QLatin1String("tg")))
                importedRuns << r.toMap().value(QStringLiteral("id"));
    }
    if (cli.isSet(o.benchView)) app.navigation()->setPage(Navigation::Benchmark);

    QQmlApplicationEngine engine;
    QQuickWindow* window = loadMainWindow(engine, &app);
    if (!window) return 1;
    if (cli.isSet(o.size)) {
        const QStringList wh = cli.value(o.size).split(QLatin1Char('x'));
        const int w = wh.value(0).toInt(), h = wh.value(1).toInt();
        if (wh.size() != 2 || w < 320 || h < 240) {
            std::fprintf(stderr, "tern: --size must be WIDTHxHEIGHT (at least 320x240), not '%s'\n",
                         qPrintable(cli.value(o.size)));
            return 2;
        }
        window->resize(w, h);
    }

    if (benchView > 0) {
        // Once the page exists: its view, and the compare view's runs.
        QTimer::singleShot(500, window, [window, benchView, importedRuns] {
            // The visual tree: not every item of a page is in the QObject tree.
            const std::function<void(QQuickItem*)> visit = [&](QQuickItem* item) {
                if (item->objectName() == QLatin1String("benchmarkPage")) item->setProperty("view", benchView);
                if (item->objectName() == QLatin1String("compareView") && !importedRuns.isEmpty())
                    item->setProperty("picked", importedRuns);
                for (QQuickItem* c : item->childItems()) visit(c);
            };
            visit(window->contentItem());
        });
    }

    ModelSession* session = app.session();
    QString model = cli.positionalArguments().value(0);
    if (model.isEmpty() && QFileInfo::exists(settings.lastModel())) model = settings.lastModel();
    if (!model.isEmpty()) session->load(model);

    if (cli.isSet(shot)) {
        const QString file = cli.value(shot);
        auto grab = [window, file] {
            const QImage img = window->grabWindow();
            const bool ok = img.save(file);
            spdlog::info("screenshot {} {}", file.toStdString(), ok ? "saved" : "FAILED");
            QCoreApplication::exit(ok ? 0 : 2);
        };
        // On the Benchmark page with a model: benchmark it (ternary and FP16), grab the results.
        if (app.navigation()->page() == Navigation::Benchmark && !model.isEmpty()) {
            Benchmarks* benchmarks = app.benchmarks();
            QObject::connect(session, &ModelSession::stateChanged, session, [session, benchmarks, model, grab] {
                if (session->state() == ModelSession::Ready && !benchmarks->running()) benchmarks->run(model);
                else if (session->state() == ModelSession::NoModel) QTimer::singleShot(300, grab);
            });
            QObject::connect(benchmarks, &Benchmarks::finished, benchmarks, [grab] { QTimer::singleShot(800, grab); });
        } else if (cli.isSet(prompt) && !model.isEmpty()) {
            // With --prompt: wait for the model, ask, and grab once the answer is complete.
            const QString text = cli.value(prompt);
            Conversations* chat = app.conversations();
            QObject::connect(session, &ModelSession::stateChanged, session, [session, chat, text, grab] {
                if (session->state() == ModelSession::Ready) chat->send(text);
                else if (session->state() == ModelSession::NoModel) QTimer::singleShot(300, grab);
            });
            QObject::connect(chat, &Conversations::answerFinished, chat, [grab] { QTimer::singleShot(600, grab); });
        } else {
            QTimer::singleShot(model.isEmpty() ? (benchView > 0 ? 1500 : 500) : 3000, grab);
        }
        QTimer::singleShot(120000, [] { QCoreApplication::exit(3); });  // never hang CI
    }
    const int rc = qapp.exec();
    // Quitting (window closed, Ctrl+Q, SIGTERM) never waits on the engine for long: it is told to
    // stop, and given ModelSession::kQuitWaitMs. Chats are stored as they go, so what is left
    // to save is small: the answer streaming now, and the settings.
    app.conversations()->leaveAnswer();
    if (!session->stopEngine(ModelSession::kQuitWaitMs)) {
        // Still inside an engine call that cannot be interrupted (a read stuck in the kernel).
        // Joining it could take for ever and destroying it aborts, so end the process here,
        // without exit-time destructors running under that thread. Every chat write is already
        // committed (SQLite WAL survives this); the settings are flushed first.
        spdlog::error("the engine did not stop within {} ms of quitting; exiting without waiting for it",
                      ModelSession::kQuitWaitMs);
        QSettings().sync();
        spdlog::shutdown();
        std::_Exit(rc);
    }
    return rc;
}
