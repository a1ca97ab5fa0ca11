// AVX2 + FMA + F16C attention over an F16 or a Q8_0 cache (compiled with those flags; called only
// when the CPU has them). AVX-512 machines use it too: 8-wide F16 conversions keep the code to one
// version. Scores, a vectorised softmax, then the weighted values with register accumulators; at
// long context these loops, not the weights, set the speed of a token.
#include "backend/cpu/simd/x86_intrinsics.h"

#include <algorithm>
#include <cmath>

#include "backend/cpu/simd/attention_kernels.h"

namespace tern::simd::detail {

namespace {

// Rows ahead that the F16 score loop asks for: one head's cached rows are one sequential stream,
// but the hardware prefetcher alone left a thread waiting on memory. (The Q8_0 loop measured no
// gain from it.)
constexpr int kPrefetchRows = 8;

inline __m256 load_f16(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// scores[g * n_pos + p] = q_g . k_p * scale for up to 4 heads g0.. at once.
template <int NQ>
void scores_f16(const float* q, const uint16_t* k_cache, int kv_stride, int kv_offset, int head_dim, int n_pos,
                float scale, float* scores) {
    for (int p = 0; p < n_pos; ++p) {
        const uint16_t* k = k_cache + static_cast<size_t>(p) * kv_stride + kv_offset;
        for (int d = 0; d < head_dim; d += 32)
            _mm_prefetch(reinterpret_cast<const char*>(k + static_cast<size_t>(kPrefetchRows) * kv_stride + d), _MM_HINT_T0);
        __m256 acc[NQ];
        for (int g = 0; g < NQ; ++g) acc[g] = _mm256_setzero_ps();
        for (int d = 0; d < head_dim; d += 8) {
            const __m256 kv = load_f16(k + d);
            for (int g = 0; g < NQ; ++g) acc[g] = _mm256_fmadd_ps(_mm256_loadu_ps(q + g * head_dim + d), kv, acc[g]);
        }
        for (int g = 0; g < NQ; ++g) scores[g * n_pos + p] = hsum_ps(acc[g]) * scale;
    }
}

// e^x for x <= 0 (scores minus their maximum), within 2 ulp: x = n ln2 + r with |r| <= ln2 / 2
// (ln2 split in two so n ln2 is exact), a degree-6 polynomial for e^r, and 2^n put into the
// exponent. Below -87 the result would be subnormal; it is flushed to 0, which next to the
// maximum's weight of 1 changes nothing. The scalar libm call was a fifth of long-context decode.
inline __m256 exp_nonpositive(__m256 x) {
    const __m256 min_x = _mm256_set1_ps(-87.0f);
    const __m256 underflow = _mm256_cmp_ps(x, min_x, _CMP_LT_OQ);
    x = _mm256_max_ps(x, min_x);
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i pow2n = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_andnot_ps(underflow, _mm256_mul_ps(y, _mm256_castsi256_ps(pow2n)));
}

// scores <- softmax(scores) over n values, normalised before use as in the reference.
void softmax(float* s, int n) {
    int p = 0;
    __m256 vmax = _mm256_set1_ps(-INFINITY);
    for (; p + 8 <= n; p += 8) vmax = _mm256_max_ps(vmax, _mm256_loadu_ps(s + p));
    float max_score = -INFINITY;
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, vmax);
    for (float v : lanes) max_score = std::max(max_score, v);
    for (; p < n; ++p) max_score = std::max(max_score, s[p]);

    const __m256 vm = _mm256_set1_ps(max_score);
    __m256 vtotal = _mm256_setzero_ps();
    for (p = 0; p + 8 <= n; p += 8) {
        const __m256 e = exp_nonpositive(_mm256_sub_ps(_mm256_loadu_ps(s + p), vm));
        _mm256_storeu_ps(s + p, e);
        vtotal = _mm256_add_ps(vtotal, e);
    }
    float total = hsum_ps(vtotal);
    for (; p < n; ++p) {
        s[p] = std::exp(s[p] - max_score);
        total += s[p];
    }
    const __m256 inv = _mm256_set1_ps(1.0f / total);
    for (p = 0; p + 8 <= n; p += 8) _mm256_storeu_ps(s + p, _mm256_mul_ps(_mm256_loadu_ps(s + p), inv));
    for (; p < n; ++p) s[p] *= 1.0f / total;
}

// out[g][d0 .. d0 + 8 * NV) += sum over positions p0..p1-1 of scores[g][p] * v_p for NQ heads:
// the accumulators stay in registers across the positions (8 of the 16 ymm at most), and each
// cached V slice is converted once for the NQ heads. Always inlined, as weighted_values_q8.
template <int NQ, int NV>
[[gnu::always_inline]] inline void weighted_values_f16(const float* scores, int n_pos, int p0, int p1,
                                                       const uint16_t* v_cache, int kv_stride, int kv_offset,
                                                       int head_dim, int d0, float* out) {
    __m256 acc[NQ][NV];
    for (int g = 0; g < NQ; ++g)
        for (int j = 0; j < NV; ++j) acc[g][j] = _mm256_loadu_ps(out + static_cast<size_t>(g) * head_dim + d0 + 8 * j);
    for (int p = p0; p < p1; ++p) {
        const uint16_t* v = v_cache + static_cast<size_t>(p) * kv_stride + kv_offset + d0;
        __m256 vv[NV];
        for (int j = 0; j < NV; ++j) vv[j] = load_f16(v + 8 * j);
        for (int g = 0; g < NQ; ++g) {
            const __m256 w = _mm256_set1_ps(scores[static_cast<size_t>(g) * n_pos + p]);
            for (int j = 0; j < NV; ++j) acc[g][j] = _mm256_fmadd_ps(w, vv[j], acc[g][j]);
        }
    }
    for (int g = 0; g < NQ; ++g)
        for (int j = 0; j < NV; ++j) _mm256_storeu_ps(out + static_cast<size_t>(g) * head_dim + d0 + 8 * j, acc[g][j]);
}

// Positions in tiles of 64, as for the Q8_0 cache below: a tile's V rows are used while in L1.
template <int NQ>
void weighted_values_heads(const float* scores, int n_pos, const uint16_t* v_cache, int kv_stride, int kv_offset,
                           int head_dim, float* out) {
    constexpr int kTile = 64;
    std::fill(out, out + static_cast<size_t>(NQ) * head_dim, 0.0f);
    for (int p0 = 0; p0 < n_pos; p0 += kTile) {
        const int p1 = std::min(p0 + kTile, n_pos);
        int d = 0;
        for (; d + 16 <= head_dim; d += 16)
            weighted_values_f16<NQ, 2>(scores, n_pos, p0, p1, v_cache, kv_stride, kv_offset, head_dim, d, out);
        if (d < head_dim)
            weighted_values_f16<NQ, 1>(scores, n_pos, p0, p1, v_cache, kv_stride, kv_offset, head_dim, d, out);
    }
}

// 8 Q8_0 codes as floats times their block's scale d: the reference's code * d, exactly.
inline __m256 load_q8(const int8_t* codes, __m256 d) {
    const __m128i c = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(codes));
    return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(c)), d);
}

// scores_f16 over a Q8_0 cache. Block by block, so each scale is broadcast once and the loop
// needs no division; a shorter last block (head_dim not a multiple of 32) has 1 to 3 slices.
template <int NQ>
void scores_q8(const float* q, KvQ8Rows k, int head_dim, int n_pos, float scale, float* scores) {
    const int n_blocks = kv_q8_blocks(head_dim), full = head_dim / kKvQ8Block;
    for (int p = 0; p < n_pos; ++p) {
        const int8_t* c = k.codes + static_cast<size_t>(p) * head_dim;
        const float* s = k.scales + static_cast<size_t>(p) * n_blocks;
        __m256 acc[NQ];
        for (int g = 0; g < NQ; ++g) acc[g] = _mm256_setzero_ps();
        for (int b = 0; b < full; ++b) {
            const __m256 d = _mm256_broadcast_ss(s + b);
            for (int j = 0; j < kKvQ8Block; j += 8) {
                const int at = b * kKvQ8Block + j;
                const __m256 kv = load_q8(c + at, d);
                for (int g = 0; g < NQ; ++g)
                    acc[g] = _mm256_fmadd_ps(_mm256_loadu_ps(q + g * head_dim + at), kv, acc[g]);
            }
        }
        if (full < n_blocks) {
            const __m256 d = _mm256_broadcast_ss(s + full);
            for (int at = full * kKvQ8Block; at < head_dim; at += 8) {
                const __m256 kv = load_q8(c + at, d);
                for (int g = 0; g < NQ; ++g)
                    acc[g] = _mm256_fmadd_ps(_mm256_loadu_ps(q + g * head_dim + at), kv, acc[g]);
            }
        }
        for (int g = 0; g < NQ; ++g) scores[g * n_pos + p] = hsum_ps(acc[g]) * scale;
    }
}

// weighted_values_f16 over a Q8_0 cache, positions p0..p1-1 added to out[g][d0 .. d0 + 8 * NV).
// d0 is a multiple of 16, so these at most 16 values lie in one block and share its scale.
// Always inlined: compiled on its own, GCC 12 stored the accumulators to the stack on every
// position (a third slower).
template <int NQ, int NV>
[[gnu::always_inline]] inline void weighted_values_q8(const float* scores, int n_pos, int p0, int p1, KvQ8Rows v,
                                                      int head_dim, int d0, float* out) {
    const int n_blocks = kv_q8_blocks(head_dim);
    __m256 acc[NQ][NV];
    for (int g = 0; g < NQ; ++g)
        for (int j = 0; j < NV; ++j) acc[g][j] = _mm256_loadu_ps(out + static_cast<size_t>(g) * head_dim + d0 + 8 * j);
    for (int p = p0; p < p1; ++p) {
        const int8_t* c = v.codes + static_cast<size_t>(p) * head_dim + d0;
        const __m256 d = _mm256_broadcast_ss(v.scales + static_cast<size_t>(p) * n_blocks + d0 / kKvQ8Block);
        __m256 vv[NV];
        for (int j = 0; j < NV; ++j) vv[j] = load_q8(c + 8 * j, d);
        for (int g = 0; g < NQ; ++g) {
            const __m256 w = _mm256_set1_ps(scores[static_cast<size_t>(g) * n_pos + p]);
            for (int j = 0; j < NV; ++j) acc[g][j] = _mm256_fmadd_ps(w, vv[j], acc[g][j]);
        }
    }
    for (int g = 0; g < NQ; ++g)
        for (int j = 0; j < NV; ++j) _mm256_storeu_ps(out + static_cast<size_t>(g) * head_dim + d0 + 8 * j, acc[g][j]);
}

// Positions in tiles of 64: all of a tile's V rows (8 KB at head_dim 128) are used while they are
// in L1, so the cache is streamed from memory once and in order, not once per 16-value slice
// with a stride. The sums keep their order: each output still adds its positions one by one.
template <int NQ>
void weighted_values_heads(const float* scores, int n_pos, KvQ8Rows v, int head_dim, float* out) {
    constexpr int kTile = 64;
    std::fill(out, out + static_cast<size_t>(NQ) * head_dim, 0.0f);
    for (int p0 = 0; p0 < n_pos; p0 += kTile) {
        const int p1 = std::min(p0 + kTile, n_pos);
        int d = 0;
        for (; d + 16 <= head_dim; d += 16) weighted_values_q8<NQ, 2>(scores, n_pos, p0, p1, v, head_dim, d, out);
        if (d < head_dim) weighted_values_q8<NQ, 1>(scores, n_pos, p0, p1, v, head_dim, d, out);
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
    for (int g = 0; g < group; ++g) softmax(scores + static_cast<size_t>(g) * n_pos, n_pos);
    for (int g0 = 0; g0 < group; g0 += 4) {
        const float* sg = scores + static_cast<size_t>(g0) * n_pos;
        float* og = out + static_cast<size_t>(g0) * head_dim;
        switch (std::min(4, group - g0)) {
            case 1: weighted_values_heads<1>(sg, n_pos, v_cache, kv_stride, kv_offset, head_dim, og); break;
            case 2: weighted_values_heads<2>(sg, n_pos, v_cache, kv_stride, kv_offset, head_dim, og); break;
            case 3: weighted_values_heads<3>(sg, n_pos, v_cache, kv_stride, kv_offset, head_dim, og); break;
            default: weighted_values_heads<4>(sg, n_pos, v_cache, kv_stride, kv_offset, head_dim, og); break;
        }
    }
}

void attention_q8_avx2(const float* q, int group, KvQ8Rows k, KvQ8Rows v, int head_dim, int n_pos, float* scores,
                       float* out) {
    const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
    for (int g0 = 0; g0 < group; g0 += 4) {
        const float* qg = q + static_cast<size_t>(g0) * head_dim;
        float* sg = scores + static_cast<size_t>(g0) * n_pos;
        switch (std::min(4, group - g0)) {
            case 1: scores_q8<1>(qg, k, head_dim, n_pos, scale, sg); break;
            case 2: scores_q8<2>(qg, k, head_dim, n_pos, scale, sg); break;
            case 3: scores_q8<3>(qg, k, head_dim, n_pos, scale, sg); break;
            default: scores_q8<4>(qg, k, head_dim, n_pos, scale, sg); break;
        }
    }
    for (int g = 0; g < group; ++g) softmax(scores + static_cast<size_t>(g) * n_pos, n_pos);
    for (int g0 = 0; g0 < group; g0 += 4) {
        const float* sg = scores + static_cast<size_t>(g0) * n_pos;
        float* og = out + static_cast<size_t>(g0) * head_dim;
        switch (std::min(4, group - g0)) {
            case 1: weighted_values_heads<1>(sg, n_pos, v, head_dim, og); break;
            case 2: weighted_values_heads<2>(sg, n_pos, v, head_dim, og); break;
            case 3: weighted_values_heads<3>(sg, n_pos, v, head_dim, og); break;
            default: weighted_values_heads<4>(sg, n_pos, v, head_dim, og); break;
        }
    }
}

}  // namespace tern::simd::detail
