// The fast dense kernels against the scalar references: F16 weights with float activations
// (cpu_dense_rows), Q8_0 weights, as stored or repacked, and repacked Q6_K weights, with Q8_0
// activations (cpu_q8_0_rows, cpu_q6_k_rows). They add in a different order, so each output must lie within a rounding bound
// of the reference: |fast - ref| <= 1e-5 * sum |w * x| (the scale a dot product's rounding error
// is proportional to), on random and awkward shapes, row sub-ranges and output strides.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "backend/cpu/cpu_ops.h"
#include "backend/cpu/simd/dense_kernels.h"
#include "tensor/quantize.h"

namespace tern::simd {
namespace {

struct DenseMatrix {
    std::vector<uint8_t> bytes;
    std::vector<float> values;  // dequantized, for the error bound
    TensorView view;
};

DenseMatrix make_matrix(TypeId type, int k, int rows, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, 0.5f);
    std::vector<float> v(static_cast<size_t>(k) * rows);
    for (float& x : v) x = dist(rng);
    DenseMatrix m;
    m.bytes = type == TypeId::F16 ? encode_f16(v) : type == TypeId::Q6_K ? encode_q6_k(v) : encode_q8_0(v);
    m.view.type = type;
    m.view.ne = {static_cast<uint64_t>(k), static_cast<uint64_t>(rows), 1, 1};
    m.view.data = m.bytes.data();
    m.view.nbytes = m.bytes.size();
    m.values.resize(v.size());
    for (int r = 0; r < rows; ++r) dequantize_row(m.view, r, m.values.data() + static_cast<size_t>(r) * k);
    return m;
}

std::vector<float> random_activations(int k, int n_tok, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, 2.0f);
    std::vector<float> x(static_cast<size_t>(k) * n_tok);
    for (float& v : x) v = dist(rng);
    return x;
}

class DenseKernelTest : public ::testing::TestWithParam<KernelIsa> {
protected:
    void SetUp() override {
        if (find_kernel(GetParam()) == nullptr) GTEST_SKIP() << "this CPU lacks the instructions";
        kernel_ = dense_kernel_for(GetParam());
        ASSERT_NE(kernel_, nullptr);
    }

    // Rows [r0, r1) of every token through the kernel and the reference.
    // packed: the Q8_0 matrix regrouped by repack_q8_0, through the kernel's q8_0_packed (the test skips
    // where the kernel has none), or the Q6_K matrix by repack_q6_k (every SIMD ISA runs it).
    void check(TypeId type, int k, int rows, int n_tok, int r0, int r1, int out_stride, uint32_t seed,
               bool packed = false) {
        const DenseMatrix m = make_matrix(type, k, rows, seed);
        const std::vector<float> x = random_activations(k, n_tok, seed + 1);
        const float extra = 0.75f;
        std::vector<float> want(static_cast<size_t>(n_tok) * out_stride, -7.0f), got = want;
        if (type == TypeId::Q8_0)
            cpu_q8_0_rows(m.view, r0, r1, x.data(), n_tok, extra, want.data(), out_stride);
        else if (type == TypeId::Q6_K)
            cpu_q6_k_rows(m.view, r0, r1, x.data(), n_tok, extra, want.data(), out_stride);
        else
            cpu_dense_rows(m.view, r0, r1, x.data(), n_tok, extra, want.data(), out_stride);
        if (type == TypeId::Q6_K) {
            ASSERT_NE(kernel_->q6_k_packed, nullptr);
            kernel_->q6_k_packed(repack_q6_k(m.view), r0, r1, x.data(), n_tok, extra, got.data(), out_stride);
        } else if (packed) {
            ASSERT_NE(kernel_->q8_0_packed, nullptr);  // the test skips an ISA without one
            kernel_->q8_0_packed(repack_q8_0(m.view), r0, r1, x.data(), n_tok, extra, got.data(), out_stride);
        } else {
            DenseRowsFn fn = dense_rows_fn(*kernel_, type);
            ASSERT_NE(fn, nullptr);  // the Q8_0 test skips an ISA that only runs it repacked
            fn(m.view, r0, r1, x.data(), n_tok, extra, got.data(), out_stride);
        }
        const std::string what = std::string(type == TypeId::F16    ? "F16"
                                             : type == TypeId::Q6_K ? "repacked Q6_K"
                                             : packed               ? "repacked Q8_0"
                                                                    : "Q8_0") +
                                 " k=" + std::to_string(k) + " rows=" + std::to_string(rows) +
                                 " tokens=" + std::to_string(n_tok);
        for (int t = 0; t < n_tok; ++t) {
            for (int r = 0; r < out_stride; ++r) {
                const size_t i = static_cast<size_t>(t) * out_stride + r;
                if (r < r0 || r >= r1) {
                    ASSERT_EQ(got[i], -7.0f) << what << ": wrote row " << r << " outside its range";
                    continue;
                }
                double magnitude = 0;
                for (int c = 0; c < k; ++c)
                    magnitude +=
                        std::fabs(m.values[static_cast<size_t>(r) * k + c] * x[static_cast<size_t>(t) * k + c]);
                ASSERT_NEAR(got[i], want[i], 1e-5 * magnitude * extra + 1e-30)
                    << what << " token " << t << " row " << r;
            }
        }
    }

    const DenseKernel* kernel_ = nullptr;
};

TEST_P(DenseKernelTest, F16MatchesReferenceOnAwkwardShapes) {
    // k not a multiple of 32 exercises the scalar tail; rows not a multiple of
    // the row tile, and token counts around the token tile, exercise the edge tiles.
    const int shapes[][3] = {{32, 1, 1}, {64, 7, 1},   {2560, 33, 1}, {100, 9, 3},
                             {47, 5, 2}, {256, 16, 5}, {1024, 13, 8}, {96, 4, 17}};
    uint32_t seed = 1;
    for (const auto& s : shapes) check(TypeId::F16, s[0], s[1], s[2], 0, s[1], s[1], seed++);
}

TEST_P(DenseKernelTest, Q8_0MatchesReferenceOnAwkwardShapes) {
    // Every ISA runs Q8_0 one way or the other; one that only runs it repacked is checked by
    // RepackedQ8_0MatchesReference.
    ASSERT_TRUE(dense_rows_fn(*kernel_, TypeId::Q8_0) != nullptr || kernel_->q8_0_packed != nullptr);
    if (dense_rows_fn(*kernel_, TypeId::Q8_0) == nullptr)
        GTEST_SKIP() << "this ISA runs Q8_0 only repacked (RepackedQ8_0MatchesReference checks it)";
    const int shapes[][3] = {{32, 1, 1},   {64, 7, 1},    {2560, 33, 1}, {96, 9, 3},
                             {256, 16, 5}, {1024, 13, 8}, {64, 4, 17}};
    uint32_t seed = 100;
    for (const auto& s : shapes) check(TypeId::Q8_0, s[0], s[1], s[2], 0, s[1], s[1], seed++);
}

TEST_P(DenseKernelTest, RepackedQ8_0MatchesReference) {
    if (kernel_->q8_0_packed == nullptr) GTEST_SKIP() << "no repacked Q8_0 kernel for this ISA";
    const int shapes[][3] = {{32, 1, 1},   {64, 7, 1},    {2560, 33, 1}, {96, 9, 3},
                             {256, 16, 5}, {1024, 13, 8}, {64, 4, 17},   {160, 40, 2}};
    uint32_t seed = 200;
    for (const auto& s : shapes) check(TypeId::Q8_0, s[0], s[1], s[2], 0, s[1], s[1], seed++, true);
    // Ranges that start and end inside 16-row groups, and a wider output stride.
    check(TypeId::Q8_0, 160, 41, 3, 5, 37, 45, 300, true);
    check(TypeId::Q8_0, 64, 21, 2, 17, 18, 21, 301, true);
}

// Weights of -128 (possible in a Q8_0 file, never from the quantizer) and activations at both
// ends: the biased unsigned weights must still give exact integer dots.
TEST_P(DenseKernelTest, RepackedQ8_0ExtremeValues) {
    if (kernel_->q8_0_packed == nullptr) GTEST_SKIP() << "no repacked Q8_0 kernel";
    const int k = 2560, rows = 19;
    std::vector<uint8_t> bytes(static_cast<size_t>(rows) * (k / 32) * 34);
    for (size_t b = 0; b < bytes.size() / 34; ++b) {
        bytes[b * 34] = 0x00;  // scale 1.0 as F16 (0x3c00)
        bytes[b * 34 + 1] = 0x3c;
        for (int i = 0; i < 32; ++i) bytes[b * 34 + 2 + i] = (b + i) % 3 == 0 ? 0x80 : (b + i) % 3 == 1 ? 0x7f : 0x81;
    }
    TensorView v;
    v.type = TypeId::Q8_0;
    v.ne = {static_cast<uint64_t>(k), static_cast<uint64_t>(rows), 1, 1};
    v.data = bytes.data();
    v.nbytes = bytes.size();
    std::vector<float> x(k);
    for (int i = 0; i < k; ++i) x[i] = i % 2 ? 100.0f : -100.0f;  // quantizes to +-127
    std::vector<float> want(rows), got(rows);
    cpu_q8_0_rows(v, 0, rows, x.data(), 1, 1.0f, want.data(), rows);
    kernel_->q8_0_packed(repack_q8_0(v), 0, rows, x.data(), 1, 1.0f, got.data(), rows);
    for (int r = 0; r < rows; ++r) EXPECT_NEAR(got[r], want[r], 1e-5 * std::fabs(want[r]) + 1e-3) << "row " << r;
}

TEST_P(DenseKernelTest, RepackedQ6_KMatchesReference) {
    const int shapes[][3] = {{256, 1, 1}, {512, 7, 1}, {2560, 33, 1}, {256, 9, 3}, {768, 16, 5}, {1024, 13, 8}};
    uint32_t seed = 400;
    for (const auto& s : shapes) check(TypeId::Q6_K, s[0], s[1], s[2], 0, s[1], s[1], seed++);
    // Ranges that start and end inside 16-row groups and inside their 8-row halves.
    check(TypeId::Q6_K, 256, 41, 3, 5, 37, 45, 500);
    check(TypeId::Q6_K, 512, 21, 2, 17, 18, 21, 501);
    check(TypeId::Q6_K, 256, 24, 2, 8, 16, 24, 502);
}

// Codes at both ends (0 and 63), sub-block scales of -128 and 127 (a Q6_K file may hold either;
// the quantizer writes neither) and activations of 127: each 32-block's integer part reaches
// 2 * 16 * 32 * 127 * 128, just under 2^24, and must stay exact.
TEST_P(DenseKernelTest, RepackedQ6_KExtremeValues) {
    const int k = 2560, rows = 19, nb = k / kQ6KBlock;
    std::vector<uint8_t> bytes(static_cast<size_t>(rows) * nb * kQ6KBlockBytes);
    for (int r = 0; r < rows; ++r)
        for (int b = 0; b < nb; ++b) {
            uint8_t* blk = bytes.data() + (static_cast<size_t>(r) * nb + b) * kQ6KBlockBytes;
            std::fill(blk, blk + 192, r % 2 ? 0xFF : 0x00);  // codes 63 or 0
            std::fill(blk + 192, blk + 208, r % 3 ? 0x80 : 0x7F);
            blk[208] = 0x00;  // d = 1.0 as F16 (0x3c00)
            blk[209] = 0x3c;
        }
    TensorView v;
    v.type = TypeId::Q6_K;
    v.ne = {static_cast<uint64_t>(k), static_cast<uint64_t>(rows), 1, 1};
    v.data = bytes.data();
    v.nbytes = bytes.size();
    const std::vector<float> x(k, 100.0f);  // quantizes to 127
    std::vector<float> want(rows), got(rows);
    cpu_q6_k_rows(v, 0, rows, x.data(), 1, 1.0f, want.data(), rows);
    kernel_->q6_k_packed(repack_q6_k(v), 0, rows, x.data(), 1, 1.0f, got.data(), rows);
    for (int r = 0; r < rows; ++r) {
        const double expect = k * (r % 2 ? 31.0 : -32.0) * (r % 3 ? -128.0 : 127.0) * 100.0;
        EXPECT_NEAR(want[r], expect, 1e-5 * std::fabs(expect)) << "row " << r;
        EXPECT_NEAR(got[r], want[r], 1e-5 * std::fabs(want[r])) << "row " << r;
    }
}

TEST_P(DenseKernelTest, RowRangeAndStride) {
    check(TypeId::F16, 160, 21, 6, 5, 18, 25, 7);
    // Q8_0 the way this ISA runs it (AVX-512: repacked only).
    check(TypeId::Q8_0, 160, 21, 6, 3, 4, 21, 8, dense_rows_fn(*kernel_, TypeId::Q8_0) == nullptr);
}

INSTANTIATE_TEST_SUITE_P(Isa, DenseKernelTest, ::testing::Values(KernelIsa::avx2, KernelIsa::avx512vnni),
                         [](const auto& info) { return info.param == KernelIsa::avx2 ? "avx2" : "avx512"; });

TEST(DenseDispatch, ScalarUsesTheReference) { EXPECT_EQ(dense_kernel_for(KernelIsa::scalar), nullptr); }

// AVX-VNNI CPUs have no AVX-512: their dense kernels are the AVX2 ones.
TEST(DenseDispatch, AvxVnniUsesTheAvx2Kernels) {
    EXPECT_EQ(dense_kernel_for(KernelIsa::avxvnni), dense_kernel_for(KernelIsa::avx2));
}

}  // namespace
}  // namespace tern::simd
