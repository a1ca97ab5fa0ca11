// The Q4_K / Q5_K head kernels (repack_qk + DenseKernel::qk_packed, per instruction set) against
// the scalar references cpu_q4_k_rows / cpu_q5_k_rows. The kernels repeat the reference's float
// operations in its order, one row per lane, so every output must be the reference's float bit
// for bit: on random shapes (row counts that are not a multiple of the 16-row group or of its
// 8-row half, k = 256 n for several n, several tokens), row sub-ranges starting and ending inside
// groups, wider output strides, and extreme codes, scales, mins, d and activations. The reference
// itself is checked against a double-precision dot of the dequantized weights and activations.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "backend/cpu/cpu_ops.h"
#include "backend/cpu/simd/dense_kernels.h"
#include "backend/cpu/simd/qk_repack.h"
#include "tensor/fp16.h"
#include "tensor/quantize.h"
#include "tern/error.h"

namespace tern::simd {
namespace {

struct QKMatrix {
    std::vector<uint8_t> bytes;
    TensorView view;
};

TensorView view_of(TypeId type, int k, int rows, const std::vector<uint8_t>& bytes) {
    TensorView v;
    v.type = type;
    v.ne = {static_cast<uint64_t>(k), static_cast<uint64_t>(rows), 1, 1};
    v.data = bytes.data();
    v.nbytes = bytes.size();
    return v;
}

// Values as a head's would be (normal, a few rows shifted so the mins matter), through the encoder.
QKMatrix encoded_matrix(TypeId type, int k, int rows, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, 0.5f);
    std::vector<float> v(static_cast<size_t>(k) * rows);
    for (size_t i = 0; i < v.size(); ++i) v[i] = dist(rng) + ((i / k) % 3 == 1 ? 0.8f : 0.0f);
    QKMatrix m;
    m.bytes = type == TypeId::Q5_K ? encode_q5_k(v) : encode_q4_k(v);
    m.view = view_of(type, k, rows, m.bytes);
    return m;
}

std::vector<float> random_activations(int k, int n_tok, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, 2.0f);
    std::vector<float> x(static_cast<size_t>(k) * n_tok);
    for (float& v : x) v = dist(rng);
    return x;
}

void reference(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra, float* out,
               int stride) {
    if (w.type == TypeId::Q5_K)
        cpu_q5_k_rows(w, r0, r1, x, n_tok, extra, out, stride);
    else
        cpu_q4_k_rows(w, r0, r1, x, n_tok, extra, out, stride);
}

std::string isa_name(KernelIsa isa) {
    return isa == KernelIsa::avx2 ? "avx2" : isa == KernelIsa::avx512vnni ? "avx512" : "neon";
}

class QKKernelTest : public ::testing::TestWithParam<KernelIsa> {
protected:
    void SetUp() override {
        if (find_kernel(GetParam()) == nullptr) GTEST_SKIP() << "this CPU lacks the instructions";
        const DenseKernel* kernel = dense_kernel_for(GetParam());
        ASSERT_NE(kernel, nullptr);
        ASSERT_NE(kernel->qk_packed, nullptr) << "no Q4_K / Q5_K kernel for " << isa_name(GetParam());
        fn_ = kernel->qk_packed;
    }

    // Rows [r0, r1) of every token, kernel and reference, compared bit for bit; rows outside the
    // range must keep the sentinel.
    void check(const TensorView& w, const std::vector<float>& x, int n_tok, int r0, int r1, int stride,
               const std::string& what) {
        const float extra = 0.75f;
        std::vector<float> want(static_cast<size_t>(n_tok) * stride, -7.0f), got = want;
        reference(w, r0, r1, x.data(), n_tok, extra, want.data(), stride);
        fn_(repack_qk(w), r0, r1, x.data(), n_tok, extra, got.data(), stride);
        for (int t = 0; t < n_tok; ++t)
            for (int r = 0; r < stride; ++r) {
                const size_t i = static_cast<size_t>(t) * stride + r;
                if (r < r0 || r >= r1) {
                    ASSERT_EQ(got[i], -7.0f) << what << ": wrote row " << r << " outside its range";
                    continue;
                }
                ASSERT_EQ(std::bit_cast<uint32_t>(got[i]), std::bit_cast<uint32_t>(want[i]))
                    << what << " token " << t << " row " << r << ": " << got[i] << " vs the reference's " << want[i];
            }
    }

    void check_encoded(TypeId type, int k, int rows, int n_tok, int r0, int r1, int stride, uint32_t seed) {
        const QKMatrix m = encoded_matrix(type, k, rows, seed);
        const std::vector<float> x = random_activations(k, n_tok, seed + 1);
        check(m.view, x, n_tok, r0, r1, stride,
              type_name(static_cast<uint32_t>(type)) + " k=" + std::to_string(k) + " rows=" + std::to_string(rows) +
                  " tokens=" + std::to_string(n_tok) + " range [" + std::to_string(r0) + ", " + std::to_string(r1) +
                  ")");
    }

    PackedQKRowsFn fn_ = nullptr;
};

TEST_P(QKKernelTest, MatchesReferenceBitForBitOnAwkwardShapes) {
    // rows: 1, under a half-group, one group, between groups, many groups with a partial last one
    const int shapes[][3] = {{256, 1, 1},  {512, 7, 1},   {4096, 33, 1}, {256, 9, 3},
                             {768, 16, 5}, {1024, 13, 2}, {2560, 50, 1}};
    uint32_t seed = 10;
    for (TypeId type : {TypeId::Q4_K, TypeId::Q5_K})
        for (const auto& s : shapes) check_encoded(type, s[0], s[1], s[2], 0, s[1], s[1], seed++);
}

TEST_P(QKKernelTest, RowRangesInsideGroupsAndWiderStride) {
    uint32_t seed = 100;
    for (TypeId type : {TypeId::Q4_K, TypeId::Q5_K}) {
        check_encoded(type, 256, 41, 3, 5, 37, 45, seed++);   // starts and ends inside groups
        check_encoded(type, 512, 21, 2, 17, 18, 21, seed++);  // one row
        check_encoded(type, 256, 24, 2, 8, 16, 24, seed++);   // exactly the second 8-row half
        check_encoded(type, 768, 70, 1, 16, 48, 70, seed++);  // whole groups in the middle
    }
}

// Bytes a file may hold that the encoder never writes: every code, scale and min at random over
// its whole range (nibbles 0..15, fifth bits, 6-bit scales and mins up to 63), and d, dmin from
// the smallest subnormal F16 to 1024; activations quantizing to +-127. Each sub-block's integer
// parts then reach 63 * 31 * 127 * 32 (under 2^24, exact in a float) and the float steps span
// many binades: still the reference's floats, bit for bit.
TEST_P(QKKernelTest, ExtremeBytesMatchReferenceBitForBit) {
    std::mt19937 rng(7);
    const uint16_t d_choices[] = {0x0001, 0x03ff, 0x0400, 0x3c00, 0x6400, 0x1234, 0x0000};
    for (TypeId type : {TypeId::Q4_K, TypeId::Q5_K}) {
        const int k = 1024, rows = 37, block = type == TypeId::Q5_K ? kQ5KBlockBytes : kQ4KBlockBytes;
        std::vector<uint8_t> bytes(static_cast<size_t>(rows) * (k / kQKBlock) * block);
        for (auto& b : bytes) b = static_cast<uint8_t>(rng());
        for (size_t b = 0; b < bytes.size(); b += block) {
            const uint16_t d = d_choices[rng() % 7], dmin = d_choices[rng() % 7];
            std::memcpy(&bytes[b], &d, 2);
            std::memcpy(&bytes[b + 2], &dmin, 2);
            if (b / block % 5 == 0) std::fill(bytes.begin() + b + 4, bytes.begin() + b + block, 0xFF);  // all at max
        }
        std::vector<float> x(static_cast<size_t>(k) * 2);
        for (size_t i = 0; i < x.size(); ++i)
            x[i] = i < static_cast<size_t>(k) ? (i % 3 ? 100.0f : -100.0f) : 1e-30f * (i % 7);
        check(view_of(type, k, rows, bytes), x, 2, 0, rows, rows,
              type_name(static_cast<uint32_t>(type)) + " extreme bytes");
    }
}

INSTANTIATE_TEST_SUITE_P(Isa, QKKernelTest, ::testing::Values(KernelIsa::avx2, KernelIsa::avx512vnni, KernelIsa::neon),
                         [](const auto& info) { return isa_name(info.param); });

// The reference's numbers themselves: for each row, a double-precision dot of the dequantized
// weights (dequantize_row, which types_layout checks against ggml's layout by hand) and the
// Q8_0-rounded activations. The reference sums floats, so it agrees to rounding: within 1e-5 of
// the sum of the sizes of the two terms each weight is made of, |d * scale * code| + |dmin * min|,
// times |x|; the terms, not their difference, set the size of the rounding error.
TEST(QKReference, MatchesDoublePrecisionDotOfDequantizedValues) {
    for (TypeId type : {TypeId::Q4_K, TypeId::Q5_K}) {
        const int k = 1536, rows = 9;
        const QKMatrix m = encoded_matrix(type, k, rows, 42);
        const std::vector<float> x = random_activations(k, 1, 43);
        std::vector<int8_t> xq(k);
        std::vector<float> xd(k / 32);
        cpu_quantize_q8_0_activations(x.data(), k, xq.data(), xd.data());
        std::vector<float> got(rows);
        reference(m.view, 0, rows, x.data(), 1, 1.0f, got.data(), rows);
        std::vector<float> w(k);
        double sum_sq = 0, max_bound = 0;
        const int block = type == TypeId::Q5_K ? kQ5KBlockBytes : kQ4KBlockBytes;
        for (int r = 0; r < rows; ++r) {
            dequantize_row(m.view, r, w.data());
            double want = 0, size = 0;
            for (int i = 0; i < k; ++i) {
                const double xi = static_cast<double>(xq[i]) * xd[i / 32];
                want += static_cast<double>(w[i]) * xi;
                const uint8_t* blk = m.bytes.data() + (static_cast<size_t>(r) * (k / kQKBlock) + i / kQKBlock) * block;
                uint8_t codes[kQKBlock], sc[kQKSubBlocks], mn[kQKSubBlocks];
                qk_codes(blk, type == TypeId::Q5_K, codes, sc, mn);
                const double d = f16_to_f32(static_cast<uint16_t>(blk[0] | blk[1] << 8));
                const double dmin = f16_to_f32(static_cast<uint16_t>(blk[2] | blk[3] << 8));
                const int e = i % kQKBlock;
                size += (d * sc[e / 32] * codes[e] + dmin * mn[e / 32]) * std::fabs(xi);
            }
            EXPECT_NEAR(got[r], want, 1e-5 * size) << type_name(static_cast<uint32_t>(type)) << " row " << r;
            sum_sq += want * want;
            max_bound = std::max(max_bound, 1e-5 * size);
        }
        // The bound is tight enough to mean something: a hundredth of the outputs' typical size.
        EXPECT_LT(max_bound, 1e-2 * std::sqrt(sum_sq / rows));
    }
}

// The CPU backend runs the kernel of the chosen ternary kernel's ISA: every SIMD one has a Q4_K /
// Q5_K kernel. Run with TERN_CPU_KERNEL=neon (the arm64 suite), this also fails when the CPU lacks
// the dot product instead of skipping the NEON cases.
TEST(QKDispatch, ChosenKernelHasAQKKernel) {
    const TernaryKernel& chosen = best_kernel();
    if (chosen.isa == KernelIsa::scalar) GTEST_SKIP() << "the portable kernel runs the reference";
    const DenseKernel* dense = dense_kernel_for(chosen.isa);
    ASSERT_NE(dense, nullptr);
    EXPECT_NE(dense->qk_packed, nullptr) << isa_name(chosen.isa);
}

TEST(QKRepack, RejectsOtherTypes) {
    const std::vector<uint8_t> bytes(kQ6KBlockBytes);
    try {
        repack_qk(view_of(TypeId::Q6_K, 256, 1, bytes));
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("Q6_K is not Q4_K or Q5_K"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace tern::simd
