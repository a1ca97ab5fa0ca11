// The type table, tensor byte sizes, and the reference row decoders. The decoders favour clarity
// over speed: the kernels have their own fast paths and these are the ground truth they are
// tested against (and what the loader uses for the small float tensors).
#include "tensor/type_traits.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <vector>

#include "tensor/fp16.h"
#include "tern/error.h"

namespace tern {

static_assert(std::endian::native == std::endian::little, "GGUF data is read in place: little-endian hosts only");

namespace {

// Block sizes and byte sizes as ggml defines them. Types we cannot decode are still listed so that
// an error can name them ("Q3_K is not supported") rather than print a bare id.
constexpr TypeTraits kTypes[] = {
    // id             name     block bytes ternary dequant
    {TypeId::F32,   "F32",     1,    4, false, true},
    {TypeId::F16,   "F16",     1,    2, false, true},
    {TypeId::Q4_0,  "Q4_0",   32,   18, false, false},  // f16 d, 16 B nibbles
    {TypeId::Q4_1,  "Q4_1",   32,   20, false, false},  // f16 d, f16 m, 16 B
    {TypeId::Q5_0,  "Q5_0",   32,   22, false, false},  // f16 d, 4 B high bits, 16 B
    {TypeId::Q5_1,  "Q5_1",   32,   24, false, false},  // f16 d, f16 m, 4 B, 16 B
    {TypeId::Q8_0,  "Q8_0",   32,   34, false, true},   // f16 d, 32 int8
    {TypeId::Q8_1,  "Q8_1",   32,   36, false, false},  // f16 d, f16 s, 32 int8
    {TypeId::Q2_K,  "Q2_K",  256,   84, false, false},
    {TypeId::Q3_K,  "Q3_K",  256,  110, false, false},
    {TypeId::Q4_K,  "Q4_K",  256,  144, false, true},   // f16 d, f16 dmin, scales[12], qs[128]
    {TypeId::Q5_K,  "Q5_K",  256,  176, false, true},   // f16 d, f16 dmin, scales[12], qh[32], qs[128]
    {TypeId::Q6_K,  "Q6_K",  256,  210, false, true},   // ql[128] qh[64] int8 scales[16] f16 d
    {TypeId::Q8_K,  "Q8_K",  256,  292, false, false},  // f32 d, 256 int8, 16 int16 sums
    {TypeId::BF16,  "BF16",    1,    2, false, true},
    {TypeId::TQ1_0, "TQ1_0", 256,   54, true,  true},   // qs[48] qh[4] f16 d
    {TypeId::TQ2_0, "TQ2_0", 256,   66, true,  true},   // qs[64] f16 d
    {TypeId::I2_S,  "I2_S",    1,    1, true,  true},   // size rule is special: n/4 + 32
};

uint16_t load_u16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}

float load_f32(const uint8_t* p) {
    float v;
    std::memcpy(&v, p, 4);
    return v;
}

// Checks that a view is self-consistent before any byte is read through it, so a hand-made view
// with a short buffer fails loudly instead of reading out of bounds.
const TypeTraits& checked(const TensorView& t, uint64_t row, const char* fn) {
    const uint32_t id = static_cast<uint32_t>(t.type);
    const TypeTraits* tt = type_traits(id);
    if (!tt || !tt->can_dequantize) throw Error(std::string(fn) + ": cannot decode tensors of type " + type_name(id));
    const auto want = tensor_nbytes(id, t.ne);
    if (!want || *want != t.nbytes || t.data == nullptr)
        throw Error(std::string(fn) + ": " + type_name(id) + " view has " + std::to_string(t.nbytes) +
                    " bytes, which does not match its shape");
    if (row >= t.n_rows())
        throw Error(std::string(fn) + ": row " + std::to_string(row) + " out of range (" +
                    std::to_string(t.n_rows()) + " rows)");
    return *tt;
}

// Bytes of one row for the block types (everything but I2_S, whose blocks run across rows).
uint64_t row_bytes(const TypeTraits& tt, uint64_t ne0) { return ne0 / tt.block_size * tt.type_size; }

[[noreturn]] void bad_code(const char* type, uint64_t row) {
    throw Error(std::string(type) + ": row " + std::to_string(row) +
                " holds the 2-bit code 3, which no writer produces (corrupt tensor data)");
}

// ---- ternary decoders: codes 0..2 are written as values code-1 ----

// I2_S: the tensor is flattened and cut into 128-element / 32-byte blocks. Byte p of a block holds
// elements p, 32+p, 64+p, 96+p of the block in bits 7-6, 5-4, 3-2, 1-0. A trailing partial block
// of k elements (k % 4 == 0) only has k/4 bytes left before the scale, so it uses the same
// interleave with groups of k/4 instead of 32 (a 128-element tail is exactly the normal block).
void i2_s_row(const TensorView& t, uint64_t row, int8_t* values, float* scale) {
    const uint64_t n = t.n_elements();
    const uint64_t full = n / 128 * 128;  // elements in whole blocks
    const uint64_t tail_group = (n - full) / 4;
    uint64_t idx = row * t.ne[0];
    const uint64_t end = idx + t.ne[0];
    uint8_t seen3 = 0;
    while (idx < end) {
        // One run = consecutive elements that sit in consecutive bytes at the same bit position.
        const uint8_t* src;
        unsigned shift;
        uint64_t run;
        if (idx < full) {
            const uint64_t j = idx % 128;
            src = t.data + idx / 128 * 32 + j % 32;
            shift = 6 - 2 * static_cast<unsigned>(j / 32);
            run = 32 - j % 32;
        } else {
            const uint64_t j = idx - full;
            src = t.data + full / 4 + j % tail_group;
            shift = 6 - 2 * static_cast<unsigned>(j / tail_group);
            run = tail_group - j % tail_group;
        }
        run = std::min(run, end - idx);
        for (uint64_t i = 0; i < run; ++i) {
            const uint8_t code = (src[i] >> shift) & 3;
            seen3 |= code == 3;
            *values++ = static_cast<int8_t>(code - 1);
        }
        idx += run;
    }
    if (seen3) bad_code("I2_S", row);
    scale[0] = load_f32(t.data + n / 4);
}

// TQ2_0 block (66 bytes): byte 32c+m holds element 128c+32n+m in bits 2n..2n+1, LSB pair first.
void tq2_0_row(const TensorView& t, uint64_t row, int8_t* values, float* scales) {
    const uint64_t nb = t.ne[0] / 256;
    const uint8_t* blk = t.data + row * nb * 66;
    uint8_t seen3 = 0;
    for (uint64_t b = 0; b < nb; ++b, blk += 66, values += 256) {
        for (int c = 0; c < 2; ++c)
            for (int n = 0; n < 4; ++n)
                for (int m = 0; m < 32; ++m) {
                    const uint8_t code = (blk[32 * c + m] >> (2 * n)) & 3;
                    seen3 |= code == 3;
                    values[128 * c + 32 * n + m] = static_cast<int8_t>(code - 1);
                }
        scales[b] = f16_to_f32(load_u16(blk + 64));
    }
    if (seen3) bad_code("TQ2_0", row);
}

// Trit n (0 = most significant) of a TQ1_0 byte. The byte is ceil(q*256/243), a fixed-point
// fraction q/243; multiplying by 3^n (wrapping at 8 bits) shifts trit n to the top, and *3 >> 8
// reads it. The result is always 0..2, so TQ1_0 has no invalid codes.
int8_t tq1_trit(uint8_t byte, int n) {
    static constexpr uint8_t kPow3[5] = {1, 3, 9, 27, 81};
    const uint8_t shifted = static_cast<uint8_t>(byte * kPow3[n]);
    return static_cast<int8_t>((static_cast<uint16_t>(shifted) * 3) >> 8);
}

// TQ1_0 block (54 bytes): qs[0..31] byte m -> elements m+32n (n 0..4); qs[32..47] byte 32+m ->
// elements 160+m+16n (n 0..4); qh[j] -> elements 240+j+4n (n 0..3); f16 d at byte 52.
void tq1_0_row(const TensorView& t, uint64_t row, int8_t* values, float* scales) {
    const uint64_t nb = t.ne[0] / 256;
    const uint8_t* blk = t.data + row * nb * 54;
    for (uint64_t b = 0; b < nb; ++b, blk += 54, values += 256) {
        for (int m = 0; m < 32; ++m)
            for (int n = 0; n < 5; ++n) values[m + 32 * n] = static_cast<int8_t>(tq1_trit(blk[m], n) - 1);
        for (int m = 0; m < 16; ++m)
            for (int n = 0; n < 5; ++n) values[160 + m + 16 * n] = static_cast<int8_t>(tq1_trit(blk[32 + m], n) - 1);
        for (int j = 0; j < 4; ++j)
            for (int n = 0; n < 4; ++n) values[240 + j + 4 * n] = static_cast<int8_t>(tq1_trit(blk[48 + j], n) - 1);
        scales[b] = f16_to_f32(load_u16(blk + 52));
    }
}

void ternary_row_unchecked(const TensorView& t, uint64_t row, int8_t* values, float* scales) {
    switch (t.type) {
        case TypeId::I2_S: return i2_s_row(t, row, values, scales);
        case TypeId::TQ2_0: return tq2_0_row(t, row, values, scales);
        case TypeId::TQ1_0: return tq1_0_row(t, row, values, scales);
        default: throw Error("ternary_row: " + type_name(static_cast<uint32_t>(t.type)) + " is not a ternary type");
    }
}

// ---- float and k-quant decoders ----

void q8_0_row(const uint8_t* src, uint64_t ne0, float* out) {
    for (uint64_t b = 0; b < ne0 / 32; ++b, src += 34) {
        const float d = f16_to_f32(load_u16(src));
        for (int i = 0; i < 32; ++i) *out++ = d * static_cast<float>(static_cast<int8_t>(src[2 + i]));
    }
}

void q6_k_row(const uint8_t* src, uint64_t ne0, float* out) {
    uint8_t codes[kQ6KBlock];
    for (uint64_t b = 0; b < ne0 / kQ6KBlock; ++b, src += kQ6KBlockBytes) {
        q6_k_codes(src, codes);
        const int8_t* sc = reinterpret_cast<const int8_t*>(src + 192);
        const float d = f16_to_f32(load_u16(src + 208));
        for (int e = 0; e < kQ6KBlock; ++e)
            *out++ = d * static_cast<float>(sc[e / 16]) * static_cast<float>(codes[e] - 32);
    }
}

// Q4_K / Q5_K: value = d * scale_j * code - dmin * min_j per 32-value sub-block j (qk_codes).
void qk_row(const uint8_t* src, uint64_t ne0, float* out, bool five_bits) {
    const uint64_t block_bytes = five_bits ? kQ5KBlockBytes : kQ4KBlockBytes;
    uint8_t codes[kQKBlock], scale[kQKSubBlocks], min[kQKSubBlocks];
    for (uint64_t b = 0; b < ne0 / kQKBlock; ++b, src += block_bytes) {
        qk_codes(src, five_bits, codes, scale, min);
        const float d = f16_to_f32(load_u16(src)), dmin = f16_to_f32(load_u16(src + 2));
        for (int j = 0; j < kQKSubBlocks; ++j) {
            const float a = d * static_cast<float>(scale[j]), m = dmin * static_cast<float>(min[j]);
            for (int e = 0; e < kQKSubBlock; ++e) *out++ = a * static_cast<float>(codes[kQKSubBlock * j + e]) - m;
        }
    }
}

}  // namespace

const TypeTraits* type_traits(uint32_t id) {
    for (const TypeTraits& t : kTypes)
        if (static_cast<uint32_t>(t.id) == id) return &t;
    return nullptr;
}

// Q6_K block (210 bytes): ql[128], qh[64], int8 scales[16], f16 d. Each half h (128 elements) uses
// ql[64h..64h+63] and qh[32h..32h+31]. Within a half, element 32k+m (k 0..3, m 0..31) takes its low
// nibble from ql[64h + 32(k&1) + m] (low nibble for k<2, high nibble for k>=2) and its top two bits
// from qh[32h+m] bits 2k..2k+1.
void q6_k_codes(const uint8_t* block, uint8_t* codes) {
    for (int h = 0; h < 2; ++h) {
        const uint8_t* ql = block + 64 * h;
        const uint8_t* qh = block + 128 + 32 * h;
        uint8_t* c = codes + 128 * h;
        for (int m = 0; m < 32; ++m) {  // k = 0..3 unrolled
            c[m] = static_cast<uint8_t>((ql[m] & 0xf) | (qh[m] & 3) << 4);
            c[32 + m] = static_cast<uint8_t>((ql[32 + m] & 0xf) | (qh[m] >> 2 & 3) << 4);
            c[64 + m] = static_cast<uint8_t>(ql[m] >> 4 | (qh[m] >> 4 & 3) << 4);
            c[96 + m] = static_cast<uint8_t>(ql[32 + m] >> 4 | (qh[m] >> 6) << 4);
        }
    }
}

// Q4_K / Q5_K block: f16 d, f16 dmin, 12 bytes of 6-bit scales and mins, (Q5_K: qh[32],) qs[128].
// Sub-blocks 0-3 take scale and min from the low 6 bits of bytes j and j + 4; sub-blocks 4-7 their
// low 4 bits from byte j + 4 (scale low nibble, min high nibble) and their top 2 bits from the top
// bits of bytes j - 4 (scale) and j (min). Sub-blocks 2i and 2i + 1 share qs[32i..32i+31]: low
// nibbles, then high nibbles. Q5_K adds bit j of qh[m] as the fifth bit (16) of element m of
// sub-block j.
void qk_codes(const uint8_t* block, bool five_bits, uint8_t* codes, uint8_t* scales, uint8_t* mins) {
    const uint8_t* packed = block + 4;
    for (int j = 0; j < kQKSubBlocks; ++j) {
        if (j < 4) {
            scales[j] = packed[j] & 63;
            mins[j] = packed[j + 4] & 63;
        } else {
            scales[j] = static_cast<uint8_t>((packed[j + 4] & 0xf) | (packed[j - 4] >> 6) << 4);
            mins[j] = static_cast<uint8_t>((packed[j + 4] >> 4) | (packed[j] >> 6) << 4);
        }
    }
    const uint8_t* qh = block + 16;
    const uint8_t* qs = block + (five_bits ? 48 : 16);
    for (int j = 0; j < kQKSubBlocks; ++j) {
        const uint8_t* q = qs + 32 * (j / 2);
        for (int e = 0; e < kQKSubBlock; ++e) {
            int code = j % 2 == 0 ? q[e] & 0xf : q[e] >> 4;
            if (five_bits && (qh[e] >> j & 1)) code += 16;
            codes[kQKSubBlock * j + e] = static_cast<uint8_t>(code);
        }
    }
}

std::string type_name(uint32_t id) {
    if (const TypeTraits* t = type_traits(id)) return t->name;
    return "type " + std::to_string(id);
}

std::optional<uint64_t> tensor_nbytes(uint32_t type, std::span<const uint64_t> ne) {
    const TypeTraits* tt = type_traits(type);
    if (!tt || ne.empty() || ne.size() > 4) return std::nullopt;
    uint64_t n = 1;
    for (uint64_t d : ne)
        if (d == 0 || __builtin_mul_overflow(n, d, &n)) return std::nullopt;
    if (tt->id == TypeId::I2_S) {
        if (n % 4 != 0) return std::nullopt;
        return n / 4 + 32;  // 2-bit payload, then the f32 scale padded to 32 bytes
    }
    if (ne[0] % tt->block_size != 0) return std::nullopt;
    uint64_t bytes;
    if (__builtin_mul_overflow(n / tt->block_size, uint64_t{tt->type_size}, &bytes)) return std::nullopt;
    return bytes;
}

void dequantize_row(const TensorView& t, uint64_t row, float* out) {
    const TypeTraits& tt = checked(t, row, "dequantize_row");
    const uint64_t ne0 = t.ne[0];
    const uint8_t* src = tt.ternary ? nullptr : t.data + row * row_bytes(tt, ne0);
    switch (t.type) {
        case TypeId::F32:
            std::memcpy(out, src, ne0 * 4);
            return;
        case TypeId::F16:
            for (uint64_t i = 0; i < ne0; ++i) out[i] = f16_to_f32(load_u16(src + 2 * i));
            return;
        case TypeId::BF16:
            for (uint64_t i = 0; i < ne0; ++i) out[i] = bf16_to_f32(load_u16(src + 2 * i));
            return;
        case TypeId::Q8_0: return q8_0_row(src, ne0, out);
        case TypeId::Q6_K: return q6_k_row(src, ne0, out);
        case TypeId::Q4_K: return qk_row(src, ne0, out, false);
        case TypeId::Q5_K: return qk_row(src, ne0, out, true);
        default: break;
    }
    // Ternary: decode into a scratch buffer of values and per-block scales.
    std::vector<int8_t> values(ne0);
    std::vector<float> scales(ternary_scales_per_row(t));
    ternary_row_unchecked(t, row, values.data(), scales.data());
    const uint64_t block = t.type == TypeId::I2_S ? ne0 : 256;
    for (uint64_t i = 0; i < ne0; ++i) out[i] = static_cast<float>(values[i]) * scales[i / block];
}

void ternary_row(const TensorView& t, uint64_t row, int8_t* values, float* scales) {
    const TypeTraits& tt = checked(t, row, "ternary_row");
    if (!tt.ternary) throw Error(std::string("ternary_row: ") + tt.name + " is not a ternary type");
    ternary_row_unchecked(t, row, values, scales);
}

uint64_t ternary_scales_per_row(const TensorView& t) {
    switch (t.type) {
        case TypeId::I2_S: return 1;
        case TypeId::TQ1_0:
        case TypeId::TQ2_0: return t.ne[0] / 256;
        default: throw Error("ternary_scales_per_row: " + type_name(static_cast<uint32_t>(t.type)) + " is not a ternary type");
    }
}

uint64_t ternary_scale_block(TypeId type) {
    switch (type) {
        case TypeId::I2_S: return 0;  // one scale for the whole tensor: see the overload below
        case TypeId::TQ1_0:
        case TypeId::TQ2_0: return 256;
        default: throw Error("ternary_scale_block: " + type_name(static_cast<uint32_t>(type)) + " is not a ternary type");
    }
}

uint64_t ternary_scale_block(const TensorView& t) {
    return t.type == TypeId::I2_S ? t.ne[0] : ternary_scale_block(t.type);
}

}  // namespace tern
