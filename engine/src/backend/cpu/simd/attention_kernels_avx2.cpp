// AVX2 + FMA + F16C attention over an F16 cache (compiled with those flags; called only when the
// CPU has them). AVX-512 machines use it too: attention is a small part of a token, and 8-wide
// F16 conversions keep the code to one version.
#include "backend/cpu/simd/x86_intrinsics.h"

#include <algorithm>
#include <cmath>

#include "backend/cpu/simd/attention_kernels.h"

namespace tern::simd::detail {

namespace {

inline __m256 load_f16(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// scores[g * n_pos + p] = q_g . k_p * scale for up to 4 heads g0.. at once.
template <int NQ>
void scores_f16(const float* q, const uint16_t* k_cache, int kv_stride, int kv_offset, int head_dim, int n_pos,
                float scale, float* scores) {
    for (int p = 0; p < n_pos; ++p) {
        const uint16_t* k = k_cache + static_cast<size_t>(p) * kv_stride + kv_offset;
        __m256 acc[NQ];
        for (int g = 0; g < NQ; ++g) acc[g] = _mm256_setzero_ps();
        for (int d = 0; d < head_dim; d += 8) {
            const __m256 kv = load_f16(k + d);
            for (int g = 0; g < NQ; ++g) acc[g] = _mm256_fmadd_ps(_mm256_loadu_ps(q + g * head_dim + d), kv, acc[g]);
        }
        for (int g = 0; g < NQ; ++g) scores[g * n_pos + p] = hsum_ps(acc[g]) * scale;
    }
}

}  // namespace

void attention_f16_avx2(const float* q, int group, const uint16_t* k_cache, const uint16_t* v_cache, int kv_stride,
                        int kv_offset, int head_dim, int n_pos, float* scores, float* out) {
    const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
    for (int g0 = 0; g0 < group; g0 += 4) {
        const float* qg = q + static_cast<size_t>(g0) * head_dim;
        float* sg = scores + static_cast<size_t>(g0) * n_pos;
        switch (std::min(4, group - g0)) {
            case 1: scores_f16<1>(qg, k_cache, kv_stride, kv_offset, head_dim, n_pos, scale, sg); break;
            case 2: scores_f16<2>(qg, k_cache, kv_stride, kv_offset, head_dim, n_pos, scale, sg); break;
            case 3: scores_f16<3>(qg, k_cache, kv_stride, kv_offset, head_dim, n_pos, scale, sg); break;
            default: scores_f16<4>(qg, k_cache, kv_stride, kv_offset, head_dim, n_pos, scale, sg); break;
        }
    }
    // Softmax per head; the weights are normalised before use, as in the reference.
    for (int g = 0; g < group; ++g) {
        float* s = scores + static_cast<size_t>(g) * n_pos;
        const float max_score = *std::max_element(s, s + n_pos);
        float total = 0.0f;
        for (int p = 0; p < n_pos; ++p) {
            s[p] = std::exp(s[p] - max_score);
            total += s[p];
        }
        const float inv = 1.0f / total;
        for (int p = 0; p < n_pos; ++p) s[p] *= inv;
    }
    std::fill(out, out + static_cast<size_t>(group) * head_dim, 0.0f);
    for (int p = 0; p < n_pos; ++p) {
        const uint16_t* v = v_cache + static_cast<size_t>(p) * kv_stride + kv_offset;
        for (int d = 0; d < head_dim; d += 8) {
            const __m256 vv = load_f16(v + d);
            for (int g = 0; g < group; ++g) {
                float* o = out + static_cast<size_t>(g) * head_dim + d;
                _mm256_storeu_ps(o, _mm256_fmadd_ps(_mm256_set1_ps(scores[static_cast<size_t>(g) * n_pos + p]), vv,
                                                    _mm256_loadu_ps(o)));
            }
        }
    }
}

}  // namespace tern::simd::detail
