// tern-cli serve: the OpenAI-compatible server (tern/server.h) until SIGINT or SIGTERM.
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>

#include <pthread.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "commands.h"
#include "tern/error.h"
#include "tern/server.h"

namespace tern::cli {
namespace {

// SIGINT and SIGTERM, received by one thread with sigwait (they are blocked everywhere else, so
// the server's threads never see them) and counted: the first drains, the second cancels.
class Signals {
public:
    Signals() {
        sigemptyset(&set_);
        sigaddset(&set_, SIGINT);
        sigaddset(&set_, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &set_, nullptr);  // before any thread starts, so all inherit it
        thread_ = std::thread([this] {
            const timespec tick{0, 100'000'000};
            while (!done_) {
                if (sigtimedwait(&set_, nullptr, &tick) < 0) continue;
                std::lock_guard lock(mutex_);
                ++count_;
                changed_.notify_all();
            }
        });
    }
    ~Signals() {
        done_ = true;
        thread_.join();
        pthread_sigmask(SIG_UNBLOCK, &set_, nullptr);
    }
    int count() {
        std::lock_guard lock(mutex_);
        return count_;
    }
    // Waits until more than `seen` signals arrived, or `timeout`, or `until()` is true (checked
    // every 100 ms). Returns the count.
    template <class Pred>
    int wait(int seen, std::chrono::milliseconds timeout, Pred until) {
        std::unique_lock lock(mutex_);
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (count_ <= seen && !until() && std::chrono::steady_clock::now() < deadline)
            changed_.wait_for(lock, std::chrono::milliseconds(100));
        return count_;
    }

private:
    sigset_t set_;
    std::mutex mutex_;
    std::condition_variable changed_;
    int count_ = 0;
    std::atomic<bool> done_ = false;
    std::thread thread_;
};

}  // namespace

int cmd_serve(int argc, char** argv) {
    auto opts = common_model_options();
    opts.insert(opts.end(), {
        {{"--host"}, "ADDR", "address to listen on (default 127.0.0.1: this machine only; another is logged as a warning)"},
        {{"--port"}, "N", "port (default 8080; 0: any free one, printed at start)"},
        {{"--api-key"}, "KEY", "require 'Authorization: Bearer KEY' on /v1/* (default: no key)"},
        {{"--parallel"}, "N", "requests generating at once, each in its own session and KV cache (default 1)"},
        {{"--cors"}, "ORIGIN", "allow this origin in browsers, '*' for any (default: no CORS headers)"},
    });
    Args args("serve", "-m MODEL [options]   (OpenAI-compatible API under /v1; Ctrl-C stops)", opts);
    if (!args.parse(argc, argv)) return 0;
    // A server's log: on stderr (stdout has the address), each line with its time.
    spdlog::set_default_logger(spdlog::stderr_color_mt("serve"));
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e [%l] %v");
    spdlog::set_level(spdlog::level::info);
    ServerOptions o;
    o.host = args.get("--host").value_or(o.host);
    o.port = args.get_int("--port", o.port);
    o.api_key = args.get("--api-key").value_or("");
    o.cors_origin = args.get("--cors").value_or("");
    o.n_parallel = args.get_int("--parallel", o.n_parallel);
    o.session = session_options(args);
    const std::string path = args.require("-m");
    LoadOptions load = load_options(args);

    Signals signals;
    Server server(o);
    server.start();
    // The first line on stdout, for scripts started with --port 0.
    std::printf("listening on %s\n", server.url().c_str());
    std::fflush(stdout);
    spdlog::info("loading {} (GET /health answers 503 until it is ready)", path);
    auto progress = load.progress;
    load.progress = [&](float p) { return signals.count() == 0 && (!progress || progress(p)); };
    server.set_model(load_model(args, load));
    spdlog::info("ready: {} at {}/v1 ({} session{})", path, server.url(), o.n_parallel, o.n_parallel == 1 ? "" : "s");

    signals.wait(0, std::chrono::hours(24 * 365), [] { return false; });
    server.drain();
    const ServerStats s = server.stats();
    if (s.busy + s.queued > 0) {
        spdlog::info("stopping: finishing {} request(s); Ctrl-C again cancels them", s.busy + s.queued);
        signals.wait(1, std::chrono::seconds(60), [&] {
            const ServerStats now = server.stats();
            return now.busy + now.queued == 0;
        });
    }
    server.stop();
    const ServerStats end = server.stats();
    spdlog::info("stopped after {} completions ({} cancelled by their client), {} tokens generated", end.completions,
                 end.cancelled, end.completion_tokens);
    return 0;
}

}  // namespace tern::cli
