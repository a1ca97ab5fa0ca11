#pragma once
// The CPU backend: the SIMD ternary kernels (or, with TERN_CPU_KERNEL=reference, the plain C++
// reference that defines the numerics) over a persistent thread pool. Ternary weights are repacked
// at load for the SIMD kernels; everything else is used straight from the mapped model file.
#include <cstdint>
#include <memory>
#include <string>

#include "backend/backend.h"
#include "tern/model.h"

namespace tern {

// kv_type: how sessions store their KV cache.
std::unique_ptr<Backend> make_cpu_backend(int n_threads, KvType kv_type = KvType::F32);

// The kernels a CPU backend runs now: the ternary kernel's name ("avx512vnni", "avx2", "neon",
// "scalar", ...), or "reference" under TERN_CPU_KERNEL=reference. The backend's name is "cpu-" + it.
std::string cpu_kernel_name();

// Bytes one cached K or V row of head_dim values takes in kv_type (Q8_0: codes and scales).
uint64_t cpu_kv_row_bytes(KvType kv_type, int head_dim);

}  // namespace tern
