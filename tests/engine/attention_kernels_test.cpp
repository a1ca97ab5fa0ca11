// The SIMD attention over an F16 or a Q8_0 KV cache against the scalar reference
// (cpu_attention_head, cpu_attention_head_q8) on the same cache: each output within a rounding
// bound (1e-5 of the largest |v|), for group sizes, head sizes, context lengths and cache slices a
// model can have.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "backend/cpu/cpu_ops.h"
#include "backend/cpu/simd/attention_kernels.h"
#include "tensor/fp16.h"

namespace tern::simd {
namespace {

TEST(AttentionF16, MatchesTheReferenceOnTheSameCache) {
    const AttentionF16Fn fast = attention_f16_for(best_kernel().isa);
    if (fast == nullptr) GTEST_SKIP() << "no SIMD attention on this CPU";
    std::mt19937 rng(5);
    std::normal_distribution<float> dist(0.0f, 1.5f);
    // {group, head_dim, n_kv_heads, n_pos, q scale}: a large q scale spreads the scores by
    // hundreds, so most weights underflow and one position dominates.
    const int cases[][5] = {{1, 8, 1, 1, 1},     {4, 128, 5, 1, 1},    {4, 128, 5, 37, 1},  {2, 64, 2, 300, 1},
                            {3, 16, 3, 9, 1},    {5, 32, 1, 1000, 1},  {8, 128, 1, 65, 1},  {2, 24, 1, 33, 1},
                            {4, 128, 5, 700, 30}, {4, 128, 1, 2500, 1}, {3, 40, 2, 17, 50}};
    for (const auto& c : cases) {
        const int group = c[0], head_dim = c[1], n_kv = c[2], n_pos = c[3];
        const float q_scale = static_cast<float>(c[4]);
        const int kv_stride = n_kv * head_dim;
        std::vector<uint16_t> k(static_cast<size_t>(n_pos) * kv_stride), v(k.size());
        float vmax = 0;
        for (auto& x : k) x = f32_to_f16(dist(rng));
        for (auto& x : v) {
            x = f32_to_f16(dist(rng));
            vmax = std::max(vmax, std::fabs(f16_to_f32(x)));
        }
        for (int g = 0; g < n_kv; ++g) {
            std::vector<float> q(static_cast<size_t>(group) * head_dim);
            for (auto& x : q) x = dist(rng) * q_scale;
            std::vector<float> scores(static_cast<size_t>(group) * n_pos), got(q.size()), want(q.size());
            fast(q.data(), group, k.data(), v.data(), kv_stride, g * head_dim, head_dim, n_pos, scores.data(),
                 got.data());
            for (int h = 0; h < group; ++h)
                cpu_attention_head(q.data() + h * head_dim, k.data(), v.data(), kv_stride, g * head_dim, head_dim,
                                   n_pos, scores.data(), want.data() + h * head_dim);
            for (size_t i = 0; i < got.size(); ++i)
                ASSERT_NEAR(got[i], want[i], 1e-5 * vmax)
                    << "group " << group << " head_dim " << head_dim << " n_pos " << n_pos << " kv head " << g;
        }
    }
}

TEST(AttentionQ8, MatchesTheReferenceOnTheSameCache) {
    const AttentionQ8Fn fast = attention_q8_for(best_kernel().isa);
    if (fast == nullptr) GTEST_SKIP() << "no SIMD attention on this CPU";
    std::mt19937 rng(9);
    std::normal_distribution<float> dist(0.0f, 1.5f);
    // {group, head_dim, n_pos, q scale}: one position, odd lengths, head sizes that end in a short
    // block (8, 24, 40, 200), group sizes 1 to 8, and q scales that spread the scores by tens to
    // hundreds (then one position dominates). Observed differences: at most 1.7e-6 of max |v|.
    const int cases[][4] = {{1, 8, 1, 1},     {4, 128, 1, 1},   {4, 128, 37, 1},  {2, 64, 300, 1},   {3, 16, 9, 1},
                            {5, 32, 1000, 1}, {8, 128, 65, 1},  {2, 24, 33, 1},   {4, 128, 700, 30}, {4, 128, 2500, 1},
                            {3, 40, 17, 50},  {6, 40, 129, 1},  {7, 200, 51, 4}, {1, 96, 1, 40},    {4, 128, 513, 8}};
    for (const auto& c : cases) {
        const int group = c[0], head_dim = c[1], n_pos = c[2];
        const float q_scale = static_cast<float>(c[3]);
        const int n_blocks = kv_q8_blocks(head_dim);
        std::vector<float> row(head_dim), deq(head_dim);
        std::vector<int8_t> kc(static_cast<size_t>(n_pos) * head_dim), vc(kc.size());
        std::vector<float> ks(static_cast<size_t>(n_pos) * n_blocks), vs(ks.size());
        float vmax = 0;
        for (int p = 0; p < n_pos; ++p) {
            // Rows of different sizes (0.25 to 4), and now and then an all-zero one (scale 0).
            const float size = p % 11 == 3 ? 0.0f : std::exp2(static_cast<float>(p % 5) - 2.0f);
            for (auto& x : row) x = dist(rng) * size;
            cpu_quantize_q8_0_activations(row.data(), head_dim, kc.data() + p * head_dim, ks.data() + p * n_blocks);
            for (auto& x : row) x = dist(rng) * size;
            cpu_quantize_q8_0_activations(row.data(), head_dim, vc.data() + p * head_dim, vs.data() + p * n_blocks);
            cpu_dequantize_kv_q8(vc.data() + p * head_dim, vs.data() + p * n_blocks, head_dim, deq.data());
            for (float x : deq) vmax = std::max(vmax, std::fabs(x));
        }
        const KvQ8Rows k{kc.data(), ks.data()}, v{vc.data(), vs.data()};
        std::vector<float> q(static_cast<size_t>(group) * head_dim);
        for (auto& x : q) x = dist(rng) * q_scale;
        std::vector<float> scores(static_cast<size_t>(group) * n_pos), got(q.size()), want(q.size());
        fast(q.data(), group, k, v, head_dim, n_pos, scores.data(), got.data());
        for (int h = 0; h < group; ++h)
            cpu_attention_head_q8(q.data() + h * head_dim, k, v, head_dim, n_pos, scores.data(),
                                  want.data() + h * head_dim);
        for (size_t i = 0; i < got.size(); ++i)
            ASSERT_NEAR(got[i], want[i], 1e-5 * vmax)
                << "group " << group << " head_dim " << head_dim << " n_pos " << n_pos << " at " << i;
    }
}

}  // namespace
}  // namespace tern::simd
