#pragma once
// What QML sees of the C++ side, all in one place: the Tern module's singletons (the parts of the
// running AppContext) and its creatable types. QML imports them with `import Tern`.
#include <QJSEngine>
#include <QQmlEngine>
#include <QtQml/qqmlregistration.h>

#include "Alerts.h"
#include "AppContext.h"
#include "BenchmarkHistory.h"
#include "Benchmarks.h"
#include "ChatModel.h"
#include "CodeHighlighter.h"
#include "ConversationListModel.h"
#include "Conversations.h"
#include "DownloadManager.h"
#include "Format.h"
#include "LiveMetrics.h"
#include "LocalServer.h"
#include "MarkdownSegments.h"
#include "ModelLibrary.h"
#include "ModelSession.h"
#include "ModelSources.h"
#include "Navigation.h"
#include "MarkdownStyle.h"
#include "ParagraphLayout.h"
#include "Settings.h"

namespace tern::app::qml {

// The context's object, owned by C++ (the QML engine must never delete it).
template <class T>
T* exposed(T* object) {
    QJSEngine::setObjectOwnership(object, QJSEngine::CppOwnership);
    return object;
}

struct ModelSessionSingleton {
    Q_GADGET
    QML_FOREIGN(tern::app::ModelSession)
    QML_NAMED_ELEMENT(ModelSession)
    QML_SINGLETON
public:
    static tern::app::ModelSession* create(QQmlEngine*, QJSEngine*) { return exposed(AppContext::current()->session()); }
};

struct ConversationsSingleton {
    Q_GADGET
    QML_FOREIGN(tern::app::Conversations)
    QML_NAMED_ELEMENT(Conversations)
    QML_SINGLETON
public:
    static tern::app::Conversations* create(QQmlEngine*, QJSEngine*) { return exposed(AppContext::current()->conversations()); }
};

struct BenchmarksSingleton {
    Q_GADGET
    QML_FOREIGN(tern::app::Benchmarks)
    QML_NAMED_ELEMENT(Benchmarks)
    QML_SINGLETON
public:
    static tern::app::Benchmarks* create(QQmlEngine*, QJSEngine*) { return exposed(AppContext::current()->benchmarks()); }
};

struct ModelSourcesSingleton {
    Q_GADGET
    QML_FOREIGN(tern::app::ModelSources)
    QML_NAMED_ELEMENT(ModelSources)
    QML_SINGLETON
public:
    static tern::app::ModelSources* create(QQmlEngine*, QJSEngine*) { return exposed(AppContext::current()->sources()); }
};

struct LocalServerSingleton {
    Q_GADGET
    QML_FOREIGN(tern::app::LocalServer)
    QML_NAMED_ELEMENT(LocalServer)
    QML_SINGLETON
public:
    static tern::app::LocalServer* create(QQmlEngine*, QJSEngine*) { return exposed(AppContext::current()->localServer()); }
};

struct LibrarySingleton {
    Q_GADGET
    QML_FOREIGN(tern::app::ModelLibrary)
    QML_NAMED_ELEMENT(Library)
    QML_SINGLETON
public:
    static tern::app::ModelLibrary* create(QQmlEngine*, QJSEngine*) { return exposed(AppContext::current()->library()); }
};

struct MetricsSingleton {
    Q_GADGET
    QML_FOREIGN(tern::app::LiveMetrics)
    QML_NAMED_ELEMENT(Metrics)
    QML_SINGLETON
public:
    static tern::app::LiveMetrics* create(QQmlEngine*, QJSEngine*) { return exposed(AppContext::current()->metrics()); }
};

struct AppSettingsSingleton {
    Q_GADGET
    QML_FOREIGN(tern::app::Settings)
    QML_NAMED_ELEMENT(AppSettings)
    QML_SINGLETON
public:
    static tern::app::Settings* create(QQmlEngine*, QJSEngine*) { return exposed(AppContext::current()->settings()); }
};

struct AlertsSingleton {
    Q_GADGET
    QML_FOREIGN(tern::app::Alerts)
    QML_NAMED_ELEMENT(Alerts)
    QML_SINGLETON
public:
    static tern::app::Alerts* create(QQmlEngine*, QJSEngine*) { return exposed(AppContext::current()->alerts()); }
};

struct NavigationSingleton {
    Q_GADGET
    QML_FOREIGN(tern::app::Navigation)
    QML_NAMED_ELEMENT(Navigation)
    QML_SINGLETON
public:
    static tern::app::Navigation* create(QQmlEngine*, QJSEngine*) { return exposed(AppContext::current()->navigation()); }
};

struct FormatSingleton {
    Q_GADGET
    QML_FOREIGN(tern::app::Format)
    QML_NAMED_ELEMENT(Format)
    QML_SINGLETON
public:
    static tern::app::Format* create(QQmlEngine*, QJSEngine*) { return exposed(AppContext::current()->format()); }
};

// Types QML creates.
struct SegmentModelType {
    Q_GADGET
    QML_FOREIGN(tern::app::SegmentModel)
    QML_NAMED_ELEMENT(SegmentModel)
};
struct CodeHighlighterType {
    Q_GADGET
    QML_FOREIGN(tern::app::CodeHighlighter)
    QML_NAMED_ELEMENT(CodeHighlighter)
};
struct ParagraphLayoutType {
    Q_GADGET
    QML_FOREIGN(tern::app::ParagraphLayout)
    QML_NAMED_ELEMENT(ParagraphLayout)
};
struct MarkdownStyleType {
    Q_GADGET
    QML_FOREIGN(tern::app::MarkdownStyle)
    QML_NAMED_ELEMENT(MarkdownStyle)
};

// Types QML only reads through the singletons' properties.
struct ChatModelType {
    Q_GADGET
    QML_FOREIGN(tern::app::ChatModel)
    QML_ANONYMOUS
};
struct ConversationListModelType {
    Q_GADGET
    QML_FOREIGN(tern::app::ConversationListModel)
    QML_ANONYMOUS
};
struct BenchmarkHistoryType {
    Q_GADGET
    QML_FOREIGN(tern::app::BenchmarkHistory)
    QML_ANONYMOUS
};
struct DownloadManagerType {
    Q_GADGET
    QML_FOREIGN(tern::app::DownloadManager)
    QML_ANONYMOUS
};

}  // namespace tern::app::qml
