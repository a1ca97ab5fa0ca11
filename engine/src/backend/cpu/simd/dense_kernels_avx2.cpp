// AVX2 + FMA + F16C dense kernels (compiled with those flags; called only when the CPU has them).
#include "backend/cpu/simd/x86_intrinsics.h"

#include <vector>

#include "backend/cpu/cpu_ops.h"
#include "backend/cpu/simd/dense_tile.h"

namespace tern::simd::detail {

namespace {

struct Ymm {
    using reg = __m256;
    static constexpr int width = 8;
    static reg zero() { return _mm256_setzero_ps(); }
    static reg load(const float* p) { return _mm256_loadu_ps(p); }
    static reg load_f16(const uint16_t* p) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    }
    static reg fmadd(reg a, reg b, reg c) { return _mm256_fmadd_ps(a, b, c); }
    static float reduce(reg a) { return hsum_ps(a); }
};

// |w| x sign(x, w) pairs in int16 (each at most 2 * 127 * 127, no saturation), then int32.
inline __m256i dot_q8(__m256i w, __m256i x) {
    const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
    return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
}

}  // namespace

// 2 rows x 3 tokens: 6 accumulators + 8 weight registers + 1 activation fit the 16 ymm.
void dense_f16_avx2(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                    int out_stride) {
    dense_f16_rows<Ymm, 2, 3>(w, r0, r1, x, n_tok, extra, out, out_stride);
}

// Q8_0 as stored: activations quantized to Q8_0 blocks by the reference quantizer; each 32-block
// dot is exact in int32 (|w|, |q| <= 127, so the sign trick is safe), then scaled by d_w * d_x
// into 8 float lanes. Rows go 4 at a time to share the activation loads.
void dense_q8_0_avx2(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                     int out_stride) {
    constexpr int NR = 4;
    const int k = static_cast<int>(w.ne[0]), nb = k / 32;
    const auto* blocks = reinterpret_cast<const BlockQ8_0*>(w.data);
    thread_local std::vector<int8_t> xq;
    thread_local std::vector<float> xd;
    xq.resize(k);
    xd.resize(nb);
    for (int t = 0; t < n_tok; ++t) {
        cpu_quantize_q8_0_activations(x + static_cast<size_t>(t) * k, k, xq.data(), xd.data());
        float* o = out + static_cast<size_t>(t) * out_stride;
        auto rows = [&]<int R>(int64_t r) {
            __m256 acc[R];
            for (int i = 0; i < R; ++i) acc[i] = _mm256_setzero_ps();
            for (int b = 0; b < nb; ++b) {
                const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq.data() + b * 32));
#pragma GCC unroll 4
                for (int i = 0; i < R; ++i) {
                    const BlockQ8_0& blk = blocks[(r + i) * nb + b];
                    const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk.qs));
                    const __m256 scale = _mm256_set1_ps(_cvtsh_ss(blk.d) * xd[b]);
                    acc[i] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot_q8(wv, xv)), scale, acc[i]);
                }
            }
            for (int i = 0; i < R; ++i) o[r + i] = hsum_ps(acc[i]) * extra;
        };
        int64_t r = r0;
        for (; r + NR <= r1; r += NR) rows.template operator()<NR>(r);
        for (; r < r1; ++r) rows.template operator()<1>(r);
    }
}

}  // namespace tern::simd::detail
