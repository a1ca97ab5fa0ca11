#pragma once
// Element-wise ops with SIMD, bit-identical to their scalar references in cpu_ops.
#include <cstddef>

#include "backend/cpu/simd/ternary_kernels.h"

namespace tern::simd {

// out[i] = relu(gate[i])^2 * up[i], exactly as cpu_glu(gate, up, n, false, out) computes it.
using GluFn = void (*)(const float* gate, const float* up, size_t n, float* out);

// nullptr for the portable scalar kernel (the reference then runs).
GluFn glu_relu2_for(KernelIsa isa);

}  // namespace tern::simd
