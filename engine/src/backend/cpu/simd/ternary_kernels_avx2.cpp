// AVX2 kernels (compiled with -mavx2 -mfma; called only when the CPU has them).
//
// Per 64-byte block of a 16-row group: two 32-byte halves (rows 0-7, 8-15), four 2-bit planes
// each; plane n holds, in every row's 32-bit lane, the codes of weights 4n..4n+3 of the block,
// which vpmaddubsw multiplies with 4 broadcast activations. The int16 pair sums are at most
// 2 * 2 * 128 = 512 in magnitude; the four planes of one block add to at most 2048, and 8 blocks
// are added in int16 before vpmaddwd widens them, so nothing can wrap or saturate.
#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "backend/cpu/simd/ternary_kernels_impl.h"
#include "backend/cpu/simd/ternary_repack.h"

namespace tern::simd::detail {

namespace {

// Sum over the 4 planes of one half, still int16 pairs: |sum| <= 4 * 512 = 2048.
inline __m256i half_dot16(const __m256i p[4], const __m256i a[4]) {
    const __m256i s01 = _mm256_add_epi16(_mm256_maddubs_epi16(p[0], a[0]), _mm256_maddubs_epi16(p[1], a[1]));
    const __m256i s23 = _mm256_add_epi16(_mm256_maddubs_epi16(p[2], a[2]), _mm256_maddubs_epi16(p[3], a[3]));
    return _mm256_add_epi16(s01, s23);
}

inline void planes(__m256i x, __m256i mask, __m256i p[4]) {
    p[0] = _mm256_and_si256(x, mask);
    p[1] = _mm256_and_si256(_mm256_srli_epi16(x, 2), mask);
    p[2] = _mm256_and_si256(_mm256_srli_epi16(x, 4), mask);
    p[3] = _mm256_and_si256(_mm256_srli_epi16(x, 6), mask);
}

// Blocks summed in int16 before widening: 8 * 2048 = 16384, half the int16 range (the safe
// limit is 64 vpmaddubsw results per lane, kernels.md §4.7; this is 32).
constexpr int64_t kWidenBlocks = 8;

// NT tokens share each unpacked block.
template <int NT>
void dot_tile(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act, int32_t* sums) {
    const __m256i mask = _mm256_set1_epi8(3);
    const __m256i ones = _mm256_set1_epi16(1);
    const int64_t n_seg = n_blocks / seg_blocks;
    for (int64_t s = 0; s < n_seg; ++s) {
        __m256i acc[NT][2];
        for (int t = 0; t < NT; ++t) acc[t][0] = acc[t][1] = _mm256_setzero_si256();
        const int64_t seg_end = (s + 1) * seg_blocks;
        for (int64_t kb0 = s * seg_blocks; kb0 < seg_end; kb0 += kWidenBlocks) {
            __m256i acc16[NT][2];
            for (int t = 0; t < NT; ++t) acc16[t][0] = acc16[t][1] = _mm256_setzero_si256();
            for (int64_t kb = kb0; kb < std::min(kb0 + kWidenBlocks, seg_end); ++kb) {
                const uint8_t* block = codes + kb * kBlockBytes;
                __m256i lo[4], hi[4];
                planes(_mm256_load_si256(reinterpret_cast<const __m256i*>(block)), mask, lo);
                planes(_mm256_load_si256(reinterpret_cast<const __m256i*>(block + 32)), mask, hi);
                // Fully unrolled, or GCC keeps the accumulator array in memory.
#pragma GCC unroll 16
                for (int t = 0; t < NT; ++t) {
                    const int32_t* a = act + kb * 4 * NT + t;
                    const __m256i av[4] = {_mm256_set1_epi32(a[0]), _mm256_set1_epi32(a[NT]),
                                           _mm256_set1_epi32(a[2 * NT]), _mm256_set1_epi32(a[3 * NT])};
                    acc16[t][0] = _mm256_add_epi16(acc16[t][0], half_dot16(lo, av));
                    acc16[t][1] = _mm256_add_epi16(acc16[t][1], half_dot16(hi, av));
                }
            }
            for (int t = 0; t < NT; ++t) {
                acc[t][0] = _mm256_add_epi32(acc[t][0], _mm256_madd_epi16(acc16[t][0], ones));
                acc[t][1] = _mm256_add_epi32(acc[t][1], _mm256_madd_epi16(acc16[t][1], ones));
            }
        }
        for (int t = 0; t < NT; ++t) {
            int32_t* dst = sums + (t * n_seg + s) * kRowGroup;
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), acc[t][0]);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 8), acc[t][1]);
        }
    }
}

}  // namespace

void group_dot_avx2(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act, int n_tok,
                    int n_grp, int32_t* sums) {
    static_assert(kAvx2Tile == 4);
    for (int g = 1; g < n_grp; ++g)
        group_dot_avx2(codes + g * n_blocks * kBlockBytes, n_blocks, seg_blocks, act, n_tok, 1,
                       sums + g * n_tok * (n_blocks / seg_blocks) * kRowGroup);
    switch (n_tok) {
        case 1: return dot_tile<1>(codes, n_blocks, seg_blocks, act, sums);
        case 2: return dot_tile<2>(codes, n_blocks, seg_blocks, act, sums);
        case 3: return dot_tile<3>(codes, n_blocks, seg_blocks, act, sums);
        default: return dot_tile<4>(codes, n_blocks, seg_blocks, act, sums);
    }
}

void scale_group_avx2(const int32_t* sums, int32_t act_sum, const float* scales, float act_scale, float extra_scale,
                      int lane_begin, int lane_end, float* out) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256 divisor = _mm256_set1_ps(act_scale), extra = _mm256_set1_ps(extra_scale);
    for (int half = 0; half < 2; ++half) {
        const __m256i index = _mm256_add_epi32(lane, _mm256_set1_epi32(8 * half));
        const __m256i in_range = _mm256_and_si256(_mm256_cmpgt_epi32(index, _mm256_set1_epi32(lane_begin - 1)),
                                                  _mm256_cmpgt_epi32(_mm256_set1_epi32(lane_end), index));
        const __m256i s = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(sums + 8 * half));
        const __m256 d = _mm256_cvtepi32_ps(_mm256_sub_epi32(s, _mm256_set1_epi32(act_sum)));
        const __m256 sum = _mm256_add_ps(_mm256_setzero_ps(), _mm256_mul_ps(d, _mm256_loadu_ps(scales + 8 * half)));
        // vmaskmovps neither writes nor faults on masked-off lanes.
        _mm256_maskstore_ps(out + 8 * half, in_range, _mm256_mul_ps(_mm256_div_ps(sum, divisor), extra));
    }
}

float quantize_row_avx2(const float* x, int n, int8_t* q, int32_t* q_sum) {
    // max_ps returns its second operand when either is NaN, like std::max(amax, v) keeping amax.
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    __m256 vmax = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= n; i += 8) vmax = _mm256_max_ps(_mm256_and_ps(_mm256_loadu_ps(x + i), abs_mask), vmax);
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, vmax);
    const float s = quantizer_scale(lanes, 8, x, i, n);

    // Same single-rounding product as the reference, rounded in the current (default: half to
    // even) mode like nearbyint, clamped, then packed.
    const __m256 vs = _mm256_set1_ps(s), lo = _mm256_set1_ps(-128.0f), hi = _mm256_set1_ps(127.0f);
    auto to_i32 = [&](const float* p) {
        const __m256 r = _mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(p), vs), _MM_FROUND_CUR_DIRECTION);
        return _mm256_cvttps_epi32(_mm256_min_ps(_mm256_max_ps(r, lo), hi));
    };
    __m256i vsum = _mm256_setzero_si256();
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);  // undo the per-lane packs
    i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i a = to_i32(x + i), b = to_i32(x + i + 8), c = to_i32(x + i + 16), d = to_i32(x + i + 24);
        vsum = _mm256_add_epi32(vsum, _mm256_add_epi32(_mm256_add_epi32(a, b), _mm256_add_epi32(c, d)));
        const __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(q + i), _mm256_permutevar8x32_epi32(packed, order));
    }
    alignas(32) int32_t sum_lanes[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(sum_lanes), vsum);
    int32_t total = 0;
    for (int32_t v : sum_lanes) total += v;
    *q_sum = total + quantize_tail(x, i, n, s, q);
    return s;
}

}  // namespace tern::simd::detail
