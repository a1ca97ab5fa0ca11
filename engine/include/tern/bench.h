#pragma once
// The benchmark behind `tern-cli bench` and the app's Benchmark page, in llama-bench's spirit:
// prompt processing (pp) and token generation (tg) speed over repetitions, with the memory,
// bandwidth and energy figures that go with them.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tern/machine.h"
#include "tern/model.h"

namespace tern {

struct BenchOptions {
    int n_prompt = 128;   // pp test: tokens evaluated in one batch; 0 skips it
    int n_gen = 64;       // tg test: tokens decoded one at a time; 0 skips it
    int n_depth = 0;      // tokens already in the KV cache when each test starts (long-context speed)
    int repetitions = 3;
    double read_bandwidth = 0;  // bytes/s from measure_read_bandwidth(); 0: no roof figures
    // Quality next to speed: when not empty, a "ppl" test scores this text with perplexity()
    // (llama.cpp's chunking) in chunks of quality_ctx tokens (0: the model's context, at most 512).
    std::string quality_text;
    int quality_ctx = 0;
    // At most this many chunks of the text are scored (0: all): a quick figure from its start.
    int quality_chunks = 0;
    // The run group every result is tagged with (results of one invocation belong together);
    // empty: bench() makes a new one (new_bench_group()).
    std::string group;
    // Called before each run (for the ppl test, before each chunk) with the test name and the
    // fraction done; return false to cancel (bench() then throws tern::Cancelled).
    std::function<bool(std::string_view test, float fraction)> progress;
};

struct BenchResult {
    std::string test;       // "pp128", "tg64"; at a depth "tg64@d4096"; quality "ppl@c256"
    std::string precision;  // "ternary", "fp16"; "fp16-twin" for a separately trained FP16 model
    std::string backend;    // ModelInfo::backend
    std::string head;       // the LM head's type as it runs ("F16", "Q8_0")
    std::string kv;         // the KV cache's type ("F16", "Q8_0")
    int threads = 0;
    int n_tokens = 0;
    int n_depth = 0;
    double tokens_per_second = 0;  // mean over repetitions
    double stddev = 0;             // of tokens_per_second
    // pp: time from the start of the prompt to its logits (the time to first token for a prompt
    // of this length). tg: the first decoded token's latency.
    double ttft_ms = 0;
    double load_ms = 0;
    uint64_t peak_rss_bytes = 0;  // process peak so far (reset_peak_rss() before loading)
    uint64_t weight_bytes = 0;    // ModelInfo::weight_bytes
    uint64_t kv_bytes = 0;        // the session's KV cache
    uint64_t device_memory_bytes = 0;  // GPU backends: device memory in use during the test
    double bytes_per_token = 0;   // weights (and KV cache) read per token; pp shares one pass per batch
    double gb_per_second = 0;     // bytes_per_token x tokens_per_second / 1e9
    double roof_fraction = 0;     // of BenchOptions::read_bandwidth; 0 when not given
    double joules_per_token_est = 0;        // ESTIMATED: energy model (tern/profile.h)
    double joules_per_token_measured = -1;  // MEASURED: RAPL package energy; < 0 when unreadable
    double perplexity = 0;  // the "ppl" test's result (n_tokens: tokens scored); 0 for speed tests
    // The decode speed limit at these bytes: BenchOptions::read_bandwidth / bytes_per_token, in
    // tokens/s (what a chart draws as the roof line); 0 when no bandwidth was given.
    double roof_tokens_per_second = 0;
    std::vector<uint64_t> samples_ns;  // each timed repetition's duration

    // What ran, and when.
    std::string model_filename;  // the file's name, without its folder
    std::string model_type;      // "bitnet-b1.58 5.78M I2_S": architecture, parameters, weight type
    std::string model_arch;      // ModelInfo::arch
    uint64_t model_n_params = 0; // ModelInfo::parameters
    uint64_t model_size = 0;     // the file's bytes
    std::string test_time;       // when the test finished, UTC, RFC 3339 ("2026-12-03T12:00:00Z")
    std::string group;           // BenchOptions::group
    // In a sweep (tern/sweep.h): the axis ("threads", "pp", "depth"), this point's value on it, and
    // its line ("ternary cpu", "fp16 vulkan"); empty / 0 outside a sweep.
    std::string sweep;
    int sweep_value = 0;
    std::string series;
};

// A benchmark file: the machine it ran on and its results.
struct BenchReport {
    MachineInfo machine;
    std::vector<BenchResult> results;
};

// The check front ends run on benchmark options a user gave: "" when usable, else a message
// (token counts >= 0, repetitions >= 1). bench() throws tern::Error with it.
std::string validate(const BenchOptions& options);

// Runs the pp then the tg test (then the ppl test when quality_text is set), each on a fresh session of `model` with one untimed warm-up run.
// With n_depth, each session's cache is first filled with that many tokens (untimed, once), and
// every run starts from there.
// Throws tern::Error, tern::Cancelled.
std::vector<BenchResult> bench(std::shared_ptr<const Model> model, const BenchOptions& options);

// A new run-group id: the UTC time and a random suffix ("20261203T120000Z-4f1c9a2e").
std::string new_bench_group();

// llama-bench style JSON: an array with one object per result, each carrying the machine (as
// llama-bench's cpu_info / gpu_info / backends strings, and in full as "machine") and the model.
// The README's "Benchmark JSON" section lists the fields. Without a machine: this one's, its
// bandwidth unmeasured.
std::string bench_json(const BenchReport& report);
std::string bench_json(const std::vector<BenchResult>& results);

// Reads what bench_json() writes (a file from `tern-cli bench --json`): the machine of the first
// result, and every result. Unknown fields are ignored; a missing field, a wrong type, a number
// that is not finite or out of range, or text that is not such an array throws tern::Error naming
// the result and the field.
BenchReport parse_bench_json(std::string_view text);

}  // namespace tern
