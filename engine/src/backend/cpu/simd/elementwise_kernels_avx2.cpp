// AVX2 and F16C element-wise kernels (compiled with -mavx2 -mf16c; called only when the CPU has
// them). The scalar
// reference's relu(g)^2 compiles to a branch that mispredicts on half the gates; here it is a
// compare and a mask. These ops are memory-bound, so AVX-512 machines use the same code.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "tensor/fp16.h"

namespace tern::simd::detail {

void glu_relu2_avx2(const float* gate, const float* up, size_t n, float* out) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 g = _mm256_loadu_ps(gate + i);
        // g > 0 ? g : 0; an ordered compare, so NaN gates give 0 like the reference.
        const __m256 r = _mm256_and_ps(g, _mm256_cmp_ps(g, _mm256_setzero_ps(), _CMP_GT_OQ));
        _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_mul_ps(r, r), _mm256_loadu_ps(up + i)));
    }
    for (; i < n; ++i) {
        const float r = gate[i] > 0.0f ? gate[i] : 0.0f;
        out[i] = r * r * up[i];
    }
}

void to_f16_f16c(const float* x, size_t n, uint16_t* out) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    for (; i < n; ++i) out[i] = f32_to_f16(x[i]);
}

}  // namespace tern::simd::detail
