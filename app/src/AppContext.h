#pragma once
// The composition root: builds the app's focused objects in dependency order and wires the few
// checks between them. main() and the tests make one; QML reaches its parts as the singletons of
// the Tern module (QmlTypes.h), never through context properties.
#include <memory>

namespace tern::app {

class Alerts;
class Benchmarks;
class Conversations;
class Database;
class Format;
class LiveMetrics;
class LocalServer;
class ModelLibrary;
class ModelSession;
class ModelSources;
class Navigation;
class Settings;

class AppContext {
public:
    // db may be nullptr (nothing is stored) or an open Database; both must outlive the context.
    explicit AppContext(Settings* settings, Database* db = nullptr);
    ~AppContext();
    AppContext(const AppContext&) = delete;
    AppContext& operator=(const AppContext&) = delete;

    // The context the QML singletons hand out: the newest one alive.
    static AppContext* current();

    Settings* settings() const { return settings_; }
    Alerts* alerts() const { return alerts_.get(); }
    Navigation* navigation() const { return navigation_.get(); }
    Format* format() const { return format_.get(); }
    ModelLibrary* library() const { return library_.get(); }
    LiveMetrics* metrics() const { return metrics_.get(); }
    ModelSession* session() const { return session_.get(); }
    Conversations* conversations() const { return conversations_.get(); }
    Benchmarks* benchmarks() const { return benchmarks_.get(); }
    ModelSources* sources() const { return sources_.get(); }
    LocalServer* localServer() const { return server_.get(); }

private:
    Settings* settings_;
    AppContext* previous_;
    std::unique_ptr<Alerts> alerts_;
    std::unique_ptr<Navigation> navigation_;
    std::unique_ptr<Format> format_;
    std::unique_ptr<ModelLibrary> library_;
    std::unique_ptr<LiveMetrics> metrics_;
    std::unique_ptr<ModelSession> session_;  // the engine thread: after what it reports to
    std::unique_ptr<Conversations> conversations_;
    std::unique_ptr<Benchmarks> benchmarks_;
    std::unique_ptr<ModelSources> sources_;
    std::unique_ptr<LocalServer> server_;  // shares the engine worker's model: goes first
};

}  // namespace tern::app
