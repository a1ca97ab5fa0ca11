// tern::Server: the HTTP side (cpp-httplib) of the OpenAI-compatible server. Routes, checks that
// apply to every request (key, host, content type, size), and one completion's life: parse,
// tokenize, wait for a session, generate (streamed as Server-Sent Events or answered whole).
#include "tern/server.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "server/api_error.h"
#include "server/disconnect_watch.h"
#include "server/prompt.h"
#include "server/request.h"
#include "server/response.h"
#include "server/slot_pool.h"
#include "server/sse.h"
#include "server/stop_matcher.h"
#include "tern/error.h"
#include "tern/generate.h"

namespace tern {

using json = nlohmann::ordered_json;
using server::ApiError;
using Clock = std::chrono::steady_clock;

namespace {

double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool is_loopback_name(std::string host) {
    std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0 ||
           (host.size() > 10 && host.ends_with(".localhost"));
}

// The host part of a Host header ("127.0.0.1:8080", "[::1]:8080", "localhost").
std::string host_of(const std::string& header) {
    if (!header.empty() && header.front() == '[') {
        const size_t close = header.find(']');
        return close == std::string::npos ? header : header.substr(0, close + 1);
    }
    const size_t colon = header.find(':');
    return colon == std::string::npos ? header : header.substr(0, colon);
}

// Compares without an early exit, so the time taken does not tell how much of a key was right.
bool same_secret(const std::string& a, const std::string& b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % std::max<size_t>(b.size(), 1)]);
    return diff == 0;
}

std::string random_hex(size_t n) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s(n, '0');
    for (auto& c : s) c = kHex[rng() & 15];
    return s;
}

std::string model_id_for(const Model& m, const std::string& configured) {
    if (!configured.empty()) return configured;
    return std::filesystem::path(m.info().path).stem().string();
}

void send_error(httplib::Response& res, const ApiError& e) {
    res.status = e.status;
    if (e.status == 401) res.set_header("WWW-Authenticate", "Bearer");
    if (e.status == 503) res.set_header("Retry-After", "1");
    res.set_content(server::json_text(e.body()), "application/json");
}

}  // namespace

struct Server::Impl {
    struct Job;
    ServerOptions opt;
    // Declared before the HTTP server: jobs hold leases and watch guards, and the HTTP server's
    // threads (joined in stop) hold jobs.
    server::DisconnectWatch watch;
    server::SlotPool pool;

    mutable std::mutex mutex;  // guards the model and the running jobs
    std::shared_ptr<const Model> model;
    std::string model_id;
    int64_t model_created = 0;
    std::set<Job*> jobs;

    std::atomic<bool> draining = false;
    std::atomic<bool> stopped = false;
    std::atomic<uint64_t> n_requests = 0, n_completions = 0, n_cancelled = 0, n_prompt_tokens = 0,
                          n_completion_tokens = 0;

    httplib::Server http;
    std::thread listener;
    int port = 0;

    explicit Impl(ServerOptions o)
        : opt(std::move(o)), pool(opt.n_parallel, opt.max_queued, opt.session) {}

    void routes();
    bool admit(const httplib::Request& req, httplib::Response& res);
    void health(httplib::Response& res);
    void models(const httplib::Request& req, httplib::Response& res);
    void completion(const httplib::Request& req, httplib::Response& res, server::Endpoint endpoint);
    server::AnswerStats generate_answer(Job& job, const std::function<bool(std::string_view)>& emit);
    bool stream(const std::shared_ptr<Job>& job, httplib::DataSink& sink);
    void finished(const Job& job, const server::AnswerStats& s);
};

// One completion request, shared by the handler and (for a stream) the content provider. Listed
// in Server::Impl::jobs from creation to destruction, so that stop() can cancel it.
struct Server::Impl::Job {
    explicit Job(Impl* owner);
    ~Job();
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;
    Impl* impl;
    server::CompletionRequest request;
    std::shared_ptr<const Model> model;
    server::CompletionIds ids;
    std::vector<int32_t> prompt;
    Clock::time_point received = Clock::now();
    std::atomic<bool> cancel = false;    // the client left, or the server stops
    std::atomic<bool> shutdown = false;  // ... the server stops
    server::DisconnectWatch::Guard watch;
    std::optional<server::SlotPool::Lease> lease;  // held from the queue to the generation's end
    double queue_ms = 0;
    bool streamed = false;  // the content provider ran
};


// Checks every request passes before routing: CORS preflight, the Host header, the key and the
// content type. False when it answered already.
bool Server::Impl::admit(const httplib::Request& req, httplib::Response& res) {
    if (req.method == "OPTIONS" && !opt.cors_origin.empty()) {
        res.status = 204;
        res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
        res.set_header("Access-Control-Max-Age", "600");
        return false;
    }
    // A page in a browser can reach a loopback server by making its own domain resolve to
    // 127.0.0.1 (DNS rebinding); it cannot make the browser send a loopback Host header.
    if (is_loopback_name(opt.host)) {
        const std::string host = host_of(req.get_header_value("Host"));
        if (!is_loopback_name(host) && host != opt.host) {
            send_error(res, ApiError(403, "this server only answers requests addressed to localhost, not to '" + host + "'",
                                     "", "forbidden_host"));
            return false;
        }
    }
    if (!opt.api_key.empty() && req.path.rfind("/v1/", 0) == 0) {
        const std::string auth = req.get_header_value("Authorization");
        if (auth.empty()) {
            send_error(res, ApiError(401, "no API key: send the header 'Authorization: Bearer <key>'", "",
                                     "invalid_api_key"));
            return false;
        }
        if (auth.rfind("Bearer ", 0) != 0 || !same_secret(auth.substr(7), opt.api_key)) {
            send_error(res, ApiError(401, "incorrect API key", "", "invalid_api_key"));
            return false;
        }
    }
    if (req.method == "POST") {
        // A web page can POST text/plain anywhere without asking; application/json needs CORS.
        std::string type = req.get_header_value("Content-Type");
        type = type.substr(0, type.find(';'));
        std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
        while (!type.empty() && type.back() == ' ') type.pop_back();
        if (type != "application/json") {
            send_error(res, ApiError(415, "the request body must be JSON with 'Content-Type: application/json'", "",
                                     "unsupported_media_type"));
            return false;
        }
    }
    return true;
}

Server::Impl::Job::Job(Impl* owner) : impl(owner) {
    std::lock_guard lock(impl->mutex);
    impl->jobs.insert(this);
}

Server::Impl::Job::~Job() {
    std::lock_guard lock(impl->mutex);
    impl->jobs.erase(this);
}

void Server::Impl::routes() {
    http.set_payload_max_length(opt.max_body_bytes);
    http.set_keep_alive_timeout(opt.keep_alive_seconds);
    // Without it a response's body, written after its headers, waits for the client's delayed ACK
    // (Nagle): 40 ms added to every answer, and streamed tokens bunched up (measured: 46 ms median).
    http.set_tcp_nodelay(true);
    // cpp-httplib's default sets SO_REUSEPORT, which lets a second server bind a port this one
    // listens on (the kernel then splits connections between them). SO_REUSEADDR alone still
    // allows a restart while old connections linger in TIME_WAIT, and refuses a port in use.
    http.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    const size_t threads = static_cast<size_t>(opt.n_parallel + opt.max_queued) + 4;  // + health, models, errors
    http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    if (!opt.cors_origin.empty())
        http.set_default_headers({{"Access-Control-Allow-Origin", opt.cors_origin}, {"Vary", "Origin"}});

    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        return admit(req, res) ? httplib::Server::HandlerResponse::Unhandled : httplib::Server::HandlerResponse::Handled;
    });
    // Errors that cpp-httplib answers itself (unknown route, body too large, malformed request)
    // get OpenAI's shape too; those the handlers answered already have a body.
    http.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        if (res.status == 404)
            send_error(res, ApiError(404, "unknown URL: " + req.method + " " + req.path, "", "unknown_url"));
        else if (res.status == 413)
            send_error(res, ApiError(413, "the request body is larger than " + std::to_string(opt.max_body_bytes) +
                                              " bytes", "", "request_too_large"));
        else
            send_error(res, ApiError(res.status, "bad request (HTTP status " + std::to_string(res.status) + ")"));
        return httplib::Server::HandlerResponse::Handled;
    }));
    http.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
        spdlog::error("{} {}: {}", req.method, req.path, what);
        send_error(res, ApiError(500, "internal error: " + what));
    });
    http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
        ++n_requests;
        spdlog::debug("{} {} {}", req.method, req.path, res.status);
    });

    http.Get("/health", [this](const httplib::Request&, httplib::Response& res) { health(res); });
    http.Get("/v1/models", [this](const httplib::Request& req, httplib::Response& res) { models(req, res); });
    http.Get("/v1/models/(.+)", [this](const httplib::Request& req, httplib::Response& res) { models(req, res); });
    http.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
        completion(req, res, server::Endpoint::ChatCompletions);
    });
    http.Post("/v1/completions", [this](const httplib::Request& req, httplib::Response& res) {
        completion(req, res, server::Endpoint::Completions);
    });
}

void Server::Impl::health(httplib::Response& res) {
    std::lock_guard lock(mutex);
    json body;
    if (draining) {
        res.status = 503;
        body = {{"status", "shutting_down"}};
    } else if (!model) {
        res.status = 503;
        body = {{"status", "loading"}};
    } else {
        body = {{"status", "ok"}, {"model", model_id}};
    }
    body["slots"] = {{"total", pool.size()}, {"busy", pool.busy()}};
    body["queued"] = pool.queued();
    body["completions"] = n_completions.load();
    body["cancelled"] = n_cancelled.load();
    res.set_content(server::json_text(body), "application/json");
}

void Server::Impl::models(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex);
    json list = json::array();
    if (model) list.push_back(server::model_json(model_id, model_created, model->info(), pool.n_ctx()));
    if (req.matches.size() > 1) {  // GET /v1/models/{id}
        if (list.empty() || req.matches[1] != model_id)
            return send_error(res, ApiError(404, "the model '" + std::string(req.matches[1]) + "' does not exist",
                                            "model", "model_not_found"));
        return res.set_content(server::json_text(list[0]), "application/json");
    }
    res.set_content(server::json_text({{"object", "list"}, {"data", list}}), "application/json");
}

void Server::Impl::completion(const httplib::Request& req, httplib::Response& res, server::Endpoint endpoint) try {
    auto job = std::make_shared<Job>(this);
    std::string id;
    {
        std::lock_guard lock(mutex);
        if (draining) throw ApiError(503, "the server is shutting down", "", "shutting_down");
        if (!model) throw ApiError(503, "the model is still loading", "", "model_loading");
        job->model = model;
        id = model_id;
    }
    job->request = server::parse_completion_request(req.body, endpoint);
    const server::CompletionRequest& r = job->request;
    if (!r.model.empty() && r.model != id)
        throw ApiError(404, "the model '" + r.model + "' does not exist (this server has '" + id + "')", "model",
                       "model_not_found");
    const bool chat = endpoint == server::Endpoint::ChatCompletions;
    job->ids = {endpoint, (chat ? "chatcmpl-" : "cmpl-") + random_hex(24), unix_now(), id};

    const Tokenizer& tok = job->model->tokenizer();
    job->prompt = chat ? server::chat_prompt_tokens(tok, job->model->chat_template(), r.messages)
                       : server::completion_prompt_tokens(tok, r.prompt);
    const char* prompt_param = chat ? "messages" : "prompt";
    auto check_fits = [&](int n_ctx) {
        if (job->prompt.empty()) throw server::bad_field(prompt_param, "the prompt is empty");
        if (static_cast<int>(job->prompt.size()) >= n_ctx)
            throw ApiError(400, "the prompt is " + std::to_string(job->prompt.size()) +
                                    " tokens; this server's context is " + std::to_string(n_ctx) +
                                    " tokens, including the answer",
                           prompt_param, "context_length_exceeded");
    };
    check_fits(pool.n_ctx());

    job->watch = watch.watch(server::find_connection_socket(req.local_addr, req.local_port, req.remote_addr,
                                                            req.remote_port),
                             &job->cancel);

    auto got = pool.acquire(job->model, job->prompt, job->cancel);
    if (auto* refusal = std::get_if<server::SlotPool::Refusal>(&got)) {
        switch (*refusal) {
            case server::SlotPool::Refusal::QueueFull:
                throw ApiError(503, "the server is busy: " + std::to_string(opt.max_queued) +
                                        " requests are already waiting; try again", "", "queue_full");
            case server::SlotPool::Refusal::Closed:
                throw ApiError(503, "the server is shutting down", "", "shutting_down");
            case server::SlotPool::Refusal::Cancelled:
                if (job->shutdown) throw ApiError(503, "the server is shutting down", "", "shutting_down");
                ++n_cancelled;
                spdlog::info("{} {}: the client left while queued", req.method, req.path);
                res.status = 499;  // nobody reads it
                return;
        }
    }
    job->lease.emplace(std::move(std::get<server::SlotPool::Lease>(got)));
    job->queue_ms = ms_between(job->received, Clock::now());
    check_fits(job->lease->session().n_ctx());

    if (!r.stream) {
        std::string text;
        const server::AnswerStats s = generate_answer(*job, [&](std::string_view t) {
            text += t;
            return true;
        });
        if (s.stop_reason == "client_gone") {
            res.status = 499;  // nobody reads it
            return;
        }
        res.set_content(server::json_text(server::completion_json(job->ids, text, s, job->model->info())),
                        "application/json");
        return;
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    // cpp-httplib calls the provider after the handler has returned; it keeps the job alive, and
    // with it the lease and the entry in `jobs`.
    // It is called again until the sink is done; false closes the connection.
    res.set_chunked_content_provider("text/event-stream", [this, job](size_t, httplib::DataSink& sink) {
        return !std::exchange(job->streamed, true) && stream(job, sink);
    });
} catch (const ApiError& e) {
    send_error(res, e);
}

// Runs one generation on the job's session, passing the text it may show to emit (false: the
// client is gone). Stop sequences end it early; the lease is given back as soon as it is done.
server::AnswerStats Server::Impl::generate_answer(Job& job, const std::function<bool(std::string_view)>& emit) {
    Session& session = job.lease->session();
    const server::CompletionRequest& r = job.request;
    GenerateOptions g;
    g.sampling = r.sampling;
    // Without a seed, answers vary from request to request, as OpenAI's do. The drawn one is below
    // 2^53, so that a client whose JSON numbers are doubles (JavaScript) can send it back intact.
    if (!r.seed_given) {
        std::random_device random;
        g.sampling.seed = ((uint64_t{random()} << 32) | random()) & ((uint64_t{1} << 53) - 1);
    }
    const int room = session.n_ctx() - static_cast<int>(job.prompt.size());
    g.max_tokens = r.max_tokens > 0 ? std::min(r.max_tokens, room)
                   : r.endpoint == server::Endpoint::ChatCompletions ? room
                                                                     : std::min(server::kDefaultCompletionTokens, room);
    server::StopMatcher stops(r.stop);
    bool client_gone = false;
    server::AnswerStats s;
    s.queue_ms = job.queue_ms;
    s.seed = g.sampling.seed;
    const double before_ms = ms_between(job.received, Clock::now());  // parsing, tokenizing, queueing
    s.result = generate(session, job.prompt, g, [&](std::string_view text, int32_t) {
        if (client_gone) return false;
        const std::string out = stops.push(text);
        if (!out.empty() && !emit(out)) client_gone = true;
        return !client_gone && !stops.stopped();
    }, &job.cancel);
    job.lease.reset();  // the next request may use the session now
    client_gone = client_gone || (job.cancel && !job.shutdown);
    // Text held back for a stop sequence that never came is part of the answer.
    if (const std::string rest = stops.flush(); !rest.empty() && !client_gone) client_gone = !emit(rest);

    const std::string& why = s.result.stop_reason;
    if (client_gone) s.stop_reason = "client_gone";
    else if (why == "cancelled") s.stop_reason = "shutdown";
    else if (why == "eog") s.stop_reason = "eos";
    else if (why == "stopped") s.stop_reason = "stop_sequence";
    else s.stop_reason = why;  // max_tokens, context_full
    s.ttft_ms = s.result.n_generated > 0 ? before_ms + s.result.ttft_ms : 0;
    finished(job, s);
    return s;
}

void Server::Impl::finished(const Job& job, const server::AnswerStats& s) {
    const GenerateResult& r = s.result;
    if (s.stop_reason == "client_gone") {
        ++n_cancelled;
        spdlog::info("{}: the client left after {} tokens; generation stopped", job.ids.id, r.n_generated);
        return;
    }
    ++n_completions;
    n_prompt_tokens += static_cast<uint64_t>(r.n_prompt);
    n_completion_tokens += static_cast<uint64_t>(r.n_generated);
    spdlog::info("{}: prompt {} tokens ({} cached), {} generated, {} | queue {:.0f} ms, first token {:.0f} ms, "
                 "{:.1f} tok/s",
                 job.ids.id, r.n_prompt, r.n_reused, r.n_generated, s.stop_reason, s.queue_ms, s.ttft_ms,
                 r.decode_tokens_per_second());
}

// Sends a whole streamed answer; false when the client left before its end.
bool Server::Impl::stream(const std::shared_ptr<Job>& job, httplib::DataSink& sink) {
    const server::CompletionRequest& r = job->request;
    const bool chat = job->ids.endpoint == server::Endpoint::ChatCompletions;
    auto send = [&](const json& j) {
        const std::string event = server::sse_event(j);
        return sink.write(event.data(), event.size());
    };
    // A chat stream starts with the role, as OpenAI's does, before the first token is ready.
    if (chat && !send(server::chunk_json(job->ids, "", true, nullptr, r.include_usage))) {
        job->lease.reset();
        ++n_cancelled;
        return false;
    }
    server::AnswerStats s;
    try {
        s = generate_answer(*job, [&](std::string_view text) {
            return send(server::chunk_json(job->ids, text, false, nullptr, r.include_usage));
        });
    } catch (const std::exception& e) {
        // The status line went out already: the error becomes an event, as OpenAI sends them.
        job->lease.reset();
        spdlog::error("{}: {}", job->ids.id, e.what());
        send(ApiError(500, std::string("internal error: ") + e.what()).body());
        const std::string_view done = server::kSseDone;
        if (!sink.write(done.data(), done.size())) return false;
        sink.done();
        return true;
    }
    if (s.stop_reason == "client_gone") return false;
    const json tern = server::tern_json(s, job->model->info());
    json last = server::chunk_json(job->ids, "", false, server::finish_reason(s.stop_reason), r.include_usage);
    if (!r.include_usage) last["tern"] = tern;
    if (!send(last)) return false;
    if (r.include_usage) {
        json usage = server::usage_chunk_json(job->ids, server::usage_json(s.result.n_prompt, s.result.n_generated));
        usage["tern"] = tern;
        if (!send(usage)) return false;
    }
    const std::string_view done = server::kSseDone;
    if (!sink.write(done.data(), done.size())) return false;
    sink.done();
    return true;
}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() { stop(); }

void Server::start() {
    const ServerOptions& o = impl_->opt;
    if (impl_->listener.joinable() || impl_->stopped) throw Error("the server was started already");
    if (o.host.empty()) throw Error("the server needs a host to listen on");
    if (o.port < 0 || o.port > 65535) throw Error("port must be between 0 and 65535, not " + std::to_string(o.port));
    if (o.n_parallel < 1 || o.n_parallel > 64)
        throw Error("parallel sessions must be between 1 and 64, not " + std::to_string(o.n_parallel));
    if (o.max_queued < 0 || o.max_queued > 1024)
        throw Error("the queue length must be between 0 and 1024, not " + std::to_string(o.max_queued));
    for (const std::string* s : {&o.cors_origin, &o.api_key})
        if (s->find_first_of("\r\n") != std::string::npos) throw Error("the CORS origin and API key must be one line");
    if (o.max_body_bytes < 1024) throw Error("the body limit must be at least 1024 bytes");
    if (o.keep_alive_seconds < 0 || o.keep_alive_seconds > 300)
        throw Error("the keep-alive time must be between 0 and 300 seconds, not " + std::to_string(o.keep_alive_seconds));
    impl_->routes();
    const bool ok = o.port == 0 ? (impl_->port = impl_->http.bind_to_any_port(o.host)) > 0
                                : impl_->http.bind_to_port(o.host, impl_->port = o.port);
    if (!ok)
        throw Error("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                    " (is the port in use, or the address not one of this machine's?)");
    if (!is_loopback_name(o.host))
        spdlog::warn("listening on {}: other machines can reach this server{}", o.host,
                     o.api_key.empty() ? ", and no API key is set" : "");
    impl_->listener = std::thread([this] { impl_->http.listen_after_bind(); });
    // cpp-httplib's stop() does nothing until the listening loop has begun: wait for it, so that
    // a stop() right after start() cannot leave the loop running forever.
    while (!impl_->http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

int Server::port() const { return impl_->port; }

std::string Server::url() const {
    const std::string& h = impl_->opt.host;
    return "http://" + (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + std::to_string(impl_->port);
}

void Server::set_model(std::shared_ptr<const Model> model) {
    impl_->pool.set_model(model);  // throws for options that do not fit the model
    std::lock_guard lock(impl_->mutex);
    impl_->model_id = model ? model_id_for(*model, impl_->opt.model_id) : "";
    impl_->model_created = unix_now();
    impl_->model = std::move(model);
}

void Server::drain() { impl_->draining = true; }

void Server::stop() {
    if (impl_->stopped.exchange(true)) return;
    impl_->draining = true;
    impl_->pool.close();
    {
        std::lock_guard lock(impl_->mutex);
        for (Impl::Job* j : impl_->jobs) {
            j->shutdown = true;
            j->cancel = true;
        }
    }
    impl_->http.stop();
    if (impl_->listener.joinable()) impl_->listener.join();
}

ServerStats Server::stats() const {
    ServerStats s;
    {
        std::lock_guard lock(impl_->mutex);
        s.loaded = impl_->model != nullptr;
    }
    s.draining = impl_->draining;
    s.n_slots = impl_->pool.size();
    s.busy = impl_->pool.busy();
    s.queued = impl_->pool.queued();
    s.requests = impl_->n_requests;
    s.completions = impl_->n_completions;
    s.cancelled = impl_->n_cancelled;
    s.prompt_tokens = impl_->n_prompt_tokens;
    s.completion_tokens = impl_->n_completion_tokens;
    return s;
}

}  // namespace tern
