// AVX-512 dense kernels (compiled with -mavx512f/bw/vl/vnni; called only when the CPU has them).
#include "backend/cpu/simd/x86_intrinsics.h"

#include "backend/cpu/cpu_ops.h"
#include "backend/cpu/simd/dense_tile.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace tern::simd::detail {

namespace {

struct Zmm {
    using reg = __m512;
    static constexpr int width = 16;
    static reg zero() { return _mm512_setzero_ps(); }
    static reg load(const float* p) { return _mm512_loadu_ps(p); }
    static reg load_f16(const uint16_t* p) {
        return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    }
    static reg fmadd(reg a, reg b, reg c) { return _mm512_fmadd_ps(a, b, c); }
    static float reduce(reg a) { return _mm512_reduce_add_ps(a); }
};

}  // namespace

// 4 rows x 4 tokens: 16 accumulators + 8 weight registers + 1 activation fit the 32 zmm.
void dense_f16_avx512(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                      int out_stride) {
    dense_f16_rows<Zmm, 4, 4>(w, r0, r1, x, n_tok, extra, out, out_stride);
}

// 16 rows per pass: per 32-weight block, 8 vpdpbusd of the biased weights against broadcast
// activation words give each row's exact integer dot in its lane (minus 128 * the block's
// activation sum); one F16 conversion of the 16 scales and one FMA fold it into the float sums.
void packed_q8_0_avx512(const RepackedQ8& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                        int out_stride) {
    const int64_t k = w.k, nb = w.blocks_per_row();
    thread_local std::vector<int8_t> xq;
    thread_local std::vector<float> xd;
    thread_local std::vector<int32_t> bias;
    xq.resize(k);
    xd.resize(nb);
    bias.resize(nb);
    for (int t = 0; t < n_tok; ++t) {
        cpu_quantize_q8_0_activations(x + t * k, static_cast<int>(k), xq.data(), xd.data());
        for (int64_t b = 0; b < nb; ++b) {
            int32_t sum = 0;
            for (int i = 0; i < kQ8Block; ++i) sum += xq[b * kQ8Block + i];
            bias[b] = 128 * sum;
        }
        float* o = out + static_cast<int64_t>(t) * out_stride;
        for (int64_t g = r0 / kRowGroup; g * kRowGroup < r1; ++g) {
            const uint8_t* codes = w.group_codes(g);
            const uint8_t* scales = w.group_scales(g);
            __m512 acc = _mm512_setzero_ps();
            for (int64_t b = 0; b < nb; ++b, codes += kQ8CodeBytes, scales += kQ8ScaleBytes) {
                const int8_t* a = xq.data() + b * kQ8Block;
                // Two chains of four, so consecutive vpdpbusd do not wait on each other.
                __m512i even = _mm512_setzero_si512(), odd = _mm512_setzero_si512();
#pragma GCC unroll 4
                for (int j = 0; j < 8; j += 2) {
                    int32_t a0, a1;
                    std::memcpy(&a0, a + 4 * j, 4);
                    std::memcpy(&a1, a + 4 * j + 4, 4);
                    even = _mm512_dpbusd_epi32(even, _mm512_load_si512(codes + 64 * j), _mm512_set1_epi32(a0));
                    odd = _mm512_dpbusd_epi32(odd, _mm512_load_si512(codes + 64 * j + 64), _mm512_set1_epi32(a1));
                }
                const __m512i dot = _mm512_sub_epi32(_mm512_add_epi32(even, odd), _mm512_set1_epi32(bias[b]));
                const __m512 dw = _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(scales)));
                acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(dw, _mm512_set1_ps(xd[b])), acc);
            }
            const int lane_begin = static_cast<int>(std::max<int64_t>(r0 - g * kRowGroup, 0));
            const int lane_end = static_cast<int>(std::min<int64_t>(r1 - g * kRowGroup, kRowGroup));
            const __mmask16 lanes = static_cast<__mmask16>((1u << lane_end) - (1u << lane_begin));
            _mm512_mask_storeu_ps(o + g * kRowGroup, lanes, _mm512_mul_ps(acc, _mm512_set1_ps(extra)));
        }
    }
}

}  // namespace tern::simd::detail
