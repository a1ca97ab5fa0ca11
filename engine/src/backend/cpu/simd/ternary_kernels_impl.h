#pragma once
// The per-instruction-set entry points behind the TernaryKernel table (internal).
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tern::simd::detail {

// The scalar ends of every quantize_row, so each kernel's tail rounds exactly like the reference:
// the quantizer's scale from the vector lanes' |x| maxima and the elements [from, n) after them,
// and the elements [from, n) quantized with it (returning their sum).
inline float quantizer_scale(const float* lane_max, int n_lanes, const float* x, int from, int n) {
    float amax = 0.0f;
    for (int j = 0; j < n_lanes; ++j) amax = std::max(amax, lane_max[j]);
    for (int j = from; j < n; ++j) amax = std::max(amax, std::fabs(x[j]));
    return 127.0f / std::max(amax, 1e-5f);
}

inline int32_t quantize_tail(const float* x, int from, int n, float s, int8_t* q) {
    int32_t total = 0;
    for (int i = from; i < n; ++i) {
        const float v = std::nearbyint(x[i] * s);  // default rounding mode: half to even
        q[i] = static_cast<int8_t>(std::clamp(v, -128.0f, 127.0f));
        total += q[i];
    }
    return total;
}

// Calls f.template operator()<NT>() with NT = n_tok clamped to [1, kMax]: a kernel's token-tile
// template is instantiated once per tile size, and each call picks the one for its tile.
template <int kMax, class F>
void with_tile_tokens(int n_tok, F&& f) {
    if constexpr (kMax > 1) {
        if (n_tok < kMax) return with_tile_tokens<kMax - 1>(n_tok, f);
    }
    f.template operator()<kMax>();
}

void group_dot_scalar(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act,
                      int n_tok, int n_grp, int32_t* sums);
void scale_group_scalar(const int32_t* sums, int32_t act_sum, const float* scales, float act_scale, float extra_scale,
                        int lane_begin, int lane_end, float* out);
float quantize_row_scalar(const float* x, int n, int8_t* q, int32_t* q_sum);
inline constexpr int kScalarTile = 4, kScalarGroups = 1;

// Decode (one token) reads each weight once, from DRAM: the AVX-512 kernel prefetches this many bytes
// ahead of the block it reads. On the 2-core Zen 4 VM it took 2B4T decode from ~22 to ~24 tok/s
// (tern-cli bench -p 0 -n 64); 512 to 2048 measured alike. The AVX2 kernel measured no gain.
inline constexpr int kDecodePrefetch = 1024;

#if defined(TERN_SIMD_X86)
void group_dot_avx2(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act,
                    int n_tok, int n_grp, int32_t* sums);
void scale_group_avx2(const int32_t* sums, int32_t act_sum, const float* scales, float act_scale, float extra_scale,
                      int lane_begin, int lane_end, float* out);
float quantize_row_avx2(const float* x, int n, int8_t* q, int32_t* q_sum);
inline constexpr int kAvx2Tile = 4, kAvx2Groups = 1;

void group_dot_avx512vnni(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act,
                          int n_tok, int n_grp, int32_t* sums);
void scale_group_avx512(const int32_t* sums, int32_t act_sum, const float* scales, float act_scale, float extra_scale,
                        int lane_begin, int lane_end, float* out);
float quantize_row_avx512(const float* x, int n, int8_t* q, int32_t* q_sum);
inline constexpr int kAvx512Tile = 8, kAvx512Groups = 2;
// The same tiles over the fields5 layout; needs AVX-512 VBMI too.
void fields_dot_avx512vbmi(const uint8_t* codes, int64_t group_bytes, int64_t k, const int32_t* act, int n_tok,
                           int n_grp, int32_t* sums);
void fields_unpack_avx512vbmi(const uint8_t* codes, int64_t group_bytes, int64_t k, int n_grp, uint8_t* planes);
void planes_dot_avx512(const uint8_t* planes, int64_t k, const int32_t* act, int n_tok, int n_grp, int32_t* sums);

// The 256-bit VNNI kernel (ternary_vnni256_tile.h) in its two encodings; it shares the AVX2
// epilogue and quantizer. 4 tokens x 2 halves of accumulators fill half of the 16 ymm registers.
void group_dot_avxvnni(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act, int n_tok,
                       int n_grp, int32_t* sums);
void group_dot_avxvnni_evex(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act,
                            int n_tok, int n_grp, int32_t* sums);
inline constexpr int kAvxVnniTile = 4, kAvxVnniGroups = 1;
#endif

#if defined(TERN_SIMD_ARM64)
void group_dot_neon(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act,
                    int n_tok, int n_grp, int32_t* sums);
void scale_group_neon(const int32_t* sums, int32_t act_sum, const float* scales, float act_scale, float extra_scale,
                      int lane_begin, int lane_end, float* out);
float quantize_row_neon(const float* x, int n, int8_t* q, int32_t* q_sum);
// 4 tokens x 16 rows of int32 accumulators fill half of the 32 NEON registers.
inline constexpr int kNeonTile = 4, kNeonGroups = 1;
#endif

}  // namespace tern::simd::detail
