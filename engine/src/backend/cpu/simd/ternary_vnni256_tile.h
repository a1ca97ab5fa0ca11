#pragma once
// The 256-bit vpdpbusd ternary kernel, written once and compiled twice:
// - ternary_kernels_avxvnni.cpp, with AVX-VNNI (VEX encoding), for CPUs that have it without AVX-512
//   (Intel client cores since Alder Lake);
// - ternary_kernels_avxvnni_evex.cpp, with AVX-512 VL + VNNI (EVEX encoding), which AVX-512 VNNI CPUs
//   run when TERN_CPU_KERNEL=avxvnni forces it, so the same code is tested where AVX-VNNI is missing.
// Everything is in an anonymous namespace: each including file gets its own copy, compiled with its
// own instruction-set flags (a shared inline definition could be linked from the wrong one).
//
// Per 64-byte block of a 16-row group: two 32-byte halves (rows 0-7, 8-15) of four 2-bit planes,
// like the AVX2 kernel; vpdpbusd adds the four u8 x s8 products of a plane and 4 broadcast
// activations into each row's int32 lane, so there is no int16 stage to overflow. Plane by plane,
// the 16 ymm registers hold 4 tokens x 2 halves of accumulators, both halves' block and plane, the
// mask and one broadcast, which serves both halves.
#include <cstdint>

#include "backend/cpu/simd/ternary_kernels_impl.h"
#include "backend/cpu/simd/ternary_repack.h"

namespace tern::simd::detail {
namespace {

// Dpbusd: a functor (acc, codes, activations) -> acc + the 4-byte dot products, per 32-bit lane.
// With few tokens the planes go to NACC accumulators, so consecutive vpdpbusd do not wait on each other.
template <class Dpbusd, int NT, int NACC>
void vnni256_tile(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act, int32_t* sums) {
    const Dpbusd dpbusd;
    const __m256i mask = _mm256_set1_epi8(3);
    const int64_t n_seg = n_blocks / seg_blocks;
    for (int64_t s = 0; s < n_seg; ++s) {
        __m256i acc[NT][2][NACC];
        for (int t = 0; t < NT; ++t)
            for (int h = 0; h < 2; ++h)
                for (int j = 0; j < NACC; ++j) acc[t][h][j] = _mm256_setzero_si256();
        for (int64_t kb = s * seg_blocks; kb < (s + 1) * seg_blocks; ++kb) {
            const uint8_t* block = codes + kb * kBlockBytes;
            if constexpr (NT == 1) _mm_prefetch(reinterpret_cast<const char*>(block + kDecodePrefetch), _MM_HINT_T0);
            const int32_t* a = act + kb * 4 * NT;
            const __m256i lo = _mm256_load_si256(reinterpret_cast<const __m256i*>(block));
            const __m256i hi = _mm256_load_si256(reinterpret_cast<const __m256i*>(block + 32));
            // Fully unrolled, or GCC keeps the accumulator array in memory.
#pragma GCC unroll 4
            for (int n = 0; n < 4; ++n) {
                const __m128i shift = _mm_cvtsi32_si128(2 * n);
                const __m256i p_lo = _mm256_and_si256(_mm256_srl_epi16(lo, shift), mask);
                const __m256i p_hi = _mm256_and_si256(_mm256_srl_epi16(hi, shift), mask);
#pragma GCC unroll 4
                for (int t = 0; t < NT; ++t) {
                    const __m256i v = _mm256_set1_epi32(a[n * NT + t]);
                    acc[t][0][n % NACC] = dpbusd(acc[t][0][n % NACC], p_lo, v);
                    acc[t][1][n % NACC] = dpbusd(acc[t][1][n % NACC], p_hi, v);
                }
            }
        }
        for (int t = 0; t < NT; ++t)
            for (int h = 0; h < 2; ++h) {
                __m256i total = acc[t][h][0];
                for (int j = 1; j < NACC; ++j) total = _mm256_add_epi32(total, acc[t][h][j]);
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(sums + (t * n_seg + s) * kRowGroup + 8 * h), total);
            }
    }
}

// The GroupDotFn of both builds; one group per call (kAvxVnniGroups).
template <class Dpbusd>
void vnni256_group_dot(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act, int n_tok,
                       int n_grp, int32_t* sums) {
    static_assert(kAvxVnniGroups == 1);
    for (int g = 0; g < n_grp; ++g) {
        const uint8_t* c = codes + g * n_blocks * kBlockBytes;
        int32_t* out = sums + g * n_tok * (n_blocks / seg_blocks) * kRowGroup;
        // With one token the 4 planes go to 4 accumulators per half, with two tokens to 2.
        with_tile_tokens<kAvxVnniTile>(n_tok, [&]<int NT>() {
            vnni256_tile<Dpbusd, NT, NT == 1 ? 4 : NT == 2 ? 2 : 1>(c, n_blocks, seg_blocks, act, out);
        });
    }
}

}  // namespace
}  // namespace tern::simd::detail
