#pragma once
// Element-wise ops with SIMD, bit-identical to their scalar references in cpu_ops.
#include <cstddef>
#include <cstdint>

#include "backend/cpu/simd/ternary_kernels.h"

namespace tern::simd {

// out[i] = relu(gate[i])^2 * up[i], exactly as cpu_glu(gate, up, n, false, out) computes it.
using GluFn = void (*)(const float* gate, const float* up, size_t n, float* out);

// out[i] = f32_to_f16(x[i]): rounding to nearest even, overflow to infinity, NaN kept quiet with
// its top payload bits (writing K and V into an F16 cache).
using ToF16Fn = void (*)(const float* x, size_t n, uint16_t* out);

// nullptr for the portable scalar kernel (the reference then runs).
GluFn glu_relu2_for(KernelIsa isa);
ToF16Fn to_f16_for(KernelIsa isa);

}  // namespace tern::simd
