// The profiling figures: operation counts and the energy model follow the BitNet paper's
// accounting, memory readings are real, RAPL says why it cannot measure, and the benchmark
// reports what `tern-cli bench --json` promises.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "synth_models.h"
#include "tern/bench.h"
#include "tern/error.h"
#include "tern/profile.h"

namespace tern {
namespace {

ModelInfo shape_2b4t() {
    ModelInfo i;
    i.n_embd = 2560;
    i.n_layer = 30;
    i.n_head = 20;
    i.n_head_kv = 5;
    i.head_dim = 128;
    i.n_ff = 6912;
    i.n_vocab = 128256;
    return i;
}

TEST(OpCounts, TernaryProjectionsAreInt8AddsAndFp16IsMultiplyAdd) {
    const ModelInfo i = shape_2b4t();
    const OpCounts t = ops_per_token(i, Precision::Ternary, 1);
    const OpCounts f = ops_per_token(i, Precision::Fp16, 1);
    EXPECT_DOUBLE_EQ(t.int8_adds, 2084044800.0);  // the 2B4T ternary parameter count
    EXPECT_EQ(f.int8_adds, 0);
    // FP16 does a multiply and an add per projection weight on top of what both share.
    EXPECT_DOUBLE_EQ(f.fp16_adds - t.fp16_adds, 2084044800.0);
    EXPECT_GT(f.fp16_muls - t.fp16_muls, 2084044800.0 * 0.99);
    // Attention grows with the context.
    EXPECT_GT(ops_per_token(i, Precision::Ternary, 1000).fp16_muls, t.fp16_muls + 1e8);
}

TEST(EnergyModel, ReproducesThePapers71xForTheMatmul) {
    const EnergyModel m = energy_model(ProcessNode::nm7);
    OpCounts ternary, fp16;
    ternary.int8_adds = 1e9;
    fp16.fp16_adds = fp16.fp16_muls = 1e9;
    const double ratio = estimate_energy(fp16, 0, m).compute_joules / estimate_energy(ternary, 0, m).compute_joules;
    EXPECT_NEAR(ratio, 71.4, 0.1);
    EXPECT_NEAR(estimate_energy({}, 1e9, m).memory_joules, 0.1625, 1e-9);  // 1 GB of DRAM reads
    EXPECT_GT(energy_model(ProcessNode::nm45).fp16_mul_pj, m.fp16_mul_pj);
}

TEST(EnergyModel, DecodeEstimateCountsWeightsAndTheKvCacheSoFar) {
    ModelInfo i = shape_2b4t();
    i.weight_bytes_per_token = 1'100'000'000;
    i.head_bytes = 656'670'720;  // F16 head, 128256 x 2560 x 2
    i.kv_bytes_per_token = 76'800;
    // Ternary reads the weights as loaded; FP16 2 bytes per projection weight plus the head.
    EXPECT_DOUBLE_EQ(decode_bytes_per_token(i, Precision::Ternary, 10), 1.1e9 + 768'000);
    EXPECT_DOUBLE_EQ(decode_bytes_per_token(i, Precision::Fp16, 0), 2.0 * 2084044800.0 + 656'670'720);
    const EnergyModel m = energy_model();
    const double one = estimate_decode_energy(i, Precision::Ternary, 1, m).total();
    EXPECT_DOUBLE_EQ(one, estimate_energy(ops_per_token(i, Precision::Ternary, 1),
                                          decode_bytes_per_token(i, Precision::Ternary, 1), m).total());
    EXPECT_GT(estimate_decode_energy(i, Precision::Fp16, 1, m).total(), 3 * one);
    // An answer: n tokens x the mean of its first and last token (energy is linear in context).
    const double first = estimate_decode_energy(i, Precision::Ternary, 101, m).total();
    const double last = estimate_decode_energy(i, Precision::Ternary, 150, m).total();
    EXPECT_NEAR(estimate_answer_joules(i, Precision::Ternary, 100, 50, m), 50 * (first + last) / 2, 1e-12);
    EXPECT_GT(last, first);
    EXPECT_EQ(estimate_answer_joules(i, Precision::Ternary, 100, 0, m), 0.0);
}

TEST(MemoryUsage, ReadsThisProcess) {
    const MemoryUsage before = memory_usage();
    ASSERT_GT(before.rss_bytes, 0u);
    std::vector<char> block(64 << 20, 1);  // touched: 64 MB more resident
    const MemoryUsage after = memory_usage();
    EXPECT_GE(after.rss_bytes, before.rss_bytes + (60 << 20));
    EXPECT_GE(after.peak_rss_bytes, after.rss_bytes);
    // After a reset the peak starts again from the current resident size.
    if (reset_peak_rss()) {
        const MemoryUsage reset = memory_usage();
        EXPECT_GE(reset.peak_rss_bytes, reset.rss_bytes);
        EXPECT_LE(reset.peak_rss_bytes, reset.rss_bytes + (8 << 20));
    }
}

TEST(RaplMeter, EitherMeasuresOrSaysWhy) {
    RaplMeter meter;
    if (meter.available()) {
        EXPECT_GE(meter.joules(), 0.0);
        EXPECT_TRUE(meter.why().empty());
    } else {
        EXPECT_FALSE(meter.why().empty());
    }
}

std::shared_ptr<Model> load_synth(int n_threads) {
    LoadOptions o;
    o.n_threads = n_threads;
    return Model::load(test::synth_model(), o);
}

TEST(Bench, ReportsEveryFieldForBothTests) {
    const auto model = load_synth(2);
    const BenchOptions bo{.n_prompt = 16, .n_gen = 8, .repetitions = 2, .read_bandwidth = 10e9};
    const std::vector<BenchResult> r = bench(model, bo);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].test, "pp16");
    EXPECT_EQ(r[1].test, "tg8");
    for (const BenchResult& x : r) {
        EXPECT_EQ(x.precision, "ternary");
        EXPECT_EQ(x.threads, 2);
        EXPECT_GT(x.tokens_per_second, 0);
        EXPECT_GE(x.stddev, 0);
        EXPECT_GT(x.ttft_ms, 0);
        EXPECT_GT(x.peak_rss_bytes, 0u);
        EXPECT_GT(x.joules_per_token_est, 0);
        EXPECT_NEAR(x.gb_per_second, x.bytes_per_token * x.tokens_per_second / 1e9, 1e-9);
        EXPECT_NEAR(x.roof_fraction, x.gb_per_second * 1e9 / 10e9, 1e-9);
    }
    // Decoding reads every weight per token; a prompt batch shares one pass.
    EXPECT_GT(r[1].bytes_per_token, model->info().weight_bytes_per_token * 0.99);
    EXPECT_LT(r[0].bytes_per_token, r[1].bytes_per_token / 4);

    const auto json = nlohmann::json::parse(bench_json(r));
    ASSERT_TRUE(json.is_array());
    ASSERT_EQ(json.size(), 2u);
    for (const char* key : {"test", "precision", "backend", "threads", "tokens_per_second", "stddev", "ttft_ms",
                            "peak_rss_bytes", "bytes_per_token", "joules_per_token_est", "kv", "n_depth"})
        EXPECT_TRUE(json[0].contains(key)) << key;
    EXPECT_EQ(json[1]["test"], "tg8");
}

// Long-context speed: each run starts with n_depth tokens in the cache, and the KV reads they add
// are counted in bytes per token.
TEST(Bench, RunsAtADepthAndCountsItsCacheReads) {
    const auto model = load_synth(2);
    BenchOptions bo{.n_prompt = 8, .n_gen = 4, .repetitions = 1};
    const std::vector<BenchResult> flat = bench(model, bo);
    bo.n_depth = 40;
    const std::vector<BenchResult> deep = bench(model, bo);
    ASSERT_EQ(deep.size(), 2u);
    EXPECT_EQ(deep[0].test, "pp8@d40");
    EXPECT_EQ(deep[1].test, "tg4@d40");
    const double kv_per_position = static_cast<double>(model->info().kv_bytes_per_token);
    ASSERT_GT(kv_per_position, 0);
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(deep[i].n_depth, 40);
        EXPECT_GT(deep[i].tokens_per_second, 0);
        EXPECT_NEAR(deep[i].bytes_per_token - flat[i].bytes_per_token, 40 * kv_per_position, 1.0);
        EXPECT_GT(deep[i].kv_bytes, flat[i].kv_bytes);  // the cache holds the depth too
    }
    EXPECT_EQ(nlohmann::json::parse(bench_json(deep))[1]["n_depth"], 40);

    bo.n_depth = model->info().n_ctx_train - bo.n_gen;  // no room left for the tg test's tokens
    EXPECT_THROW(bench(model, bo), Error);
}

TEST(Bench, RejectsTestsLongerThanTheContextAndCancels) {
    const auto model = load_synth(1);
    BenchOptions bo;
    bo.n_prompt = model->info().n_ctx_train + 1;
    EXPECT_THROW(bench(model, bo), Error);
    bo.n_prompt = 8;
    bo.progress = [](std::string_view, float) { return false; };
    EXPECT_THROW(bench(model, bo), Cancelled);
}

}  // namespace
}  // namespace tern
