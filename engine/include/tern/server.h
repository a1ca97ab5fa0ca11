#pragma once
// A local OpenAI-compatible HTTP server over a loaded model: what `tern-cli serve` runs, and what
// the app can start and stop with the model its engine worker already holds. Endpoints:
// GET /health, GET /v1/models, POST /v1/chat/completions and POST /v1/completions (both also as
// Server-Sent Events). Requests wait in one first-come-first-served queue for one of n_parallel
// sessions (KV caches) that share the model; a session keeps its cache between requests, so a
// conversation that grows by a turn only evaluates the new tokens.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "tern/model.h"
#include "tern/session.h"

namespace tern {

struct ServerOptions {
    std::string host = "127.0.0.1";  // loopback by default; any other address is logged as a warning
    int port = 8080;                 // 0: any free port (Server::port() says which)
    std::string api_key;             // "": no key; else /v1/* needs "Authorization: Bearer <key>"
    std::string cors_origin;         // "": no CORS headers at all; else the origin allowed ("*": any)
    int n_parallel = 1;              // sessions generating at once, each with its own KV cache
    int max_queued = 16;             // requests waiting for a session; the next ones get 503
    SessionOptions session;          // context length of every session
    size_t max_body_bytes = 1 << 20; // larger request bodies get 413
    // How long an idle connection stays open for the client's next request. stop() waits for
    // such connections up to this long (cpp-httplib checks for a stop only between requests).
    int keep_alive_seconds = 5;
    std::string model_id;            // the id /v1/models lists; "": the model file's name without .gguf
};

struct ServerStats {
    bool loaded = false;    // a model is set (else /health says "loading")
    bool draining = false;  // drain() or stop() was called
    int n_slots = 0;
    int busy = 0;           // sessions generating now
    int queued = 0;         // requests waiting for one
    uint64_t requests = 0;  // HTTP requests answered, of any kind and status
    uint64_t completions = 0;          // generations that ran to their end (any finish reason)
    uint64_t cancelled = 0;            // generations stopped because the client left
    uint64_t prompt_tokens = 0;        // over all completions
    uint64_t completion_tokens = 0;
};

class Server {
public:
    explicit Server(ServerOptions options);
    ~Server();  // stop()
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds the address and serves on background threads; /health answers 503 until set_model.
    // Throws tern::Error when the options are invalid or the address cannot be bound.
    void start();
    int port() const;        // the bound port (after start)
    std::string url() const; // "http://127.0.0.1:8080"

    // The model to serve, shared with whoever else runs it (a Model is immutable). Replacing it
    // lets running requests finish on the old one; nullptr goes back to "loading". Throws
    // tern::Error when the session options do not fit the model (e.g. a context too long).
    void set_model(std::shared_ptr<const Model> model);

    // New completions get 503 from now on; those already running or queued go on.
    void drain();
    // Cancels what still runs (a streamed answer ends with its last chunk and [DONE]), then closes
    // the socket and joins the threads. Safe to call more than once.
    void stop();

    ServerStats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tern
