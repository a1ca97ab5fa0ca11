// AVX-512 dense kernels (compiled with -mavx512f/bw/vl/vnni; called only when the CPU has them).
#include "backend/cpu/simd/x86_intrinsics.h"

#include "backend/cpu/simd/dense_tile.h"
#include "backend/cpu/simd/q8_dot.h"

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

// |w| x sign(x, w) straight into int32 lanes.
struct DotVnni {
    __m256i operator()(__m256i w, __m256i x) const {
        return _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
    }
};

}  // namespace

// 4 rows x 4 tokens: 16 accumulators + 8 weight registers + 1 activation fit the 32 zmm.
void dense_f16_avx512(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                      int out_stride) {
    dense_f16_rows<Zmm, 4, 4>(w, r0, r1, x, n_tok, extra, out, out_stride);
}

void dense_q8_0_avx512(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                       int out_stride) {
    q8_0_rows<DotVnni, 4>(w, r0, r1, x, n_tok, extra, out, out_stride);
}

}  // namespace tern::simd::detail
