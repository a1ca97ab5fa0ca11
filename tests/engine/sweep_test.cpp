// Sweeps: the points a chart draws (one per line and value, labelled), the roof at each, cancel
// keeping exactly the points finished, and bad values refused before anything runs.
#include <gtest/gtest.h>

#include <thread>

#include "tern/devices.h"
#include "tern/error.h"
#include "tern/sweep.h"

namespace tern {
namespace {

// A small real model (bitnet-b1.58, 5.8 M parameters, 256-token context) that loads fast.
const std::string kModel = TERN_DEMO_MODEL;

SweepOptions tiny(SweepAxis axis, std::vector<int> values) {
    SweepOptions o;
    o.axis = axis;
    o.values = std::move(values);
    o.load.n_threads = 1;
    o.bench.n_prompt = 8;
    o.bench.n_gen = 4;
    o.bench.repetitions = 1;
    o.bench.read_bandwidth = 10e9;
    return o;
}

TEST(Sweep, ThreadsPointsPerLineWithLabelsAndRoof) {
    SweepOptions o = tiny(SweepAxis::Threads, {1, 2});
    o.precisions = {Precision::Ternary, Precision::Fp16};
    std::vector<std::string> delivered;
    o.on_point = [&](const BenchResult& r) { delivered.push_back(r.series + " " + r.test); };
    const std::vector<BenchResult> r = bench_sweep(kModel, o);
    ASSERT_EQ(r.size(), 8u);  // 2 lines x 2 thread counts x (pp, tg)
    const char* want[][3] = {{"ternary cpu", "1", "pp8"}, {"ternary cpu", "1", "tg4"}, {"ternary cpu", "2", "pp8"},
                             {"ternary cpu", "2", "tg4"}, {"fp16 cpu", "1", "pp8"},    {"fp16 cpu", "1", "tg4"},
                             {"fp16 cpu", "2", "pp8"},    {"fp16 cpu", "2", "tg4"}};
    for (size_t i = 0; i < r.size(); ++i) {
        EXPECT_EQ(r[i].series, want[i][0]);
        EXPECT_EQ(r[i].sweep, "threads");
        EXPECT_EQ(r[i].sweep_value, std::stoi(want[i][1]));
        EXPECT_EQ(r[i].threads, r[i].sweep_value);  // the model really ran with that many threads
        EXPECT_EQ(r[i].test, want[i][2]);
        EXPECT_EQ(r[i].precision, i < 4 ? "ternary" : "fp16");
        EXPECT_EQ(r[i].group, r[0].group);
        EXPECT_GT(r[i].tokens_per_second, 0);
        // The roof is the measured bandwidth over the bytes this point reads per token.
        EXPECT_DOUBLE_EQ(r[i].roof_tokens_per_second, 10e9 / r[i].bytes_per_token);
        EXPECT_NEAR(r[i].roof_fraction, r[i].tokens_per_second / r[i].roof_tokens_per_second, 1e-9);
        EXPECT_EQ(delivered[i], r[i].series + " " + r[i].test);
    }
    EXPECT_FALSE(r[0].group.empty());
}

TEST(Sweep, PromptAndDepthAxes) {
    const auto pp = bench_sweep(kModel, tiny(SweepAxis::Prompt, {8, 16, 32}));
    ASSERT_EQ(pp.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(pp[i].test, "pp" + std::to_string(8 << i));
        EXPECT_EQ(pp[i].sweep, "pp");
        EXPECT_EQ(pp[i].sweep_value, 8 << i);
        EXPECT_EQ(pp[i].series, "ternary cpu");
    }
    // A longer prompt shares the one pass over the weights among more tokens.
    EXPECT_LT(pp[2].bytes_per_token, pp[0].bytes_per_token);
    EXPECT_GT(pp[2].roof_tokens_per_second, pp[0].roof_tokens_per_second);

    const auto depth = bench_sweep(kModel, tiny(SweepAxis::Depth, {0, 40}));
    ASSERT_EQ(depth.size(), 2u);
    EXPECT_EQ(depth[0].test, "tg4");
    EXPECT_EQ(depth[1].test, "tg4@d40");
    EXPECT_EQ(depth[1].n_depth, 40);
    EXPECT_EQ(depth[1].sweep_value, 40);
    // Deeper decoding reads the cache too: more bytes, a lower roof.
    EXPECT_GT(depth[1].bytes_per_token, depth[0].bytes_per_token);
    EXPECT_LT(depth[1].roof_tokens_per_second, depth[0].roof_tokens_per_second);
}

// Cancelling before point k (or during it) leaves the k finished points delivered and no more.
TEST(Sweep, CancelKeepsExactlyThePointsFinished) {
    for (bool mid_point : {false, true}) {
        SweepOptions o = tiny(SweepAxis::Prompt, {8, 12, 16, 20, 24});
        o.bench.repetitions = 2;
        constexpr int k = 3;
        std::vector<BenchResult> stored;
        o.on_point = [&](const BenchResult& r) { stored.push_back(r); };
        int total = 0;
        o.progress = [&](const SweepProgress& p) {
            total = p.n_points;
            EXPECT_GE(p.fraction, 0.0f);
            EXPECT_LE(p.fraction, 1.0f);
            // Mid point: once point k has started its timed runs.
            return mid_point ? !(p.points_done == k && p.fraction > (k + 0.2f) / p.n_points) : p.points_done < k;
        };
        EXPECT_THROW(bench_sweep(kModel, o), Cancelled);
        EXPECT_EQ(total, 5);
        ASSERT_EQ(stored.size(), static_cast<size_t>(k)) << (mid_point ? "mid point" : "between points");
        for (int i = 0; i < k; ++i) EXPECT_EQ(stored[i].sweep_value, 8 + 4 * i);
    }
}

TEST(Sweep, BadValuesAreRefusedBeforeAnyPointRuns) {
    int points = 0;
    auto run = [&](SweepOptions o) {
        o.on_point = [&](const BenchResult&) { ++points; };
        bench_sweep(kModel, o);
    };
    const int ctx = Model::load(kModel, {.n_threads = 1})->info().n_ctx_train;
    EXPECT_THROW(run(tiny(SweepAxis::Depth, {0, ctx})), Error);  // the last point does not fit
    EXPECT_THROW(run(tiny(SweepAxis::Prompt, {8, ctx + 1})), Error);
    EXPECT_THROW(run(tiny(SweepAxis::Prompt, {8, 0})), Error);
    EXPECT_THROW(run(tiny(SweepAxis::Threads, {1, 0})), Error);
    EXPECT_THROW(run(tiny(SweepAxis::Depth, {-1})), Error);
    SweepOptions no_tg = tiny(SweepAxis::Depth, {0});
    no_tg.bench.n_gen = 0;
    EXPECT_THROW(run(no_tg), Error);
    SweepOptions no_lines = tiny(SweepAxis::Prompt, {8});
    no_lines.precisions.clear();
    EXPECT_THROW(run(no_lines), Error);
    EXPECT_EQ(points, 0);
}

TEST(Sweep, DefaultValuesSpanTheAxis) {
    const int n = static_cast<int>(std::thread::hardware_concurrency());
    const auto threads = default_sweep_values(SweepAxis::Threads, 4096, 64);
    EXPECT_EQ(threads.front(), 1);
    EXPECT_EQ(threads.back(), n);
    EXPECT_EQ(default_sweep_values(SweepAxis::Prompt, 4096, 64), (std::vector<int>{16, 32, 64, 128, 256, 512, 1024}));
    EXPECT_EQ(default_sweep_values(SweepAxis::Prompt, 256, 64), (std::vector<int>{16, 32, 64, 128, 256}));
    EXPECT_EQ(default_sweep_values(SweepAxis::Depth, 4096, 64), (std::vector<int>{0, 512, 1024, 2048, 4031}));
    EXPECT_EQ(default_sweep_values(SweepAxis::Depth, 256, 16), (std::vector<int>{0, 32, 64, 128, 239}));
    EXPECT_EQ(parse_sweep_axis("depth"), SweepAxis::Depth);
    EXPECT_FALSE(parse_sweep_axis("batch").has_value());
}

// CPU against Vulkan in one group, when a Vulkan device is usable (lavapipe here).
TEST(Sweep, CpuAndVulkanLines) {
    const auto devices = list_devices();
    if (std::none_of(devices.begin(), devices.end(), [](const DeviceInfo& d) { return d.usable; }))
        GTEST_SKIP() << "no usable Vulkan device: " << vulkan_status();
    SweepOptions o = tiny(SweepAxis::Prompt, {8});
    o.backends = {LoadOptions::BackendKind::Cpu, LoadOptions::BackendKind::Vulkan};
    const auto r = bench_sweep(kModel, o);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].series, "ternary cpu");
    EXPECT_EQ(r[0].backend.rfind("cpu-", 0), 0u);
    EXPECT_EQ(r[1].series, "ternary vulkan");
    EXPECT_EQ(r[1].backend.rfind("vulkan", 0), 0u) << r[1].backend;
    EXPECT_EQ(r[1].group, r[0].group);
    // The measured bandwidth is system memory's: a roof for devices that read it, none for a
    // discrete GPU.
    bool discrete = false;
    for (const DeviceInfo& d : devices)
        if (r[1].backend == "vulkan (" + d.name + ")") discrete = d.type == DeviceType::Discrete;
    EXPECT_DOUBLE_EQ(r[1].roof_tokens_per_second, discrete ? 0 : 10e9 / r[1].bytes_per_token);
}

}  // namespace
}  // namespace tern
