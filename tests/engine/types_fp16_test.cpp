// f16 and bf16 conversions: exact round trips and round-to-nearest-even at every tie.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "tensor/fp16.h"
#include "tensor/quantize.h"

using namespace tern;

namespace {

uint32_t bits_of(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

float from_bits(uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

bool is_f16_nan(uint16_t h) { return (h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0; }

}  // namespace

TEST(types_fp16, F16RoundTripsEveryBitPattern) {
    for (uint32_t h = 0; h <= 0xffff; ++h) {
        const float f = f16_to_f32(static_cast<uint16_t>(h));
        const uint16_t back = f32_to_f16(f);
        if (is_f16_nan(static_cast<uint16_t>(h))) {
            ASSERT_TRUE(std::isnan(f)) << std::hex << h;
            ASSERT_TRUE(is_f16_nan(back)) << std::hex << h;
            ASSERT_EQ(back & 0x8000, h & 0x8000) << "NaN keeps its sign, " << std::hex << h;
        } else {
            ASSERT_EQ(back, h) << std::hex << h << " -> " << f;
        }
    }
}

TEST(types_fp16, F16DecodesKnownValues) {
    EXPECT_EQ(f16_to_f32(0x3c00), 1.0f);
    EXPECT_EQ(f16_to_f32(0xc000), -2.0f);
    EXPECT_EQ(f16_to_f32(0x7bff), 65504.0f);
    EXPECT_EQ(f16_to_f32(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
    EXPECT_EQ(f16_to_f32(0x03ff), std::ldexp(1023.0f, -24));  // largest subnormal
    EXPECT_EQ(f16_to_f32(0x0400), std::ldexp(1.0f, -14));  // smallest normal
    EXPECT_EQ(f16_to_f32(0x7c00), std::numeric_limits<float>::infinity());
    EXPECT_EQ(bits_of(f16_to_f32(0x8000)), 0x80000000u);  // -0 keeps its sign
}

// Every tie between two adjacent finite f16 values must round to the one with an even mantissa,
// and anything a hair off the tie must round to the nearer one.
TEST(types_fp16, F32ToF16RoundsToNearestEvenAtEveryTie) {
    for (uint32_t sign : {0u, 0x8000u}) {
        for (uint32_t h = 0; h < 0x7bff; ++h) {
            const float lo = f16_to_f32(static_cast<uint16_t>(sign | h));
            const float hi = f16_to_f32(static_cast<uint16_t>(sign | (h + 1)));
            const float mid = (lo + hi) / 2;  // exact: f32 has 13 more mantissa bits
            const uint16_t even = static_cast<uint16_t>(sign | ((h & 1) ? h + 1 : h));
            ASSERT_EQ(f32_to_f16(mid), even) << std::hex << h;
            ASSERT_EQ(f32_to_f16(std::nextafter(mid, lo)), sign | h) << std::hex << h;
            ASSERT_EQ(f32_to_f16(std::nextafter(mid, hi)), sign | (h + 1)) << std::hex << h;
        }
    }
}

TEST(types_fp16, F32ToF16EdgeCases) {
    EXPECT_EQ(f32_to_f16(1.0f + std::ldexp(1.0f, -11)), 0x3c00);      // tie -> even (1.0)
    EXPECT_EQ(f32_to_f16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);  // tie -> even (up)
    EXPECT_EQ(f32_to_f16(65519.0f), 0x7bff);                          // below the overflow tie
    EXPECT_EQ(f32_to_f16(65520.0f), 0x7c00);                          // the tie rounds to inf
    EXPECT_EQ(f32_to_f16(1e10f), 0x7c00);
    EXPECT_EQ(f32_to_f16(-1e10f), 0xfc00);
    EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -25)), 0x0000);         // tie between 0 and 2^-24 -> 0
    EXPECT_EQ(f32_to_f16(std::ldexp(1.5f, -24)), 0x0002);         // tie between 1 and 2 ulps -> 2
    EXPECT_EQ(f32_to_f16(std::ldexp(1.0001f, -25)), 0x0001);      // just above the tie
    EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -30)), 0x0000);         // underflows to zero
    EXPECT_EQ(f32_to_f16(-std::ldexp(1.0f, -30)), 0x8000);        // ... keeping the sign
    EXPECT_EQ(f32_to_f16(std::ldexp(1023.5f, -24)), 0x0400);      // subnormal rounds up to normal
    EXPECT_EQ(f32_to_f16(std::numeric_limits<float>::infinity()), 0x7c00);
    EXPECT_TRUE(is_f16_nan(f32_to_f16(std::numeric_limits<float>::quiet_NaN())));
    EXPECT_TRUE(is_f16_nan(f32_to_f16(from_bits(0x7f800001))));  // NaN with payload only in low bits
}

TEST(types_fp16, Bf16RoundTripsEveryBitPattern) {
    for (uint32_t h = 0; h <= 0xffff; ++h) {
        const float f = bf16_to_f32(static_cast<uint16_t>(h));
        ASSERT_EQ(bits_of(f), h << 16);
        const uint16_t back = f32_to_bf16(f);
        if ((h & 0x7f80) == 0x7f80 && (h & 0x7f) != 0) {
            ASSERT_TRUE(std::isnan(bf16_to_f32(back))) << std::hex << h;
        } else {
            ASSERT_EQ(back, h) << std::hex << h;
        }
    }
}

TEST(types_fp16, Bf16RoundsToNearestEvenAtEveryTie) {
    for (uint32_t h = 0; h < 0xffff; ++h) {
        if ((h & 0x7fff) >= 0x7f7f) continue;  // h+1 would be inf/NaN or cross the sign
        const uint32_t tie = (h << 16) | 0x8000;
        const uint16_t even = static_cast<uint16_t>((h & 1) ? h + 1 : h);
        ASSERT_EQ(f32_to_bf16(from_bits(tie)), even) << std::hex << h;
        ASSERT_EQ(f32_to_bf16(from_bits(tie - 1)), h) << std::hex << h;
        ASSERT_EQ(f32_to_bf16(from_bits(tie + 1)), h + 1) << std::hex << h;
    }
    // The largest finite bf16 rounds up to infinity past its tie.
    EXPECT_EQ(f32_to_bf16(from_bits(0x7f7f8000)), 0x7f80);
    EXPECT_EQ(f32_to_bf16(std::numeric_limits<float>::max()), 0x7f80);
    const uint16_t nan = f32_to_bf16(from_bits(0x7f800001));  // payload would truncate to inf
    EXPECT_TRUE(std::isnan(bf16_to_f32(nan)));
}

TEST(types_fp16, EncodeBf16AndF16UseTheseConversions) {
    const std::vector<float> v = {1.0f, from_bits(0x3f808000), from_bits(0x3f818000), -3.14159f, 65520.0f};
    const auto b = encode_bf16(v);
    const auto h = encode_f16(v);
    ASSERT_EQ(b.size(), v.size() * 2);
    ASSERT_EQ(h.size(), v.size() * 2);
    for (size_t i = 0; i < v.size(); ++i) {
        uint16_t bv, hv;
        std::memcpy(&bv, b.data() + 2 * i, 2);
        std::memcpy(&hv, h.data() + 2 * i, 2);
        EXPECT_EQ(bv, f32_to_bf16(v[i]));
        EXPECT_EQ(hv, f32_to_f16(v[i]));
    }
    uint16_t first_tie;
    std::memcpy(&first_tie, b.data() + 2, 2);
    EXPECT_EQ(first_tie, 0x3f80);  // 0x3f80_8000 is a tie: stays on the even 0x3f80
    std::memcpy(&first_tie, b.data() + 4, 2);
    EXPECT_EQ(first_tie, 0x3f82);  // 0x3f81_8000 is a tie: goes up to the even 0x3f82
}
