#include "energy_estimate.h"

namespace tern::estimate {

Comparison compare_with_fp16(const ModelShape& s, int n_ctx_used) {
    Comparison c;
    const double macs = static_cast<double>(s.parameters);
    // BitNet b1.58: with weights in {-1, 0, +1} a matmul is INT8 additions of the activations.
    c.ternary_pj_per_token = macs * kInt8AddPj;
    c.fp16_pj_per_token = macs * (kFp16MulPj + kFp16AddPj);
    c.energy_ratio = c.ternary_pj_per_token > 0 ? c.fp16_pj_per_token / c.ternary_pj_per_token : 0;

    c.ternary_weight_bytes = s.weight_bytes;
    c.fp16_weight_bytes = s.parameters * 2;
    c.memory_ratio = s.weight_bytes ? double(c.fp16_weight_bytes) / double(s.weight_bytes) : 0;

    // Decoding reads every weight once per token, plus the KV cache so far (same for both).
    const double kv = double(s.kv_bytes_per_token) * (n_ctx_used > 0 ? n_ctx_used : 0);
    c.ternary_bytes_per_token = double(s.weight_bytes) + kv;
    c.fp16_bytes_per_token = double(c.fp16_weight_bytes) + kv;
    c.bandwidth_ratio = c.ternary_bytes_per_token > 0 ? c.fp16_bytes_per_token / c.ternary_bytes_per_token : 0;
    return c;
}

}  // namespace tern::estimate
