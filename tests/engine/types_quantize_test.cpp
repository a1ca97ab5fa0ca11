// Encoders against the decoders on random data: exact for the ternary and float types, within a
// stated error bound for the lossy ones, plus the input checks callers rely on.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "gguf_test_util.h"
#include "tensor/fp16.h"
#include "tensor/quantize.h"
#include "tensor/type_traits.h"

using namespace tern;
using gguf_test::dequant_all;
using gguf_test::throws_error;

namespace {

// A view whose byte count must be what the type table says for the shape.
TensorView make_view(TypeId type, std::vector<uint64_t> ne, const std::vector<uint8_t>& bytes) {
    EXPECT_EQ(tensor_nbytes(static_cast<uint32_t>(type), ne), bytes.size()) << type_name(static_cast<uint32_t>(type));
    return gguf_test::make_view(type, ne, bytes);
}

std::vector<int8_t> random_ternary(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> d(-1, 1);
    std::vector<int8_t> v(n);
    for (auto& x : v) x = static_cast<int8_t>(d(rng));
    return v;
}

std::vector<float> random_floats(size_t n, uint32_t seed, float lo = -2, float hi = 2) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}

// Every row of a ternary tensor decodes to the input values and scales, and dequantizes to
// value * scale exactly.
void check_ternary(TypeId type, std::vector<uint64_t> ne, const std::vector<uint8_t>& bytes,
                   const std::vector<int8_t>& values, const std::vector<float>& scales) {
    const TensorView v = make_view(type, ne, bytes);
    const uint64_t ne0 = v.ne[0];
    const uint64_t per_row = ternary_scales_per_row(v);
    const uint64_t block = ternary_scale_block(v);
    std::vector<int8_t> got(ne0);
    std::vector<float> got_scales(per_row), f(ne0);
    for (uint64_t r = 0; r < v.n_rows(); ++r) {
        ternary_row(v, r, got.data(), got_scales.data());
        ASSERT_TRUE(std::equal(got.begin(), got.end(), values.begin() + r * ne0)) << "row " << r;
        dequantize_row(v, r, f.data());
        for (uint64_t c = 0; c < ne0; ++c) {
            const float s = type == TypeId::I2_S ? scales[0] : scales[(r * ne0 + c) / 256];
            ASSERT_EQ(got_scales[c / block], s);
            ASSERT_EQ(f[c], s * values[r * ne0 + c]) << "row " << r << " col " << c;
        }
    }
}

}  // namespace

TEST(types_quantize, I2sRoundTripsAwkwardShapes) {
    const std::vector<std::vector<uint64_t>> shapes = {
        {128}, {384, 3}, {200, 16}, {200, 3}, {64, 5}, {4}, {12, 7}, {2560, 4}, {128, 2, 3}};
    uint32_t seed = 1;
    for (const auto& ne : shapes) {
        uint64_t n = 1;
        for (auto d : ne) n *= d;
        const auto vals = random_ternary(n, seed++);
        const float scale = 0.0123f * static_cast<float>(seed);
        const auto bytes = encode_i2_s(vals, scale);
        ASSERT_EQ(bytes.size(), n / 4 + 32);
        // The tail after the scale is zero padding.
        EXPECT_TRUE(std::all_of(bytes.begin() + n / 4 + 4, bytes.end(), [](uint8_t b) { return b == 0; }));
        // Code 3 never appears.
        for (size_t i = 0; i < n / 4; ++i)
            for (int s = 0; s < 8; s += 2) ASSERT_NE((bytes[i] >> s) & 3, 3);
        SCOPED_TRACE("I2_S n=" + std::to_string(n));
        check_ternary(TypeId::I2_S, ne, bytes, vals, {scale});
    }
}

TEST(types_quantize, TqTypesRoundTrip) {
    for (TypeId type : {TypeId::TQ1_0, TypeId::TQ2_0}) {
        for (const auto& ne : std::vector<std::vector<uint64_t>>{{256}, {512, 3}, {256, 2, 2}}) {
            uint64_t n = 1;
            for (auto d : ne) n *= d;
            const auto vals = random_ternary(n, static_cast<uint32_t>(n));
            std::vector<float> scales(n / 256);
            for (size_t b = 0; b < scales.size(); ++b) scales[b] = f16_to_f32(f32_to_f16(0.01f * (b + 1)));
            const auto bytes = type == TypeId::TQ1_0 ? encode_tq1_0(vals, scales) : encode_tq2_0(vals, scales);
            SCOPED_TRACE(type_name(static_cast<uint32_t>(type)) + " n=" + std::to_string(n));
            check_ternary(type, ne, bytes, vals, scales);
        }
    }
}

TEST(types_quantize, FloatTypesRoundTrip) {
    const auto x = random_floats(3 * 40, 7, -1000, 1000);
    EXPECT_EQ(dequant_all(make_view(TypeId::F32, {40, 3}, encode_f32(x))), x);
    const auto h = dequant_all(make_view(TypeId::F16, {40, 3}, encode_f16(x)));
    const auto b = dequant_all(make_view(TypeId::BF16, {40, 3}, encode_bf16(x)));
    for (size_t i = 0; i < x.size(); ++i) {
        EXPECT_EQ(h[i], f16_to_f32(f32_to_f16(x[i])));
        EXPECT_LE(std::fabs(h[i] - x[i]), std::fabs(x[i]) * 0x1p-11f);  // half an f16 ulp
        EXPECT_EQ(b[i], bf16_to_f32(f32_to_bf16(x[i])));
        EXPECT_LE(std::fabs(b[i] - x[i]), std::fabs(x[i]) * 0x1p-8f);   // half a bf16 ulp
    }
}

TEST(types_quantize, Q80ErrorWithinHalfAStep) {
    auto x = random_floats(32 * 6, 11);
    std::fill(x.begin() + 32, x.begin() + 64, 0.0f);  // an all-zero block
    const auto bytes = encode_q8_0(x);
    const auto y = dequant_all(make_view(TypeId::Q8_0, {64, 3}, bytes));
    for (size_t b = 0; b < 6; ++b) {
        float amax = 0;
        for (int i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(x[32 * b + i]));
        const float step = amax / 127;
        for (int i = 0; i < 32; ++i)
            ASSERT_LE(std::fabs(y[32 * b + i] - x[32 * b + i]), step * 0.51f + 1e-7f) << b << " " << i;
    }
}

TEST(types_quantize, Q6KErrorSmall) {
    auto x = random_floats(256 * 4, 13);
    // Make sub-blocks of very different magnitudes, as real weights have.
    for (size_t i = 0; i < 256; ++i) x[i] *= (i / 16 % 3 == 0) ? 0.01f : 1.0f;
    std::fill(x.begin() + 512, x.begin() + 768, 0.0f);
    const auto bytes = encode_q6_k(x);
    const auto y = dequant_all(make_view(TypeId::Q6_K, {512, 2}, bytes));
    for (size_t b = 0; b < 4; ++b) {
        float amax = 0;
        for (int i = 0; i < 256; ++i) amax = std::max(amax, std::fabs(x[256 * b + i]));
        for (int i = 0; i < 256; ++i) {
            // Sub-block steps are about amax_sub/31, the int8 scale rounding adds d = amax/(31*127).
            ASSERT_LE(std::fabs(y[256 * b + i] - x[256 * b + i]), amax / 50 + 1e-7f) << b << " " << i;
        }
    }
    // Zero in, zero out.
    for (size_t i = 512; i < 768; ++i) EXPECT_EQ(y[i], 0.0f);
}

// Q4_K / Q5_K: each value within the bound of the format (code rounding, half a step of at most
// 2 amax / 15 or / 31, plus the 6-bit rounding of the step and offset: 0.114 and 0.08 amax, see
// encode_qk), the relative RMS error small, 5 bits better than 4, and zeros decode to zero.
TEST(types_quantize, Q4KAndQ5KErrorSmall) {
    auto x = random_floats(256 * 4, 17);
    for (size_t i = 0; i < 256; ++i) x[i] *= (i / 32 % 3 == 0) ? 0.01f : 1.0f;
    for (size_t i = 256; i < 512; ++i) x[i] = std::fabs(x[i]) + 0.5f;  // a block with no negative value
    std::fill(x.begin() + 768, x.end(), 0.0f);
    double rel_rms[2];
    for (int five = 0; five < 2; ++five) {
        const auto bytes = five ? encode_q5_k(x) : encode_q4_k(x);
        ASSERT_EQ(bytes.size(), 4u * (five ? 176 : 144));
        const auto y = dequant_all(make_view(five ? TypeId::Q5_K : TypeId::Q4_K, {512, 2}, bytes));
        double err = 0, norm = 0;
        for (size_t b = 0; b < 4; ++b) {
            float amax = 0;
            for (int i = 0; i < 256; ++i) amax = std::max(amax, std::fabs(x[256 * b + i]));
            for (int i = 0; i < 256; ++i) {
                const size_t k = 256 * b + i;
                ASSERT_LE(std::fabs(y[k] - x[k]), amax * (five ? 0.08f : 0.114f) + 1e-7f) << five << " " << k;
                err += (y[k] - x[k]) * (y[k] - x[k]);
                norm += x[k] * x[k];
            }
        }
        for (size_t i = 768; i < 1024; ++i) EXPECT_EQ(y[i], 0.0f);
        rel_rms[five] = std::sqrt(err / norm);
    }
    EXPECT_LT(rel_rms[0], 0.06);
    EXPECT_LT(rel_rms[1], rel_rms[0] * 0.6);
}

TEST(types_quantize, EncodersRejectBadInput) {
    const std::vector<int8_t> two = {0, 2, 0, 0};
    EXPECT_TRUE(throws_error([&] { encode_i2_s(two, 1); }, {"value 2", "index 1"}));
    EXPECT_TRUE(throws_error([] { encode_i2_s(std::vector<int8_t>(6), 1); }, {"multiple of 4"}));
    const std::vector<float> one = {1.0f};
    EXPECT_TRUE(throws_error([&] { encode_tq2_0(std::vector<int8_t>(255), one); }, {"multiple of 256"}));
    EXPECT_TRUE(throws_error([&] { encode_tq1_0(std::vector<int8_t>(512), one); }, {"block scales"}));
    std::vector<int8_t> bad(256, 0);
    bad[200] = -2;
    EXPECT_TRUE(throws_error([&] { encode_tq1_0(bad, one); }, {"index 200"}));
    EXPECT_TRUE(throws_error([&] { encode_tq2_0(bad, one); }, {"index 200"}));
    EXPECT_TRUE(throws_error([] { encode_q8_0(std::vector<float>(33)); }, {"multiple of 32"}));
    EXPECT_TRUE(throws_error([] { encode_q6_k(std::vector<float>(128)); }, {"multiple of 256"}));
    EXPECT_TRUE(throws_error([] { encode_q4_k(std::vector<float>(128)); }, {"multiple of 256"}));
    EXPECT_TRUE(throws_error([] { encode_q5_k(std::vector<float>(300)); }, {"multiple of 256"}));
}
