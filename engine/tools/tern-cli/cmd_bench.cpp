// tern-cli bench: llama-bench-style speed tests, ternary and its own FP16 baseline side by side.
#include <charconv>
#include <cstdio>
#include <string>
#include <unistd.h>
#include <vector>

#include "commands.h"
#include "tern/bench.h"
#include "tern/error.h"
#include "tern/model.h"
#include "tern/machine.h"
#include "tern/profile.h"
#include "tern/sweep.h"

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

// One row per point: the line, the value on the axis, speed against the roof at that point.
void print_sweep_table(const std::vector<BenchResult>& results) {
    std::printf("| %-14s | %-7s | %-13s | %21s | %9s | %10s | %6s | %7s |\n", "line", results.front().sweep.c_str(),
                "test", "t/s", "TTFT ms", "roof t/s", "% roof", "GB/s");
    for (const BenchResult& r : results)
        std::printf("| %-14s | %7d | %-13s | %10.2f ± %8.2f | %9.1f | %10.1f | %6.0f | %7.2f |\n", r.series.c_str(),
                    r.sweep_value, r.test.c_str(), r.tokens_per_second, r.stddev, r.ttft_ms, r.roof_tokens_per_second,
                    r.roof_fraction * 100, r.gb_per_second);
}

std::vector<int> parse_values(const std::string& list) {
    std::vector<int> values;
    size_t begin = 0;
    while (begin <= list.size()) {
        const size_t end = std::min(list.find(',', begin), list.size());
        const std::string item = list.substr(begin, end - begin);
        int v = 0;
        const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (item.empty() || ec != std::errc() || ptr != item.data() + item.size())
            throw Error("--values must be whole numbers separated by commas (1,2,4), not '" + list + "'");
        values.push_back(v);
        begin = end + 1;
    }
    return values;
}

// tern-cli bench --sweep AXIS: one axis over its values, a line per precision and backend.
int run_sweep(const Args& args, const BenchOptions& bo, const LoadOptions& lo, MachineInfo machine, bool json) {
    const std::string axis = *args.get("--sweep");
    SweepOptions so;
    if (auto a = parse_sweep_axis(axis)) so.axis = *a;
    else throw Error("--sweep must be threads, pp or depth, not '" + axis + "'");
    if (auto v = args.get("--values")) so.values = parse_values(*v);
    so.precisions = precisions(args.get("--precision").value_or("ternary"));
    if (args.get("--backend").value_or("") == "both") so.backends = {LoadOptions::BackendKind::Cpu, LoadOptions::BackendKind::Vulkan};
    else so.backends = {lo.backend == LoadOptions::BackendKind::Vulkan ? LoadOptions::BackendKind::Vulkan : LoadOptions::BackendKind::Cpu};
    so.load = lo;
    so.bench = bo;
    // The roof lines are what a sweep is for: the bandwidth is measured unless it was.
    if (so.bench.read_bandwidth <= 0) so.bench.read_bandwidth = machine.read_bandwidth = measure_read_bandwidth(0);
    if (isatty(STDERR_FILENO))
        so.progress = [](const SweepProgress& p) {
            std::fprintf(stderr, "\r%3d%% %-48s", static_cast<int>(p.fraction * 100), p.label.c_str());
            return true;
        };
    const std::vector<BenchResult> results = bench_sweep(args.require("-m"), so);
    if (so.progress) std::fprintf(stderr, "\n");
    if (json) {
        std::printf("%s\n", bench_json({machine, results}).c_str());
        return 0;
    }
    std::printf("machine: %s\n", machine_summary(machine).c_str());
    print_sweep_table(results);
    std::printf("roof t/s: measured read bandwidth / bytes per token (%.1f GB/s)\n", so.bench.read_bandwidth / 1e9);
    return 0;
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
    options.push_back({{"--quality-chunks"}, "N", "score at most N chunks from the start of the --quality text (default: all)"});
    options.push_back({{"--twin"}, "MODEL", "an FP16 model trained alongside MODEL (demo-fp16.gguf): benchmarked too, as fp16-twin"});
    options.push_back({{"--sweep"}, "AXIS", "threads, pp or depth: run one axis over --values (measures the bandwidth roof)"});
    options.push_back({{"--values"}, "LIST", "the sweep's values, e.g. 1,2,4 (default: threads 1,2,4..all; pp 16..1024; depth 0..context)"});
    for (Option& o : options) {
        if (o.names[0] == "--precision") o.help = "ternary (default), fp16, or both (side by side)";
        if (o.names[0] == "--backend") o.help += "; with --sweep also both (a cpu and a vulkan line)";
    }
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
    bo.quality_chunks = args.get_int("--quality-chunks", 0);
    check(validate(bo));
    if (args.get("--values") && !args.get("--sweep")) throw Error("--values goes with --sweep");
    if (args.get("--sweep") && (args.get("--twin") || args.get("--quality")))
        throw Error("--twin and --quality do not go with --sweep");
    const bool both_backends = args.get("--backend").value_or("") == "both";
    if (both_backends && !args.get("--sweep")) throw Error("--backend both goes with --sweep");
    Args one_backend = args;  // load_options() knows one backend; a sweep sets it per line
    if (both_backends) one_backend.set("--backend", "cpu");
    LoadOptions lo = load_options(one_backend);
    bo.group = new_bench_group();
    MachineInfo machine = describe_machine();
    if (args.flag("--membw")) {
        bo.read_bandwidth = measure_read_bandwidth(lo.n_threads > 0 ? lo.n_threads : 0);
        machine.read_bandwidth = bo.read_bandwidth;
        if (!json) std::printf("memory read bandwidth: %.1f GB/s (measured)\n", bo.read_bandwidth / 1e9);
    }
    if (args.get("--sweep")) return run_sweep(args, bo, lo, machine, json);
    std::vector<BenchResult> all;
    // One model's tests under a label: a precision of MODEL, or the separately trained twin.
    auto run = [&](const std::shared_ptr<Model>& model, const std::string& label) {
        if (!json)
            std::printf("%s: %s, %s, %d threads, loaded in %.0f ms\n", model->info().path.c_str(), label.c_str(),
                        model->backend_name().c_str(), model->info().n_threads, model->load_ms());
        for (BenchResult& r : bench(model, bo)) {
            if (!json && r.device_memory_bytes > 0)
                std::printf("%s: device memory in use %.0f MB\n", r.test.c_str(), r.device_memory_bytes / 1e6);
            r.precision = label;
            all.push_back(std::move(r));
        }
    };
    for (Precision p : precisions(args.get("--precision").value_or("ternary"))) {
        lo.precision = p;
        reset_peak_rss();  // each model's peak of its own
        run(load_model(args, lo), precision_name(p));
    }
    if (auto twin = args.get("--twin")) {
        lo.precision = Precision::Ternary;  // the file as it is: its own dense F16 weights
        reset_peak_rss();
        run(Model::load(*twin, lo), "fp16-twin");
    }
    if (json) {
        std::printf("%s\n", bench_json({machine, all}).c_str());
        return 0;
    }
    std::printf("machine: %s\n", machine_summary(machine).c_str());
    print_table(all, bo.read_bandwidth);
    print_ratios(all);
    std::printf("J/tok est: ESTIMATED from operation counts and bytes read (%s)\n", energy_model().source.c_str());
    if (!all.empty() && all.front().joules_per_token_measured < 0)
        std::printf("J/tok meas: not available: %s\n", RaplMeter().why().c_str());
    return 0;
}

}  // namespace tern::cli
