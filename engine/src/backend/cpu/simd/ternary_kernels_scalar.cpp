// Portable kernels over the repacked layout: the fallback, and the plainest statement of what the
// SIMD kernels compute.
#include <algorithm>
#include <cmath>

#include "backend/cpu/simd/ternary_kernels_impl.h"
#include "backend/cpu/simd/ternary_repack.h"

namespace tern::simd::detail {

void group_dot_scalar(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int8_t* act,
                      int64_t act_stride, int n_tok, int32_t* sums) {
    const int64_t n_seg = n_blocks / seg_blocks;
    for (int t = 0; t < n_tok; ++t) {
        const int8_t* a = act + t * act_stride;
        for (int64_t s = 0; s < n_seg; ++s) {
            int32_t acc[kRowGroup] = {};
            for (int64_t kb = s * seg_blocks; kb < (s + 1) * seg_blocks; ++kb) {
                const uint8_t* block = codes + kb * kBlockBytes;
                const int8_t* ab = a + kb * kBlockK;
                for (int lane = 0; lane < kRowGroup; ++lane)
                    for (int b = 0; b < 4; ++b) {
                        const int byte = block[lane * 4 + b];
                        for (int n = 0; n < 4; ++n) acc[lane] += ((byte >> (2 * n)) & 3) * ab[4 * n + b];
                    }
            }
            std::copy(acc, acc + kRowGroup, sums + (t * n_seg + s) * kRowGroup);
        }
    }
}

float quantize_row_scalar(const float* x, int n, int8_t* q, int32_t* q_sum) {
    float amax = 0.0f;
    for (int i = 0; i < n; ++i) amax = std::max(amax, std::fabs(x[i]));
    const float s = 127.0f / std::max(amax, 1e-5f);
    int32_t total = 0;
    for (int i = 0; i < n; ++i) {
        const float v = std::nearbyint(x[i] * s);  // default rounding mode: half to even
        q[i] = static_cast<int8_t>(std::clamp(v, -128.0f, 127.0f));
        total += q[i];
    }
    *q_sum = total;
    return s;
}

}  // namespace tern::simd::detail
