#pragma once
// The per-instruction-set entry points behind the TernaryKernel table (internal).
#include <cstdint>

namespace tern::simd::detail {

void group_dot_scalar(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int8_t* act,
                      int64_t act_stride, int n_tok, int32_t* sums);
float quantize_row_scalar(const float* x, int n, int8_t* q, int32_t* q_sum);
inline constexpr int kScalarTile = 4;

#if defined(TERN_SIMD_X86)
void group_dot_avx2(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int8_t* act,
                    int64_t act_stride, int n_tok, int32_t* sums);
float quantize_row_avx2(const float* x, int n, int8_t* q, int32_t* q_sum);
inline constexpr int kAvx2Tile = 4;

void group_dot_avx512vnni(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int8_t* act,
                          int64_t act_stride, int n_tok, int32_t* sums);
float quantize_row_avx512(const float* x, int n, int8_t* q, int32_t* q_sum);
inline constexpr int kAvx512Tile = 16;
#endif

}  // namespace tern::simd::detail
