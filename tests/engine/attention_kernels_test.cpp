// The SIMD attention over an F16 KV cache against the scalar reference cpu_attention_head on the
// same cache: each output within a rounding bound (1e-5 of the largest |v|), for group sizes,
// head sizes, context lengths and cache slices a model can have.
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

}  // namespace
}  // namespace tern::simd
