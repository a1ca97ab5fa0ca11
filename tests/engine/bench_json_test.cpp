// The benchmark file: what `tern-cli bench --json` writes reads back field for field, carries
// llama-bench's names with the same meaning, and bad files are refused with a message naming the
// result and the field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include <filesystem>
#include "tern/bench.h"
#include "tern/error.h"

namespace tern {
namespace {

BenchResult sample_result(int i) {
    BenchResult r;
    r.test = i == 0 ? "pp64" : "tg32@d100";
    r.precision = i == 0 ? "ternary" : "fp16";
    r.backend = i == 0 ? "cpu-avx2" : "vulkan (llvmpipe)";
    r.head = "Q8_0";
    r.kv = "F16";
    r.threads = 3 + i;
    r.n_tokens = i == 0 ? 64 : 32;
    r.n_depth = i == 0 ? 0 : 100;
    r.tokens_per_second = 123.25 + i;
    r.stddev = 1.5;
    r.ttft_ms = 45.5;
    r.load_ms = 800.25;
    r.peak_rss_bytes = 5'000'000'000ull;  // beyond 32 bits
    r.weight_bytes = 1'200'000'000ull;
    r.kv_bytes = 4096;
    r.device_memory_bytes = i * 77;
    r.bytes_per_token = 1.1e9;
    r.gb_per_second = 20.5;
    r.roof_fraction = 0.75;
    r.roof_tokens_per_second = 30.125;
    r.joules_per_token_est = 0.0625;
    r.joules_per_token_measured = i == 0 ? -1 : 0.5;  // unreadable, then measured
    r.perplexity = i == 0 ? 0 : 9.75;
    r.samples_ns = {500'000'000, 510'000'000, 490'000'000};
    r.model_filename = "model.gguf";
    r.model_type = "bitnet-b1.58 2.41B I2_S";
    r.model_arch = "bitnet-b1.58";
    r.model_n_params = 2'412'000'000ull;
    r.model_size = 1'190'000'000ull;
    r.test_time = "2026-12-03T12:00:0" + std::to_string(i) + "Z";
    r.group = "20261203T120000Z-0badcafe";
    r.sweep = i == 0 ? "" : "depth";
    r.sweep_value = i == 0 ? 0 : 100;
    r.series = i == 0 ? "" : "fp16 vulkan";
    return r;
}

BenchReport sample_report() {
    BenchReport rep;
    rep.machine = {.cpu_model = "AMD Ryzen 9 7950X 16-Core Processor", .isa = "avx512vnni", .logical_cores = 32,
                   .physical_cores = 16, .read_bandwidth = 6.25e10, .gpus = {"AMD Radeon (discrete)", "llvmpipe (cpu)"},
                   .rapl = false, .rapl_reason = "root only"};
    rep.results = {sample_result(0), sample_result(1)};
    return rep;
}

void expect_same(const BenchResult& a, const BenchResult& b) {
    EXPECT_EQ(a.test, b.test);
    EXPECT_EQ(a.precision, b.precision);
    EXPECT_EQ(a.backend, b.backend);
    EXPECT_EQ(a.head, b.head);
    EXPECT_EQ(a.kv, b.kv);
    EXPECT_EQ(a.threads, b.threads);
    EXPECT_EQ(a.n_tokens, b.n_tokens);
    EXPECT_EQ(a.n_depth, b.n_depth);
    EXPECT_EQ(a.tokens_per_second, b.tokens_per_second);
    EXPECT_EQ(a.stddev, b.stddev);
    EXPECT_EQ(a.ttft_ms, b.ttft_ms);
    EXPECT_EQ(a.load_ms, b.load_ms);
    EXPECT_EQ(a.peak_rss_bytes, b.peak_rss_bytes);
    EXPECT_EQ(a.weight_bytes, b.weight_bytes);
    EXPECT_EQ(a.kv_bytes, b.kv_bytes);
    EXPECT_EQ(a.device_memory_bytes, b.device_memory_bytes);
    EXPECT_EQ(a.bytes_per_token, b.bytes_per_token);
    EXPECT_EQ(a.gb_per_second, b.gb_per_second);
    EXPECT_EQ(a.roof_fraction, b.roof_fraction);
    EXPECT_EQ(a.roof_tokens_per_second, b.roof_tokens_per_second);
    EXPECT_EQ(a.joules_per_token_est, b.joules_per_token_est);
    EXPECT_EQ(a.joules_per_token_measured, b.joules_per_token_measured);
    EXPECT_EQ(a.perplexity, b.perplexity);
    EXPECT_EQ(a.samples_ns, b.samples_ns);
    EXPECT_EQ(a.model_filename, b.model_filename);
    EXPECT_EQ(a.model_type, b.model_type);
    EXPECT_EQ(a.model_arch, b.model_arch);
    EXPECT_EQ(a.model_n_params, b.model_n_params);
    EXPECT_EQ(a.model_size, b.model_size);
    EXPECT_EQ(a.test_time, b.test_time);
    EXPECT_EQ(a.group, b.group);
    EXPECT_EQ(a.sweep, b.sweep);
    EXPECT_EQ(a.sweep_value, b.sweep_value);
    EXPECT_EQ(a.series, b.series);
}

TEST(BenchJson, RoundTripsEveryField) {
    const BenchReport rep = sample_report();
    const BenchReport back = parse_bench_json(bench_json(rep));
    EXPECT_TRUE(back.machine == rep.machine);
    ASSERT_EQ(back.results.size(), 2u);
    for (size_t i = 0; i < 2; ++i) expect_same(back.results[i], rep.results[i]);
    EXPECT_TRUE(parse_bench_json("[]").results.empty());
}

TEST(BenchJson, ARealRunRoundTripsWithItsMachineAndModel) {
    const auto model = Model::load(std::string(TERN_DEMO_MODEL), {.n_threads = 1});
    const BenchOptions bo{.n_prompt = 8, .n_gen = 4, .repetitions = 2};
    BenchReport rep{describe_machine(), bench(model, bo)};
    ASSERT_EQ(rep.results.size(), 2u);
    const BenchReport back = parse_bench_json(bench_json(rep));
    EXPECT_TRUE(back.machine == rep.machine);
    for (size_t i = 0; i < 2; ++i) expect_same(back.results[i], rep.results[i]);

    const BenchResult& pp = back.results[0];
    EXPECT_EQ(pp.model_filename, std::filesystem::path(std::string(TERN_DEMO_MODEL)).filename().string());
    EXPECT_EQ(pp.model_arch, model->info().arch);
    EXPECT_EQ(pp.model_n_params, model->info().parameters);
    EXPECT_EQ(pp.model_size, std::filesystem::file_size(std::string(TERN_DEMO_MODEL)));
    EXPECT_TRUE(std::regex_match(pp.test_time, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"))) << pp.test_time;
    EXPECT_EQ(pp.samples_ns.size(), 2u);  // one per timed repetition
    // One bench() call is one group, and a new call a new one.
    EXPECT_FALSE(pp.group.empty());
    EXPECT_EQ(back.results[1].group, pp.group);
    EXPECT_NE(bench(model, bo)[0].group, pp.group);
}

// model_type reads as llama-bench's: architecture, parameters, the projections' type (a dense
// model's most common tensor type).
TEST(BenchJson, ModelTypeNamesArchitectureSizeAndWeights) {
    const BenchOptions bo{.n_prompt = 4, .n_gen = 0, .repetitions = 1};
    EXPECT_EQ(bench(Model::load(TERN_DEMO_MODEL, {.n_threads = 1}), bo)[0].model_type, "bitnet-b1.58 5.78M I2_S");
    const auto dense = Model::load(TERN_DEMO_FP16_MODEL, {.n_threads = 1});
    const BenchResult r = bench(dense, bo)[0];
    EXPECT_EQ(r.model_arch, "llama");
    EXPECT_EQ(r.model_type.rfind("llama ", 0), 0u) << r.model_type;
    EXPECT_EQ(r.model_type.substr(r.model_type.size() - 4), " F16") << r.model_type;
}

// llama-bench's names mean what they mean there: tokens of the pp / tg test, mean and spread of
// the repetitions in ns and t/s, the CPU and GPU named per result.
TEST(BenchJson, CarriesLlamaBenchFields) {
    const BenchReport rep = sample_report();
    const auto json = nlohmann::json::parse(bench_json(rep));
    ASSERT_EQ(json.size(), 2u);
    const auto& pp = json[0];
    const auto& tg = json[1];
    EXPECT_EQ(pp["cpu_info"], rep.machine.cpu_model);
    EXPECT_EQ(pp["gpu_info"], "AMD Radeon (discrete), llvmpipe (cpu)");
    EXPECT_EQ(pp["backends"], "CPU");
    EXPECT_EQ(tg["backends"], "Vulkan");
    EXPECT_EQ(pp["model_filename"], "model.gguf");
    EXPECT_EQ(pp["model_n_params"], 2'412'000'000ull);
    EXPECT_EQ(pp["model_size"], 1'190'000'000ull);
    EXPECT_EQ(pp["n_threads"], 3);
    EXPECT_EQ(pp["type_k"], "f16");
    EXPECT_EQ(pp["n_prompt"], 64);
    EXPECT_EQ(pp["n_gen"], 0);
    EXPECT_EQ(tg["n_prompt"], 0);
    EXPECT_EQ(tg["n_gen"], 32);
    EXPECT_EQ(tg["n_depth"], 100);
    EXPECT_EQ(pp["test_time"], "2026-12-03T12:00:00Z");
    EXPECT_EQ(pp["avg_ns"], 500'000'000);
    EXPECT_EQ(pp["stddev_ns"], 10'000'000);
    EXPECT_EQ(pp["avg_ts"], 123.25);
    EXPECT_EQ(pp["stddev_ts"], 1.5);
    ASSERT_EQ(pp["samples_ts"].size(), 3u);
    EXPECT_DOUBLE_EQ(pp["samples_ts"][0].get<double>(), 128.0);  // 64 tokens in 0.5 s
    EXPECT_TRUE(pp["joules_per_token_measured"].is_null());
    EXPECT_TRUE(pp["perplexity"].is_null());
    EXPECT_EQ(tg["machine"]["isa"], "avx512vnni");
}

// Edits `key` of result 1 in a valid file and returns the parse error (empty when it parsed).
std::string error_after(const std::function<void(nlohmann::json&)>& edit) {
    auto json = nlohmann::json::parse(bench_json(sample_report()));
    edit(json);
    try {
        parse_bench_json(json.dump());
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(BenchJson, RefusesMalformedFilesNamingTheField) {
    const std::string text = bench_json(sample_report());
    for (size_t cut : {size_t{0}, size_t{1}, text.size() / 2, text.size() - 1}) {
        try {
            parse_bench_json(text.substr(0, cut));
            ADD_FAILURE() << "a file cut at " << cut << " parsed";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(parse_bench_json("{\"test\": \"pp8\"}"), Error);  // an object, not an array
    EXPECT_THROW(parse_bench_json("[1, 2]"), Error);
    EXPECT_THROW(parse_bench_json(R"([{"tokens_per_second": NaN}])"), Error);  // not JSON

    struct Case {
        const char* field;
        std::function<void(nlohmann::json&)> edit;
    };
    const std::vector<Case> cases = {
        {"threads", [](auto& j) { j[0]["threads"] = "2"; }},
        {"threads", [](auto& j) { j[0]["threads"] = 2.5; }},
        {"threads", [](auto& j) { j[0]["threads"] = -1; }},
        {"threads", [](auto& j) { j[0]["threads"] = 1ull << 40; }},
        {"peak_rss_bytes", [](auto& j) { j[0]["peak_rss_bytes"] = 1e30; }},
        {"tokens_per_second", [](auto& j) { j[0]["tokens_per_second"] = "fast"; }},
        {"tokens_per_second", [](auto& j) { j[0]["tokens_per_second"] = -3.0; }},
        {"tokens_per_second", [](auto& j) { j[0]["tokens_per_second"] = nullptr; }},
        {"test", [](auto& j) { j[0].erase("test"); }},
        {"samples_ns", [](auto& j) { j[0]["samples_ns"] = {1, "x"}; }},
        {"machine", [](auto& j) { j[0]["machine"] = "a laptop"; }},
        {"gpus", [](auto& j) { j[0]["machine"]["gpus"] = 3; }},
        {"rapl", [](auto& j) { j[0]["machine"]["rapl"] = 1; }},
        {"result 2", [](auto& j) { j[1]["machine"]["cpu_model"] = "another CPU"; }},  // two machines
    };
    for (const Case& c : cases) {
        const std::string e = error_after(c.edit);
        EXPECT_NE(e.find(c.field), std::string::npos) << c.field << ": " << (e.empty() ? "parsed" : e);
        EXPECT_EQ(e.rfind("bench JSON: result ", 0), 0u) << e;
    }
    // A value too big for a double is refused by the JSON reader itself.
    std::string huge = text;
    huge.replace(huge.find("\"ttft_ms\": 45.5"), 15, "\"ttft_ms\": 1e999");
    EXPECT_THROW(parse_bench_json(huge), Error);
}

TEST(BenchJson, IgnoresUnknownFields) {
    EXPECT_EQ(error_after([](auto& j) {
                  j[0]["written_by_a_newer_tern"] = {{"x", 1}};
                  j[1]["flash_attn"] = true;
                  j[0]["machine"]["numa_nodes"] = 2;
              }),
              "");
}

}  // namespace
}  // namespace tern
