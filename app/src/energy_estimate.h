#pragma once
// ESTIMATES (not measurements) of what an FP16 model of the same shape would cost, from the model's
// own metadata. Qt-free on purpose: it is meant to move into the engine once the measured FP16
// baseline and the energy model land there.
#include <cstdint>

namespace tern::estimate {

// Arithmetic energy per operation at 7 nm, from the BitNet b1.58 paper (Ma et al. 2024, table 2).
inline constexpr double kInt8AddPj = 0.007;
inline constexpr double kFp16AddPj = 0.16;
inline constexpr double kFp16MulPj = 0.34;

struct ModelShape {
    uint64_t parameters = 0;          // weights the graph uses (element count)
    uint64_t weight_bytes = 0;        // their bytes as stored (ternary + the float leftovers)
    uint64_t kv_bytes_per_token = 0;  // K and V for one position, all layers
};

struct Comparison {
    // Per generated token, matrix arithmetic only (one multiply-accumulate per weight).
    double ternary_pj_per_token = 0;  // ternary weights: the multiply is a sign, so adds only
    double fp16_pj_per_token = 0;     // FP16: one multiply and one add per weight
    double energy_ratio = 0;          // fp16 / ternary
    // Memory.
    uint64_t ternary_weight_bytes = 0;
    uint64_t fp16_weight_bytes = 0;   // parameters x 2 bytes
    double memory_ratio = 0;          // fp16 / ternary
    // Bytes read from memory per token at context position n_ctx_used: weights + the KV cache.
    double ternary_bytes_per_token = 0;
    double fp16_bytes_per_token = 0;
    double bandwidth_ratio = 0;
};

Comparison compare_with_fp16(const ModelShape& shape, int n_ctx_used);

// Joules for n tokens from picojoules per token.
inline double joules(double pj_per_token, double tokens) { return pj_per_token * tokens * 1e-12; }

}  // namespace tern::estimate
