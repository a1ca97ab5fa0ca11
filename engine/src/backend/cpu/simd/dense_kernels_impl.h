#pragma once
// The per-instruction-set entry points behind the DenseKernel table (internal).
#include <cstdint>
#include <vector>

#include "backend/cpu/simd/q6k_repack.h"
#include "backend/cpu/simd/q8_repack.h"
#include "backend/cpu/simd/qk_repack.h"
#include "tensor/type_traits.h"

namespace tern::simd::detail {

#if defined(TERN_SIMD_X86)
void dense_f16_avx2(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                    int out_stride);
void dense_q8_0_avx2(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                     int out_stride);
void dense_f16_avx512(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                      int out_stride);
void packed_q8_0_avx512(const RepackedQ8& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                        int out_stride);
void packed_q6_k_avx2(const RepackedQ6K& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                      int out_stride);
void packed_q6_k_avx512(const RepackedQ6K& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra,
                        float* out, int out_stride);
void packed_qk_avx2(const RepackedQK& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                    int out_stride);
void packed_qk_avx512(const RepackedQK& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                      int out_stride);
#endif
#if defined(TERN_SIMD_ARM64)
void packed_qk_neon(const RepackedQK& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                    int out_stride);
#endif

// One token's activations for the repacked Q6_K kernels: Q8_0-quantized as cpu_q6_k_rows does them,
// and 32 x the sum of each 16-value sub-block, which the unsigned codes add to every dot.
struct Q6Activations {
    std::vector<int8_t> q;
    std::vector<float> d;
    std::vector<int32_t> bias;
    void quantize(const float* x, int64_t k);  // k % 256 == 0
};

// One token's activations for the repacked Q4_K / Q5_K kernels: Q8_0-quantized as cpu_q4_k_rows
// does them (a 32-value block is a weight sub-block), and per block float(sum of its codes) * d,
// the number each row's min multiplies.
struct QKActivations {
    std::vector<int8_t> q;
    std::vector<float> d;
    std::vector<float> sum_d;
    void quantize(const float* x, int64_t k);  // k % 256 == 0
};

// One Q8_0 block as ggml stores it: an f16 scale, then 32 signed 8-bit values.
struct BlockQ8_0 {
    uint16_t d;
    int8_t qs[32];
};
static_assert(sizeof(BlockQ8_0) == 34);

}  // namespace tern::simd::detail
