// The int8 KV cache's scalar reference (cpu_ops): the per-32 quantization and its error bound,
// zero, huge and NaN values, rows that end in a short block, and attention over the codes being
// exactly attention over the dequantized values.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <random>
#include <tuple>
#include <vector>

#include "backend/cpu/cpu_ops.h"

namespace tern {
namespace {

struct Quantized {
    std::vector<int8_t> codes;
    std::vector<float> scales, values;  // values: dequantized
};

Quantized round_trip(const std::vector<float>& x) {
    const int n = static_cast<int>(x.size());
    Quantized r{std::vector<int8_t>(n), std::vector<float>(kv_q8_blocks(n)), std::vector<float>(n)};
    cpu_quantize_q8_0_activations(x.data(), n, r.codes.data(), r.scales.data());
    cpu_dequantize_kv_q8(r.codes.data(), r.scales.data(), n, r.values.data());
    return r;
}

// |x - code * d| <= d / 2 for every value, with d = the block's max |x| / 127; the 1e-4 slack
// covers the float roundings of x / d and code * d (a few 1e-6 of d).
void expect_within_half_a_step(const std::vector<float>& x, const Quantized& q) {
    for (size_t b = 0; b < q.scales.size(); ++b) {
        const size_t first = b * kKvQ8Block, last = std::min(first + kKvQ8Block, x.size());
        float amax = 0;
        for (size_t i = first; i < last; ++i) amax = std::max(amax, std::fabs(x[i]));
        ASSERT_EQ(q.scales[b], amax / 127.0f) << "block " << b;
        for (size_t i = first; i < last; ++i) {
            ASSERT_TRUE(std::isfinite(q.values[i])) << i;
            ASSERT_GE(q.codes[i], -127) << i;
            ASSERT_LE(std::fabs(x[i] - q.values[i]), q.scales[b] * 0.5 * (1 + 1e-4))
                << "x " << x[i] << " value " << q.values[i] << " at " << i;
        }
    }
}

TEST(KvCacheQ8, RoundTripIsWithinHalfAStep) {
    std::mt19937 rng(3);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    for (int n : {1, 2, 8, 31, 32, 33, 40, 64, 100, 128, 200})
        for (float size : {1e-3f, 1.0f, 30.0f, 1e6f}) {
            std::vector<float> x(n);
            for (auto& v : x) v = dist(rng) * size;
            const Quantized q = round_trip(x);
            ASSERT_EQ(q.scales.size(), static_cast<size_t>((n + 31) / 32));
            expect_within_half_a_step(x, q);
        }
}

TEST(KvCacheQ8, EachBlockHasItsOwnScaleAndRoundsHalfToEven) {
    // 40 values: a block of 32 with max 127 (d = 1: codes are the values rounded half to even),
    // then a short block of 8 with max 12.7 (d = 0.1).
    std::vector<float> x(40, 0.0f);
    x[0] = 127.0f, x[1] = 2.5f, x[2] = -2.5f, x[3] = 3.5f, x[4] = -126.5f, x[5] = 0.5f;
    x[32] = -12.7f, x[33] = 1.0f;
    const Quantized q = round_trip(x);
    ASSERT_EQ(q.scales.size(), 2u);
    EXPECT_EQ(q.scales[0], 1.0f);
    EXPECT_EQ(q.scales[1], 12.7f / 127.0f);
    EXPECT_EQ(std::vector<int8_t>(q.codes.begin(), q.codes.begin() + 6),
              (std::vector<int8_t>{127, 2, -2, 4, -126, 0}));
    EXPECT_EQ(q.codes[32], -127);
    EXPECT_EQ(q.codes[33], 10);
    expect_within_half_a_step(x, q);
}

TEST(KvCacheQ8, ZeroBlocksGiveZeroScalesAndValues) {
    std::vector<float> x(64, 0.0f);
    x[40] = -0.0f;
    Quantized q = round_trip(x);
    EXPECT_EQ(q.scales, std::vector<float>(2, 0.0f));
    EXPECT_EQ(q.codes, std::vector<int8_t>(64, 0));
    EXPECT_EQ(q.values, std::vector<float>(64, 0.0f));
    // One zero block next to a non-zero one: only that block's scale is 0.
    x[50] = 3.0f;
    q = round_trip(x);
    EXPECT_EQ(q.scales[0], 0.0f);
    EXPECT_EQ(q.values[50], 3.0f);
}

TEST(KvCacheQ8, HugeValuesStayFinite) {
    // Up to 1e38: the scale is amax / 127, so nothing overflows, and the small values beside a
    // huge one round to 0, within half a step. (FLT_MAX itself comes back as inf: 127 times the
    // rounded FLT_MAX / 127 overflows. An F16 cache already turns anything above 65504 into inf.)
    std::vector<float> x = {1e38f, -3e37f, 1.0f, -1e-20f, 0.0f, 5e36f, -1e38f, 7.0f};
    x.resize(48, 2.5e37f);
    const Quantized q = round_trip(x);
    EXPECT_EQ(q.codes[0], 127);
    EXPECT_EQ(q.codes[2], 0);
    expect_within_half_a_step(x, q);
    std::vector<float> tiny(32);
    for (int i = 0; i < 32; ++i) tiny[i] = (i - 16) * 1e-30f;  // scales far below 1, still normal
    expect_within_half_a_step(tiny, round_trip(tiny));
}

TEST(KvCacheQ8, NanGetsCodeZeroAndLeavesItsBlockAlone) {
    std::vector<float> x(32, 0.5f);
    x[3] = NAN;
    x[7] = -2.0f;
    const Quantized q = round_trip(x);
    EXPECT_EQ(q.scales[0], 2.0f / 127.0f);
    EXPECT_EQ(q.codes[3], 0);
    EXPECT_EQ(q.codes[7], -127);
    x[3] = 0.0f;  // the others are quantized as without the NaN
    expect_within_half_a_step(x, q);
}

TEST(KvCacheQ8, AttentionIsAttentionOverTheDequantizedCache) {
    std::mt19937 rng(4);
    std::normal_distribution<float> dist(0.0f, 2.0f);
    for (int head_dim : {2, 24, 40, 64, 128})
        for (int n_pos : {1, 5, 77}) {
            const int nb = kv_q8_blocks(head_dim);
            std::vector<int8_t> kc(static_cast<size_t>(n_pos) * head_dim), vc(kc.size());
            std::vector<float> ks(static_cast<size_t>(n_pos) * nb), vs(ks.size()), kf(kc.size()), vf(kc.size());
            std::vector<float> row(head_dim);
            for (int p = 0; p < n_pos; ++p)
                for (auto [codes, scales, values] : {std::tuple{kc.data(), ks.data(), kf.data()},
                                                     std::tuple{vc.data(), vs.data(), vf.data()}}) {
                    for (auto& x : row) x = dist(rng);
                    cpu_quantize_q8_0_activations(row.data(), head_dim, codes + p * head_dim, scales + p * nb);
                    cpu_dequantize_kv_q8(codes + p * head_dim, scales + p * nb, head_dim, values + p * head_dim);
                }
            std::vector<float> q(head_dim), scores(n_pos), got(head_dim), want(head_dim);
            for (auto& x : q) x = dist(rng);
            cpu_attention_head_q8(q.data(), {kc.data(), ks.data()}, {vc.data(), vs.data()}, head_dim, n_pos,
                                  scores.data(), got.data());
            cpu_attention_head(q.data(), kf.data(), vf.data(), head_dim, 0, head_dim, n_pos, scores.data(),
                               want.data());
            EXPECT_EQ(got, want) << "head_dim " << head_dim << " n_pos " << n_pos;
        }
}

}  // namespace
}  // namespace tern
