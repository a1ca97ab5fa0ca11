#pragma once
// The Q8_0 head kernel shared by the AVX2 and AVX-512 VNNI files (included only by them, which
// compile it with their flags). Activations are quantized to Q8_0 blocks by the reference
// quantizer; each 32-block dot is exact in int32 (|w|, |q| <= 127, so the sign trick is safe);
// per block it is scaled by d_w * d_x into 8 float lanes. Rows go NR at a time to share the
// activation loads.
#include "backend/cpu/simd/x86_intrinsics.h"

#include <algorithm>
#include <vector>

#include "backend/cpu/cpu_ops.h"
#include "backend/cpu/simd/dense_kernels_impl.h"

namespace tern::simd::detail {

// Dot is a functor type: __m256i operator()(__m256i w, __m256i x) -> 8 int32 partial sums.
template <class Dot, int NR>
void q8_0_rows(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
               int out_stride) {
    const int k = static_cast<int>(w.ne[0]), nb = k / 32;
    const auto* blocks = reinterpret_cast<const BlockQ8_0*>(w.data);
    thread_local std::vector<int8_t> xq;
    thread_local std::vector<float> xd;
    xq.resize(k);
    xd.resize(nb);
    const Dot dot;
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
                    acc[i] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot(wv, xv)), scale, acc[i]);
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
