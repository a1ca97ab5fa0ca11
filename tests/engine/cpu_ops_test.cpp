// The scalar reference kernels at the bit level: these define the engine's numerics.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "backend/cpu/cpu_ops.h"
#include "gguf_test_util.h"
#include "tensor/quantize.h"

namespace tern {
namespace {

TEST(CpuOps, ActivationQuantizationRoundsHalfToEven) {
    const std::vector<float> x = {127.0f, 2.5f, -2.5f, 3.5f, 0.5f, -0.5f, 1.5f, 126.5f};
    std::vector<int8_t> q(x.size());
    EXPECT_FLOAT_EQ(cpu_quantize_row_i8(x.data(), static_cast<int>(x.size()), q.data()), 1.0f);
    EXPECT_EQ(q, (std::vector<int8_t>{127, 2, -2, 4, 0, 0, 2, 126}));
}

TEST(CpuOps, ActivationQuantizationUsesAbsmaxAndFloor) {
    std::vector<float> x = {-4.0f, 2.0f, 1.0f};
    std::vector<int8_t> q(3);
    EXPECT_FLOAT_EQ(cpu_quantize_row_i8(x.data(), 3, q.data()), 127.0f / 4.0f);
    EXPECT_EQ(q, (std::vector<int8_t>{-127, 64, 32}));  // 63.5 rounds to the even 64, 31.75 to 32
    std::vector<float> zeros(5, 0.0f);
    std::vector<int8_t> qz(5, 9);
    EXPECT_FLOAT_EQ(cpu_quantize_row_i8(zeros.data(), 5, qz.data()), 127.0f / 1e-5f);
    EXPECT_EQ(qz, std::vector<int8_t>(5, 0));
}

// Integer dot products with the ternary codes, scaled by weight scale / activation scale, for
// every ternary type and awkward row lengths.
void check_ternary(TypeId type, int k, int rows, int tokens) {
    std::mt19937 rng(k * 31 + rows);
    std::vector<int8_t> w(static_cast<size_t>(k) * rows);
    for (auto& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
    const float scale = 0.0625f;
    std::vector<uint8_t> bytes;
    if (type == TypeId::I2_S) bytes = encode_i2_s(w, scale);
    else if (type == TypeId::TQ2_0) bytes = encode_tq2_0(w, std::vector<float>(w.size() / 256, scale));
    else bytes = encode_tq1_0(w, std::vector<float>(w.size() / 256, scale));
    const TensorView view = gguf_test::make_view(type, {static_cast<uint64_t>(k), static_cast<uint64_t>(rows)}, bytes);

    std::vector<float> x(static_cast<size_t>(k) * tokens);
    for (auto& v : x) v = std::normal_distribution<float>(0, 1)(rng);
    std::vector<int8_t> q(x.size());
    std::vector<float> s(tokens);
    for (int t = 0; t < tokens; ++t) s[t] = cpu_quantize_row_i8(x.data() + t * k, k, q.data() + t * k);
    std::vector<float> out(static_cast<size_t>(tokens) * rows);
    cpu_ternary_rows(view, 0, rows, q.data(), s.data(), tokens, 1.0f, out.data(), rows);
    for (int t = 0; t < tokens; ++t)
        for (int r = 0; r < rows; ++r) {
            int64_t dot = 0;
            for (int c = 0; c < k; ++c) dot += w[static_cast<size_t>(r) * k + c] * q[static_cast<size_t>(t) * k + c];
            const float want = static_cast<float>(dot) * scale / s[t];
            ASSERT_NEAR(out[static_cast<size_t>(t) * rows + r], want, 1e-6f * (1 + std::fabs(want)))
                << type_name(static_cast<uint32_t>(type)) << " k=" << k << " row " << r << " token " << t;
        }
}

TEST(CpuOps, TernaryRowsMatchIntegerDotProducts) {
    for (int k : {128, 256, 384, 2560}) check_ternary(TypeId::I2_S, k, 7, 3);
    for (int k : {4, 100, 200}) check_ternary(TypeId::I2_S, k, 5, 2);  // not a multiple of 128
    for (int k : {256, 512, 768}) {
        check_ternary(TypeId::TQ2_0, k, 9, 2);
        check_ternary(TypeId::TQ1_0, k, 9, 2);
    }
}

TEST(CpuOps, RopeNeoxRotatesHalvesAndKeepsNorms) {
    std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8};  // one head of 8
    std::vector<float> y = x;
    const RopeConfig r{true, 8, 10000.0f};
    cpu_rope(y.data(), 1, 0, r);
    EXPECT_EQ(x, y);  // position 0 is the identity
    cpu_rope(y.data(), 1, 3, r);
    // Dimension 0 pairs with 4 (rotate half), angle 3 * theta^0 = 3.
    EXPECT_NEAR(y[0], 1 * std::cos(3.0) - 5 * std::sin(3.0), 1e-5);
    EXPECT_NEAR(y[4], 1 * std::sin(3.0) + 5 * std::cos(3.0), 1e-5);
    const double a = 3 * std::pow(10000.0, -2.0 / 8);
    EXPECT_NEAR(y[1], 2 * std::cos(a) - 6 * std::sin(a), 1e-5);
}

TEST(CpuOps, RopeNormalRotatesAdjacentPairs) {
    // llama.cpp's "normal" mode (llama arch): dimensions 2i and 2i+1 turn together by the angle
    // of pair i, in every head.
    std::vector<float> y = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};  // three heads of 4
    const RopeConfig r{false, 4, 10000.0f};
    cpu_rope(y.data(), 3, 5, r);
    for (int h = 0; h < 3; ++h)
        for (int i = 0; i < 2; ++i) {
            const double ang = 5 * std::pow(10000.0, -2.0 * i / 4);
            const double x0 = 4 * h + 2 * i + 1, x1 = x0 + 1;
            EXPECT_NEAR(y[4 * h + 2 * i], x0 * std::cos(ang) - x1 * std::sin(ang), 1e-5) << h << " " << i;
            EXPECT_NEAR(y[4 * h + 2 * i + 1], x0 * std::sin(ang) + x1 * std::cos(ang), 1e-5) << h << " " << i;
        }
}

TEST(CpuOps, RopeFrequencyScaleAndFactors) {
    // Linear scaling divides the position by the factor; rope_freqs divides each pair's
    // frequency: position 8 with scale 1/4 and factor 2 on pair 1 is position 2 unscaled on
    // pair 0 and position 1 on pair 1.
    const std::vector<float> factors = {1.0f, 2.0f};
    RopeConfig scaled{false, 4, 10000.0f, 0.25f, factors};
    std::vector<float> got = {1, 2, 3, 4}, want0 = got, want1 = got;
    cpu_rope(got.data(), 1, 8, scaled);
    cpu_rope(want0.data(), 1, 2, RopeConfig{false, 4, 10000.0f});
    cpu_rope(want1.data(), 1, 1, RopeConfig{false, 4, 10000.0f});
    EXPECT_NEAR(got[0], want0[0], 1e-6);
    EXPECT_NEAR(got[1], want0[1], 1e-6);
    EXPECT_NEAR(got[2], want1[2], 1e-6);
    EXPECT_NEAR(got[3], want1[3], 1e-6);
}

TEST(CpuOps, RopeYarnKeepsFastPairsInterpolatesSlowOnesAndScales) {
    // Head size 64, base 10000, original context 64, factor 4: llama.cpp's correction pairs
    // are 0 (beta 32) and 9 (beta 1). Pair 0 keeps its angle, pairs from 9 on turn 4x slower,
    // and every cos/sin is scaled by 1 + 0.1 ln 4.
    RopeConfig yarn{true, 64, 10000.0f, 0.25f};
    yarn.yarn = RopeYarn{1.0f, 1.0f, 32.0f, 1.0f, 64};
    const RopeConfig plain{true, 64, 10000.0f};
    const RopeConfig linear{true, 64, 10000.0f, 0.25f};
    std::vector<float> yc(32), ys(32), pc(32), ps(32), lc(32), ls(32);
    rope_angles(yarn, 40, yc.data(), ys.data());
    rope_angles(plain, 40, pc.data(), ps.data());
    rope_angles(linear, 40, lc.data(), ls.data());
    const double m = 1 + 0.1 * std::log(4.0);
    EXPECT_NEAR(yc[0], pc[0] * m, 1e-6);
    EXPECT_NEAR(ys[0], ps[0] * m, 1e-6);
    for (int i : {9, 20, 31}) {
        EXPECT_NEAR(yc[i], lc[i] * m, 1e-6) << i;
        EXPECT_NEAR(ys[i], ls[i] * m, 1e-6) << i;
    }
    // In between, the angle lies between the kept and the interpolated one (at position 2,
    // where no angle has wrapped past pi).
    rope_angles(yarn, 2, yc.data(), ys.data());
    rope_angles(plain, 2, pc.data(), ps.data());
    rope_angles(linear, 2, lc.data(), ls.data());
    const double kept = std::atan2(ps[4], pc[4]), interpolated = std::atan2(ls[4], lc[4]);
    const double mixed = std::atan2(ys[4], yc[4]);
    EXPECT_LT(std::min(kept, interpolated), mixed);
    EXPECT_GT(std::max(kept, interpolated), mixed);

    // ext_factor 0: all interpolated, scaled by attn_factor alone (ggml).
    yarn.yarn.ext_factor = 0;
    yarn.yarn.attn_factor = 2;
    rope_angles(yarn, 2, yc.data(), ys.data());
    for (int i : {0, 4, 31}) EXPECT_NEAR(yc[i], 2 * lc[i], 1e-6) << i;
}

TEST(CpuOps, GatedActivations) {
    const float g[] = {-2, 0, 3}, u[] = {5, 5, 2};
    float out[3];
    cpu_glu(g, u, 3, false, out);
    EXPECT_FLOAT_EQ(out[0], 0);
    EXPECT_FLOAT_EQ(out[2], 18);  // relu(3)^2 * 2
    cpu_glu(g, u, 3, true, out);
    EXPECT_NEAR(out[0], -2 / (1 + std::exp(2.0)) * 5, 1e-6);
}

}  // namespace
}  // namespace tern
