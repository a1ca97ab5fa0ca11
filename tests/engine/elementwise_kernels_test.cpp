// The SIMD element-wise kernels against their scalar references in cpu_ops: bit-identical,
// including the values where a shortcut would differ (signed zeros, NaN and infinite gates).
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "backend/cpu/cpu_ops.h"
#include "backend/cpu/simd/elementwise_kernels.h"
#include "tensor/fp16.h"

namespace tern::simd {
namespace {

TEST(GluRelu2, BitIdenticalToTheReference) {
    const GluFn fast = glu_relu2_for(best_kernel().isa);
    if (fast == nullptr) GTEST_SKIP() << "no SIMD GLU on this CPU";
    std::mt19937 rng(3);
    std::normal_distribution<float> dist(0.0f, 2.0f);
    const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
    const std::vector<float> special = {0.0f, -0.0f, inf, -inf, nan, 1e-30f, -1e-30f, 3e19f, -3e19f};
    // Lengths around the vector width, so the scalar tail runs too.
    for (size_t n : {1u, 7u, 8u, 9u, 31u, 6912u}) {
        std::vector<float> gate(n), up(n), want(n), got(n, 12345.0f);
        for (size_t i = 0; i < n; ++i) {
            gate[i] = i % 5 == 0 ? special[i / 5 % special.size()] : dist(rng);
            up[i] = i % 7 == 0 ? special[(i / 7 + 3) % special.size()] : dist(rng);
        }
        cpu_glu(gate.data(), up.data(), n, false, want.data());
        fast(gate.data(), up.data(), n, got.data());
        for (size_t i = 0; i < n; ++i)
            ASSERT_EQ(std::bit_cast<uint32_t>(want[i]), std::bit_cast<uint32_t>(got[i]))
                << "n " << n << " i " << i << " gate " << gate[i] << " up " << up[i];
    }
}

}  // namespace
}  // namespace tern::simd

namespace tern::simd {
namespace {

// Every float class, rounding ties and NaN payloads: the SIMD conversion and f32_to_f16 agree bit
// for bit.
TEST(ToF16, BitIdenticalToTheReference) {
    const ToF16Fn fast = to_f16_for(best_kernel().isa);
    if (fast == nullptr) GTEST_SKIP() << "no SIMD F16 conversion on this CPU";
    std::vector<float> x;
    const uint32_t special[] = {0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
                                0x7f800001, 0x7fbfffff, 0x7fc02000, 0xffd55555, 0x477ff000, 0x477fefff,
                                0x38800000, 0x387fffff, 0x33000000, 0x33000001, 0x32ffffff, 0x3f801000,
                                0x3f803000, 0x3f800fff, 0x00000001, 0x807fffff, 0x477fe000, 0xc77ff000};
    for (uint32_t bits : special) x.push_back(std::bit_cast<float>(bits));
    std::mt19937 rng(11);
    for (int i = 0; i < 20000; ++i) x.push_back(std::bit_cast<float>(static_cast<uint32_t>(rng())));
    std::normal_distribution<float> dist(0.0f, 3.0f);
    for (int i = 0; i < 1001; ++i) x.push_back(dist(rng));
    std::vector<uint16_t> got(x.size());
    fast(x.data(), x.size(), got.data());
    for (size_t i = 0; i < x.size(); ++i)
        ASSERT_EQ(got[i], f32_to_f16(x[i])) << "i " << i << " bits 0x" << std::hex << std::bit_cast<uint32_t>(x[i]);
}

}  // namespace
}  // namespace tern::simd
