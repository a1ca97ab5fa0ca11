#include "tern/bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>

#include "tern/error.h"
#include "tern/perplexity.h"
#include "tern/profile.h"
#include "tern/session.h"

namespace tern {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Stats {
    double mean = 0, stddev = 0;
};

Stats stats_of(const std::vector<double>& v) {
    Stats s;
    for (double x : v) s.mean += x;
    s.mean /= static_cast<double>(v.size());
    if (v.size() > 1) {
        double ss = 0;
        for (double x : v) ss += (x - s.mean) * (x - s.mean);
        s.stddev = std::sqrt(ss / static_cast<double>(v.size() - 1));  // sample deviation, as llama-bench
    }
    return s;
}

// "2026-12-03T12:00:00Z", as llama-bench writes test_time.
std::string utc_now_rfc3339() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%FT%TZ", &tm);
    return buf;
}

// As llama-bench's model_type: the architecture, the parameter count and the projections' type.
std::string model_type(const ModelInfo& info) {
    char params[32];
    const double p = static_cast<double>(info.parameters);
    if (p >= 1e9) std::snprintf(params, sizeof params, "%.2fB", p / 1e9);
    else std::snprintf(params, sizeof params, "%.2fM", p / 1e6);
    // A dense model (no ternary projections) is named by its most common tensor type, as F16.
    std::string type = info.ternary_type;
    if (type == "none" && !info.tensor_types.empty())
        type = std::max_element(info.tensor_types.begin(), info.tensor_types.end(),
                                [](const auto& a, const auto& b) { return a.second < b.second; })->first;
    return info.arch + " " + params + " " + type;
}

int32_t argmax(std::span<const float> logits) {
    return static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

class Runner {
public:
    Runner(std::shared_ptr<const Model> model, const BenchOptions& o)
        : model_(std::move(model)), o_(o), group_(o.group.empty() ? new_bench_group() : o.group) {}

    BenchResult prompt_processing() {
        const ModelInfo& info = model_->info();
        const int n = o_.n_prompt, depth = o_.n_depth;
        const std::vector<int32_t> prompt = random_tokens(n, 42);
        Session s(model_, {.n_ctx = depth + n, .n_batch = n});
        const std::string test = test_name("pp", n);
        fill_depth(s, test);
        std::vector<double> speeds, seconds;
        double first_ms = 0, joules0 = 0;
        for (int r = -1; r < o_.repetitions; ++r) {  // r = -1: the warm-up
            report(test, r);
            s.trim(depth);
            if (r == 0) joules0 = rapl_.joules();
            const auto start = Clock::now();
            s.eval(prompt);
            const double sec = seconds_since(start);
            if (r < 0) continue;
            speeds.push_back(n / sec);
            seconds.push_back(sec);
            first_ms += sec * 1e3 / o_.repetitions;
        }
        const double joules = rapl_.joules() - joules0;
        // The batch reads the weights once; attention reads on average the depth and half the prompt's KV.
        const double mean_ctx = depth + n / 2.0;
        const double bytes = static_cast<double>(info.weight_bytes_per_token) / n +
                             static_cast<double>(info.kv_bytes_per_token) * mean_ctx;
        return result(test, n, speeds, seconds, first_ms, bytes, static_cast<int>(mean_ctx), joules, s);
    }

    BenchResult token_generation() {
        const ModelInfo& info = model_->info();
        const int n = o_.n_gen, depth = o_.n_depth;
        // Batches only for filling the depth; decoding runs one token at a time either way.
        Session s(model_, {.n_ctx = depth + n + 1, .n_batch = depth > 0 ? kFillBatch : 1});
        const std::string test = test_name("tg", n);
        fill_depth(s, test);
        std::vector<double> speeds, seconds;
        double first_ms = 0, joules0 = 0;
        const int32_t first = std::max(model_->tokenizer().bos(), 0);
        for (int r = -1; r < o_.repetitions; ++r) {
            report(test, r);
            s.trim(depth);
            int32_t next = argmax(s.eval(std::span<const int32_t>(&first, 1)));
            if (r == 0) joules0 = rapl_.joules();
            const auto start = Clock::now();
            for (int i = 0; i < n; ++i) {
                const auto step = Clock::now();
                next = argmax(s.eval(std::span<const int32_t>(&next, 1)));
                if (i == 0 && r >= 0) first_ms += seconds_since(step) * 1e3 / o_.repetitions;
            }
            const double sec = seconds_since(start);
            if (r < 0) continue;
            speeds.push_back(n / sec);
            seconds.push_back(sec);
        }
        // Every token reads all weights, and the KV cache of the positions before it.
        const double mean_ctx = depth + n / 2.0 + 1;
        const double bytes = static_cast<double>(info.weight_bytes_per_token) +
                             static_cast<double>(info.kv_bytes_per_token) * mean_ctx;
        const double joules = rapl_.joules() - joules0;
        return result(test, n, speeds, seconds, first_ms, bytes, static_cast<int>(mean_ctx), joules, s);
    }

    // Perplexity of the quality text: the quality cost of a precision, measured beside its speed.
    BenchResult quality() {
        const ModelInfo& info = model_->info();
        const int ctx = o_.quality_ctx > 0 ? o_.quality_ctx : std::min(info.n_ctx_train, 512);
        std::vector<int32_t> tokens = model_->tokenizer().encode(o_.quality_text, true, false);
        const int all_chunks = static_cast<int>(tokens.size() / static_cast<size_t>(ctx));
        const int chunks = o_.quality_chunks > 0 ? std::min(o_.quality_chunks, all_chunks) : all_chunks;
        if (chunks > 0) tokens.resize(static_cast<size_t>(chunks) * ctx);
        Session s(model_, {.n_ctx = ctx, .n_batch = ctx});
        const std::string test = "ppl@c" + std::to_string(ctx);
        const auto chunk_done = [&](int c, double) {
            if (o_.progress && !o_.progress(test, static_cast<float>(c + 1) / static_cast<float>(chunks)))
                throw Cancelled();
        };
        if (o_.progress && !o_.progress(test, 0)) throw Cancelled();
        const double joules0 = rapl_.joules();
        const auto start = Clock::now();
        const PerplexityResult p = perplexity(s, tokens, ctx, chunk_done);
        const double sec = seconds_since(start);
        const double evaluated = static_cast<double>(p.n_chunks) * ctx;
        const double bytes = static_cast<double>(info.weight_bytes_per_token) / ctx +
                             static_cast<double>(info.kv_bytes_per_token) * ctx / 2.0;
        BenchResult r = result(test, static_cast<int>(p.n_scored), {evaluated / sec}, {sec}, sec * 1e3 / p.n_chunks, bytes,
                               ctx / 2, rapl_.joules() - joules0, s);
        if (rapl_.available()) r.joules_per_token_measured = (rapl_.joules() - joules0) / evaluated;
        r.perplexity = p.ppl();
        return r;
    }

private:
    static constexpr int kFillBatch = 128;

    // "tg64", or "tg64@d4096" when the test starts at a depth.
    std::string test_name(const char* kind, int n) const {
        std::string name = kind + std::to_string(n);
        if (o_.n_depth > 0) name += "@d" + std::to_string(o_.n_depth);
        return name;
    }

    std::vector<int32_t> random_tokens(int n, uint32_t seed) const {
        std::mt19937 rng(seed);
        std::vector<int32_t> ids(n);
        for (auto& id : ids) id = static_cast<int32_t>(rng() % static_cast<uint32_t>(model_->info().n_vocab));
        return ids;
    }

    // The context a test at a depth starts from, evaluated once and kept by trimming back to it.
    void fill_depth(Session& s, const std::string& test) {
        if (o_.n_depth == 0) return;
        report(test, -1);
        s.eval(random_tokens(o_.n_depth, 7));
    }

    void report(const std::string& test, int r) {
        if (o_.progress && !o_.progress(test, static_cast<float>(r + 1) / static_cast<float>(o_.repetitions + 1)))
            throw Cancelled();
    }

    BenchResult result(const std::string& test, int n, const std::vector<double>& speeds,
                       const std::vector<double>& seconds, double first_ms, double bytes, int mean_ctx, double joules,
                       const Session& s) {
        const ModelInfo& info = model_->info();
        const Stats st = stats_of(speeds);
        BenchResult r;
        r.test = test;
        r.precision = precision_name(info.precision);
        r.backend = info.backend;
        r.head = info.head_type;
        r.kv = kv_type_name(info.kv_type);
        r.threads = info.n_threads;
        r.n_tokens = n;
        r.n_depth = o_.n_depth;
        r.tokens_per_second = st.mean;
        r.stddev = st.stddev;
        r.ttft_ms = first_ms;
        r.load_ms = model_->load_ms();
        r.peak_rss_bytes = memory_usage().peak_rss_bytes;
        r.weight_bytes = info.weight_bytes;
        r.kv_bytes = s.stats().kv_bytes;
        r.device_memory_bytes = model_->device_memory_bytes();
        r.bytes_per_token = bytes;
        r.gb_per_second = bytes * st.mean / 1e9;
        r.roof_fraction = o_.read_bandwidth > 0 ? bytes * st.mean / o_.read_bandwidth : 0;
        r.joules_per_token_est =
            estimate_energy(ops_per_token(info, info.precision, mean_ctx), bytes, energy_model()).total();
        if (rapl_.available()) r.joules_per_token_measured = joules / (static_cast<double>(n) * o_.repetitions);
        r.roof_tokens_per_second = o_.read_bandwidth > 0 && bytes > 0 ? o_.read_bandwidth / bytes : 0;
        for (double sec : seconds) r.samples_ns.push_back(static_cast<uint64_t>(std::llround(sec * 1e9)));
        r.model_filename = std::filesystem::path(info.path).filename().string();
        r.model_type = model_type(info);
        r.model_arch = info.arch;
        r.model_n_params = info.parameters;
        r.model_size = info.file_bytes;
        r.test_time = utc_now_rfc3339();
        r.group = group_;
        return r;
    }

    std::shared_ptr<const Model> model_;
    const BenchOptions& o_;
    std::string group_;
    RaplMeter rapl_;
};

}  // namespace

std::string validate(const BenchOptions& o) {
    if (o.n_prompt < 0 || o.n_gen < 0 || o.n_depth < 0)
        return "bench: the prompt, generation and depth token counts must not be negative";
    if (o.repetitions < 1) return "bench: repetitions must be at least 1, not " + std::to_string(o.repetitions);
    if (o.quality_ctx < 0) return "bench: the quality context must not be negative (0 = the model's, at most 512)";
    if (o.quality_chunks < 0) return "bench: the number of quality chunks must not be negative (0 = all of the text)";
    return "";
}

std::vector<BenchResult> bench(std::shared_ptr<const Model> model, const BenchOptions& options) {
    if (std::string e = validate(options); !e.empty()) throw Error(e);
    const int n_ctx_train = model->info().n_ctx_train;
    if (options.n_depth + options.n_prompt > n_ctx_train || options.n_depth + options.n_gen + 1 > n_ctx_train)
        throw Error("bench: a test is longer than the model's context (" + std::to_string(n_ctx_train) + ")");
    Runner runner(std::move(model), options);
    std::vector<BenchResult> results;
    if (options.n_prompt > 0) results.push_back(runner.prompt_processing());
    if (options.n_gen > 0) results.push_back(runner.token_generation());
    if (!options.quality_text.empty()) results.push_back(runner.quality());
    return results;
}

std::string new_bench_group() {
    std::string stamp = utc_now_rfc3339();  // 2026-12-03T12:00:00Z -> 20261203T120000Z
    std::erase(stamp, '-');
    std::erase(stamp, ':');
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "-%08x", static_cast<unsigned>(std::random_device{}()));
    return stamp + suffix;
}

}  // namespace tern
