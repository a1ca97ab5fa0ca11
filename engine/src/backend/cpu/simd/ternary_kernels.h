#pragma once
// Ternary matrix x int8 activations over a RepackedTernary, with one kernel per instruction set
// chosen at run time. Results are bit-identical to the scalar reference cpu_ternary_rows: the
// kernels only compute exact integer dot products; the float epilogue is shared and repeats the
// reference's operations in the reference's order.
#include <cstdint>
#include <optional>
#include <string_view>

#include "backend/cpu/simd/ternary_repack.h"

namespace tern::simd {

enum class KernelIsa { scalar, avx2, avx512vnni };

// sums[(t * n_seg + s) * kRowGroup + lane] = sum of code * act over segment s (seg_blocks blocks
// of kBlockK weights) of row `lane` of one group, for tokens t < n_tok <= max_tile_tokens.
// act points at token 0's k activations; token t's start act_stride bytes later.
using GroupDotFn = void (*)(const uint8_t* group_codes, int64_t n_blocks, int64_t seg_blocks, const int8_t* act,
                            int64_t act_stride, int n_tok, int32_t* sums);
// The reference activation quantizer (see cpu_quantize_row_i8), also returning sum(q).
using QuantizeFn = float (*)(const float* x, int n, int8_t* q, int32_t* q_sum);

struct TernaryKernel {
    KernelIsa isa;
    const char* name;     // "scalar", "avx2", "avx512vnni": the TERN_CPU_KERNEL spellings
    int max_tile_tokens;  // tokens one group_dot call handles (the weights are unpacked once for them)
    GroupDotFn group_dot;
    QuantizeFn quantize_row;
};

// nullptr when the kernel is not compiled in or this CPU lacks its instructions.
const TernaryKernel* find_kernel(KernelIsa isa);
std::optional<KernelIsa> parse_kernel_name(std::string_view name);
// The kernel named by TERN_CPU_KERNEL, else the fastest available one; decided once.
// Throws tern::Error when TERN_CPU_KERNEL names an unknown or unavailable kernel.
const TernaryKernel& best_kernel();

// out[t * out_stride + r] for rows r in [row_begin, row_end) and tokens t < n_tokens, exactly as
// cpu_ternary_rows computes them: act_q is [n_tokens][w.k], act_sum[t] the sum of token t's q
// (used to turn codes c = w + 1 back into weights), act_scale[t] the quantizer's scale.
// Rows outside the range are not written. Ranges aligned to kRowGroup avoid repeated work when
// several threads split one matrix.
void ternary_gemm(const TernaryKernel& kernel, const RepackedTernary& w, int64_t row_begin, int64_t row_end,
                  const int8_t* act_q, const int32_t* act_sum, const float* act_scale, int n_tokens,
                  float extra_scale, float* out, int out_stride);

inline void ternary_gemm(const RepackedTernary& w, int64_t row_begin, int64_t row_end, const int8_t* act_q,
                         const int32_t* act_sum, const float* act_scale, int n_tokens, float extra_scale, float* out,
                         int out_stride) {
    ternary_gemm(best_kernel(), w, row_begin, row_end, act_q, act_sum, act_scale, n_tokens, extra_scale, out,
                 out_stride);
}

// BitNet per-token activation quantization, bit-identical to cpu_quantize_row_i8; also sum(q).
inline float quantize_row_i8(const float* x, int n, int8_t* q, int32_t* q_sum) {
    return best_kernel().quantize_row(x, n, q, q_sum);
}

}  // namespace tern::simd
