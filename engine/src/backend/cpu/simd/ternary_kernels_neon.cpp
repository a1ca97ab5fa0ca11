// NEON kernels with the dot-product extension (compiled with -march=armv8.2-a+dotprod; called only
// when the CPU reports asimddp).
//
// A 64-byte block of a 16-row group is four 128-bit registers of four rows each. Plane n (shift
// by 2n, mask 3) holds in each row's 32-bit lane the codes of weights 4n..4n+3; the codes 0..2
// are valid signed bytes, so sdot multiplies them with 4 activations of one token and adds into
// that row's int32 lane: no int16 stage, no horizontal sums.
#include <arm_neon.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "backend/cpu/simd/ternary_kernels_impl.h"
#include "backend/cpu/simd/ternary_repack.h"

namespace tern::simd::detail {

namespace {

constexpr int kQuads = kRowGroup / 4;  // 128-bit registers per block (4 rows each)

template <int N>
inline int8x16_t plane(uint8x16_t x, uint8x16_t mask) {
    if constexpr (N == 0) return vreinterpretq_s8_u8(vandq_u8(x, mask));
    else if constexpr (N == 3) return vreinterpretq_s8_u8(vshrq_n_u8(x, 6));  // the top bits need no mask
    else return vreinterpretq_s8_u8(vandq_u8(vshrq_n_u8(x, 2 * N), mask));
}

// Plane N of one quad (4 rows) of a block against the plane's activation words for NT tokens
// (a[t] is token t's word), into the quad's accumulators. A full tile loads its 4 words at once
// and sdot's lane form broadcasts each; a partial tile broadcasts word by word, so nothing past the
// tile is read. With few tokens the planes alternate between NACC accumulators so that
// consecutive sdot do not wait on each other.
template <int N, int NT, int NACC>
inline void dot_plane(uint8x16_t x, uint8x16_t mask, const int32_t* a, int r, int32x4_t (&acc)[NT][NACC][kQuads]) {
    const int8x16_t p = plane<N>(x, mask);
    if constexpr (NT == 4) {
        const int8x16_t words = vreinterpretq_s8_s32(vld1q_s32(a));
        [&]<int... T>(std::integer_sequence<int, T...>) {
            ((acc[T][N % NACC][r] = vdotq_laneq_s32(acc[T][N % NACC][r], p, words, T)), ...);
        }(std::make_integer_sequence<int, NT>{});
    } else {
#pragma GCC unroll 4
        for (int t = 0; t < NT; ++t)
            acc[t][N % NACC][r] = vdotq_s32(acc[t][N % NACC][r], p, vreinterpretq_s8_s32(vld1q_dup_s32(a + t)));
    }
}

// NT tokens share each unpacked block. Quad by quad, so only one quad's codes and plane are live
// next to the 4 tokens x 4 quads = 16 accumulators and the activations: within NEON's 32 registers.
template <int NT, int NACC>
void dot_tile(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act, int32_t* sums) {
    const uint8x16_t mask = vdupq_n_u8(3);
    const int64_t n_seg = n_blocks / seg_blocks;
    for (int64_t s = 0; s < n_seg; ++s) {
        int32x4_t acc[NT][NACC][kQuads];
        for (int t = 0; t < NT; ++t)
            for (int j = 0; j < NACC; ++j)
                for (int r = 0; r < kQuads; ++r) acc[t][j][r] = vdupq_n_s32(0);
        for (int64_t kb = s * seg_blocks; kb < (s + 1) * seg_blocks; ++kb) {
            const uint8_t* block = codes + kb * kBlockBytes;
            const int32_t* a = act + kb * 4 * NT;  // plane n's words start at a + n * NT
            // Fully unrolled, or GCC keeps the accumulator array in memory.
#pragma GCC unroll 4
            for (int r = 0; r < kQuads; ++r) {
                const uint8x16_t x = vld1q_u8(block + 16 * r);
                dot_plane<0, NT, NACC>(x, mask, a, r, acc);
                dot_plane<1, NT, NACC>(x, mask, a + NT, r, acc);
                dot_plane<2, NT, NACC>(x, mask, a + 2 * NT, r, acc);
                dot_plane<3, NT, NACC>(x, mask, a + 3 * NT, r, acc);
            }
        }
        for (int t = 0; t < NT; ++t) {
            int32_t* dst = sums + (t * n_seg + s) * kRowGroup;
            for (int r = 0; r < kQuads; ++r) {
                int32x4_t total = acc[t][0][r];
                for (int j = 1; j < NACC; ++j) total = vaddq_s32(total, acc[t][j][r]);
                vst1q_s32(dst + 4 * r, total);
            }
        }
    }
}

}  // namespace

void group_dot_neon(const uint8_t* codes, int64_t n_blocks, int64_t seg_blocks, const int32_t* act, int n_tok,
                    int n_grp, int32_t* sums) {
    static_assert(kNeonTile == 4);
    for (int g = 1; g < n_grp; ++g)
        group_dot_neon(codes + g * n_blocks * kBlockBytes, n_blocks, seg_blocks, act, n_tok, 1,
                       sums + g * n_tok * (n_blocks / seg_blocks) * kRowGroup);
    switch (n_tok) {
        case 1: return dot_tile<1, 2>(codes, n_blocks, seg_blocks, act, sums);
        case 2: return dot_tile<2, 2>(codes, n_blocks, seg_blocks, act, sums);
        case 3: return dot_tile<3, 1>(codes, n_blocks, seg_blocks, act, sums);
        default: return dot_tile<4, 1>(codes, n_blocks, seg_blocks, act, sums);
    }
}

void scale_group_neon(const int32_t* sums, int32_t act_sum, const float* scales, float act_scale, float extra_scale,
                      int lane_begin, int lane_end, float* out) {
    const int32x4_t offset = vdupq_n_s32(act_sum);
    const float32x4_t zero = vdupq_n_f32(0.0f), divisor = vdupq_n_f32(act_scale), extra = vdupq_n_f32(extra_scale);
    for (int q0 = 0; q0 < kRowGroup; q0 += 4) {
        if (q0 + 4 <= lane_begin || q0 >= lane_end) continue;
        // The scalar kernel's operations in its order; -ffp-contract=off keeps mul and add apart.
        const float32x4_t d = vcvtq_f32_s32(vsubq_s32(vld1q_s32(sums + q0), offset));
        const float32x4_t sum = vaddq_f32(zero, vmulq_f32(d, vld1q_f32(scales + q0)));
        const float32x4_t y = vmulq_f32(vdivq_f32(sum, divisor), extra);
        if (q0 >= lane_begin && q0 + 4 <= lane_end) {
            vst1q_f32(out + q0, y);
            continue;
        }
        // A partial quad: only the lanes in range are written.
        float lanes[4];
        vst1q_f32(lanes, y);
        for (int lane = std::max(q0, lane_begin); lane < std::min(q0 + 4, lane_end); ++lane)
            out[lane] = lanes[lane - q0];
    }
}

float quantize_row_neon(const float* x, int n, int8_t* q, int32_t* q_sum) {
    // Lane-wise std::max(amax, v): a compare and select keeps amax when v is NaN, where fmax
    // would return the NaN.
    float32x4_t vmax = vdupq_n_f32(0.0f);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        const float32x4_t v = vabsq_f32(vld1q_f32(x + i));
        vmax = vbslq_f32(vcltq_f32(vmax, v), v, vmax);
    }
    float lanes[4];
    vst1q_f32(lanes, vmax);
    const float s = quantizer_scale(lanes, 4, x, i, n);

    // Same single-rounding product as the reference, rounded in the current (default: half to
    // even) mode like nearbyint (frinti), clamped, then narrowed.
    const float32x4_t vs = vdupq_n_f32(s), lo = vdupq_n_f32(-128.0f), hi = vdupq_n_f32(127.0f);
    auto to_i32 = [&](const float* p) {
        const float32x4_t r = vrndiq_f32(vmulq_f32(vld1q_f32(p), vs));
        return vcvtq_s32_f32(vminq_f32(vmaxq_f32(r, lo), hi));
    };
    int32x4_t vsum = vdupq_n_s32(0);
    i = 0;
    for (; i + 16 <= n; i += 16) {
        const int32x4_t a = to_i32(x + i), b = to_i32(x + i + 4), c = to_i32(x + i + 8), d = to_i32(x + i + 12);
        vsum = vaddq_s32(vsum, vaddq_s32(vaddq_s32(a, b), vaddq_s32(c, d)));
        const int16x8_t ab = vcombine_s16(vmovn_s32(a), vmovn_s32(b)), cd = vcombine_s16(vmovn_s32(c), vmovn_s32(d));
        vst1q_s8(q + i, vcombine_s8(vmovn_s16(ab), vmovn_s16(cd)));
    }
    *q_sum = vaddvq_s32(vsum) + quantize_tail(x, i, n, s, q);
    return s;
}

}  // namespace tern::simd::detail
