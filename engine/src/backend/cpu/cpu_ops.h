#pragma once
// Scalar reference kernels. They define the engine's numerics; faster kernels are tested against
// them.
#include <cstddef>
#include <cstdint>

#include "backend/backend.h"
#include "tensor/type_traits.h"

namespace tern {

// BitNet activation quantization of one token: s = 127 / max(absmax, 1e-5),
// q = clamp(round_half_even(x * s), -128, 127). Returns s.
float cpu_quantize_row_i8(const float* x, int n, int8_t* q);

// out[t * out_stride + r] for rows r in [r0, r1) and tokens t in [0, n_tokens) of a ternary matrix:
// (sum over scale blocks of int_dot * block_scale) / act_scale[t] * extra_scale.
void cpu_ternary_rows(const TensorView& w, int64_t r0, int64_t r1, const int8_t* act_q, const float* act_scale,
                      int n_tokens, float extra_scale, float* out, int out_stride);

// The same for float-typed matrices (F32, F16, BF16, Q8_0, Q6_K, Q4_K, Q5_K) with float activations
// x[n][k], each row dequantized.
void cpu_dense_rows(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tokens, float extra_scale,
                    float* out, int out_stride);

// Activations in Q8_0 blocks, for Q8_0 and Q6_K weights and for the int8 KV cache: per block of 32
// values (the last one shorter when k is not a multiple of 32), d = amax / 127 and
// q = round_half_even(x / d) in [-127, 127], so |x - q * d| <= d / 2. xq gets k values, xd
// kv_q8_blocks(k) scales. An all-zero block gets d = 0 and codes 0; a NaN is left out of its
// block's max and gets code 0.
void cpu_quantize_q8_0_activations(const float* x, int k, int8_t* xq, float* xd);

// Q8_0 weights (the opt-in 8-bit LM head) times Q8_0-quantized activations: exact integer dots
// per 32-block, scaled by d_w * d_x and summed over blocks in order. The fast kernels reproduce
// the integer part exactly and the float sum to rounding.
void cpu_q8_0_rows(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tokens, float extra_scale,
                   float* out, int out_stride);

// Q6_K weights (the opt-in 6-bit LM head) times the same Q8_0-quantized activations: per 16-weight
// sub-block an exact integer dot of (code - 32) and the activations, times the sub-block's int8
// scale; the two sub-blocks of an activation block add as integers, are scaled by d_w * d_x, and
// summed over blocks in order. The fast kernels reproduce the integer part exactly.
void cpu_q6_k_rows(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tokens, float extra_scale,
                   float* out, int out_stride);

// Q4_K / Q5_K weights (the k-quant heads of llama.cpp's files) times the same Q8_0-quantized
// activations, whose blocks of 32 are the weights' sub-blocks: per sub-block j of a 256-block an
// exact integer dot of the codes and the activations, dot_j, and the activations' sum, sum_j; then
//   row += (d * S - dmin * M),  S = sum over j of float(scale_j * dot_j) * xd_j,
//                               M = sum over j of float(min_j) * (float(sum_j) * xd_j),
// over the 256-blocks in order (S and M each over j in order, no fused multiply-adds), times
// extra_scale. The fast kernels repeat these operations in this order, so they match bit for bit.
void cpu_q4_k_rows(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tokens, float extra_scale,
                   float* out, int out_stride);
void cpu_q5_k_rows(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tokens, float extra_scale,
                   float* out, int out_stride);

void cpu_rms_norm(const float* x, const float* gain, int n, float eps, float* out);

// Rotary embedding of n_heads heads at position pos (RopeConfig says the mode and frequencies).
void cpu_rope(float* x, int n_heads, int pos, const RopeConfig& rope);
// The rotation half of cpu_rope, with the angles of rope_angles (backend.h) computed once per
// position and reused by every layer.
void cpu_rope_rotate(float* x, int n_heads, int head_dim, bool neox, const float* cos_in, const float* sin_in);

// One query head over n_pos cached positions: softmax(q.k / sqrt(d)) v. k/v caches are
// [pos][kv_stride]; this head's slice starts at kv_offset. scores has room for n_pos floats.
void cpu_attention_head(const float* q, const float* k_cache, const float* v_cache, int kv_stride, int kv_offset,
                        int head_dim, int n_pos, float* scores, float* out);
// The same over an F16 cache.
void cpu_attention_head(const float* q, const uint16_t* k_cache, const uint16_t* v_cache, int kv_stride,
                        int kv_offset, int head_dim, int n_pos, float* scores, float* out);

// The int8 KV cache (KvType::Q8_0), like ggml's Q8_0: a row of n values is cut into blocks of 32
// (the last one shorter when n is not a multiple of 32), each stored as int8 codes and one scale,
// d = max|x| / 127 and code = round_half_even(x / d), so |x - code * d| <= d / 2. The scale is
// F32, not ggml's F16: attention multiplies by it as it is, the error bound holds without a
// rounded scale, and it costs 1/16 byte per value more (1.125 bytes per value, 56% of F16).
constexpr int kKvQ8Block = 32;
inline int kv_q8_blocks(int n) { return (n + kKvQ8Block - 1) / kKvQ8Block; }
// A row is quantized by cpu_quantize_q8_0_activations.
// out[i] = codes[i] * scales[i / 32], the value attention uses.
void cpu_dequantize_kv_q8(const int8_t* codes, const float* scales, int n, float* out);
// One KV head's cached rows: position p has codes [p * head_dim, +head_dim) and scales
// [p * kv_q8_blocks(head_dim), +kv_q8_blocks(head_dim)).
struct KvQ8Rows {
    const int8_t* codes;
    const float* scales;
};
// cpu_attention_head over such rows: the same sums over the dequantized values.
void cpu_attention_head_q8(const float* q, KvQ8Rows k, KvQ8Rows v, int head_dim, int n_pos, float* scores,
                           float* out);

// out = act(gate) * up, act = relu(x)^2 or silu(x).
void cpu_glu(const float* gate, const float* up, size_t n, bool silu, float* out);

}  // namespace tern
