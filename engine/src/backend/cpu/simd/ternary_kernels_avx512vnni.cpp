// AVX-512 VNNI kernels (compiled with -mavx512f/bw/vl/vnni; called only when the CPU has them).
//
// One 64-byte block of a 16-row group fills a zmm register; plane n (shift by 2n, mask 3) holds
// in each row's 32-bit lane the codes of weights 4n..4n+3, and vpdpbusd multiplies them with 4
// broadcast activations and adds into that row's int32 lane: no int16 stage, no horizontal sums.
#include "backend/cpu/simd/x86_intrinsics.h"

#include <algorithm>
#include <cmath>

#include "backend/cpu/simd/ternary_kernels_impl.h"
#include "backend/cpu/simd/ternary_repack.h"

namespace tern::simd::detail {

namespace {

// NG consecutive groups and NT tokens per pass: each unpacked block feeds NT tokens, and each
// broadcast activation word feeds NG groups (a broadcast per vpdpbusd costs ~15% of its rate).
// With few tokens the 4 planes go to NACC accumulators so consecutive vpdpbusd on one
// accumulator do not wait on each other's result. 2 x 8: 16 accumulators, 8 planes and the mask
// stay in the 32 zmm registers.
template <int NG, int NT, int NACC>
void dot_tile(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act, int32_t* sums) {
    const __m512i mask = _mm512_set1_epi8(3);
    const int64_t n_seg = n_blocks / seg_blocks;
    const int64_t group_bytes = n_blocks * kBlockBytes;
    for (int64_t s = 0; s < n_seg; ++s) {
        __m512i acc[NG][NT][NACC];
        for (int g = 0; g < NG; ++g)
            for (int t = 0; t < NT; ++t)
                for (int j = 0; j < NACC; ++j) acc[g][t][j] = _mm512_setzero_si512();
        for (int64_t kb = s * seg_blocks; kb < (s + 1) * seg_blocks; ++kb) {
            if constexpr (NT == 1)
                _mm_prefetch(reinterpret_cast<const char*>(codes + kb * kBlockBytes + kDecodePrefetch), _MM_HINT_T0);
            __m512i p[NG][4];
            for (int g = 0; g < NG; ++g) {
                const __m512i x = _mm512_load_si512(codes + g * group_bytes + kb * kBlockBytes);
                p[g][0] = _mm512_and_si512(x, mask);
                p[g][1] = _mm512_and_si512(_mm512_srli_epi16(x, 2), mask);
                p[g][2] = _mm512_and_si512(_mm512_srli_epi16(x, 4), mask);
                p[g][3] = _mm512_and_si512(_mm512_srli_epi16(x, 6), mask);
            }
            const int32_t* a = act + kb * 4 * NT;
            // Fully unrolled, or GCC keeps the accumulator array in memory.
#pragma GCC unroll 4
            for (int n = 0; n < 4; ++n)
#pragma GCC unroll 16
                for (int t = 0; t < NT; ++t) {
                    const __m512i v = _mm512_set1_epi32(a[n * NT + t]);
#pragma GCC unroll 2
                    for (int g = 0; g < NG; ++g)
                        acc[g][t][n % NACC] = _mm512_dpbusd_epi32(acc[g][t][n % NACC], p[g][n], v);
                }
        }
        for (int g = 0; g < NG; ++g)
            for (int t = 0; t < NT; ++t) {
                __m512i total = acc[g][t][0];
                for (int j = 1; j < NACC; ++j) total = _mm512_add_epi32(total, acc[g][t][j]);
                _mm512_storeu_si512(sums + ((g * NT + t) * n_seg + s) * kRowGroup, total);
            }
    }
}

// With one token the 4 planes go to 4 / NG accumulators per group, with two tokens to 2 / NG.
template <int NG>
void dot_groups(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act, int n_tok,
                int32_t* sums) {
    with_tile_tokens<kAvx512Tile>(n_tok, [&]<int NT>() {
        dot_tile<NG, NT, NT == 1 ? 4 / NG : NT == 2 ? 2 / NG : 1>(codes, n_blocks, seg_blocks, act, sums);
    });
}

}  // namespace

void group_dot_avx512vnni(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act, int n_tok,
                          int n_grp, int32_t* sums) {
    static_assert(kAvx512Tile == 8 && kAvx512Groups == 2);
    if (n_grp == 2) return dot_groups<2>(codes, n_blocks, seg_blocks, act, n_tok, sums);
    dot_groups<1>(codes, n_blocks, seg_blocks, act, n_tok, sums);
}

void scale_group_avx512(const int32_t* sums, int32_t act_sum, const float* scales, float act_scale, float extra_scale,
                        int lane_begin, int lane_end, float* out) {
    const __mmask16 lanes = static_cast<__mmask16>((1u << lane_end) - (1u << lane_begin));
    const __m512 d = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_loadu_si512(sums), _mm512_set1_epi32(act_sum)));
    const __m512 sum = _mm512_add_ps(_mm512_setzero_ps(), _mm512_mul_ps(d, _mm512_loadu_ps(scales)));
    const __m512 y = _mm512_mul_ps(_mm512_div_ps(sum, _mm512_set1_ps(act_scale)), _mm512_set1_ps(extra_scale));
    _mm512_mask_storeu_ps(out, lanes, y);  // masked-off lanes are neither written nor faulted on
}

float quantize_row_avx512(const float* x, int n, int8_t* q, int32_t* q_sum) {
    // max_ps returns its second operand when either is NaN, like std::max(amax, v) keeping amax.
    __m512 vmax = _mm512_setzero_ps();
    int i = 0;
    for (; i + 16 <= n; i += 16) vmax = _mm512_max_ps(_mm512_abs_ps(_mm512_loadu_ps(x + i)), vmax);
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, vmax);
    const float s = quantizer_scale(lanes, 16, x, i, n);

    // Same single-rounding product as the reference, rounded in the current (default: half to
    // even) mode like nearbyint, clamped, then narrowed.
    const __m512 vs = _mm512_set1_ps(s), lo = _mm512_set1_ps(-128.0f), hi = _mm512_set1_ps(127.0f);
    __m512i vsum = _mm512_setzero_si512();
    i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 r = _mm512_roundscale_ps(_mm512_mul_ps(_mm512_loadu_ps(x + i), vs), _MM_FROUND_CUR_DIRECTION);
        const __m512i v = _mm512_cvttps_epi32(_mm512_min_ps(_mm512_max_ps(r, lo), hi));
        vsum = _mm512_add_epi32(vsum, v);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(q + i), _mm512_cvtsepi32_epi8(v));
    }
    *q_sum = _mm512_reduce_add_epi32(vsum) + quantize_tail(x, i, n, s, q);
    return s;
}

}  // namespace tern::simd::detail
