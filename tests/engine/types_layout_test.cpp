// Known-answer checks of the type table and of each format's bit layout: bytes set by hand,
// elements checked one by one, so a layout mistake cannot hide behind an encoder that makes the
// same mistake as the decoder.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "gguf_test_util.h"
#include "tensor/fp16.h"
#include "tensor/quantize.h"
#include "tensor/type_traits.h"

using namespace tern;
using gguf_test::dequant_all;
using gguf_test::make_view;
using gguf_test::throws_error;

namespace {

void store_f16(std::vector<uint8_t>& b, size_t pos, float v) {
    const uint16_t h = f32_to_f16(v);
    std::memcpy(b.data() + pos, &h, 2);
}

uint64_t nbytes(TypeId t, std::vector<uint64_t> ne) {
    return tensor_nbytes(static_cast<uint32_t>(t), ne).value_or(~uint64_t{0});
}

}  // namespace

TEST(types_table, BlockAndTypeSizesMatchGgml) {
    struct Row { TypeId id; const char* name; uint32_t block, size; bool ternary, dequant; };
    const Row rows[] = {
        {TypeId::F32, "F32", 1, 4, false, true},      {TypeId::F16, "F16", 1, 2, false, true},
        {TypeId::Q4_0, "Q4_0", 32, 18, false, false}, {TypeId::Q4_1, "Q4_1", 32, 20, false, false},
        {TypeId::Q5_0, "Q5_0", 32, 22, false, false}, {TypeId::Q5_1, "Q5_1", 32, 24, false, false},
        {TypeId::Q8_0, "Q8_0", 32, 34, false, true},  {TypeId::Q8_1, "Q8_1", 32, 36, false, false},
        {TypeId::Q2_K, "Q2_K", 256, 84, false, false}, {TypeId::Q3_K, "Q3_K", 256, 110, false, false},
        {TypeId::Q4_K, "Q4_K", 256, 144, false, true}, {TypeId::Q5_K, "Q5_K", 256, 176, false, true},
        {TypeId::Q6_K, "Q6_K", 256, 210, false, true}, {TypeId::Q8_K, "Q8_K", 256, 292, false, false},
        {TypeId::BF16, "BF16", 1, 2, false, true},    {TypeId::TQ1_0, "TQ1_0", 256, 54, true, true},
        {TypeId::TQ2_0, "TQ2_0", 256, 66, true, true}, {TypeId::I2_S, "I2_S", 1, 1, true, true},
    };
    for (const Row& r : rows) {
        const TypeTraits* t = type_traits(static_cast<uint32_t>(r.id));
        ASSERT_NE(t, nullptr) << r.name;
        EXPECT_EQ(t->id, r.id);
        EXPECT_STREQ(t->name, r.name);
        EXPECT_EQ(t->block_size, r.block) << r.name;
        EXPECT_EQ(t->type_size, r.size) << r.name;
        EXPECT_EQ(t->ternary, r.ternary) << r.name;
        EXPECT_EQ(t->can_dequantize, r.dequant) << r.name;
        EXPECT_EQ(type_name(static_cast<uint32_t>(r.id)), r.name);
    }
    EXPECT_EQ(static_cast<uint32_t>(TypeId::TQ1_0), 34u);
    EXPECT_EQ(static_cast<uint32_t>(TypeId::TQ2_0), 35u);
    EXPECT_EQ(static_cast<uint32_t>(TypeId::I2_S), 36u);
    EXPECT_EQ(type_traits(99), nullptr);
    EXPECT_EQ(type_traits(4), nullptr);  // removed Q4_2
    EXPECT_EQ(type_name(99), "type 99");
}

TEST(types_table, TensorNbytes) {
    EXPECT_EQ(nbytes(TypeId::F32, {7}), 28u);
    EXPECT_EQ(nbytes(TypeId::F16, {10, 3}), 60u);
    EXPECT_EQ(nbytes(TypeId::Q8_0, {64, 3}), 2u * 3 * 34);
    EXPECT_EQ(nbytes(TypeId::Q6_K, {512, 2}), 4u * 210);
    EXPECT_EQ(nbytes(TypeId::TQ1_0, {256, 5}), 5u * 54);
    EXPECT_EQ(nbytes(TypeId::TQ2_0, {2560, 2560}), 2560u * 10 * 66);
    // The 2B4T shapes from the reference doc (section 2.3).
    EXPECT_EQ(nbytes(TypeId::I2_S, {2560, 2560}), 2560u * 2560 / 4 + 32);
    EXPECT_EQ(nbytes(TypeId::I2_S, {2560, 6912}), 2560u * 6912 / 4 + 32);
    EXPECT_EQ(nbytes(TypeId::I2_S, {200, 3}), 150u + 32);
    EXPECT_EQ(nbytes(TypeId::I2_S, {4}), 1u + 32);
    EXPECT_EQ(nbytes(TypeId::F32, {3, 2, 2, 5}), 4u * 60);

    auto none = [](TypeId t, std::vector<uint64_t> ne) { return !tensor_nbytes(static_cast<uint32_t>(t), ne); };
    EXPECT_TRUE(none(TypeId::Q8_0, {48}));           // ne[0] not a multiple of the block
    EXPECT_TRUE(none(TypeId::Q6_K, {128, 2}));
    EXPECT_TRUE(none(TypeId::TQ2_0, {255}));
    EXPECT_TRUE(none(TypeId::I2_S, {6}));            // n % 4 != 0
    EXPECT_TRUE(none(TypeId::I2_S, {3, 3}));
    EXPECT_FALSE(none(TypeId::I2_S, {2, 2}));        // only the element count matters for I2_S
    EXPECT_TRUE(none(TypeId::F32, {1ull << 32, 1ull << 32}));  // element count overflows
    EXPECT_TRUE(none(TypeId::F32, {1ull << 62}));               // byte count overflows
    EXPECT_TRUE(none(TypeId::F32, {4, 0}));
    EXPECT_TRUE(none(TypeId::F32, {}));
    EXPECT_TRUE(none(TypeId::F32, {1, 1, 1, 1, 1}));
    EXPECT_FALSE(tensor_nbytes(99, std::vector<uint64_t>{4}));
}

// I2_S: byte p of each 32-byte block holds elements p, 32+p, 64+p, 96+p in bits 7-6, 5-4, 3-2,
// 1-0 (MSB pair first), code = value + 1; the f32 scale follows the n/4 payload bytes.
TEST(types_layout, I2sKnownBlock) {
    std::vector<uint8_t> b(128 / 4 + 32, 0x55);  // 0b01010101: every code 1 = value 0
    b[0] = 0b10'00'01'10;                         // elements 0, 32, 64, 96 = +1, -1, 0, +1
    b[31] = 0b00'10'10'00;                        // elements 31, 63, 95, 127 = -1, +1, +1, -1
    const float scale = 2.5f;
    std::memcpy(b.data() + 32, &scale, 4);
    std::fill(b.begin() + 36, b.end(), 0);
    const TensorView v = make_view(TypeId::I2_S, {128}, b);

    std::vector<int8_t> vals(128);
    float s = 0;
    ternary_row(v, 0, vals.data(), &s);
    EXPECT_EQ(s, 2.5f);
    std::vector<int8_t> want(128, 0);
    want[0] = 1, want[32] = -1, want[64] = 0, want[96] = 1;
    want[31] = -1, want[63] = 1, want[95] = 1, want[127] = -1;
    EXPECT_EQ(vals, want);
    const auto f = dequant_all(v);
    for (int i = 0; i < 128; ++i) EXPECT_EQ(f[i], 2.5f * want[i]) << i;

    // The encoder writes exactly these bytes.
    EXPECT_EQ(encode_i2_s(want, 2.5f), b);
}

// Rows of I2_S are slices of the flattened tensor: with ne0 = 64, row 1 is elements 64..127 of
// block 0, i.e. bits 3-2 and 1-0 of bytes 0..31.
TEST(types_layout, I2sRowsRunAcrossBlocks) {
    std::vector<uint8_t> b(2 * 64 / 4 + 32, 0x55);
    b[0] = 0b01'01'10'00;  // element 64 = +1, element 96 = -1
    b[5] = 0b00'01'01'01;  // element 5 = -1
    const float scale = 0.75f;
    std::memcpy(b.data() + 32, &scale, 4);
    const TensorView v = make_view(TypeId::I2_S, {64, 2}, b);
    std::vector<int8_t> row(64);
    float s;
    ternary_row(v, 1, row.data(), &s);
    EXPECT_EQ(row[0], 1);    // element 64
    EXPECT_EQ(row[32], -1);  // element 96
    EXPECT_EQ(std::count(row.begin(), row.end(), 0), 62);
    ternary_row(v, 0, row.data(), &s);
    EXPECT_EQ(row[5], -1);
    EXPECT_EQ(std::count(row.begin(), row.end(), 0), 63);
    EXPECT_EQ(s, 0.75f);
}

// A tensor whose element count is not a multiple of 128 ends with a k-element block of k/4 bytes
// where byte p holds tail elements p, k/4+p, 2k/4+p, 3k/4+p.
TEST(types_layout, I2sPartialTailBlock) {
    const size_t n = 128 + 8;  // tail k = 8: bytes 32 and 33
    std::vector<uint8_t> b(n / 4 + 32, 0);
    std::fill(b.begin(), b.begin() + 34, 0x55);
    b[32] = 0b10'01'01'00;  // tail elements 0 = +1, 2 = 0, 4 = 0, 6 = -1
    b[33] = 0b01'00'10'01;  // tail elements 1 = 0, 3 = -1, 5 = +1, 7 = 0
    const float scale = 1.0f;
    std::memcpy(b.data() + 34, &scale, 4);
    const TensorView v = make_view(TypeId::I2_S, {n}, b);
    std::vector<int8_t> vals(n);
    float s;
    ternary_row(v, 0, vals.data(), &s);
    const std::vector<int8_t> tail(vals.begin() + 128, vals.end());
    EXPECT_EQ(tail, (std::vector<int8_t>{1, 0, 0, -1, 0, 1, -1, 0}));
    std::vector<int8_t> in(n, 0);
    std::copy(tail.begin(), tail.end(), in.begin() + 128);
    EXPECT_EQ(encode_i2_s(in, 1.0f), b);
}

TEST(types_layout, I2sCode3IsRejected) {
    std::vector<uint8_t> b(128 / 4 + 32, 0x55);
    b[7] = 0b01'11'01'01;  // element 39 has the unused code 3
    const TensorView v = make_view(TypeId::I2_S, {128}, b);
    std::vector<int8_t> vals(128);
    float s;
    EXPECT_TRUE(throws_error([&] { ternary_row(v, 0, vals.data(), &s); }, {"I2_S", "code 3"}));
    std::vector<float> f(128);
    EXPECT_TRUE(throws_error([&] { dequantize_row(v, 0, f.data()); }, {"code 3"}));
}

// TQ2_0: byte 32c+m holds element 128c+32n+m in bits 2n..2n+1, LSB pair first; f16 d at byte 64.
TEST(types_layout, Tq20KnownBlock) {
    std::vector<uint8_t> b(66, 0x55);
    b[0] = 0b10'00'01'10;   // elements 0 = +1, 32 = 0, 64 = -1, 96 = +1
    b[37] = 0b00'01'01'10;  // elements 133 = +1, 165 = 0, 197 = 0, 229 = -1
    store_f16(b, 64, 0.5f);
    const TensorView v = make_view(TypeId::TQ2_0, {256}, b);
    std::vector<int8_t> vals(256);
    float d;
    ternary_row(v, 0, vals.data(), &d);
    EXPECT_EQ(d, 0.5f);
    std::vector<int8_t> want(256, 0);
    want[0] = 1, want[64] = -1, want[96] = 1, want[133] = 1, want[229] = -1;
    EXPECT_EQ(vals, want);
    const auto f = dequant_all(v);
    for (int i = 0; i < 256; ++i) EXPECT_EQ(f[i], 0.5f * want[i]) << i;
    const float scale = 0.5f;
    EXPECT_EQ(encode_tq2_0(want, std::span<const float>(&scale, 1)), b);
}

// TQ1_0 packs 5 trits per byte as ceil(q*256/243), q = sum t_n 3^(4-n), first element most
// significant. Every q in 0..242 must decode back to its own trits.
TEST(types_layout, Tq10EveryByteValueDecodes) {
    for (int q = 0; q < 243; ++q) {
        int trits[5];
        for (int n = 4, r = q; n >= 0; --n, r /= 3) trits[n] = r % 3;
        // Elements m + 32n of byte m = 0 carry trits n; the rest of the block stays 0 (trit 1).
        std::vector<int8_t> vals(256, 0);
        for (int n = 0; n < 5; ++n) vals[32 * n] = static_cast<int8_t>(trits[n] - 1);
        const float one = 1.0f;
        const auto b = encode_tq1_0(vals, std::span<const float>(&one, 1));
        ASSERT_EQ(b[0], (q * 256 + 242) / 243) << q;
        const TensorView v = make_view(TypeId::TQ1_0, {256}, b);
        std::vector<int8_t> back(256);
        float d;
        ternary_row(v, 0, back.data(), &d);
        ASSERT_EQ(back, vals) << q;
    }
}

TEST(types_layout, Tq10KnownBlock) {
    // All-zero values are trit 1 everywhere: q = 121 -> byte 128; qh's 4 trits q = 120 -> 127.
    std::vector<uint8_t> b(54, 128);
    for (int j = 0; j < 4; ++j) b[48 + j] = 127;
    // Byte 0: elements 0, 32, 64, 96, 128 = +1, -1, 0, 0, 0 -> trits 2,0,1,1,1 -> q = 175 -> 185.
    b[0] = 185;
    // Byte 32+3: elements 163, 179, 195, 211, 227 = -1, -1, -1, -1, +1 -> q = 2 -> ceil(512/243) = 3.
    b[35] = 3;
    // qh[2]: elements 242, 246, 250, 254 = +1, +1, 0, -1 -> q = (2*27+2*9+1*3+0)*3 = 225 -> 238.
    b[50] = 238;
    store_f16(b, 52, 1.5f);
    const TensorView v = make_view(TypeId::TQ1_0, {256}, b);
    std::vector<int8_t> vals(256);
    float d;
    ternary_row(v, 0, vals.data(), &d);
    EXPECT_EQ(d, 1.5f);
    std::vector<int8_t> want(256, 0);
    want[0] = 1, want[32] = -1;
    want[163] = want[179] = want[195] = want[211] = -1, want[227] = 1;
    want[242] = want[246] = 1, want[254] = -1;
    EXPECT_EQ(vals, want);
    const float scale = 1.5f;
    EXPECT_EQ(encode_tq1_0(want, std::span<const float>(&scale, 1)), b);
}

// Q8_0: f16 d then 32 int8.
TEST(types_layout, Q80KnownBlock) {
    std::vector<uint8_t> b(34, 0);
    store_f16(b, 0, 0.25f);
    b[2] = static_cast<uint8_t>(int8_t{-128});
    b[3] = 1;
    b[33] = 127;
    const TensorView v = make_view(TypeId::Q8_0, {32}, b);
    const auto f = dequant_all(v);
    EXPECT_EQ(f[0], -32.0f);
    EXPECT_EQ(f[1], 0.25f);
    EXPECT_EQ(f[2], 0.0f);
    EXPECT_EQ(f[31], 31.75f);
}

// Q6_K as ggml lays it out: ql[128], qh[64], int8 scales[16], f16 d. Element e of half h
// (e = 128h + 32k + m) takes its low nibble from ql[64h + 32(k&1) + m] (low nibble if k < 2) and
// its high two bits from qh[32h + m] bits 2k..2k+1; value = d * scales[e/16] * (q6 - 32).
TEST(types_layout, Q6KKnownBlock) {
    std::vector<uint8_t> b(210, 0);
    uint8_t* ql = b.data();
    uint8_t* qh = b.data() + 128;
    auto* sc = reinterpret_cast<int8_t*>(b.data() + 192);
    store_f16(b, 208, 0.5f);
    for (int j = 0; j < 16; ++j) sc[j] = static_cast<int8_t>(j + 1);
    sc[6] = -3;
    // Element 4 (h0, k0, m4): q6 = 0x2a = 42 -> (42-32) * 0.5 * sc[0]=1 -> 5.
    ql[4] |= 0xa;
    qh[4] |= 0b10;
    // Element 100 (h0, k3, m4): low nibble = high nibble of ql[36], top bits qh[4] bits 6-7.
    // q6 = 0x3f = 63 -> 31 * 0.5 * sc[6] = -3 -> -46.5.
    ql[36] |= 0xf0;
    qh[4] |= 0b11 << 6;
    // Element 200 (h1, k2, m8): high nibble of ql[64+8], qh[32+8] bits 4-5; q6 = 0 -> -32 * 0.5 * 13.
    // Element 136 (h1, k0, m8) shares ql[72]'s low nibble and qh[40] bits 0-1: q6 = 0x15 = 21.
    ql[72] = 0x05;
    qh[40] = 0b00'00'00'01;
    const TensorView v = make_view(TypeId::Q6_K, {256}, b);
    const auto f = dequant_all(v);
    EXPECT_EQ(f[4], 5.0f);
    EXPECT_EQ(f[100], -46.5f);
    EXPECT_EQ(f[200], -32 * 0.5f * 13);
    EXPECT_EQ(f[136], (21 - 32) * 0.5f * 9);
    EXPECT_EQ(f[0], -32 * 0.5f * 1);  // an all-zero q6 is -32
}

// Q4_K as ggml lays it out: f16 d, f16 dmin, 12 bytes of 6-bit scales and mins, qs[128]. Sub-block
// j (32 values) has value d * scale_j * q - dmin * min_j; sub-blocks 2i and 2i+1 are the low and
// high nibbles of qs[32i..32i+31]. Scales/mins of sub-blocks 0-3: low 6 bits of bytes j and j+4;
// of 4-7: byte j+4 holds scale (low nibble) and min (high nibble) low bits, the top 2 bits are
// the top bits of bytes j-4 (scale) and j (min).
std::vector<uint8_t> k_quant_header(size_t bytes, float d, float dmin, const int (&scale)[8], const int (&min)[8]) {
    std::vector<uint8_t> b(bytes, 0);
    store_f16(b, 0, d);
    store_f16(b, 2, dmin);
    uint8_t* p = b.data() + 4;
    for (int j = 0; j < 4; ++j) {
        p[j] = static_cast<uint8_t>(scale[j] & 63);
        p[j + 4] = static_cast<uint8_t>(min[j] & 63);
    }
    for (int j = 4; j < 8; ++j) {
        p[j + 4] = static_cast<uint8_t>((scale[j] & 15) | (min[j] & 15) << 4);
        p[j - 4] |= static_cast<uint8_t>((scale[j] >> 4) << 6);
        p[j] |= static_cast<uint8_t>((min[j] >> 4) << 6);
    }
    return b;
}

TEST(types_layout, Q4KKnownBlock) {
    const int scale[8] = {1, 2, 63, 4, 5, 33, 47, 62}, min[8] = {0, 3, 1, 63, 17, 2, 48, 31};
    std::vector<uint8_t> b = k_quant_header(144, 0.5f, 0.25f, scale, min);
    uint8_t* qs = b.data() + 16;
    qs[0] = 0x3f;        // element 0 (sub-block 0): 15; element 32 (sub-block 1): 3
    qs[32 + 7] = 0xa0;   // element 64 + 7 (sub-block 2): 0; element 96 + 7 (sub-block 3): 10
    qs[96 + 31] = 0x1e;  // element 192 + 31 (sub-block 6): 14; element 255 (sub-block 7): 1
    qs[64 + 5] = 0x70;   // element 160 + 5 (sub-block 5): 7; element 128 + 5 (sub-block 4): 0
    const auto f = dequant_all(make_view(TypeId::Q4_K, {256}, b));
    EXPECT_EQ(f[0], 0.5f * 1 * 15 - 0.25f * 0);
    EXPECT_EQ(f[32], 0.5f * 2 * 3 - 0.25f * 3);
    EXPECT_EQ(f[71], 0.5f * 63 * 0 - 0.25f * 1);
    EXPECT_EQ(f[103], 0.5f * 4 * 10 - 0.25f * 63);
    EXPECT_EQ(f[223], 0.5f * 47 * 14 - 0.25f * 48);
    EXPECT_EQ(f[255], 0.5f * 62 * 1 - 0.25f * 31);
    EXPECT_EQ(f[165], 0.5f * 33 * 7 - 0.25f * 2);
    EXPECT_EQ(f[133], 0.5f * 5 * 0 - 0.25f * 17);
    EXPECT_EQ(f[1], 0.0f);  // code 0, min 0
}

// Q5_K: Q4_K's header, then qh[32], then qs[128]; bit j of qh[m] is the fifth bit (16) of element
// m of sub-block j.
TEST(types_layout, Q5KKnownBlock) {
    const int scale[8] = {3, 1, 1, 1, 1, 1, 60, 1}, min[8] = {2, 0, 0, 0, 0, 0, 50, 0};
    std::vector<uint8_t> b = k_quant_header(176, 0.25f, 0.5f, scale, min);
    uint8_t* qh = b.data() + 16;
    uint8_t* qs = b.data() + 48;
    qs[9] = 0x0f;      // element 9 (sub-block 0): 15, and 32 + 9 (sub-block 1): 0
    qh[9] = 0b10;      // the fifth bit of element 32 + 9 only: 16
    qs[96 + 4] = 0x08; // element 192 + 4 (sub-block 6): 8 ...
    qh[4] = 1 << 6;    // ... plus 16 = 24
    qh[31] = 1 << 7;   // element 255 (sub-block 7): 16
    const auto f = dequant_all(make_view(TypeId::Q5_K, {256}, b));
    EXPECT_EQ(f[9], 0.25f * 3 * 15 - 0.5f * 2);
    EXPECT_EQ(f[41], 0.25f * 1 * 16);
    EXPECT_EQ(f[196], 0.25f * 60 * 24 - 0.5f * 50);
    EXPECT_EQ(f[255], 0.25f * 1 * 16);
    EXPECT_EQ(f[0], -0.5f * 2);
}

TEST(types_layout, RowChecks) {
    std::vector<uint8_t> b(34, 0);
    TensorView v = make_view(TypeId::Q8_0, {32}, b);
    std::vector<float> out(64);
    EXPECT_TRUE(throws_error([&] { dequantize_row(v, 1, out.data()); }, {"row 1", "out of range"}));
    v.nbytes = 33;
    EXPECT_TRUE(throws_error([&] { dequantize_row(v, 0, out.data()); }, {"does not match"}));
    std::vector<uint8_t> k(110, 0);
    const TensorView q3k = make_view(TypeId::Q3_K, {256}, k);
    EXPECT_TRUE(throws_error([&] { dequantize_row(q3k, 0, out.data()); }, {"Q3_K"}));
    std::vector<int8_t> vals(32);
    float s;
    EXPECT_TRUE(throws_error([&] { ternary_row(make_view(TypeId::Q8_0, {32}, b), 0, vals.data(), &s); },
                             {"not a ternary type"}));
}

TEST(types_layout, TernaryScaleHelpers) {
    std::vector<uint8_t> b(2 * 66);
    const TensorView tq = make_view(TypeId::TQ2_0, {512}, b);
    EXPECT_EQ(ternary_scales_per_row(tq), 2u);
    EXPECT_EQ(ternary_scale_block(tq), 256u);
    EXPECT_EQ(ternary_scale_block(TypeId::TQ1_0), 256u);
    std::vector<uint8_t> i(384 * 3 / 4 + 32);
    const TensorView i2 = make_view(TypeId::I2_S, {384, 3}, i);
    EXPECT_EQ(ternary_scales_per_row(i2), 1u);
    EXPECT_EQ(ternary_scale_block(i2), 384u);
    EXPECT_EQ(ternary_scale_block(TypeId::I2_S), 0u);
    EXPECT_TRUE(throws_error([] { ternary_scale_block(TypeId::F32); }, {"not a ternary type"}));
}
