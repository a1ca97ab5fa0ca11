#pragma once
// Attention over an F16 or a Q8_0 KV cache with SIMD: the query heads that share a KV head
// (grouped-query attention) are done together, so each cached K and V row is read and converted
// once for all of them. Tested against the scalar references cpu_attention_head and
// cpu_attention_head_q8 within rounding.
#include <cstdint>

#include "backend/cpu/cpu_ops.h"
#include "backend/cpu/simd/ternary_kernels.h"

namespace tern::simd {

// `group` query heads (q and out hold them one after another, head_dim floats each) over positions
// 0..n_pos-1 of the cache rows [pos][kv_stride] whose head slice starts at kv_offset. scores has
// room for group * n_pos floats. head_dim must be a multiple of 8.
using AttentionF16Fn = void (*)(const float* q, int group, const uint16_t* k_cache, const uint16_t* v_cache,
                                int kv_stride, int kv_offset, int head_dim, int n_pos, float* scores, float* out);

// The same over one KV head's Q8_0 rows (see KvQ8Rows). head_dim must be a multiple of 8.
using AttentionQ8Fn = void (*)(const float* q, int group, KvQ8Rows k, KvQ8Rows v, int head_dim, int n_pos,
                               float* scores, float* out);

// nullptr for the portable scalar kernel (the reference then runs).
AttentionF16Fn attention_f16_for(KernelIsa isa);
AttentionQ8Fn attention_q8_for(KernelIsa isa);

}  // namespace tern::simd
