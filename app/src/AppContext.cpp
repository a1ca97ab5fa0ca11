#include "AppContext.h"

#include "Alerts.h"
#include "Benchmarks.h"
#include "Conversations.h"
#include "Database.h"
#include "Format.h"
#include "LiveMetrics.h"
#include "LocalServer.h"
#include "ModelLibrary.h"
#include "ModelSession.h"
#include "ModelSources.h"
#include "Navigation.h"
#include "Settings.h"

namespace tern::app {

namespace {
AppContext* g_current = nullptr;
}

AppContext::AppContext(Settings* settings, Database* db)
    : settings_(settings),
      previous_(g_current),
      alerts_(std::make_unique<Alerts>()),
      navigation_(std::make_unique<Navigation>()),
      format_(std::make_unique<Format>()),
      library_(std::make_unique<ModelLibrary>(settings)),
      metrics_(std::make_unique<LiveMetrics>()),
      session_(std::make_unique<ModelSession>(settings, alerts_.get(), metrics_.get())),
      conversations_(std::make_unique<Conversations>(settings, db, session_.get(), metrics_.get(), alerts_.get())),
      benchmarks_(std::make_unique<Benchmarks>(settings, db, session_.get(), library_.get(), metrics_.get(),
                                               alerts_.get())),
      sources_(std::make_unique<ModelSources>(settings, library_.get(), session_.get(), alerts_.get())),
      server_(std::make_unique<LocalServer>(settings, session_.get())) {
    QObject::connect(settings, &Settings::changed, library_.get(), &ModelLibrary::refresh);
    // One engine thread: an answer, a benchmark, a load and a benchmark-model write take turns.
    conversations_->setBusyCheck([this]() -> QString {
        if (benchmarks_->running())
            return QObject::tr("A benchmark is running; send again when it has finished or been cancelled.");
        return {};
    });
    benchmarks_->setBusyCheck([this]() -> QString {
        if (conversations_->generating() || session_->state() == ModelSession::Loading ||
            !sources_->creatingPreset().isEmpty())
            return QObject::tr("Wait for the answer or the model loading to finish before benchmarking.");
        return {};
    });
    g_current = this;
}

AppContext::~AppContext() {
    if (g_current == this) g_current = previous_;
}

AppContext* AppContext::current() { return g_current; }

}  // namespace tern::app
