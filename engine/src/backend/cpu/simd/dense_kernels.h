#pragma once
// Matrix kernels for the dense weights: F16 (the LM head, the FP16 baseline's projections) with
// float activations, tested against the scalar reference cpu_dense_rows; Q8_0 and Q6_K (the opt-in
// heads) with Q8_0-quantized activations, tested against cpu_q8_0_rows and cpu_q6_k_rows. They sum floats in a different
// order, so they agree to rounding (well under 1e-5 of sum |w * x|), not bit for bit. The Q4_K and
// Q5_K ones (the k-quant heads of llama.cpp's files) repeat the float operations of cpu_q4_k_rows /
// cpu_q5_k_rows in their order, one row per lane, and match them bit for bit.
#include <cstdint>

#include "backend/cpu/simd/q6k_repack.h"
#include "backend/cpu/simd/q8_repack.h"
#include "backend/cpu/simd/qk_repack.h"
#include "backend/cpu/simd/ternary_kernels.h"
#include "tensor/type_traits.h"

namespace tern::simd {

// out[t * out_stride + r] = extra_scale * (row r of w) . (token t of x), for rows r in [r0, r1)
// and tokens t < n_tok; x is [n_tok][k] floats.
using DenseRowsFn = void (*)(const TensorView& w, int64_t r0, int64_t r1, const float* x, int n_tok, float extra_scale,
                             float* out, int out_stride);

// The same over a Q8_0 matrix regrouped by repack_q8_0.
using PackedQ8RowsFn = void (*)(const RepackedQ8& w, int64_t r0, int64_t r1, const float* x, int n_tok,
                                float extra_scale, float* out, int out_stride);

// The same over a Q6_K matrix regrouped by repack_q6_k.
using PackedQ6KRowsFn = void (*)(const RepackedQ6K& w, int64_t r0, int64_t r1, const float* x, int n_tok,
                                 float extra_scale, float* out, int out_stride);

// The same over a Q4_K or Q5_K matrix regrouped by repack_qk.
using PackedQKRowsFn = void (*)(const RepackedQK& w, int64_t r0, int64_t r1, const float* x, int n_tok,
                                float extra_scale, float* out, int out_stride);

struct DenseKernel {
    const char* name;
    DenseRowsFn f16;            // TypeId::F16
    DenseRowsFn q8_0;            // TypeId::Q8_0 as stored (quantizes the activations too, as cpu_q8_0_rows)
    PackedQ8RowsFn q8_0_packed;  // a Q8_0 matrix from repack_q8_0; the backend repacks when this is set
    PackedQ6KRowsFn q6_k_packed;  // a Q6_K matrix from repack_q6_k; likewise
    PackedQKRowsFn qk_packed;     // a Q4_K or Q5_K matrix from repack_qk; likewise
};

// The dense kernels that go with a ternary kernel's instruction set; nullptr for the portable
// scalar kernel (the reference cpu_dense_rows then runs). A nullptr entry in the table: the
// reference runs that type.
const DenseKernel* dense_kernel_for(KernelIsa isa);
// The function for this weight type, or nullptr when only the reference handles it.
DenseRowsFn dense_rows_fn(const DenseKernel& kernel, TypeId type);

}  // namespace tern::simd
