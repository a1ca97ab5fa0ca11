// AVX2 + FMA + F16C dense kernels (compiled with those flags; called only when the CPU has them).
#include <immintrin.h>

#include "backend/cpu/simd/dense_tile.h"

namespace tern::simd::detail {

namespace {

struct Ymm {
    using reg = __m256;
    static constexpr int width = 8;
    static reg zero() { return _mm256_setzero_ps(); }
    static reg set1(float v) { return _mm256_set1_ps(v); }
    static reg load(const float* p) { return _mm256_loadu_ps(p); }
    static reg load_f16(const uint16_t* p) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    }
    static reg load_i8(const int8_t* p) {
        return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
    }
    static reg mul(reg a, reg b) { return _mm256_mul_ps(a, b); }
    static reg fmadd(reg a, reg b, reg c) { return _mm256_fmadd_ps(a, b, c); }
    static float reduce(reg a) {
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
};

}  // namespace

// 2 rows x 3 tokens: 6 accumulators + 8 weight registers + 1 activation fit the 16 ymm.
void dense_f16_avx2(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                    int out_stride) {
    dense_rows_typed<Ymm, 2, 3>(w, r0, r1, x, n_tok, extra, out, out_stride);
}

void dense_q8_0_avx2(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                     int out_stride) {
    dense_rows_typed<Ymm, 2, 3>(w, r0, r1, x, n_tok, extra, out, out_stride);
}

}  // namespace tern::simd::detail
