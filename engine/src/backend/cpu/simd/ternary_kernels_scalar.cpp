// Portable kernels over the repacked layout: the fallback, and the plainest statement of what the
// SIMD kernels compute.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "backend/cpu/simd/ternary_kernels_impl.h"
#include "backend/cpu/simd/ternary_repack.h"

namespace tern::simd::detail {

void group_dot_scalar(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act, int n_tok,
                      int n_grp, int32_t* sums) {
    const int64_t n_seg = n_blocks / seg_blocks;
    for (int g = 1; g < n_grp; ++g)
        group_dot_scalar(codes + g * n_blocks * kBlockBytes, n_blocks, seg_blocks, act, n_tok, 1,
                         sums + g * n_tok * n_seg * kRowGroup);
    for (int t = 0; t < n_tok; ++t) {
        for (int64_t s = 0; s < n_seg; ++s) {
            int32_t acc[kRowGroup] = {};
            for (int64_t kb = s * seg_blocks; kb < (s + 1) * seg_blocks; ++kb) {
                const uint8_t* block = codes + kb * kBlockBytes;
                for (int n = 0; n < 4; ++n) {
                    // Activations 4n..4n+3 of the block: word kb * 4 + n of token t.
                    int8_t a[4];
                    std::memcpy(a, act + (kb * 4 + n) * n_tok + t, 4);
                    for (int lane = 0; lane < kRowGroup; ++lane)
                        for (int b = 0; b < 4; ++b) acc[lane] += ((block[lane * 4 + b] >> (2 * n)) & 3) * a[b];
                }
            }
            std::copy(acc, acc + kRowGroup, sums + (t * n_seg + s) * kRowGroup);
        }
    }
}

void scale_group_scalar(const int32_t* sums, int32_t act_sum, const float* scales, float act_scale, float extra_scale,
                        int lane_begin, int lane_end, float* out) {
    for (int lane = lane_begin; lane < lane_end; ++lane) {
        float sum = 0.0f;  // kept: 0 + -0.0 is +0.0, as in the reference
        // sum of (c - 1) * q = sum of c * q - sum of q; int32 holds it exactly (|sum| <= 256 * k).
        sum += static_cast<float>(sums[lane] - act_sum) * scales[lane];
        out[lane] = sum / act_scale * extra_scale;
    }
}

float quantize_row_scalar(const float* x, int n, int8_t* q, int32_t* q_sum) {
    const float s = quantizer_scale(nullptr, 0, x, 0, n);
    *q_sum = quantize_tail(x, 0, n, s, q);
    return s;
}

}  // namespace tern::simd::detail
