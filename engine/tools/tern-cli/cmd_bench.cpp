// tern-cli bench: llama-bench-style speed tests, ternary and its own FP16 baseline side by side.
#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"
#include "tern/bench.h"
#include "tern/error.h"
#include "tern/model.h"
#include "tern/profile.h"

namespace tern::cli {

namespace {

std::vector<Precision> precisions(const std::string& name) {
    if (name == "both") return {Precision::Ternary, Precision::Fp16};
    return {parse_precision(name)};
}

void print_table(const std::vector<BenchResult>& results, double bandwidth) {
    std::printf("| %-9s | %-5s | %-4s | %-11s | %16s | %9s | %9s | %9s | %7s | %6s | %10s | %10s |\n", "precision", "head",
                "kv", "test", "t/s", "TTFT ms", "peak RSS", "MB/token", "GB/s", "% roof", "J/tok est", "J/tok meas");
    bool quality = false;
    for (const BenchResult& r : results) {
        const std::string measured =
            r.joules_per_token_measured < 0 ? "n/a" : std::to_string(r.joules_per_token_measured).substr(0, 8);
        std::printf("| %-9s | %-5s | %-4s | %-11s | %8.2f ± %5.2f | %9.1f | %6.0f MB | %9.1f | %7.2f | %6s | %10.4f | %10s |\n",
                    r.precision.c_str(), r.head.c_str(), r.kv.c_str(), r.test.c_str(), r.tokens_per_second, r.stddev, r.ttft_ms,
                    r.peak_rss_bytes / 1e6, r.bytes_per_token / 1e6, r.gb_per_second,
                    bandwidth > 0 ? std::to_string(static_cast<int>(r.roof_fraction * 100 + 0.5)).c_str() : "-",
                    r.joules_per_token_est, measured.c_str());
        quality = quality || r.perplexity > 0;
    }
    if (!quality) return;
    std::printf("\nquality (perplexity of the --quality text, lower is better):\n");
    for (const BenchResult& r : results)
        if (r.perplexity > 0)
            std::printf("| %-9s | %-11s | PPL %10.4f | %d tokens scored |\n", r.precision.c_str(), r.test.c_str(),
                        r.perplexity, r.n_tokens);
}

// "ternary vs fp16" ratios for each test both precisions ran.
void print_ratios(const std::vector<BenchResult>& results) {
    for (const BenchResult& t : results) {
        if (t.precision != "ternary" || t.perplexity > 0) continue;
        for (const BenchResult& f : results) {
            if (f.precision != "fp16" || f.test != t.test) continue;
            std::printf("%s: ternary is %.2fx the FP16 speed, %.2fx less peak memory, %.1fx less energy (estimated)\n",
                        t.test.c_str(), t.tokens_per_second / f.tokens_per_second,
                        static_cast<double>(f.peak_rss_bytes) / static_cast<double>(t.peak_rss_bytes),
                        f.joules_per_token_est / t.joules_per_token_est);
        }
    }
}

}  // namespace

int cmd_bench(int argc, char** argv) {
    std::vector<Option> options = common_model_options();
    options.push_back({{"-p", "--n-prompt"}, "N", "prompt tokens for the pp test (default 128; 0 skips it)"});
    options.push_back({{"-n", "--n-gen"}, "N", "tokens to generate in the tg test (default 64; 0 skips it)"});
    options.push_back({{"-d", "--n-depth"}, "N", "tokens already in the KV cache when each test starts (default 0)"});
    options.push_back({{"-r", "--repetitions"}, "N", "runs of each test (default 3)"});
    options.push_back({{"--json"}, "", "print a JSON array, one object per test"});
    options.push_back({{"--membw"}, "", "measure memory read bandwidth first and report % of that roof"});
    options.push_back({{"--quality"}, "FILE", "also score this text's perplexity with each precision (quality next to speed)"});
    options.push_back({{"--quality-ctx"}, "N", "chunk length for --quality (default: the model's context, at most 512)"});
    options.push_back({{"--twin"}, "MODEL", "an FP16 model trained alongside MODEL (demo-fp16.gguf): benchmarked too, as fp16-twin"});
    for (Option& o : options)
        if (o.names[0] == "--precision") o.help = "ternary (default), fp16, or both (side by side)";
    Args args("bench", "-m MODEL [options]", options);
    if (!args.parse(argc, argv)) return 0;

    BenchOptions bo;
    bo.n_prompt = args.get_int("-p", 128);
    bo.n_gen = args.get_int("-n", 64);
    bo.n_depth = args.get_int("-d", 0);
    bo.repetitions = args.get_int("-r", 3);
    check(validate(bo));
    const bool json = args.flag("--json");
    if (auto q = args.get("--quality")) {
        bo.quality_text = read_text_file(*q);
        if (bo.quality_text.empty()) throw Error(*q + ": the --quality text is empty");
    }
    bo.quality_ctx = args.get_int("--quality-ctx", 0);
    LoadOptions lo = load_options(args);
    if (args.flag("--membw")) {
        bo.read_bandwidth = measure_read_bandwidth(lo.n_threads > 0 ? lo.n_threads : 0);
        if (!json) std::printf("memory read bandwidth: %.1f GB/s (measured)\n", bo.read_bandwidth / 1e9);
    }
    std::vector<BenchResult> all;
    for (Precision p : precisions(args.get("--precision").value_or("ternary"))) {
        lo.precision = p;
        reset_peak_rss();  // each precision's peak of its own
        auto model = load_model(args, lo);
        if (!json)
            std::printf("%s: %s, %s, %d threads, loaded in %.0f ms\n", model->info().path.c_str(),
                        precision_name(p), model->backend_name().c_str(), model->info().n_threads, model->load_ms());
        for (BenchResult& r : bench(model, bo)) {
            if (!json && r.device_memory_bytes > 0)
                std::printf("%s: device memory in use %.0f MB\n", r.test.c_str(), r.device_memory_bytes / 1e6);
            all.push_back(std::move(r));
        }
    }
    if (auto twin = args.get("--twin")) {
        lo.precision = Precision::Ternary;  // the file as it is: its own dense F16 weights
        reset_peak_rss();
        auto model = Model::load(*twin, lo);
        if (!json)
            std::printf("%s: fp16-twin, %s, %d threads, loaded in %.0f ms\n", model->info().path.c_str(),
                        model->backend_name().c_str(), model->info().n_threads, model->load_ms());
        for (BenchResult& r : bench(model, bo)) {
            r.precision = "fp16-twin";
            all.push_back(std::move(r));
        }
    }
    if (json) {
        std::printf("%s\n", bench_json(all).c_str());
        return 0;
    }
    print_table(all, bo.read_bandwidth);
    print_ratios(all);
    std::printf("J/tok est: ESTIMATED from operation counts and bytes read (%s)\n", energy_model().source.c_str());
    if (!all.empty() && all.front().joules_per_token_measured < 0)
        std::printf("J/tok meas: not available: %s\n", RaplMeter().why().c_str());
    return 0;
}

}  // namespace tern::cli
