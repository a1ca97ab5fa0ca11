// Encoders for the on-disk formats. The byte layouts are described next to their decoders in
// type_traits.cpp; each encoder here is the exact inverse (for the lossless types) or a simple
// round-to-nearest quantizer (Q8_0, Q6_K).
#include "tensor/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "tensor/fp16.h"
#include "tern/error.h"

namespace tern {
namespace {

void require(bool ok, const char* fn, const std::string& what) {
    if (!ok) throw Error(std::string(fn) + ": " + what);
}

// Codes 0..2 for values -1..+1; anything else is a caller bug worth a clear message.
// Runs once per weight: the message is only built when the check fails.
uint8_t ternary_code(int8_t v, const char* fn, size_t i) {
    if (v < -1 || v > 1)
        throw Error(std::string(fn) + ": value " + std::to_string(v) + " at index " + std::to_string(i) +
                    " is not in {-1,0,+1}");
    return static_cast<uint8_t>(v + 1);
}

void store_u16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, 2); }

// x / d rounded half to even and clamped to [lo, hi], as nearbyint would in the default rounding
// mode: adding and taking away 1.5 * 2^23 leaves an integer in the mantissa. Unlike the libm call
// (the baseline x86-64 target has no rounding instruction) it vectorises: the opt-in heads
// quantize 330 million weights at load. NaN gives lo.
inline int8_t round_clamped(float x, float d, float lo, float hi) {
    constexpr float kMagic = 12582912.0f;
    const float q = std::max(lo, std::min(hi, x / d));
    return static_cast<int8_t>(static_cast<int>((q + kMagic) - kMagic));
}

// Ternary inputs for the 256-element block types.
void check_tq(std::span<const int8_t> values, std::span<const float> scales, const char* fn) {
    require(values.size() % 256 == 0, fn, std::to_string(values.size()) + " values is not a multiple of 256");
    require(scales.size() == values.size() / 256, fn,
            std::to_string(scales.size()) + " block scales for " + std::to_string(values.size() / 256) + " blocks");
}

}  // namespace

std::vector<uint8_t> encode_i2_s(std::span<const int8_t> values, float scale) {
    const size_t n = values.size();
    require(n % 4 == 0, "encode_i2_s", std::to_string(n) + " values is not a multiple of 4");
    std::vector<uint8_t> out(n / 4 + 32, 0);
    const size_t full = n / 128 * 128;
    const size_t tail_group = (n - full) / 4;  // see dequantize_row's comment on partial blocks
    for (size_t i = 0; i < n; ++i) {
        const uint8_t code = ternary_code(values[i], "encode_i2_s", i);
        size_t byte;
        unsigned group;
        if (i < full) {
            byte = i / 128 * 32 + i % 32;
            group = static_cast<unsigned>(i % 128 / 32);
        } else {
            byte = full / 4 + (i - full) % tail_group;
            group = static_cast<unsigned>((i - full) / tail_group);
        }
        out[byte] |= static_cast<uint8_t>(code << (6 - 2 * group));  // first group in the top bits
    }
    std::memcpy(out.data() + n / 4, &scale, 4);
    return out;
}

std::vector<uint8_t> encode_tq2_0(std::span<const int8_t> values, std::span<const float> block_scales) {
    check_tq(values, block_scales, "encode_tq2_0");
    std::vector<uint8_t> out(values.size() / 256 * 66, 0);
    for (size_t b = 0; b < block_scales.size(); ++b) {
        uint8_t* blk = out.data() + b * 66;
        for (int e = 0; e < 256; ++e) {
            const uint8_t code = ternary_code(values[b * 256 + e], "encode_tq2_0", b * 256 + e);
            const int c = e / 128, n = e % 128 / 32, m = e % 32;
            blk[32 * c + m] |= static_cast<uint8_t>(code << (2 * n));
        }
        store_u16(blk + 64, f32_to_f16(block_scales[b]));
    }
    return out;
}

std::vector<uint8_t> encode_tq1_0(std::span<const int8_t> values, std::span<const float> block_scales) {
    check_tq(values, block_scales, "encode_tq1_0");
    std::vector<uint8_t> out(values.size() / 256 * 54, 0);
    // Packs trits (first = most significant) as ceil(q * 256 / 243): a fixed-point fraction that
    // the decoder reads back one trit at a time by multiplying by 3.
    auto pack = [&](size_t base, size_t first, size_t stride, int count) {
        unsigned q = 0;
        for (int n = 0; n < 5; ++n) {
            const uint8_t t = n < count ? ternary_code(values[base + first + stride * n], "encode_tq1_0",
                                                       base + first + stride * n)
                                        : 0;  // qh bytes have 4 trits: the 5th position is 0
            q = q * 3 + t;
        }
        return static_cast<uint8_t>((q * 256 + 242) / 243);
    };
    for (size_t b = 0; b < block_scales.size(); ++b) {
        uint8_t* blk = out.data() + b * 54;
        const size_t base = b * 256;
        for (int m = 0; m < 32; ++m) blk[m] = pack(base, m, 32, 5);
        for (int m = 0; m < 16; ++m) blk[32 + m] = pack(base, 160 + m, 16, 5);
        for (int j = 0; j < 4; ++j) blk[48 + j] = pack(base, 240 + j, 4, 4);
        store_u16(blk + 52, f32_to_f16(block_scales[b]));
    }
    return out;
}

std::vector<uint8_t> encode_f32(std::span<const float> values) {
    std::vector<uint8_t> out(values.size() * 4);
    if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
    return out;
}

std::vector<uint8_t> encode_f16(std::span<const float> values) {
    std::vector<uint8_t> out(values.size() * 2);
    for (size_t i = 0; i < values.size(); ++i) store_u16(out.data() + 2 * i, f32_to_f16(values[i]));
    return out;
}

std::vector<uint8_t> encode_bf16(std::span<const float> values) {
    std::vector<uint8_t> out(values.size() * 2);
    for (size_t i = 0; i < values.size(); ++i) store_u16(out.data() + 2 * i, f32_to_bf16(values[i]));
    return out;
}

std::vector<uint8_t> encode_q8_0(std::span<const float> values) {
    require(values.size() % 32 == 0, "encode_q8_0", std::to_string(values.size()) + " values is not a multiple of 32");
    std::vector<uint8_t> out(values.size() / 32 * 34);
    for (size_t b = 0; b < values.size() / 32; ++b) {
        const float* x = values.data() + b * 32;
        uint8_t* blk = out.data() + b * 34;
        float amax = 0;
        for (int i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(x[i]));
        const uint16_t dh = f32_to_f16(amax / 127);
        store_u16(blk, dh);
        // Quantize against the scale as stored (f16), so the rounding error stays within d/2.
        const float d = f16_to_f32(dh);
        if (d > 0)
            for (int i = 0; i < 32; ++i) blk[2 + i] = static_cast<uint8_t>(round_clamped(x[i], d, -127.0f, 127.0f));
    }
    return out;
}

// A plain Q6_K quantizer: each 16-element sub-block gets a symmetric scale amax/31, the 16 sub-block
// scales are stored as the nearest int8 multiples of d = max scale / 127, and the codes are rounded
// against the scale as stored and clamped to -32..31. Not ggml's error-minimising search (a
// four-candidate least-squares search cut the 2B head's logit error by only a tenth and doubled
// its load time), but the layout is the same.
std::vector<uint8_t> encode_q6_k(std::span<const float> values) {
    require(values.size() % 256 == 0, "encode_q6_k", std::to_string(values.size()) + " values is not a multiple of 256");
    std::vector<uint8_t> out(values.size() / 256 * 210, 0);
    for (size_t b = 0; b < values.size() / 256; ++b) {
        const float* x = values.data() + b * 256;
        uint8_t* blk = out.data() + b * 210;
        uint8_t* ql = blk;
        uint8_t* qh = blk + 128;
        int8_t* sc = reinterpret_cast<int8_t*>(blk + 192);

        float sub_scale[16];
        float max_scale = 0;
        for (int j = 0; j < 16; ++j) {
            float amax = 0;
            for (int i = 0; i < 16; ++i) amax = std::max(amax, std::fabs(x[16 * j + i]));
            sub_scale[j] = amax / 31;
            max_scale = std::max(max_scale, sub_scale[j]);
        }
        const uint16_t dh = f32_to_f16(max_scale / 127);
        store_u16(blk + 208, dh);
        const float d = f16_to_f32(dh);
        for (int j = 0; j < 16; ++j)
            sc[j] = d > 0 ? round_clamped(sub_scale[j], d, 0.0f, 127.0f) : 0;

        uint8_t u[256];  // the 6-bit codes, value + 32
        for (int j = 0; j < 16; ++j) {
            const float s = d * static_cast<float>(sc[j]);
            for (int i = 16 * j; i < 16 * j + 16; ++i)
                u[i] = static_cast<uint8_t>(s > 0 ? round_clamped(x[i], s, -32.0f, 31.0f) + 32 : 32);
        }
        // The inverse of q6_k_codes (type_traits.cpp): element 128h + 32k + m.
        for (int h = 0; h < 2; ++h)
            for (int m = 0; m < 32; ++m) {
                const uint8_t* c = u + 128 * h + m;
                ql[64 * h + m] = static_cast<uint8_t>((c[0] & 0xf) | (c[64] & 0xf) << 4);
                ql[64 * h + 32 + m] = static_cast<uint8_t>((c[32] & 0xf) | (c[96] & 0xf) << 4);
                qh[32 * h + m] = static_cast<uint8_t>(c[0] >> 4 | (c[32] >> 4) << 2 | (c[64] >> 4) << 4 | (c[96] >> 4) << 6);
            }
    }
    return out;
}

namespace {

// Q4_K (bits 4) and Q5_K (bits 5) by plain rounding: per 32-value sub-block an affine range
// [min(0, lo), hi], its step and offset stored as 6-bit multiples of the block's f16 d and dmin.
// (ggml searches for better scales; these bytes decode the same way, with a little more error.)
std::vector<uint8_t> encode_qk(std::span<const float> values, int bits, const char* fn) {
    require(values.size() % 256 == 0, fn, std::to_string(values.size()) + " values is not a multiple of 256");
    const size_t block_bytes = bits == 4 ? 144 : 176;
    const float qmax = static_cast<float>((1 << bits) - 1);
    std::vector<uint8_t> out(values.size() / 256 * block_bytes, 0);
    for (size_t b = 0; b < values.size() / 256; ++b) {
        const float* x = values.data() + b * 256;
        uint8_t* blk = out.data() + b * block_bytes;
        float step[8], offset[8], max_step = 0, max_offset = 0;
        for (int j = 0; j < 8; ++j) {
            float lo = 0, hi = 0;
            for (int i = 0; i < 32; ++i) {
                lo = std::min(lo, x[32 * j + i]);
                hi = std::max(hi, x[32 * j + i]);
            }
            step[j] = (hi - lo) / qmax;
            offset[j] = -lo;
            max_step = std::max(max_step, step[j]);
            max_offset = std::max(max_offset, offset[j]);
        }
        const uint16_t dh = f32_to_f16(max_step / 63), mh = f32_to_f16(max_offset / 63);
        store_u16(blk, dh);
        store_u16(blk + 2, mh);
        const float d = f16_to_f32(dh), dmin = f16_to_f32(mh);
        int sc[8], mn[8];
        for (int j = 0; j < 8; ++j) {
            sc[j] = d > 0 ? round_clamped(step[j], d, 0.0f, 63.0f) : 0;
            // The offset rounds up: a block's lowest value then stays within its code range.
            mn[j] = dmin > 0 ? std::min(63, static_cast<int>(std::ceil(offset[j] / dmin))) : 0;
        }
        uint8_t* packed = blk + 4;  // the inverse of qk_codes (type_traits.cpp)
        for (int j = 0; j < 4; ++j) {
            packed[j] = static_cast<uint8_t>(sc[j]);
            packed[j + 4] = static_cast<uint8_t>(mn[j]);
        }
        for (int j = 4; j < 8; ++j) {
            packed[j + 4] = static_cast<uint8_t>((sc[j] & 15) | (mn[j] & 15) << 4);
            packed[j - 4] |= static_cast<uint8_t>((sc[j] >> 4) << 6);
            packed[j] |= static_cast<uint8_t>((mn[j] >> 4) << 6);
        }
        uint8_t* qh = blk + 16;
        uint8_t* qs = blk + (bits == 4 ? 16 : 48);
        for (int j = 0; j < 8; ++j) {
            const float a = d * static_cast<float>(sc[j]), m = dmin * static_cast<float>(mn[j]);
            for (int e = 0; e < 32; ++e) {
                const int code = a > 0 ? static_cast<uint8_t>(round_clamped(x[32 * j + e] + m, a, 0.0f, qmax)) : 0;
                qs[32 * (j / 2) + e] |= static_cast<uint8_t>(j % 2 == 0 ? (code & 15) : (code & 15) << 4);
                if (bits == 5 && code >= 16) qh[e] |= static_cast<uint8_t>(1 << j);
            }
        }
    }
    return out;
}

}  // namespace

std::vector<uint8_t> encode_q4_k(std::span<const float> values) { return encode_qk(values, 4, "encode_q4_k"); }
std::vector<uint8_t> encode_q5_k(std::span<const float> values) { return encode_qk(values, 5, "encode_q5_k"); }

}  // namespace tern
