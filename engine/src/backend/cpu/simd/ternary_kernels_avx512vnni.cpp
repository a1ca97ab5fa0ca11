// AVX-512 VNNI kernels (compiled with -mavx512f/bw/vl/vnni; called only when the CPU has them).
//
// One 64-byte block of a 16-row group fills a zmm register; plane n (shift by 2n, mask 3) holds
// in each row's 32-bit lane the codes of weights 4n..4n+3, and vpdpbusd multiplies them with 4
// broadcast activations and adds into that row's int32 lane: no int16 stage, no horizontal sums.
#include "backend/cpu/simd/x86_intrinsics.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "backend/cpu/simd/ternary_kernels_impl.h"
#include "backend/cpu/simd/ternary_repack.h"

namespace tern::simd::detail {

namespace {

inline __m512i broadcast4(const int8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

// NT tokens share each unpacked block. With few tokens the 4 planes go to NACC accumulators per
// token so consecutive vpdpbusd do not wait on each other's result.
template <int NT, int NACC>
void dot_tile(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int8_t* act, int64_t stride,
              int32_t* sums) {
    const __m512i mask = _mm512_set1_epi8(3);
    const int64_t n_seg = n_blocks / seg_blocks;
    for (int64_t s = 0; s < n_seg; ++s) {
        __m512i acc[NT][NACC];
        for (int t = 0; t < NT; ++t)
            for (int j = 0; j < NACC; ++j) acc[t][j] = _mm512_setzero_si512();
        for (int64_t kb = s * seg_blocks; kb < (s + 1) * seg_blocks; ++kb) {
            const __m512i x = _mm512_load_si512(codes + kb * kBlockBytes);
            const __m512i p[4] = {_mm512_and_si512(x, mask), _mm512_and_si512(_mm512_srli_epi16(x, 2), mask),
                                  _mm512_and_si512(_mm512_srli_epi16(x, 4), mask),
                                  _mm512_and_si512(_mm512_srli_epi16(x, 6), mask)};
            // Fully unrolled, or GCC keeps the accumulator array in memory.
#pragma GCC unroll 16
            for (int t = 0; t < NT; ++t) {
                const int8_t* a = act + t * stride + kb * kBlockK;
#pragma GCC unroll 4
                for (int n = 0; n < 4; ++n)
                    acc[t][n % NACC] = _mm512_dpbusd_epi32(acc[t][n % NACC], p[n], broadcast4(a + 4 * n));
            }
        }
        for (int t = 0; t < NT; ++t) {
            __m512i total = acc[t][0];
            for (int j = 1; j < NACC; ++j) total = _mm512_add_epi32(total, acc[t][j]);
            _mm512_storeu_si512(sums + (t * n_seg + s) * kRowGroup, total);
        }
    }
}

}  // namespace

void group_dot_avx512vnni(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int8_t* act,
                          int64_t act_stride, int n_tok, int32_t* sums) {
    // 16 tokens: 16 accumulators + 4 planes + the mask fit the 32 zmm registers, and the plane
    // extraction is amortised over 64 vpdpbusd.
    static_assert(kAvx512Tile == 16);
    switch (n_tok) {
        case 1: return dot_tile<1, 4>(codes, n_blocks, seg_blocks, act, act_stride, sums);
        case 2: return dot_tile<2, 2>(codes, n_blocks, seg_blocks, act, act_stride, sums);
        case 3: return dot_tile<3, 2>(codes, n_blocks, seg_blocks, act, act_stride, sums);
        case 4: return dot_tile<4, 1>(codes, n_blocks, seg_blocks, act, act_stride, sums);
        case 5: return dot_tile<5, 1>(codes, n_blocks, seg_blocks, act, act_stride, sums);
        case 6: return dot_tile<6, 1>(codes, n_blocks, seg_blocks, act, act_stride, sums);
        case 7: return dot_tile<7, 1>(codes, n_blocks, seg_blocks, act, act_stride, sums);
        case 8: return dot_tile<8, 1>(codes, n_blocks, seg_blocks, act, act_stride, sums);
        case 9: return dot_tile<9, 1>(codes, n_blocks, seg_blocks, act, act_stride, sums);
        case 10: return dot_tile<10, 1>(codes, n_blocks, seg_blocks, act, act_stride, sums);
        case 11: return dot_tile<11, 1>(codes, n_blocks, seg_blocks, act, act_stride, sums);
        case 12: return dot_tile<12, 1>(codes, n_blocks, seg_blocks, act, act_stride, sums);
        case 13: return dot_tile<13, 1>(codes, n_blocks, seg_blocks, act, act_stride, sums);
        case 14: return dot_tile<14, 1>(codes, n_blocks, seg_blocks, act, act_stride, sums);
        case 15: return dot_tile<15, 1>(codes, n_blocks, seg_blocks, act, act_stride, sums);
        default: return dot_tile<16, 1>(codes, n_blocks, seg_blocks, act, act_stride, sums);
    }
}

float quantize_row_avx512(const float* x, int n, int8_t* q, int32_t* q_sum) {
    // max_ps returns its second operand when either is NaN, like std::max(amax, v) keeping amax.
    __m512 vmax = _mm512_setzero_ps();
    int i = 0;
    for (; i + 16 <= n; i += 16) vmax = _mm512_max_ps(_mm512_abs_ps(_mm512_loadu_ps(x + i)), vmax);
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, vmax);
    float amax = 0.0f;
    for (float v : lanes) amax = std::max(amax, v);
    for (int j = i; j < n; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float s = 127.0f / std::max(amax, 1e-5f);

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
    int32_t total = _mm512_reduce_add_epi32(vsum);
    for (; i < n; ++i) {
        const float v = std::nearbyint(x[i] * s);
        q[i] = static_cast<int8_t>(std::clamp(v, -128.0f, 127.0f));
        total += q[i];
    }
    *q_sum = total;
    return s;
}

}  // namespace tern::simd::detail
