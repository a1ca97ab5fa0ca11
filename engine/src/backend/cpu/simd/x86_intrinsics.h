#pragma once
// <immintrin.h> for the ISA-specific kernel files (only they include it, compiled with their ISA
// flags), and the small vector helpers several of them share.
// GCC 12's own AVX-512 headers trip -Wuninitialized through _mm512_undefined_* (GCC PR 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace tern::simd::detail {

// The sum of a ymm register's 8 floats.
inline float hsum_ps(__m256 a) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

}  // namespace tern::simd::detail
