// AVX2 + FMA + F16C dense kernels (compiled with those flags; called only when the CPU has them).
#include "backend/cpu/simd/x86_intrinsics.h"

#include "backend/cpu/simd/dense_tile.h"
#include "backend/cpu/simd/q8_dot.h"

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
struct DotMaddubs {
    __m256i operator()(__m256i w, __m256i x) const {
        const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
        return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
    }
};

}  // namespace

// 2 rows x 3 tokens: 6 accumulators + 8 weight registers + 1 activation fit the 16 ymm.
void dense_f16_avx2(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                    int out_stride) {
    dense_f16_rows<Ymm, 2, 3>(w, r0, r1, x, n_tok, extra, out, out_stride);
}

void dense_q8_0_avx2(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                     int out_stride) {
    q8_0_rows<DotMaddubs, 4>(w, r0, r1, x, n_tok, extra, out, out_stride);
}

}  // namespace tern::simd::detail
