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
