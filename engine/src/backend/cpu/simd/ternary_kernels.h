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

// avxvnni: 256-bit vpdpbusd, for AVX-VNNI CPUs without AVX-512 (AVX-512 VNNI CPUs run it only when it
// is forced, in its EVEX encoding); neon: aarch64 with the dot-product extension.
enum class KernelIsa { scalar, avx2, avx512vnni, avxvnni, neon };

// Whether a CPU whose ternary kernel is `isa` runs the AVX2 + FMA + F16C kernels: the attention and
// element-wise ones have no AVX-512 or AVX-VNNI version, and those machines run the AVX2 one.
constexpr bool runs_avx2(KernelIsa isa) {
    return isa == KernelIsa::avx2 || isa == KernelIsa::avx512vnni || isa == KernelIsa::avxvnni;
}

// sums[((g * n_tok + t) * n_seg + s) * kRowGroup + lane] = sum of code * act over segment s
// (seg_blocks blocks of kBlockK weights) of row `lane` of group g, for the n_grp <=
// max_tile_groups consecutive groups starting at group_codes and tokens t < n_tok <= max_tile_tokens.
// act is one token tile from pack_tiles: act[j * n_tok + t] holds token t's activations 4j..4j+3,
// so the n_tok broadcasts of one plane of a block read one contiguous run.
using GroupDotFn = void (*)(const uint8_t* group_codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act,
                            int n_tok, int n_grp, int32_t* sums);
// The kernels over a fields5 matrix (always one segment). Decode reads the 5-bit fields directly;
// prefill unpacks a pass's groups once into byte planes that every token tile then reads.
struct FieldsKernel {
    // sums[(g * n_tok + t) * kRowGroup + lane], for groups group_bytes apart and rows of k weights.
    void (*dot)(const uint8_t* group_codes, int64_t group_bytes, int64_t k, const int32_t* act, int n_tok, int n_grp,
                int32_t* sums);
    // planes[(g * k / 4 + j) * 64 + 4 * lane + b] = the code of weight 4j + b of row `lane` of group g.
    void (*unpack)(const uint8_t* group_codes, int64_t group_bytes, int64_t k, int n_grp, uint8_t* planes);
    // The same sums as dot, from unpacked planes (64-byte aligned).
    void (*planes_dot)(const uint8_t* planes, int64_t k, const int32_t* act, int n_tok, int n_grp, int32_t* sums);
};
// The float epilogue of a one-segment matrix for one token and one group, in the reference's
// operations and order: out[lane] = (0 + float(sums[lane] - act_sum) * scales[lane]) / act_scale
// * extra_scale for lane in [lane_begin, lane_end); other lanes of out are not touched.
using ScaleGroupFn = void (*)(const int32_t* sums, int32_t act_sum, const float* scales, float act_scale,
                              float extra_scale, int lane_begin, int lane_end, float* out);
// The reference activation quantizer (see cpu_quantize_row_i8), also returning sum(q).
using QuantizeFn = float (*)(const float* x, int n, int8_t* q, int32_t* q_sum);

struct TernaryKernel {
    KernelIsa isa;
    const char* name;     // "scalar", "avx2", "avx512vnni", "avxvnni", "neon": the TERN_CPU_KERNEL spellings
    int max_tile_tokens;  // tokens one group_dot call handles (the weights are unpacked once for them)
    int max_tile_groups;  // row groups one group_dot call handles (each activation load serves them all)
    GroupDotFn group_dot;
    const FieldsKernel* fields;  // nullptr: this kernel reads only the 2-bit layout
    ScaleGroupFn scale_group;
    QuantizeFn quantize_row;
};

// A batch of quantized tokens as ternary_gemm reads it. The caller owns the arrays.
struct QuantizedBatch {
    int n_tokens = 0;
    int64_t k = 0;                   // a multiple of 4
    const int8_t* q = nullptr;       // [n_tokens][k], from quantize_row
    const int32_t* sum = nullptr;    // sum of each token's q
    const float* scale = nullptr;    // each token's quantizer scale
    const int32_t* tiles = nullptr;  // q regrouped by pack_tiles for the same kernel
};

// Regroups q ([n_tokens][k] int8, k % 4 == 0) into n_tokens * k / 4 words of token tiles of
// kernel.max_tile_tokens: the tile of tokens [t0, t0 + nt) starts at word t0 * k / 4 and holds
// token t0 + t's word j at [j * nt + t]. Packing a tile-aligned sub-batch writes exactly its
// part of the whole, so threads can pack tiles independently.
void pack_tiles(const TernaryKernel& kernel, const int8_t* q, int n_tokens, int64_t k, int32_t* tiles);

// nullptr when the kernel is not compiled in or this CPU lacks its instructions.
const TernaryKernel* find_kernel(KernelIsa isa);
std::optional<KernelIsa> parse_kernel_name(std::string_view name);
// The kernel named by TERN_CPU_KERNEL, else the fastest available one; decided once.
// Throws tern::Error when TERN_CPU_KERNEL names an unknown or unavailable kernel.
const TernaryKernel& best_kernel();

// out[t * out_stride + r] for rows r in [row_begin, row_end) and tokens t < act.n_tokens, exactly
// as cpu_ternary_rows computes them from act.q and act.scale. Rows outside the range are not
// written. Ranges aligned to kRowGroup avoid repeated work when several threads split one matrix.
void ternary_gemm(const TernaryKernel& kernel, const RepackedTernary& w, int64_t row_begin, int64_t row_end,
                  const QuantizedBatch& act, float extra_scale, float* out, int out_stride);

// BitNet per-token activation quantization, bit-identical to cpu_quantize_row_i8; also sum(q).
inline float quantize_row_i8(const float* x, int n, int8_t* q, int32_t* q_sum) {
    return best_kernel().quantize_row(x, n, q, q_sum);
}

}  // namespace tern::simd
