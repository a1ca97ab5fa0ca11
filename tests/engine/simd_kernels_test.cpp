// The fast CPU ternary kernels against the scalar reference cpu_ternary_rows: every available
// kernel must give bit-identical floats for every ternary type, awkward shapes, extreme
// activations and row sub-ranges.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <cmath>
#include <cstring>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "backend/cpu/cpu_ops.h"
#include "backend/cpu/simd/ternary_kernels.h"
#include "backend/cpu/simd/ternary_repack.h"
#include "tensor/quantize.h"
#include "tern/error.h"
#include "gguf_test_util.h"

namespace tern::simd {

namespace {
// The TERN_CPU_KERNEL spelling, for test names and messages.
std::string isa_name(KernelIsa isa) {
    switch (isa) {
        case KernelIsa::scalar: return "scalar";
        case KernelIsa::avx2: return "avx2";
        case KernelIsa::avx512vnni: return "avx512vnni";
        case KernelIsa::avxvnni: return "avxvnni";
        case KernelIsa::neon: return "neon";
    }
    return "unknown";
}
}  // namespace

// Short parameter names in test output (found by argument-dependent lookup, so not in the
// anonymous namespace).
void PrintTo(KernelIsa isa, std::ostream* os) { *os << isa_name(isa); }

namespace {

// How TQ block scales vary: one for the whole tensor, one per row, or per 256-block with runs of
// equal scales (which the reference sums as integers before scaling).
enum class ScaleMode { tensor, row, block };

struct Matrix {
    std::vector<int8_t> values;
    std::vector<uint8_t> bytes;
    TensorView view;
};

// fill: -2 for random ternary values, otherwise every value is `fill`.
Matrix make_matrix(TypeId type, int k, int rows, ScaleMode mode, uint32_t seed, int fill = -2) {
    std::mt19937 rng(seed);
    Matrix m;
    m.values.resize(static_cast<size_t>(k) * rows);
    for (auto& v : m.values) v = static_cast<int8_t>(fill == -2 ? static_cast<int>(rng() % 3) - 1 : fill);
    if (type == TypeId::I2_S) {
        m.bytes = encode_i2_s(m.values, 0.0625f);
    } else {
        std::vector<float> scales(m.values.size() / 256);
        std::uniform_real_distribution<float> dist(0.01f, 1.0f);
        const size_t per_row = static_cast<size_t>(k) / 256;
        for (size_t b = 0; b < scales.size(); ++b) {
            if (mode == ScaleMode::tensor) scales[b] = 0.046875f;
            else if (mode == ScaleMode::row) scales[b] = b % per_row == 0 ? dist(rng) : scales[b - 1];
            else scales[b] = (b % per_row != 0 && rng() % 2 == 0) ? scales[b - 1] : dist(rng);
        }
        m.bytes = type == TypeId::TQ2_0 ? encode_tq2_0(m.values, scales) : encode_tq1_0(m.values, scales);
    }
    m.view.type = type;
    m.view.ne = {static_cast<uint64_t>(k), static_cast<uint64_t>(rows), 1, 1};
    m.view.data = m.bytes.data();
    m.view.nbytes = m.bytes.size();
    return m;
}

struct Activations {
    std::vector<int8_t> q;
    std::vector<int32_t> sum;
    std::vector<float> scale;
};

Activations quantized_activations(int k, int tokens, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> x(static_cast<size_t>(k) * tokens);
    for (auto& v : x) v = dist(rng);
    Activations a{std::vector<int8_t>(x.size()), std::vector<int32_t>(tokens), std::vector<float>(tokens)};
    for (int t = 0; t < tokens; ++t) {
        const size_t at = static_cast<size_t>(t) * k;
        a.scale[t] = cpu_quantize_row_i8(x.data() + at, k, a.q.data() + at);
        for (int i = 0; i < k; ++i) a.sum[t] += a.q[static_cast<size_t>(t) * k + i];
    }
    return a;
}

Activations constant_activations(int k, int tokens, int8_t q, float scale) {
    return {std::vector<int8_t>(static_cast<size_t>(k) * tokens, q), std::vector<int32_t>(tokens, k * q),
            std::vector<float>(tokens, scale)};
}

// The kernel's ternary_gemm over a; it packs a's tiles first, as the CPU backend does.
void gemm(const TernaryKernel& kernel, const RepackedTernary& w, int64_t r0, int64_t r1, const Activations& a,
          int tokens, float extra_scale, float* out, int out_stride) {
    const int64_t k = w.k;
    std::vector<int32_t> tiles(static_cast<size_t>(tokens) * k / 4);
    pack_tiles(kernel, a.q.data(), tokens, k, tiles.data());
    ternary_gemm(kernel, w, r0, r1, QuantizedBatch{tokens, k, a.q.data(), a.sum.data(), a.scale.data(), tiles.data()},
                 extra_scale, out, out_stride);
}

std::string describe(const Matrix& m, int tokens) {
    return type_name(static_cast<uint32_t>(m.view.type)) + " k=" + std::to_string(m.view.ne[0]) +
           " rows=" + std::to_string(m.view.ne[1]) + " tokens=" + std::to_string(tokens);
}

// Bit patterns, so -0.0 vs 0.0 and NaN payloads count as differences.
void expect_identical(const std::vector<float>& want, const std::vector<float>& got, const std::string& what) {
    ASSERT_EQ(want.size(), got.size());
    for (size_t i = 0; i < want.size(); ++i)
        ASSERT_EQ(std::bit_cast<uint32_t>(want[i]), std::bit_cast<uint32_t>(got[i]))
            << what << ": element " << i << " want " << want[i] << " got " << got[i];
}

class KernelTest : public ::testing::TestWithParam<KernelIsa> {
protected:
    void SetUp() override {
        kernel_ = find_kernel(GetParam());
        if (kernel_ == nullptr) GTEST_SKIP() << "this CPU or build has no " << kernel_name() << " kernel";
    }
    std::string kernel_name() const { return isa_name(GetParam()); }

    // The layouts this kernel reads: the 2-bit one, and the 5-bit field one where it can.
    std::vector<TernaryLayout> layouts() const {
        if (kernel_->fields == nullptr) return {TernaryLayout::planes2};
        return {TernaryLayout::planes2, TernaryLayout::fields5};
    }

    // Reference and kernel over all rows, in every layout the kernel reads; extra_scale != 1 checks
    // it is applied in the same place.
    void check(const Matrix& m, const Activations& a, int tokens, float extra_scale = 1.0f) {
        const int64_t rows = static_cast<int64_t>(m.view.ne[1]);
        std::vector<float> want(static_cast<size_t>(rows) * tokens);
        cpu_ternary_rows(m.view, 0, rows, a.q.data(), a.scale.data(), tokens, extra_scale, want.data(),
                         static_cast<int>(rows));
        for (TernaryLayout layout : layouts()) {
            const RepackedTernary w = repack_ternary(m.view, nullptr, layout);
            std::vector<float> got(want.size(), -1.0f);
            gemm(*kernel_, w, 0, rows, a, tokens, extra_scale, got.data(), static_cast<int>(rows));
            const char* name = w.layout == TernaryLayout::fields5 ? " fields5 " : " planes2 ";
            expect_identical(want, got, kernel_name() + name + describe(m, tokens));
            if (HasFatalFailure()) return;
        }
    }

    void check_shapes(TypeId type, ScaleMode mode, const std::vector<std::array<int, 3>>& shapes) {
        uint32_t seed = 1;
        for (const auto& [rows, k, tokens] : shapes) {
            const Matrix m = make_matrix(type, k, rows, mode, seed);
            check(m, quantized_activations(k, tokens, seed + 1000), tokens, seed % 2 ? 1.0f : 0.7f);
            ++seed;
            if (HasFatalFailure()) return;
        }
    }

    const TernaryKernel* kernel_ = nullptr;
};

// rows, k, tokens: every awkward row count, row length and token count at least once, and token
// counts on both sides of every kernel's tile (4 and 16).
const std::vector<std::array<int, 3>> kI2sShapes = {
    {1, 128, 1},   {3, 256, 2},    {5, 384, 3},    {17, 2560, 7}, {640, 128, 8}, {17, 6912, 9}, {5, 2560, 33},
    {2560, 256, 1}, {640, 2560, 1}, {3, 6912, 8},  {33, 384, 9},  {1, 6912, 33}, {5, 256, 17}, {3, 512, 31}};
const std::vector<std::array<int, 3>> kTqShapes = {
    {1, 256, 1},  {3, 256, 2},   {5, 512, 3},    {17, 2560, 7}, {640, 256, 8}, {17, 6912, 9},
    {5, 2560, 33}, {2560, 256, 1}, {640, 2560, 1}, {3, 6912, 8}, {1, 6912, 33}, {5, 256, 17}, {3, 512, 31}};

TEST_P(KernelTest, MatchesReferenceI2S) { check_shapes(TypeId::I2_S, ScaleMode::tensor, kI2sShapes); }
TEST_P(KernelTest, MatchesReferenceTQ2UniformScales) { check_shapes(TypeId::TQ2_0, ScaleMode::tensor, kTqShapes); }
TEST_P(KernelTest, MatchesReferenceTQ2PerRowScales) { check_shapes(TypeId::TQ2_0, ScaleMode::row, kTqShapes); }
TEST_P(KernelTest, MatchesReferenceTQ2BlockScales) { check_shapes(TypeId::TQ2_0, ScaleMode::block, kTqShapes); }
TEST_P(KernelTest, MatchesReferenceTQ1) { check_shapes(TypeId::TQ1_0, ScaleMode::block, kTqShapes); }

// I2_S rows that do not start on a 128-block (k % 128 != 0): the layout only needs k % 16.
TEST_P(KernelTest, MatchesReferenceI2SUnalignedRows) {
    check_shapes(TypeId::I2_S, ScaleMode::tensor, {{3, 16, 1}, {5, 48, 3}, {17, 144, 9}, {7, 2576, 5}});
}

// Codes all 2, all 0 or all 1 against constant q of +-127 and -128 over the longest rows: any
// int16 accumulation that wraps or saturates shows up here (6912 * 2 * 128 is far past 32767).
TEST_P(KernelTest, ExtremeActivationsDoNotOverflow) {
    const int k = 6912, rows = 17, tokens = 9;
    for (int fill : {1, -1, 0})
        for (int8_t q : {int8_t{127}, int8_t{-127}, int8_t{-128}}) {
            for (TypeId type : {TypeId::I2_S, TypeId::TQ2_0}) {
                const Matrix m = make_matrix(type, k, rows, ScaleMode::tensor, 7, fill);
                check(m, constant_activations(k, tokens, q, 1.0f), tokens);
                if (HasFatalFailure()) return;
            }
            // The exact integer is known: fill * q * k.
            const Matrix m = make_matrix(TypeId::I2_S, k, rows, ScaleMode::tensor, 7, fill);
            const Activations a = constant_activations(k, 1, q, 1.0f);
            for (TernaryLayout layout : layouts()) {
                std::vector<float> got(rows);
                gemm(*kernel_, repack_ternary(m.view, nullptr, layout), 0, rows, a, 1, 1.0f, got.data(), rows);
                EXPECT_EQ(got[rows - 1], static_cast<float>(fill * q * k) * 0.0625f)
                    << "fill " << fill << " q " << int{q};
            }
        }
    // Alternating extremes line up with the code layout's planes.
    const Matrix m = make_matrix(TypeId::TQ2_0, k, 33, ScaleMode::block, 9, 1);
    Activations a = constant_activations(k, 3, 127, 0.5f);
    for (size_t i = 0; i < a.q.size(); ++i) a.q[i] = (i / 4) % 2 ? int8_t{-128} : int8_t{127};
    for (int t = 0; t < 3; ++t) {
        a.sum[t] = 0;
        for (int i = 0; i < k; ++i) a.sum[t] += a.q[static_cast<size_t>(t) * k + i];
    }
    check(m, a, 3);
}

TEST_P(KernelTest, RowRangeWritesOnlyItsRows) {
    const int k = 512, rows = 70, tokens = 5;
    const Activations a = quantized_activations(k, tokens, 12);
    const float sentinel = std::numeric_limits<float>::quiet_NaN();
    const std::vector<std::pair<int, int>> ranges = {{0, 0}, {5, 23}, {16, 32}, {3, 4}, {31, 70}, {69, 70}};
    // Per-row scales give one segment (the kernel's scale_group writes the rows); block scales give
    // several (the shared epilogue does).
    for (auto [mode, layout] : {std::pair{ScaleMode::row, TernaryLayout::planes2}, {ScaleMode::block, TernaryLayout::planes2},
                                {ScaleMode::row, TernaryLayout::fields5}}) {
        if (layout == TernaryLayout::fields5 && kernel_->fields == nullptr) continue;
        const Matrix m = make_matrix(TypeId::TQ2_0, k, rows, mode, 11);
        const RepackedTernary w = repack_ternary(m.view, nullptr, layout);
        ASSERT_EQ(w.n_seg, mode == ScaleMode::row ? 1 : 2);
        ASSERT_EQ(w.layout, layout);
        std::vector<float> want(static_cast<size_t>(rows) * tokens);
        cpu_ternary_rows(m.view, 0, rows, a.q.data(), a.scale.data(), tokens, 1.0f, want.data(), rows);
        for (const auto& [r0, r1] : ranges) {
            std::vector<float> got(want.size(), sentinel);
            gemm(*kernel_, w, r0, r1, a, tokens, 1.0f, got.data(), rows);
            for (int t = 0; t < tokens; ++t)
                for (int r = 0; r < rows; ++r) {
                    const size_t i = static_cast<size_t>(t) * rows + r;
                    const float g = got[i];
                    if (r >= r0 && r < r1)
                        ASSERT_EQ(std::bit_cast<uint32_t>(g), std::bit_cast<uint32_t>(want[i]))
                            << "rows [" << r0 << "," << r1 << ") t " << t << " r " << r;
                    else
                        ASSERT_TRUE(std::isnan(g)) << "rows [" << r0 << "," << r1 << ") wrote row " << r;
                }
        }
    }
    const Matrix m = make_matrix(TypeId::TQ2_0, k, rows, ScaleMode::block, 11);
    const RepackedTernary w = repack_ternary(m.view);
    std::vector<float> out(static_cast<size_t>(rows) * tokens);
    EXPECT_THROW(gemm(*kernel_, w, 0, rows + 1, a, tokens, 1.0f, out.data(), rows), Error);
    EXPECT_THROW(gemm(*kernel_, w, 5, 4, a, tokens, 1.0f, out.data(), rows), Error);
    std::vector<int32_t> tiles(a.q.size() / 4);
    EXPECT_THROW(ternary_gemm(*kernel_, w, 0, rows,
                              QuantizedBatch{tokens, k - 16, a.q.data(), a.sum.data(), a.scale.data(), tiles.data()},
                              1.0f, out.data(), rows),
                 Error);
}

// Output rows wider than the matrix (out_stride > rows), as when Q/K/V share one output buffer.
TEST_P(KernelTest, HonoursOutputStride) {
    const int k = 256, rows = 20, tokens = 3, stride = 37;
    const Matrix m = make_matrix(TypeId::TQ1_0, k, rows, ScaleMode::row, 13);
    const Activations a = quantized_activations(k, tokens, 14);
    std::vector<float> want(static_cast<size_t>(stride) * tokens, 0.0f), got(want.size(), 0.0f);
    cpu_ternary_rows(m.view, 0, rows, a.q.data(), a.scale.data(), tokens, 1.0f, want.data(), stride);
    for (TernaryLayout layout : layouts()) {
        gemm(*kernel_, repack_ternary(m.view, nullptr, layout), 0, rows, a, tokens, 1.0f, got.data(), stride);
        expect_identical(want, got, "stride");
    }
}

void expect_quantizer_identical(const TernaryKernel& kernel, const std::vector<float>& x, const std::string& what) {
    const int n = static_cast<int>(x.size());
    std::vector<int8_t> want(x.size()), got(x.size(), 99);
    const float want_s = cpu_quantize_row_i8(x.data(), n, want.data());
    int32_t sum = 12345;
    const float got_s = kernel.quantize_row(x.data(), n, got.data(), &sum);
    ASSERT_EQ(std::bit_cast<uint32_t>(want_s), std::bit_cast<uint32_t>(got_s)) << what;
    ASSERT_EQ(want, got) << what;
    int32_t want_sum = 0;
    for (int8_t v : want) want_sum += v;
    ASSERT_EQ(want_sum, sum) << what;
}

TEST_P(KernelTest, QuantizerBitIdenticalToReference) {
    std::mt19937 rng(21);
    for (int n : {1, 2, 7, 8, 15, 16, 17, 31, 33, 64, 100, 2560, 6912}) {
        std::vector<float> x(n);
        for (auto& v : x) v = std::normal_distribution<float>(0.0f, 3.0f)(rng);
        expect_quantizer_identical(*kernel_, x, "normal n=" + std::to_string(n));
        for (auto& v : x) v = std::uniform_real_distribution<float>(-1e-7f, 1e-7f)(rng);  // below the 1e-5 floor
        expect_quantizer_identical(*kernel_, x, "tiny n=" + std::to_string(n));
        expect_quantizer_identical(*kernel_, std::vector<float>(n, 0.0f), "zeros n=" + std::to_string(n));
    }
}

// Exact ties: with amax = 127 the scale is exactly 1 and j + 0.5 must round to even; with amax =
// 63.5 the scale is 2 and quarter steps tie.
TEST_P(KernelTest, QuantizerRoundsTiesToEven) {
    std::vector<float> x = {127.0f};
    for (int j = -127; j < 127; ++j) x.push_back(static_cast<float>(j) + 0.5f);
    x.push_back(-127.0f);
    expect_quantizer_identical(*kernel_, x, "ties at scale 1");
    std::vector<float> y = {-63.5f};
    for (int j = -126; j < 126; ++j) y.push_back(static_cast<float>(j) / 2.0f + 0.25f);
    expect_quantizer_identical(*kernel_, y, "ties at scale 2");
    std::vector<int8_t> q(x.size());
    int32_t sum = 0;
    kernel_->quantize_row(x.data(), static_cast<int>(x.size()), q.data(), &sum);
    EXPECT_EQ(q[1], -126);  // -126.5
    EXPECT_EQ(q[128], 0);   // 0.5
    EXPECT_EQ(q[129], 2);   // 1.5
}

// The documented tile layout, and packing tile-aligned sub-batches (as the backend's threads do)
// gives the same words as packing the whole batch.
TEST_P(KernelTest, PacksTokenTilesIndependently) {
    const int k = 48, tokens = 37, tile = kernel_->max_tile_tokens, words = k / 4;
    std::vector<int8_t> q(static_cast<size_t>(tokens) * k);
    for (size_t i = 0; i < q.size(); ++i) q[i] = static_cast<int8_t>(i * 7 % 256);
    std::vector<int32_t> whole(q.size() / 4), parts(q.size() / 4);
    pack_tiles(*kernel_, q.data(), tokens, k, whole.data());
    for (int t0 = 0; t0 < tokens; t0 += tile)
        pack_tiles(*kernel_, q.data() + t0 * k, std::min(tile, tokens - t0), k, parts.data() + t0 * words);
    EXPECT_EQ(whole, parts);
    for (int t = 0; t < tokens; ++t)
        for (int j = 0; j < words; ++j) {
            const int t0 = t / tile * tile, nt = std::min(tile, tokens - t0);
            int32_t want;
            std::memcpy(&want, q.data() + t * k + 4 * j, 4);
            ASSERT_EQ(whole[t0 * words + j * nt + (t - t0)], want) << "token " << t << " word " << j;
        }
}

INSTANTIATE_TEST_SUITE_P(SimdKernels, KernelTest,
                         ::testing::Values(KernelIsa::scalar, KernelIsa::avx2, KernelIsa::avx512vnni, KernelIsa::avxvnni,
                                           KernelIsa::neon),
                         [](const ::testing::TestParamInfo<KernelIsa>& info) { return isa_name(info.param); });

TEST(SimdRepack, RoundTripsEveryTernaryType) {
    for (TypeId type : {TypeId::I2_S, TypeId::TQ2_0, TypeId::TQ1_0}) {
        const int k = 512, rows = 19;
        const Matrix m = make_matrix(type, k, rows, ScaleMode::block, 31);
        const RepackedTernary w = repack_ternary(m.view);
        EXPECT_EQ(w.rows, rows);
        EXPECT_EQ(w.n_groups, 2);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(w.codes.get()) % 64, 0u);
        std::vector<int8_t> row(k);
        for (int r = 0; r < rows; ++r) {
            unpack_row(w, r, row.data());
            ASSERT_TRUE(std::equal(row.begin(), row.end(), m.values.begin() + static_cast<ptrdiff_t>(r) * k))
                << type_name(static_cast<uint32_t>(type)) << " row " << r;
        }
        // Padded rows hold code 1 (weight 0) so they add nothing.
        EXPECT_EQ(w.group_codes(1)[kBlockBytes - 1], 0x55);
    }
}

// The 5-bit field layout holds the same weights in 40-byte blocks of 12, for every k % 12 (the
// last block padded), and is given only to one-segment matrices.
TEST(SimdRepack, Fields5RoundTripsAndIsSmaller) {
    for (int k : {16, 32, 48, 128, 256, 2560, 2576}) {
        const int rows = 19;
        const Matrix m = make_matrix(TypeId::I2_S, k, rows, ScaleMode::tensor, 3);
        const RepackedTernary w = repack_ternary(m.view, nullptr, TernaryLayout::fields5);
        ASSERT_EQ(w.layout, TernaryLayout::fields5);
        EXPECT_EQ(w.group_bytes(), static_cast<size_t>((k + 11) / 12 * 40));
        EXPECT_EQ(reinterpret_cast<uintptr_t>(w.codes.get()) % 64, 0u);
        std::vector<int8_t> row(k);
        for (int r = 0; r < rows; ++r) {
            unpack_row(w, r, row.data());
            ASSERT_TRUE(std::equal(row.begin(), row.end(), m.values.begin() + static_cast<ptrdiff_t>(r) * k))
                << "k " << k << " row " << r;
        }
    }
    const RepackedTernary big = repack_ternary(make_matrix(TypeId::I2_S, 2304, 16, ScaleMode::tensor, 1).view, nullptr,
                                               TernaryLayout::fields5);
    EXPECT_EQ(big.code_bytes() * 6, repack_ternary(make_matrix(TypeId::I2_S, 2304, 16, ScaleMode::tensor, 1).view)
                                         .code_bytes() * 5);  // 1.67 of 2 bits per weight
    const RepackedTernary blocks =
        repack_ternary(make_matrix(TypeId::TQ2_0, 1024, 3, ScaleMode::block, 1).view, nullptr, TernaryLayout::fields5);
    EXPECT_EQ(blocks.layout, TernaryLayout::planes2);
}

// A kernel without the 5-bit field reader refuses such a matrix instead of misreading it.
TEST(SimdDispatch, KernelsWithoutFields5RefuseIt) {
    const int k = 256, rows = 4;
    const Matrix m = make_matrix(TypeId::I2_S, k, rows, ScaleMode::tensor, 5);
    const RepackedTernary w = repack_ternary(m.view, nullptr, TernaryLayout::fields5);
    const Activations a = quantized_activations(k, 1, 6);
    std::vector<float> out(rows);
    EXPECT_THROW(gemm(*find_kernel(KernelIsa::scalar), w, 0, rows, a, 1, 1.0f, out.data(), rows), Error);
}

TEST(SimdRepack, OneSegmentWhenEveryRowHasOneScale) {
    EXPECT_EQ(repack_ternary(make_matrix(TypeId::I2_S, 512, 3, ScaleMode::tensor, 1).view).n_seg, 1);
    EXPECT_EQ(repack_ternary(make_matrix(TypeId::TQ2_0, 512, 3, ScaleMode::row, 1).view).n_seg, 1);
    const RepackedTernary w = repack_ternary(make_matrix(TypeId::TQ2_0, 1024, 3, ScaleMode::block, 1).view);
    EXPECT_EQ(w.n_seg, 4);
    EXPECT_EQ(w.seg_len, 256);
}

TEST(SimdRepack, RejectsWhatItCannotHold) {
    std::vector<uint8_t> f32(16 * 4 * 2, 0);
    TensorView v;
    v.type = TypeId::F32;
    v.ne = {16, 2, 1, 1};
    v.data = f32.data();
    v.nbytes = f32.size();
    EXPECT_THROW(repack_ternary(v), Error);
    const std::vector<int8_t> values(12 * 2, 1);
    const std::vector<uint8_t> i2s = encode_i2_s(values, 1.0f);
    v.type = TypeId::I2_S;
    v.ne = {12, 2, 1, 1};  // k % 16 != 0
    v.data = i2s.data();
    v.nbytes = i2s.size();
    EXPECT_THROW(repack_ternary(v), Error);
}

// A corrupt I2_S byte (the unused code 3) in any row stops the load with the format's own error,
// whether the row is read the direct way (k a multiple of 128) or value by value.
TEST(SimdRepack, RejectsI2sCode3InAnyRow) {
    for (int k : {256, 272}) {
        Matrix m = make_matrix(TypeId::I2_S, k, 3, ScaleMode::tensor, 5);
        m.bytes[165] = 0xFF;  // block 5 of the flattened tensor (values 640..767): all in row 2
        EXPECT_TRUE(gguf_test::throws_error([&] { repack_ternary(m.view); }, {"I2_S", "row 2", "code 3"})) << "k " << k;
    }
}

TEST(SimdDispatch, NamesAndAvailability) {
    EXPECT_EQ(parse_kernel_name("scalar"), KernelIsa::scalar);
    EXPECT_EQ(parse_kernel_name("avx2"), KernelIsa::avx2);
    EXPECT_EQ(parse_kernel_name("avx512vnni"), KernelIsa::avx512vnni);
    EXPECT_EQ(parse_kernel_name("avxvnni"), KernelIsa::avxvnni);
    EXPECT_EQ(parse_kernel_name("neon"), KernelIsa::neon);
    EXPECT_FALSE(parse_kernel_name("sve").has_value());
    ASSERT_NE(find_kernel(KernelIsa::scalar), nullptr);
    for (KernelIsa isa :
         {KernelIsa::scalar, KernelIsa::avx2, KernelIsa::avx512vnni, KernelIsa::avxvnni, KernelIsa::neon})
        if (const TernaryKernel* k = find_kernel(isa)) {
            EXPECT_EQ(k->isa, isa);
            EXPECT_EQ(k->name, isa_name(isa));
        }
    // best_kernel is the forced one, or one that find_kernel reports available.
    const TernaryKernel& best = best_kernel();
    EXPECT_EQ(find_kernel(best.isa), &best);
    if (const char* env = std::getenv("TERN_CPU_KERNEL"); env != nullptr && *env != '\0') {
        EXPECT_STREQ(best.name, env);
    } else {
        // Unforced, any SIMD kernel this CPU can run beats the portable one.
        const bool any_simd = find_kernel(KernelIsa::avx2) || find_kernel(KernelIsa::avx512vnni) ||
                              find_kernel(KernelIsa::avxvnni) || find_kernel(KernelIsa::neon);
        EXPECT_EQ(best.isa != KernelIsa::scalar, any_simd);
        // The 512-bit kernel wins where both VNNI kernels run.
        if (find_kernel(KernelIsa::avx512vnni)) {
            EXPECT_EQ(best.isa, KernelIsa::avx512vnni);
        }
    }
}

// quantize_row_i8 (no kernel argument) goes through best_kernel(), and so does the CPU backend.
TEST(SimdDispatch, DefaultEntryPointsMatchTheReference) {
    const int k = 256, rows = 9, tokens = 2;
    const Matrix m = make_matrix(TypeId::TQ2_0, k, rows, ScaleMode::block, 41);
    std::vector<float> x(static_cast<size_t>(k) * tokens);
    std::mt19937 rng(42);
    for (auto& v : x) v = std::normal_distribution<float>(0.0f, 1.0f)(rng);
    Activations a{std::vector<int8_t>(x.size()), std::vector<int32_t>(tokens), std::vector<float>(tokens)};
    for (int t = 0; t < tokens; ++t)
        a.scale[t] = quantize_row_i8(x.data() + t * k, k, a.q.data() + t * k, &a.sum[t]);
    std::vector<float> want(static_cast<size_t>(rows) * tokens), got(want.size());
    cpu_ternary_rows(m.view, 0, rows, a.q.data(), a.scale.data(), tokens, 1.0f, want.data(), rows);
    gemm(best_kernel(), repack_ternary(m.view), 0, rows, a, tokens, 1.0f, got.data(), rows);
    expect_identical(want, got, std::string("best kernel ") + best_kernel().name);
}

}  // namespace
}  // namespace tern::simd
