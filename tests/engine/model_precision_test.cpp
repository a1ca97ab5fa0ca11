// The FP16 baseline and the opt-in Q8_0 and Q6_K heads: what they load, what they cost in bytes, and that
// they compute the same model (within the precision each one trades away).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "backend/cpu/simd/ternary_kernels.h"
#include "synth_models.h"
#include "tern/generate.h"
#include "tern/model.h"
#include "tern/session.h"

namespace tern {
namespace {

std::shared_ptr<Model> load(const std::string& path, Precision precision, HeadType head = HeadType::AsStored,
                            KvType kv = KvType::F32) {
    LoadOptions o;
    o.n_threads = 2;
    o.precision = precision;
    o.head = head;
    o.kv_type = kv;
    return Model::load(path, o);
}

std::vector<float> all_logits(const std::shared_ptr<Model>& m, const std::vector<int32_t>& ids) {
    Session s(m);
    std::vector<float> out;
    s.eval(ids, &out);
    return out;
}

double relative_rms(const std::vector<float>& want, const std::vector<float>& got) {
    double diff = 0, norm = 0;
    for (size_t i = 0; i < want.size(); ++i) {
        diff += (got[i] - want[i]) * double(got[i] - want[i]);
        norm += want[i] * double(want[i]);
    }
    return std::sqrt(diff / norm);
}

const std::vector<int32_t> kIds = {128000, 791, 6864, 315, 9822, 374, 12366, 13};

// Element count of the projections of a tiny model, from its hyper-parameters.
uint64_t projection_params(const ModelInfo& i) {
    const uint64_t d = i.n_embd, kv = static_cast<uint64_t>(i.n_head_kv) * i.head_dim, ff = i.n_ff;
    return i.n_layer * (2 * d * d + 2 * d * kv + 3 * d * ff);
}

TEST(Fp16Baseline, RunsEveryProjectionAsDenseF16) {
    const auto path = test::synth_model();
    const auto ternary = load(path, Precision::Ternary);
    const auto fp16 = load(path, Precision::Fp16);
    const ModelInfo& t = ternary->info();
    const ModelInfo& f = fp16->info();
    EXPECT_EQ(t.precision, Precision::Ternary);
    EXPECT_EQ(f.precision, Precision::Fp16);
    const uint64_t n = projection_params(f);
    // 16 bits per weight in FP16. The ternary run reads the CPU kernels' layout: 2 bits per weight,
    // or 40 bytes per 12 weights of 16 rows in the 5-bit field one, plus a float scale per row.
    EXPECT_EQ(f.weight_bytes_per_token, n * 2 + f.head_bytes);
    const bool fields5 = simd::best_kernel().fields != nullptr && std::getenv("TERN_TERNARY_LAYOUT") == nullptr;
    const uint64_t d = t.n_embd, kv = static_cast<uint64_t>(t.n_head_kv) * t.head_dim, ff = t.n_ff;
    auto matrix = [&](uint64_t k, uint64_t rows) {  // rows are multiples of 16 in the tiny model
        return (fields5 ? rows / 16 * ((k + 11) / 12 * 40) : rows * k / 4) + rows * 4;
    };
    const uint64_t layer = 2 * matrix(d, d) + 2 * matrix(d, kv) + 2 * matrix(d, ff) + matrix(ff, d);
    EXPECT_EQ(t.weight_bytes_per_token, t.n_layer * layer + t.head_bytes);
    EXPECT_EQ(f.head_type, "F16");
    EXPECT_EQ(f.head_bytes, static_cast<uint64_t>(f.n_vocab) * f.n_embd * 2);
}

TEST(Fp16Baseline, ComputesTheSameModelWithFloatActivations) {
    const auto path = test::synth_model();
    const auto want = all_logits(load(path, Precision::Ternary), kIds);
    const auto got = all_logits(load(path, Precision::Fp16), kIds);
    ASSERT_EQ(want.size(), got.size());
    // The only difference is int8 activation quantization in the ternary run.
    const double err = relative_rms(want, got);
    EXPECT_LT(err, 0.05);
    EXPECT_GT(err, 0.0) << "the FP16 run should not quantize activations";
}

TEST(Fp16Baseline, EveryTernaryEncodingExpandsToTheSameWeights) {
    const auto i2s = all_logits(load(test::synth_model("bitnet-b1.58", TypeId::I2_S), Precision::Fp16), kIds);
    const auto tq2 = all_logits(load(test::synth_model("bitnet-b1.58", TypeId::TQ2_0), Precision::Fp16), kIds);
    const auto tq1 = all_logits(load(test::synth_model("bitnet-b1.58", TypeId::TQ1_0), Precision::Fp16), kIds);
    EXPECT_EQ(i2s, tq2);
    EXPECT_EQ(i2s, tq1);
}

TEST(Fp16Baseline, OlderBitnetWithScaleTensors) {
    const auto path = test::synth_model("bitnet", TypeId::F16);  // a 1024-token vocabulary
    const std::vector<int32_t> ids = {1, 50, 300, 7, 1000};
    const auto want = all_logits(load(path, Precision::Ternary), ids);
    const auto got = all_logits(load(path, Precision::Fp16), ids);
    EXPECT_LT(relative_rms(want, got), 0.05);
}

TEST(Q8Head, HalvesTheHeadBytesAtASmallLogitError) {
    const auto path = test::synth_model();
    const auto f16 = load(path, Precision::Ternary);
    const auto q8 = load(path, Precision::Ternary, HeadType::Q8_0);
    EXPECT_EQ(q8->info().head_type, "Q8_0");
    EXPECT_EQ(q8->info().head_bytes, static_cast<uint64_t>(q8->info().n_vocab) * q8->info().n_embd / 32 * 34);
    EXPECT_LT(q8->info().weight_bytes_per_token, f16->info().weight_bytes_per_token);
    const auto want = all_logits(f16, kIds);
    const auto got = all_logits(q8, kIds);
    const double err = relative_rms(want, got);
    EXPECT_LT(err, 0.01);
    EXPECT_GT(err, 0.0);
}

// Q6_K: 210 bytes per 256 weights, 40% of the F16 head; the logits move by a few times the Q8_0
// head's error (about 4x, for 2 fewer bits), far below what a wrong layout would give.
TEST(Q6Head, TakesFortyPercentOfTheHeadBytesAtASmallLogitError) {
    const auto path = test::synth_model();
    const auto f16 = load(path, Precision::Ternary);
    const auto q8 = load(path, Precision::Ternary, HeadType::Q8_0);
    const auto q6 = load(path, Precision::Ternary, HeadType::Q6_K);
    EXPECT_EQ(q6->info().head_type, "Q6_K");
    EXPECT_EQ(q6->info().head_bytes, static_cast<uint64_t>(q6->info().n_vocab) * q6->info().n_embd / 256 * 210);
    EXPECT_LT(q6->info().weight_bytes_per_token, q8->info().weight_bytes_per_token);
    const auto want = all_logits(f16, kIds);
    const double err8 = relative_rms(want, all_logits(q8, kIds));
    const double err6 = relative_rms(want, all_logits(q6, kIds));
    EXPECT_LT(err6, 0.04);
    EXPECT_GT(err6, err8);
}

// Per-position logits of a 48-token prompt evaluated in two batches (prefill paths, then more).
std::vector<float> long_prompt_logits(Session& s) {
    std::vector<int32_t> ids;
    for (int i = 0; i < 48; ++i) ids.push_back(100 + 37 * i);
    std::vector<float> out;
    s.eval(std::span(ids).first(20), &out);
    s.eval(std::span(ids).subspan(20), &out);
    return out;
}

TEST(KvCache, F16HalvesTheCacheAndKeepsTheLogits) {
    // The small preset has GQA (8 heads over 2 KV heads), so the grouped SIMD attention runs.
    const auto path = test::synth_model("bitnet-b1.58", TypeId::I2_S, "small");
    const auto f32 = load(path, Precision::Ternary, HeadType::AsStored, KvType::F32);
    const auto f16 = load(path, Precision::Ternary, HeadType::AsStored, KvType::F16);
    EXPECT_EQ(f16->info().kv_type, KvType::F16);
    EXPECT_EQ(f16->info().kv_bytes_per_token * 2, f32->info().kv_bytes_per_token);
    Session a(f32), b(f16);
    EXPECT_EQ(b.stats().kv_bytes * 2, a.stats().kv_bytes);
    // Random ternary weights are chaotic: one rounding in K or V flips int8 activation codes later
    // on (3.4% here). A wrong cache layout or head mapping gives errors of order 1.
    const double err = relative_rms(long_prompt_logits(a), long_prompt_logits(b));
    EXPECT_LT(err, 0.1);
    EXPECT_GT(err, 0.0) << "the F16 cache should round K and V";
}

TEST(KvCache, Q8TakesAboutHalfOfF16AndKeepsTheLogits) {
    // head_dim 64 (two scale blocks per row) with GQA, so the grouped SIMD kernel runs; and a
    // head_dim of 40 (a block of 32 and a short one of 8) through the same kernel.
    const auto small = test::synth_model("bitnet-b1.58", TypeId::I2_S, "small");
    SynthOptions o;
    o.tokenizer_json = TERN_TOKENIZER_JSON;
    o.shape = SynthShape{320, 512, 4, 8, 2, 256};
    const std::string head_40 = (test::temp_dir() / "kv-q8-head-40.gguf").string();
    write_synth_model(o, head_40);
    for (const std::string& path : {small, head_40}) {
        const auto f32 = load(path, Precision::Ternary, HeadType::AsStored, KvType::F32);
        const auto f16 = load(path, Precision::Ternary, HeadType::AsStored, KvType::F16);
        const auto q8 = load(path, Precision::Ternary, HeadType::AsStored, KvType::Q8_0);
        const ModelInfo& i = q8->info();
        EXPECT_EQ(i.kv_type, KvType::Q8_0);
        // Per position and layer, K and V of each KV head: head_dim codes and a 4-byte scale per
        // started block of 32 (56% of F16 at head_dim 64, 60% at 40).
        const uint64_t row = i.head_dim + 4 * ((i.head_dim + 31) / 32);
        EXPECT_EQ(i.kv_bytes_per_token, 2ull * i.n_layer * i.n_head_kv * row);
        EXPECT_LE(i.kv_bytes_per_token * 10, f16->info().kv_bytes_per_token * 6);
        Session a(f32), b(q8);
        EXPECT_EQ(b.stats().kv_bytes, static_cast<uint64_t>(b.n_ctx()) * i.kv_bytes_per_token);
        // As for F16 above, the bound is set by the chaos of random ternary weights: K and V off by
        // up to half a step (1/254 of a block's max) flip int8 activation codes later on. Here the
        // Q8_0 cache gives 4.2% (head_dim 64) and 3.9% (40), the F16 cache 3.4% and 2.8%; scales
        // read one block off gave 60% and 84%.
        const double err = relative_rms(long_prompt_logits(a), long_prompt_logits(b));
        EXPECT_LT(err, 0.1) << "head_dim " << i.head_dim;
        EXPECT_GT(err, 0.0) << "the Q8_0 cache should round K and V";

        // It generates: greedy text from a fresh session, all of it.
        Session g(q8);
        GenerateOptions go;
        go.max_tokens = 16;
        go.stop_at_end_of_generation = false;
        go.sampling.temperature = 0;
        std::string text;
        const auto r = generate(g, kIds, go, [&](std::string_view t, int32_t) {
            text += t;
            return true;
        });
        EXPECT_EQ(r.n_generated, 16);
        EXPECT_FALSE(text.empty());
    }
}

}  // namespace
}  // namespace tern
