// NEON kernel with the dot-product extension for the repacked Q4_K / Q5_K heads (compiled with
// -march=armv8.2-a+dotprod; called only when the CPU reports asimddp). A 64-byte register of the
// layout (qk_repack.h) is four 128-bit ones of four rows each; the codes (at most 31) are valid
// signed bytes, so sdot's lane form multiplies them with 4 broadcast activations straight into
// each row's int32 lane. Per lane the float operations of cpu_q4_k_rows / cpu_q5_k_rows in their
// order (mul and add, never fused), so the result is the reference's bit for bit.
#include <arm_neon.h>

#include <algorithm>

#include "backend/cpu/simd/dense_kernels_impl.h"

namespace tern::simd::detail {

namespace {

constexpr int kQuads = kRowGroup / 4;  // 128-bit registers per 64-byte one (4 rows each)

// Bit M of each byte of h as bit 4 (the fifth bit of code register R_M).
template <int M>
inline uint8x16_t high_bit(uint8x16_t h, uint8x16_t m10) {
    if constexpr (M < 4)
        return vandq_u8(vshlq_n_u8(h, 4 - M), m10);
    else if constexpr (M == 4)
        return vandq_u8(h, m10);
    else
        return vandq_u8(vshrq_n_u8(h, M - 4), m10);
}

// One quad (4 rows) of a sub-block: the exact integer dot of its codes and the 32 activations a.
template <bool kFive>
inline int32x4_t quad_dot(const uint8_t* codes, const uint8_t* high, int8x16_t a_lo, int8x16_t a_hi) {
    const uint8x16_t m4 = vdupq_n_u8(0x0F), m10 = vdupq_n_u8(0x10);
    uint8x16_t r[8];
    for (int p = 0; p < 4; ++p) {
        const uint8x16_t n = vld1q_u8(codes + 64 * p);
        r[2 * p] = vandq_u8(n, m4);
        r[2 * p + 1] = vshrq_n_u8(n, 4);
    }
    if constexpr (kFive) {
        const uint8x16_t h = vld1q_u8(high);
        r[0] = vorrq_u8(r[0], high_bit<0>(h, m10));
        r[1] = vorrq_u8(r[1], high_bit<1>(h, m10));
        r[2] = vorrq_u8(r[2], high_bit<2>(h, m10));
        r[3] = vorrq_u8(r[3], high_bit<3>(h, m10));
        r[4] = vorrq_u8(r[4], high_bit<4>(h, m10));
        r[5] = vorrq_u8(r[5], high_bit<5>(h, m10));
        r[6] = vorrq_u8(r[6], high_bit<6>(h, m10));
        r[7] = vorrq_u8(r[7], high_bit<7>(h, m10));
    }
    // Two chains of four, so consecutive sdot do not wait on each other.
    int32x4_t lo = vdupq_n_s32(0), hi = vdupq_n_s32(0);
    lo = vdotq_laneq_s32(lo, vreinterpretq_s8_u8(r[0]), a_lo, 0);
    hi = vdotq_laneq_s32(hi, vreinterpretq_s8_u8(r[4]), a_hi, 0);
    lo = vdotq_laneq_s32(lo, vreinterpretq_s8_u8(r[1]), a_lo, 1);
    hi = vdotq_laneq_s32(hi, vreinterpretq_s8_u8(r[5]), a_hi, 1);
    lo = vdotq_laneq_s32(lo, vreinterpretq_s8_u8(r[2]), a_lo, 2);
    hi = vdotq_laneq_s32(hi, vreinterpretq_s8_u8(r[6]), a_hi, 2);
    lo = vdotq_laneq_s32(lo, vreinterpretq_s8_u8(r[3]), a_lo, 3);
    hi = vdotq_laneq_s32(hi, vreinterpretq_s8_u8(r[7]), a_hi, 3);
    return vaddq_s32(lo, hi);
}

// The 16 bytes of one sub-block's scales (or mins) as four quads of int32.
inline void widen_u8(const uint8_t* p, uint32x4_t out[kQuads]) {
    const uint8x16_t v = vld1q_u8(p);
    const uint16x8_t lo = vmovl_u8(vget_low_u8(v)), hi = vmovl_u8(vget_high_u8(v));
    out[0] = vmovl_u16(vget_low_u16(lo));
    out[1] = vmovl_u16(vget_high_u16(lo));
    out[2] = vmovl_u16(vget_low_u16(hi));
    out[3] = vmovl_u16(vget_high_u16(hi));
}

inline float32x4_t load_f16(const uint16_t* p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }

template <bool kFive>
void packed_qk(const RepackedQK& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
               int out_stride) {
    const int64_t k = w.k, nb = w.blocks_per_row();
    thread_local QKActivations act;
    for (int t = 0; t < n_tok; ++t) {
        act.quantize(x + t * k, k);
        float* o = out + static_cast<int64_t>(t) * out_stride;
        for (int64_t g = r0 / kRowGroup; g * kRowGroup < r1; ++g) {
            float32x4_t acc[kQuads];
            for (int q = 0; q < kQuads; ++q) acc[q] = vdupq_n_f32(0.0f);
            for (int64_t b = 0; b < nb; ++b) {
                const QKBlock blk = w.block(g, b);
                float32x4_t scaled[kQuads], mins[kQuads];
                for (int q = 0; q < kQuads; ++q) scaled[q] = mins[q] = vdupq_n_f32(0.0f);
                for (int j = 0; j < kQKSubBlocks; ++j) {
                    const int64_t s = b * kQKSubBlocks + j;
                    const int8_t* a = act.q.data() + s * kQKSubBlock;
                    const int8x16_t a_lo = vld1q_s8(a), a_hi = vld1q_s8(a + 16);
                    const float32x4_t xd = vdupq_n_f32(act.d[s]), sum_d = vdupq_n_f32(act.sum_d[s]);
                    uint32x4_t sc[kQuads], mn[kQuads];
                    widen_u8(blk.scales + j * kRowGroup, sc);
                    widen_u8(blk.mins + j * kRowGroup, mn);
                    for (int q = 0; q < kQuads; ++q) {
                        const int32x4_t dot = quad_dot<kFive>(blk.codes + 256 * j + 16 * q,
                                                              kFive ? blk.high + 64 * j + 16 * q : nullptr, a_lo, a_hi);
                        const float32x4_t scaled_dot = vcvtq_f32_s32(vmulq_s32(dot, vreinterpretq_s32_u32(sc[q])));
                        scaled[q] = vaddq_f32(scaled[q], vmulq_f32(scaled_dot, xd));
                        mins[q] = vaddq_f32(mins[q], vmulq_f32(vcvtq_f32_u32(mn[q]), sum_d));
                    }
                }
                for (int q = 0; q < kQuads; ++q) {
                    const float32x4_t d = load_f16(blk.d + 4 * q), dmin = load_f16(blk.dmin + 4 * q);
                    acc[q] = vaddq_f32(acc[q], vsubq_f32(vmulq_f32(d, scaled[q]), vmulq_f32(dmin, mins[q])));
                }
            }
            float lanes[kRowGroup];
            for (int q = 0; q < kQuads; ++q) vst1q_f32(lanes + 4 * q, vmulq_f32(acc[q], vdupq_n_f32(extra)));
            const int64_t row0 = g * kRowGroup;
            for (int64_t r = std::max(row0, r0); r < std::min(row0 + kRowGroup, r1); ++r) o[r] = lanes[r - row0];
        }
    }
}

}  // namespace

void packed_qk_neon(const RepackedQK& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
                    int out_stride) {
    if (w.five_bits)
        packed_qk<true>(w, r0, r1, x, n_tok, extra, out, out_stride);
    else
        packed_qk<false>(w, r0, r1, x, n_tok, extra, out, out_stride);
}

}  // namespace tern::simd::detail
